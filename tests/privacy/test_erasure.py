"""Erasing a person from the web: what the page shows first, what goes, what stays, the
record it leaves, erasing twice, and who may."""

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from hsbp.audit import AuditEntry
from hsbp.consultations.models import Answer, AnswerChoice, Response
from hsbp.db import utcnow
from hsbp.grievances.models import Grievance, Stage
from hsbp.mapping.models import Participant
from hsbp.ops import keys
from hsbp.partnerships.models import Membership
from hsbp.partnerships.profile_models import FacilitatorProfile
from hsbp.privacy.models import Erasure
from hsbp.security import Role
from hsbp.sms import contacts
from hsbp.sms.models import Contact, ContactMembership, InboundMessage, OutboundMessage
from tests.conftest import FIELD_KEY
from tests.privacy.conftest import NAME, WORDS, audit_actions, sign_in, text_in
from tests.sms.conftest import PHONE, add_contact, page_text


def erase_url(partnership, kind, subject_id):
    return f"/p/{partnership.id}/privacy/erase/{kind}/{subject_id}"


def test_the_page_counts_what_goes_and_erasing_removes_it(client, session, partnership, person):
    page = client.get(erase_url(partnership, "participant", person.participant.id))
    assert page.status_code == 200
    text = page_text(page)
    assert "What will be removed" in text
    response = client.post(
        erase_url(partnership, "participant", person.participant.id),
        data={"grounds": "persons_request", "understood": "y", "with_contacts": "y"},
    )
    assert response.status_code == 302, page_text(response)
    session.expire_all()
    participant = session.get(Participant, person.participant.id)
    assert participant.erased_at is not None
    # In the partnership's language (Spanish here), as its people read the register.
    assert participant.display_name == f"Participante borrado {participant.id}"
    assert participant.protected_name == "" and participant.phone is None
    contact = session.get(Contact, person.contact.id)
    assert contact.erased_at is not None and contact.phone == ""
    assert contact.phone_hash.startswith("erased:")
    assert (
        session.scalar(select(ContactMembership).where(ContactMembership.contact_id == contact.id))
        is None
    )
    answer_texts = session.scalars(select(Answer.text).where(Answer.text.is_not(None))).all()
    assert WORDS["answer"] not in answer_texts
    assert session.scalar(select(AnswerChoice.choice)) == "a1"
    response_row = session.scalar(select(Response))
    assert response_row.contact_id is None and response_row.participant_id is None
    grievance = session.get(Grievance, person.grievance.id)
    assert grievance.complainant_name == "" and grievance.identity_removed_at is not None
    assert grievance.description != WORDS["grievance"]
    erasure = session.scalar(select(Erasure))
    assert erasure.partnership_id == partnership.id and erasure.requested_via == "web"
    assert audit_actions(session, partnership.id)[-1] == "privacy.erase"
    done = client.get(response.headers["Location"])
    assert done.status_code == 200
    assert NAME not in page_text(done)


def erase(client, partnership, kind, subject_id, **data):
    form = {"grounds": "persons_request", "understood": "y", **data}
    return client.post(erase_url(partnership, kind, subject_id), data=form)


def test_erasing_twice_says_when_it_was_done_and_changes_nothing(
    client, session, partnership, person
):
    assert erase(client, partnership, "participant", person.participant.id).status_code == 302
    entries = len(audit_actions(session, partnership.id))
    session.expire_all()
    erased_on = session.get(Participant, person.participant.id).erased_at
    for response in (
        client.get(erase_url(partnership, "participant", person.participant.id)),
        erase(client, partnership, "participant", person.participant.id),
    ):
        assert response.status_code == 200
        text = page_text(response)
        assert "Already erased, on" in text and "nothing was changed" in text
        assert "Erase for good" not in text
    assert len(audit_actions(session, partnership.id)) == entries
    assert session.scalar(select(func.count()).select_from(Erasure)) == 1
    assert session.get(Participant, person.participant.id).erased_at == erased_on


def test_the_contact_erased_twice_is_told_so_too(client, session, partnership, person):
    assert erase(client, partnership, "contact", person.contact.id).status_code == 302
    again = client.get(erase_url(partnership, "contact", person.contact.id))
    assert again.status_code == 200 and "Already erased, on" in page_text(again)


def test_nothing_happens_without_the_box_ticked(client, session, partnership, person):
    response = client.post(
        erase_url(partnership, "participant", person.participant.id),
        data={"grounds": "persons_request"},
    )
    assert response.status_code == 422
    assert "Tick the box to confirm." in page_text(response)
    session.expire_all()
    assert session.get(Participant, person.participant.id).erased_at is None
    assert session.scalar(select(func.count()).select_from(Erasure)) == 0


