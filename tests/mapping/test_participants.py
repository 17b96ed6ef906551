"""Mapping participants: fields, phone numbers, duplicates, relationships, group tags."""

import pytest
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.errors import ServiceError
from hsbp.mapping import relations, services
from hsbp.mapping import tags as mapping_tags
from hsbp.mapping.models import Participant
from tests.mapping.conftest import participant_fields


def test_phone_is_stored_in_e164_encrypted_and_hashed(session, connection, add):
    participant = add(phone="310 456 7821")
    assert participant.phone == "+573104567821"
    raw = connection.exec_driver_sql(
        f"SELECT phone, phone_hash FROM mapping_participants WHERE id = {participant.id}"
    ).one()
    assert "4567821" not in raw[0]
    assert "4567821" not in raw[1]
    assert len(raw[1]) == 64


def test_phone_uses_the_partnership_country_for_national_numbers(session, make, mapped):
    bosnia = make.partnership(country="BA")
    participant = services.create_participant(
        session,
        actor=mapped.facilitator,
        partnership=bosnia,
        fields=participant_fields(phone="061 123 456"),
    )
    assert participant.phone == "+38761123456"


@pytest.mark.parametrize("bad", ["12", "not a phone", "+57 123"])
def test_a_phone_that_does_not_parse_is_refused(add, bad):
    with pytest.raises(ServiceError) as refused:
        add(phone=bad)
    assert str(refused.value.message) == f"This is not a phone number: {bad}"
    assert refused.value.field == "phone"


def test_same_phone_twice_is_a_possible_duplicate_shown_to_a_facilitator(session, add):
    first = add(phone="3104567821")
    found = add(name="Otro nombre", phone="+57 310 456 7821")
    assert found == services.PossibleDuplicate(candidate=first, review=None)
    assert session.scalars(select(Participant.id)).all() == [first.id]


def test_same_name_in_the_same_locality_is_a_duplicate_whatever_the_accents(add):
    first = add(name="José Pérez", locality="Playa Rica")
    assert add(name="jose  perez", locality="playa rica").candidate == first
    assert add(name="José Pérez", locality="Florencia").locality == "Florencia"


def test_missing_name_and_bad_scales_are_refused(add):
    with pytest.raises(ServiceError, match=r"A name is required\."):
        add(name="  ")
    with pytest.raises(ServiceError, match=r"Use a number from 1 to 5\."):
        add(interest=6)


def test_reachable_means_a_phone_an_email_or_an_intermediary(add):
    assert add(name="A").reachable is False
    assert add(name="B", intermediary="Lucía").reachable is True
    assert add(name="C", email="c@example.org").reachable is True


def test_audit_entries_never_hold_names_or_phones(session, add):
    participant = add(name="Diana Ortiz", phone="3146667788", risk="high")
    services.update_participant(
        session,
        actor=participant_actor(session),
        partnership=participant_partnership(session, participant),
        participant=participant,
        fields=participant_fields(name="Diana M. Ortiz", phone="3146667789", risk="high"),
    )
    details = " ".join(str(e.details) for e in session.scalars(select(AuditEntry)))
    assert "Diana" not in details
    assert "3146667788" not in details
    assert "6667789" not in details


def participant_actor(session):
    from hsbp.auth.models import User

    return session.scalars(select(User)).first()


def participant_partnership(session, participant):
    from hsbp.partnerships.models import Partnership

    return session.get(Partnership, participant.partnership_id)


def test_relationship_to_a_participant_of_another_partnership_is_refused(
    session, make, mapped, add
):
    mine = add(name="Mine")
    other_partnership = make.partnership()
    theirs = services.create_participant(
        session,
        actor=mapped.facilitator,
        partnership=other_partnership,
        fields=participant_fields(name="Theirs"),
    )
    with pytest.raises(ServiceError, match=r"Both participants must be mapped in this"):
        relations.add_relationship(
            session,
            actor=mapped.facilitator,
            partnership=mapped.partnership,
            source_id=mine.id,
            target_id=theirs.id,
            kind="cooperates",
        )


