"""Participants in the audit log: by id, never by name or contact, shown by their current
display name, and scrubbed from earlier entries once they are protected."""

import io

from sqlalchemy import select

from hsbp import audit
from hsbp.audit import AuditEntry
from hsbp.mapping import history, relations, services
from hsbp.mapping.models import ParticipantImport
from hsbp.partnerships.models import Membership
from tests.mapping.conftest import participant_fields

REAL_NAME = "Diana Marcela Ortiz"


def details_of(session, action: str) -> list[dict]:
    return [
        e.details
        for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    ]


def membership(session, user) -> Membership:
    return session.scalars(select(Membership).where(Membership.user_id == user.id)).one()


def test_every_entry_about_a_participant_names_it_by_id(session, mapped, add):
    person = add(
        name=REAL_NAME, intermediary="Lucía Hernández", proposed_by_partner_id=mapped.civil.id
    )
    other = add(name="Junta de Acción Comunal")
    services.update_participant(
        session,
        actor=mapped.facilitator,
        partnership=mapped.partnership,
        participant=person,
        fields=participant_fields(
            name=REAL_NAME,
            intermediary="Pedro Gómez",
            notes="Vive cerca del río",
            interest=4,
            proposed_by_partner_id=mapped.civil.id,
        ),
    )
    services.validate_participant(
        session,
        actor=mapped.company_rep,
        membership=membership(session, mapped.company_rep),
        participant=person,
    )
    link = relations.add_relationship(
        session,
        actor=mapped.facilitator,
        partnership=mapped.partnership,
        source_id=person.id,
        target_id=other.id,
        kind="cooperates",
        note="Se reúnen con Pedro",
    )
    relations.remove_relationship(session, actor=mapped.facilitator, link=link)
    assert details_of(session, "participant.create") == [
        {"participant_id": person.id, "risk": "low"},
        {"participant_id": other.id, "risk": "low"},
    ]
    assert details_of(session, "participant.update") == [
        {
            "participant_id": person.id,
            "interest": [5, 4],
            "changed": ["intermediary", "notes"],
        }
    ]
    assert details_of(session, "participant.validate") == [
        {"participant_id": person.id, "partner_id": mapped.company.id}
    ]
    both = {"participant_id": person.id, "other_participant_id": other.id, "kind": "cooperates"}
    assert details_of(session, "relationship.create") == [both]
    assert details_of(session, "relationship.delete") == [both]
    logged = " ".join(str(e.details) for e in session.scalars(select(AuditEntry)))
    for private in ("Diana", "Lucía", "Pedro", "río", "Junta"):
        assert private not in logged


def old_entries(session, mapped, person) -> list[AuditEntry]:
    """Entries as they were written before participants were named by id."""
    written = [
        audit.record(
            session,
            actor_id=mapped.facilitator.id,
            action="participant.create",
            obj=person,
            partnership_id=mapped.partnership.id,
            details={"participant": REAL_NAME, "risk": "low"},
        ),
        audit.record(
            session,
            actor_id=mapped.facilitator.id,
            action="participant.update",
            obj=person,
            partnership_id=mapped.partnership.id,
            details={
                "participant": REAL_NAME,
                "intermediary": ["", "Lucía Hernández"],
                "interest": [3, 5],
            },
        ),
        # Another feature's entry that named the participant.
        audit.record(
            session,
            actor_id=mapped.facilitator.id,
            action="contact.link",
            obj=mapped.partnership,
            partnership_id=mapped.partnership.id,
            details={"participant": REAL_NAME.upper(), "contact_id": 7},
        ),
        audit.record(
            session,
            actor_id=mapped.facilitator.id,
            action="partner.update",
            obj=mapped.civil,
            partnership_id=mapped.partnership.id,
            details={"name": ["Raíces", "Raíces del Caguán"]},
        ),
    ]
    session.flush()
    return written