@pytest.mark.parametrize("role", [Role.REPRESENTATIVE, Role.OBSERVER, "co-facilitator", "outsider"])
def test_only_a_lead_facilitator_opens_or_uses_the_pages(
    app, session, make, partnership, person, role
):
    other = app.test_client()
    user = make.user()
    if role == "outsider":
        make.member(make.partnership(), Role.FACILITATOR, user=user)
    elif role == "co-facilitator":
        make.member(partnership, Role.FACILITATOR, user=user)
        community = make.partner(partnership, sector="community_group")
        membership = session.scalar(
            select(Membership).where(
                Membership.user_id == user.id, Membership.partnership_id == partnership.id
            )
        )
        session.add(
            FacilitatorProfile(
                partnership_id=partnership.id,
                membership_id=membership.id,
                community_partner_id=community.id,
            )
        )
    else:
        make.member(partnership, role, user=user)
    sign_in(other, session, user)
    for kind, subject_id in (
        ("contact", person.contact.id),
        ("participant", person.participant.id),
        ("complainant", person.grievance.id),
    ):
        assert other.get(erase_url(partnership, kind, subject_id)).status_code == 404
        assert erase(other, partnership, kind, subject_id).status_code == 404
    session.expire_all()
    assert session.get(Participant, person.participant.id).erased_at is None
    assert session.scalar(select(func.count()).select_from(Erasure)) == 0


def test_a_contact_of_another_partnership_only_is_not_found(
    client, session, make, partnership, lead
):
    elsewhere = make.partnership(name="Zenica")
    stranger = add_contact(session, elsewhere, "+573009998877")
    assert client.get(erase_url(partnership, "contact", stranger.id)).status_code == 404
    assert erase(client, partnership, "contact", stranger.id).status_code == 404


def test_a_stale_sign_in_must_prove_it_is_them_first(client, session, partnership, person, lead):
    lead.current_session.reauthenticated_at = utcnow() - timedelta(hours=1)
    session.flush()
    response = client.get(erase_url(partnership, "participant", person.participant.id))
    assert response.status_code == 302 and "/reauth" in response.headers["Location"]


def test_a_contact_another_partnership_keeps_leaves_only_this_one(
    client, session, make, partnership, person
):
    """The number stays for the other partnership, whose rows are untouched; this one's rows
    go to a stand-in with no number, and the page never says there was another."""
    elsewhere = make.partnership(name="Zenica")
    add_contact(session, elsewhere, PHONE)
    theirs = session.add(
        InboundMessage(
            provider_sid="SMelsewhere" + "0" * 23,
            from_phone=PHONE,
            from_hash=contacts.phone_hash(PHONE),
            to_number="+15005550007",
            body="Mensaje a Zenica",
            contact_id=person.contact.id,
            partnership_id=elsewhere.id,
            route="inbox",
            in_inbox=True,
        )
    )
    session.flush()
    page = page_text(client.get(erase_url(partnership, "contact", person.contact.id)))
    assert "Zenica" not in page and "another partnership" not in page
    assert erase(client, partnership, "contact", person.contact.id).status_code == 302
    session.expire_all()
    contact = session.get(Contact, person.contact.id)
    assert contact.erased_at is None and contact.phone == PHONE
    assert [m.partnership_id for m in contact.memberships] == [elsewhere.id]
    mine = session.scalars(
        select(InboundMessage).where(InboundMessage.partnership_id == partnership.id)
    ).all()
    assert mine and all(m.contact_id != contact.id and m.from_phone == "" for m in mine)
    assert {m.body for m in mine} == {""}
    kept = session.scalar(
        select(InboundMessage).where(InboundMessage.partnership_id == elsewhere.id)
    )
    assert (kept.body, kept.from_phone, kept.contact_id) == ("Mensaje a Zenica", PHONE, contact.id)
    del theirs
    again = page_text(client.get(erase_url(partnership, "contact", contact.id)))
    assert "Already erased, on" in again


