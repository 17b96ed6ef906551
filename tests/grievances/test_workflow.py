"""Codes, filing and the workflow: stages only in order, dated; deadlines; officers; and the
complainant's identity seen by grievance officers alone, each look audited."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hsbp.audit import AuditEntry
from hsbp.errors import ServiceError
from hsbp.grievances import codes, officers, services
from hsbp.grievances.models import NEXT_STAGES, Stage
from tests.grievances.conftest import membership_of


def test_codes_are_eight_digits_with_a_check_digit_that_catches_typos():
    code = codes.new_code()
    assert len(code) == 8 and code.isdigit()
    assert codes.normalise(codes.shown(code)) == code
    assert codes.normalise(f"{code[:4]}-{code[4:]}") == code
    for position in range(8):  # any single wrong digit is refused
        digit = str((int(code[position]) + 1) % 10)
        assert codes.normalise(code[:position] + digit + code[position + 1 :]) is None
    for position in range(7):  # any swap of two different neighbours is refused
        a, b = code[position], code[position + 1]
        if a != b:
            assert codes.normalise(code[:position] + b + a + code[position + 2 :]) is None
    assert codes.normalise("1234") is None
    assert codes.normalise("ABCD1234") is None


def test_codes_are_not_predictable_from_one_another():
    made = [codes.new_code() for _ in range(2000)]
    # Ten million codes: two of 2,000 drawn alike happens (about one run in five), six never.
    assert len(set(made)) >= len(made) - 5
    # Seven random digits: consecutive codes share no order and spread over every digit.
    assert sorted(made) != made
    assert {c[0] for c in made} == set("0123456789")


def test_every_grievance_gets_its_own_code(session, file):
    found = {file().code for _ in range(30)}
    assert len(found) == 30


def test_an_empty_report_is_refused(session, file):
    with pytest.raises(ServiceError) as caught:
        file(text="   ")
    assert caught.value.field == "description"


def test_an_anonymous_grievance_keeps_no_identity_but_its_reply_channel(session, file, contact):
    grievance = file(
        anonymous=True,
        channel="sms",
        complainant=services.Complainant(contact=contact, name="María", phone="310"),
    )
    assert (grievance.complainant_name, grievance.complainant_phone) == ("", "")
    assert grievance.contact_id == contact.id


def move(session, user, partnership, grievance, to, **extra):
    return services.change_stage(
        session,
        actor=user,
        membership=membership_of(session, user, partnership),
        grievance=grievance,
        to=to,
        **extra,
    )


def test_the_workflow_goes_stage_by_stage_with_dates(session, partnership, file, officer):
    grievance = file()
    for stage in (
        "acknowledged",
        "assessing",
        "response_proposed",
        "appealed",
        "assessing",
        "response_proposed",
        "accepted",
        "closed",
    ):
        move(session, officer, partnership, grievance, stage, note=f"to {stage}")
    assert grievance.stage == "closed"
    assert grievance.acknowledged_at and grievance.response_proposed_at and grievance.closed_at
    assert [e.stage_to for e in grievance.events][:3] == ["received", "acknowledged", "assessing"]
    assert grievance.events[-1].note == "to closed"


@pytest.mark.parametrize("stage", list(Stage))
def test_a_stage_out_of_order_is_refused(session, partnership, file, officer, stage):
    grievance = file()
    if stage in NEXT_STAGES[Stage.RECEIVED]:
        return
    with pytest.raises(ServiceError) as caught:
        move(session, officer, partnership, grievance, stage, referred_to="Defensoría")
    assert caught.value.field == "stage"
    assert grievance.stage == "received"


def test_a_referral_names_its_forum(session, partnership, file, officer):
    grievance = file()
    with pytest.raises(ServiceError) as caught:
        move(session, officer, partnership, grievance, "referred")
    assert caught.value.field == "referred_to"
    move(session, officer, partnership, grievance, "referred", referred_to="Defensoría del Pueblo")
    assert (grievance.stage, grievance.referred_to) == ("referred", "Defensoría del Pueblo")


def test_only_facilitators_and_officers_handle(session, partnership, file, company_rep, observer):
    grievance = file()
    for user in (company_rep, observer):
        with pytest.raises(ServiceError):
            move(session, user, partnership, grievance, "acknowledged")
    assert grievance.stage == "received"


def test_deadlines_follow_the_partnership_settings(session, partnership, file, officer):
    grievance = file()
    settings = services.settings_of(session, partnership.id)
    received = grievance.received_at
    assert services.deadline(grievance, settings) == received + timedelta(days=7)
    assert not services.is_overdue(grievance, settings, received + timedelta(days=6))
    assert services.is_overdue(grievance, settings, received + timedelta(days=8))
    move(session, officer, partnership, grievance, "acknowledged")
    assert services.deadline(grievance, settings) == received + timedelta(days=30)
    settings.respond_days = 10
    assert services.is_overdue(grievance, settings, received + timedelta(days=11))
    move(session, officer, partnership, grievance, "assessing")
    move(session, officer, partnership, grievance, "response_proposed")
    assert services.deadline(grievance, settings) is None


def test_only_grievance_officers_see_who_filed_and_each_look_is_audited(
    session, partnership, file, officer, facilitator, company_rep, observer
):
    grievance = file()
    for user in (facilitator, company_rep, observer):
        with pytest.raises(ServiceError):
            services.identity(
                session,
                actor=user,
                membership=membership_of(session, user, partnership),
                grievance=grievance,
            )
    seen = services.identity(
        session,
        actor=officer,
        membership=membership_of(session, officer, partnership),
        grievance=grievance,
    )
    assert (seen.name, seen.phone) == ("María Lozano", "3104567890")
    looks = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "grievance.identity_view")
    ).all()
    assert [(e.actor_id, e.partnership_id) for e in looks] == [(officer.id, partnership.id)]


def test_only_facilitators_name_officers(session, partnership, facilitator, company_rep):
    rep_membership = membership_of(session, company_rep, partnership)
    with pytest.raises(ServiceError):
        officers.grant_officer(
            session,
            actor=company_rep,
            membership=rep_membership,
            user_id=company_rep.id,
            confirm_recusal=True,
        )
    assert not officers.is_officer(session, user_id=company_rep.id, partnership_id=partnership.id)
    boss = membership_of(session, facilitator, partnership)
    officers.grant_officer(
        session, actor=facilitator, membership=boss, user_id=company_rep.id, confirm_recusal=True
    )
    assert officers.is_officer(session, user_id=company_rep.id, partnership_id=partnership.id)
    officers.revoke_officer(session, actor=facilitator, membership=boss, user_id=company_rep.id)
    assert not officers.is_officer(session, user_id=company_rep.id, partnership_id=partnership.id)


def test_a_grievance_recorded_for_an_sms_contact_sends_them_their_code(
    session, partnership, file, contact
):
    from hsbp.sms import contacts as sms_contacts
    from hsbp.sms.models import OutboundMessage

    sms_contacts.configure_sender(
        session, partnership_id=partnership.id, sender="+15005550006", join_code="CAGUAN"
    )
    # Joined from their phone, as a contact whose grievance is told by SMS must have: so
    # they consented to its follow-up (hsbp.consent).
    sms_contacts.join(session, contact=contact, partnership_id=partnership.id, channel="sms")
    grievance = file(channel="in_person", complainant=services.Complainant(contact=contact))
    bodies = session.scalars(
        select(OutboundMessage.body).where(OutboundMessage.contact_id == contact.id)
    ).all()
    assert len(bodies) == 1 and codes.shown(grievance.code) in bodies[0]
    contact.opted_out = True
    file(channel="phone", complainant=services.Complainant(contact=contact))
    assert (
        session.scalar(
            select(func.count())
            .select_from(OutboundMessage)
            .where(OutboundMessage.contact_id == contact.id)
        )
        == 1
    )