def test_relationship_rules(session, mapped, add):
    a, b = add(name="A"), add(name="B")
    link = relations.add_relationship(
        session,
        actor=mapped.facilitator,
        partnership=mapped.partnership,
        source_id=a.id,
        target_id=b.id,
        kind="tension",
        note="Uso del agua",
    )
    assert (link.kind, link.note) == ("tension", "Uso del agua")
    with pytest.raises(ServiceError, match="already recorded"):
        relations.add_relationship(
            session,
            actor=mapped.facilitator,
            partnership=mapped.partnership,
            source_id=a.id,
            target_id=b.id,
            kind="tension",
        )
    with pytest.raises(ServiceError, match="cannot be related to itself"):
        relations.add_relationship(
            session,
            actor=mapped.facilitator,
            partnership=mapped.partnership,
            source_id=a.id,
            target_id=a.id,
            kind="tension",
        )


def test_default_group_tags_and_a_partnership_s_own(session, mapped):
    tags = mapping_tags.group_tags(session, partnership_id=mapped.partnership.id)
    assert [t.key for t in tags] == [
        "women",
        "youth",
        "indigenous",
        "minorities",
        "displaced",
        "victims",
        "disabilities",
        "older",
    ]
    tag = mapping_tags.add_tag(
        session,
        actor=mapped.facilitator,
        partnership=mapped.partnership,
        names={"es": "Campesinos sin tierra", "en": "Landless farmers"},
    )
    assert tag.key == "campesinos-sin-tierra"
    with pytest.raises(ServiceError, match="already has a group of this name"):
        mapping_tags.add_tag(
            session,
            actor=mapped.facilitator,
            partnership=mapped.partnership,
            names={"es": "Campesinos sin tierra"},
        )


def test_facilitator_maps_a_participant_through_the_form(client, login, mapped, session):
    login(mapped.facilitator)
    tag = mapping_tags.group_tags(session, partnership_id=mapped.partnership.id)[0]
    response = client.post(
        f"/p/{mapped.partnership.id}/mapping/new",
        data={
            "name": "Red de Mujeres Rurales",
            "kind": "group",
            "sector": "community_group",
            "locality": "Bajo Caguán",
            "languages": "es, pbb",
            "tag_ids": [str(tag.id)],
            "interest": "5",
            "influence": "1",
            "phone": "3024445566",
            "risk": "medium",
            "proposed_by_partner_id": str(mapped.civil.id),
            "consent_method": "verbal",
        },
    )
    assert response.status_code == 302
    participant = session.scalars(select(Participant)).one()
    assert (participant.languages, [t.key for t in participant.tags]) == (["es", "pbb"], ["women"])
    assert participant.proposed_by_partner_id == mapped.civil.id


def test_a_bad_phone_in_the_form_rerenders_and_saves_nothing(client, login, mapped, session):
    login(mapped.facilitator)
    response = client.post(
        f"/p/{mapped.partnership.id}/mapping/new",
        data={
            "name": "X",
            "kind": "person",
            "sector": "individual",
            "interest": "3",
            "influence": "3",
            "risk": "low",
            "phone": "12345",
            "proposed_by_partner_id": "0",
        },
    )
    assert response.status_code == 422
    assert "This is not a phone number: 12345" in response.get_data(as_text=True)
    assert session.scalars(select(Participant)).all() == []


def test_a_representative_proposes_for_their_own_partner(client, login, mapped, session):
    login(mapped.company_rep)
    client.post(
        f"/p/{mapped.partnership.id}/mapping/new",
        data={
            "name": "Cooperativa",
            "kind": "organisation",
            "sector": "company",
            "interest": "3",
            "influence": "3",
            "risk": "low",
            "proposed_by_partner_id": str(mapped.civil.id),
        },
    )
    assert session.scalars(select(Participant)).one().proposed_by_partner_id == mapped.company.id


def test_observers_cannot_map(client, login, mapped):
    login(mapped.observer)
    assert client.get(f"/p/{mapped.partnership.id}/mapping/new").status_code == 404


def test_a_representative_maps_without_the_proposer_field_they_are_not_shown(
    client, login, mapped, session
):
    login(mapped.company_rep)
    page = client.get(f"/p/{mapped.partnership.id}/mapping/new").get_data(as_text=True)
    assert 'name="proposed_by_partner_id"' not in page
    response = client.post(
        f"/p/{mapped.partnership.id}/mapping/new",
        data={
            "name": "Cooperativa",
            "kind": "organisation",
            "sector": "company",
            "interest": "3",
            "influence": "3",
            "risk": "low",
        },
    )
    assert response.status_code == 302
    assert session.scalars(select(Participant)).one().proposed_by_partner_id == mapped.company.id