def test_an_open_grievance_loses_who_filed_it_and_keeps_its_case(
    client, session, partnership, person
):
    grievance = person.grievance
    grievance.stage, grievance.closed_at = Stage.ASSESSING, None
    grievance.description = f"{NAME} dice: {WORDS['grievance']}"
    session.flush()
    page = page_text(client.get(erase_url(partnership, "complainant", grievance.id)))
    assert "Open grievances: who filed them" in page
    assert erase(client, partnership, "complainant", grievance.id).status_code == 302
    session.expire_all()
    grievance = session.get(Grievance, grievance.id)
    assert grievance.identity_removed_at is not None and grievance.contact_id is None
    assert (grievance.complainant_name, grievance.complainant_phone) == ("", "")
    assert grievance.description == f"… dice: {WORDS['grievance']}"
    assert session.get(Contact, person.contact.id).erased_at is None  # only the complainant
    again = page_text(client.get(erase_url(partnership, "complainant", grievance.id)))
    assert "Already erased, on" in again
    # Once closed, erasing the complainant again takes the words.
    grievance.stage, grievance.closed_at = Stage.CLOSED, utcnow()
    session.flush()
    assert "Closed grievances" in page_text(
        client.get(erase_url(partnership, "complainant", grievance.id))
    )
    assert erase(client, partnership, "complainant", grievance.id).status_code == 302
    session.expire_all()
    assert (
        session.get(Grievance, grievance.id).description == "(eliminado a solicitud de la persona)"
    )
    assert "Already erased, on" in page_text(
        client.get(erase_url(partnership, "complainant", grievance.id))
    )


def test_a_closed_grievance_loses_its_words_for_the_placeholder(
    client, session, partnership, person
):
    assert erase(client, partnership, "complainant", person.grievance.id).status_code == 302
    session.expire_all()
    grievance = session.get(Grievance, person.grievance.id)
    assert grievance.description == "(eliminado a solicitud de la persona)"
    assert {e.note for e in grievance.events} == {""}
    assert session.get(Contact, person.contact.id).phone == PHONE


def test_the_audit_log_keeps_the_erasure_and_forgets_the_person(
    client, session, partnership, person
):
    erase(client, partnership, "participant", person.participant.id, with_contacts="y")
    session.expire_all()
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.partnership_id == partnership.id)
    ).all()
    for entry in entries:
        flat = repr(entry.details)
        assert NAME not in flat and PHONE not in flat and WORDS["audit"] not in flat, entry.action
    erased = [e for e in entries if e.action == "privacy.erase"]
    assert len(erased) == 1
    details = erased[0].details
    assert (details["subject_kind"], details["grounds"]) == ("participant", "persons_request")
    assert details["participant_id"] == person.participant.id
    assert details["removed"]["messages_received"] >= 1
    assert "audit.scrub" in [e.action for e in entries]
    log = page_text(client.get(f"/p/{partnership.id}/audit"))
    assert "erased the data of a person" in log


def test_a_complainant_by_sms_loses_the_report_and_its_receipt_too(
    client, session, partnership, person
):
    text_in(client, session, f"QUEJA {WORDS['grievance']}")
    grievance = session.scalar(
        select(Grievance).where(Grievance.id != person.grievance.id).order_by(Grievance.id.desc())
    )
    assert grievance.contact_id == person.contact.id
    assert erase(client, partnership, "complainant", grievance.id).status_code == 302
    session.expire_all()
    report = session.scalar(
        select(InboundMessage).where(InboundMessage.route == "grievance_report")
    )
    assert (report.contact_id, report.from_phone, report.body) == (None, "", "")
    receipt = session.scalar(
        select(OutboundMessage).where(OutboundMessage.reply_to_id == report.id)
    )
    assert receipt.contact_id != person.contact.id and receipt.body_removed_at is not None
    # The contact itself stays: only the complainant of that grievance was erased.
    assert session.get(Contact, person.contact.id).phone == PHONE
    assert session.get(Grievance, person.grievance.id).identity_removed_at is None


def test_a_key_rotation_leaves_the_random_hashes_of_erased_rows(
    app_with, client, session, partnership, person
):
    """A hash stands for a value: an erased row has none, so a rotation must not make two
    erased contacts share the hash of nothing (their column is unique)."""
    other = add_contact(session, partnership, "+573001234567")
    for contact in (person.contact, other):
        assert erase(client, partnership, "contact", contact.id).status_code == 302
    assert erase(client, partnership, "participant", person.participant.id).status_code == 302
    session.expire_all()
    before = {c.id: c.phone_hash for c in session.scalars(select(Contact))}
    names = {p.id: p.name_hash for p in session.scalars(select(Participant))}
    both = app_with(FIELD_KEY=f"{Fernet.generate_key().decode()},{FIELD_KEY}")
    summary = keys.rotate(both, batch=50, echo=lambda _line: None)
    assert summary.failures == []
    session.expire_all()
    erased = {c.id: c.phone_hash for c in session.scalars(select(Contact)) if c.erased_at}
    assert erased == {cid: h for cid, h in before.items() if cid in erased}
    assert len(erased) == 2 and len(set(erased.values())) == 2
    assert session.get(Participant, person.participant.id).name_hash == names[person.participant.id]