def test_protecting_a_participant_scrubs_its_name_from_earlier_entries(
    client, login, mapped, add, session, connection
):
    person = add(name=REAL_NAME, kind="person", sector="individual")
    written = old_entries(session, mapped, person)
    login(mapped.facilitator)
    response = client.post(
        f"/p/{mapped.partnership.id}/mapping/{person.id}/edit",
        data={
            "name": REAL_NAME,
            "kind": "person",
            "sector": "individual",
            "locality": "Vereda La Esperanza",
            "interest": "5",
            "influence": "2",
            "risk": "high",
            "proposed_by_partner_id": "0",
        },
    )
    assert response.status_code == 302
    for entry in written:
        session.refresh(entry)
    assert [e.details for e in written] == [
        {"risk": "low", "scrubbed": ["participant"]},
        {"interest": [3, 5], "scrubbed": ["intermediary", "participant"]},
        {"contact_id": 7, "scrubbed": ["participant"]},
        {"name": ["Raíces", "Raíces del Caguán"]},
    ]
    assert details_of(session, "audit.scrub") == [{"entries": 3}]
    stored = connection.exec_driver_sql("SELECT details FROM audit_entries").scalars().all()
    assert not [text for text in stored if "Diana" in str(text) or "DIANA" in str(text)]
    assert "Hern" not in " ".join(str(text) for text in stored)  # the intermediary


def test_an_import_that_protects_a_participant_scrubs_it_too(client, login, mapped, add, session):
    person = add(name=REAL_NAME, kind="person", sector="individual", external_ref="CAG-001")
    written = old_entries(session, mapped, person)
    login(mapped.facilitator)
    content = (
        "external_ref,name,kind,sector,locality,risk\n"
        f"CAG-001,{REAL_NAME},person,individual,Vereda La Esperanza,high\n"
    ).encode()
    client.post(
        f"/p/{mapped.partnership.id}/mapping/import",
        data={"file": (io.BytesIO(content), "participants.csv")},
        content_type="multipart/form-data",
    )
    import_id = session.scalars(select(ParticipantImport.id)).one()
    client.post(f"/p/{mapped.partnership.id}/mapping/import/{import_id}")
    session.refresh(person)
    assert person.is_protected
    session.refresh(written[0])
    assert written[0].details == {"risk": "low", "scrubbed": ["participant"]}
    [scrub] = session.scalars(select(AuditEntry).where(AuditEntry.action == "audit.scrub")).all()
    assert (scrub.object_type, scrub.details) == ("ParticipantImport", {"entries": 3})


def test_the_audit_log_shows_participants_by_their_current_display_name(
    client, login, mapped, add, session
):
    person = add(name=REAL_NAME, kind="person", sector="individual")
    services.update_participant(
        session,
        actor=mapped.facilitator,
        partnership=mapped.partnership,
        participant=person,
        fields=participant_fields(name=REAL_NAME, kind="person", sector="individual", risk="high"),
    )
    login(mapped.facilitator)
    for page in (f"/p/{mapped.partnership.id}/audit", f"/p/{mapped.partnership.id}/"):
        body = client.get(page).get_data(as_text=True)
        assert f"participant_id: {person.display_name} (#{person.id})" in body, page
        assert "Diana" not in body, page


def test_the_audit_log_names_participants_in_one_query(
    client, login, mapped, add, session, count_queries
):
    login(mapped.facilitator)
    url = f"/p/{mapped.partnership.id}/audit"
    add(name="Uno")
    session.flush()
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for n in range(20):
        add(name=f"Participante {n}")
    session.flush()
    with count_queries() as many:
        body = client.get(url).get_data(as_text=True)
    assert "participant_id: Participante 19" in body
    assert many["n"] == few["n"]


def test_participants_protected_before_are_scrubbed_once_on_request(session, mapped, add):
    person = add(name=REAL_NAME, kind="person", sector="individual")
    written = old_entries(session, mapped, person)
    person.risk = "high"  # protected as the code did before: nothing scrubbed then
    session.flush()
    assert history.forget_protected(session) == 3
    session.refresh(written[1])
    assert written[1].details == {"interest": [3, 5], "scrubbed": ["intermediary", "participant"]}
    [scrub] = session.scalars(select(AuditEntry).where(AuditEntry.action == "audit.scrub")).all()
    assert (scrub.actor_id, scrub.object_type, scrub.object_id, scrub.details) == (
        None,
        "Partnership",
        mapped.partnership.id,
        {"entries": 3},
    )
    assert history.forget_protected(session) == 0
