"""Escalation of grievances past their deadline: the facilitators and grievance officers are
told by e-mail once a stage, in their language, without who filed it or what it says; a
new stage's deadline escalates again; the partnership's settings set the deadlines."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from hsbp.grievances import escalation, officers, services, tasks
from hsbp.grievances.models import GrievanceEvent
from hsbp.mail import OutboundEmail
from tests.grievances.conftest import membership_of

RECEIVED = datetime(2026, 3, 2, 15, tzinfo=UTC)


def emails(session) -> list[tuple[str, str, str]]:
    return [
        (m.to_address, m.subject, m.body)
        for m in session.scalars(select(OutboundEmail).order_by(OutboundEmail.id))
    ]


def received(file, **fields):
    grievance = file(**fields)
    grievance.received_at = RECEIVED
    return grievance


def link(grievance) -> str:
    return f"http://hsbp.test/p/{grievance.partnership_id}/grievances/{grievance.id}"


def test_an_overdue_grievance_is_escalated_once_to_facilitators_and_officers(
    session, partnership, file, facilitator, officer, company_rep, observer
):
    facilitator.locale = "en"  # Olga has none: the partnership's language, Spanish
    grievance = received(file)
    code = f"{grievance.code[:4]} {grievance.code[4:]}"
    ten_days_on = RECEIVED + timedelta(days=10)

    assert escalation.escalate_overdue(session, now=ten_days_on) == 1
    assert escalation.escalate_overdue(session, now=ten_days_on + timedelta(hours=1)) == 0

    sent = emails(session)
    assert [to for to, _subject, _body in sent] == [facilitator.email, officer.email]
    assert sent[0][1:] == (
        "Caguán: 1 grievance is past its deadline",
        "Hello Fabiola,\n\n"
        "These grievances are past their deadline and not yet handled:\n"
        f"- {code}, Received: due on Mar 9, 2026, 3 days late\n"
        f"  {link(grievance)}\n\n"
        "You get this e-mail because you are a facilitator or grievance officer of this "
        "partnership. Each grievance is escalated once at each stage.",
    )
    assert sent[1][2].startswith("Hola, Olga:")  # her language: the partnership's
    assert "Mar 9, 2026" not in sent[1][2]
    for _to, subject, body in sent:
        for secret in ("María", "3104567890", "camión"):
            assert secret not in subject + body
    assert grievance.escalated_at == ten_days_on
    events = session.scalars(
        select(GrievanceEvent).where(GrievanceEvent.grievance_id == grievance.id)
    ).all()
    assert [(e.stage_from, e.stage_to) for e in events] == [
        ("", "received"),
        ("received", "received"),
    ]


def test_a_grievance_within_its_deadline_is_not_escalated(session, partnership, file, facilitator):
    grievance = received(file)
    assert escalation.escalate_overdue(session, now=RECEIVED + timedelta(days=6)) == 0
    assert emails(session) == []
    assert grievance.escalated_at is None


def test_after_a_change_of_stage_the_next_deadline_escalates_again(
    session, partnership, file, officer
):
    officer.locale = "en"
    grievance = received(file)
    assert escalation.escalate_overdue(session, now=RECEIVED + timedelta(days=8)) == 1
    services.change_stage(
        session,
        actor=officer,
        membership=membership_of(session, officer, partnership),
        grievance=grievance,
        to="acknowledged",
        now=RECEIVED + timedelta(days=9),
    )
    # Acknowledged: now due 30 days from receipt.
    assert escalation.escalate_overdue(session, now=RECEIVED + timedelta(days=29)) == 0
    assert escalation.escalate_overdue(session, now=RECEIVED + timedelta(days=31)) == 1
    assert len(emails(session)) == 2
    assert "Acknowledged: due on Apr 1, 2026, 1 day late" in emails(session)[1][2]


def test_a_response_proposed_is_never_escalated(session, partnership, file, officer):
    grievance = received(file)
    membership = membership_of(session, officer, partnership)
    for stage in ("acknowledged", "assessing", "response_proposed"):
        services.change_stage(
            session, actor=officer, membership=membership, grievance=grievance, to=stage
        )
    assert escalation.escalate_overdue(session, now=RECEIVED + timedelta(days=400)) == 0


def test_the_settings_set_when_a_grievance_is_overdue(session, partnership, file, facilitator):
    received(file)
    settings = services.settings_of(session, partnership.id)
    settings.acknowledge_days = 2
    assert escalation.escalate_overdue(session, now=RECEIVED + timedelta(days=3)) == 1
    other = received(file)
    settings.acknowledge_days = 20
    assert escalation.escalate_overdue(session, now=RECEIVED + timedelta(days=19)) == 0
    assert other.escalated_at is None


def test_the_periodic_task_escalates_through_the_queue(
    app, session, partnership, file, facilitator
):
    grievance = file()
    grievance.received_at = datetime.now(UTC) - timedelta(days=8)
    session.flush()
    with app.app_context():  # as the worker runs it
        tasks.escalate_overdue_grievances()
    with app.app_context():
        tasks.escalate_overdue_grievances()
    session.expire_all()
    rows = session.scalars(select(OutboundEmail)).all()
    assert [(m.to_address, m.status) for m in rows] == [(facilitator.email, "sent")]


def test_an_officer_is_not_told_of_grievances_about_their_own_partner(
    session, partnership, file, facilitator, company_rep, company
):
    officers.grant_officer(
        session,
        actor=facilitator,
        membership=membership_of(session, facilitator, partnership),
        user_id=company_rep.id,
        confirm_recusal=True,
    )
    about_company = received(file, partner_id=company.id)
    other = received(file)

    assert escalation.escalate_overdue(session, now=RECEIVED + timedelta(days=10)) == 2

    codes = {g.id: f"{g.code[:4]} {g.code[4:]}" for g in (about_company, other)}
    sent = {to: body for to, _subject, body in emails(session)}
    assert set(sent) == {facilitator.email, company_rep.email}
    assert codes[about_company.id] in sent[facilitator.email]
    assert codes[other.id] in sent[facilitator.email]
    assert codes[about_company.id] not in sent[company_rep.email]
    assert codes[other.id] in sent[company_rep.email]


def test_an_officer_whose_role_changed_is_no_longer_told(
    session, partnership, file, facilitator, officer
):
    membership_of(session, officer, partnership).role = "observer"
    received(file)
    assert escalation.escalate_overdue(session, now=RECEIVED + timedelta(days=10)) == 1
    assert [to for to, _subject, _body in emails(session)] == [facilitator.email]
