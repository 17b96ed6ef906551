"""Reminder e-mails to the people responsible: a week (the setting) before the due date and
once when it has passed, by the partnership's local date and morning, in each person's
language, one e-mail per person and run, never twice, never for a done or dropped action."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from hsbp.actions import public, reminders, services, tasks
from hsbp.actions.models import Reminder
from hsbp.mail import OutboundEmail
from hsbp.partnerships.models import Membership
from tests.actions.conftest import membership_of

DUE = date(2026, 9, 30)  # action_fields' due date
# Caguán is in America/Bogota (UTC-5): 14:00 UTC is 9:00 there.
WEEK_BEFORE = datetime(2026, 9, 23, 14, tzinfo=UTC)
EIGHT_DAYS_BEFORE = datetime(2026, 9, 22, 14, tzinfo=UTC)
DAY_AFTER = datetime(2026, 10, 1, 14, tzinfo=UTC)
FOOTER = (
    "You get this e-mail because you are named as a person responsible for these actions. "
    "Reminders come some days before a due date and once when it has passed; they stop "
    "when the action is marked done or dropped."
)


def emails(session) -> list[tuple[str, str, str]]:
    return [
        (m.to_address, m.subject, m.body)
        for m in session.scalars(select(OutboundEmail).order_by(OutboundEmail.id))
    ]


def reminder_rows(session) -> list[tuple]:
    return [
        tuple(row)
        for row in session.execute(
            select(Reminder.action_id, Reminder.user_id, Reminder.kind, Reminder.due_on).order_by(
                Reminder.id
            )
        )
    ]


def link(action) -> str:
    return f"http://hsbp.test/p/{action.partnership_id}/actions/{action.id}"


@pytest.fixture
def carlos(session, company_rep):
    company_rep.locale = "en"
    session.flush()
    return company_rep


def test_the_people_responsible_are_reminded_a_week_before_in_their_language(
    session, company, carlos, council_rep, add_action
):
    council_rep.locale = "es"
    action = add_action(company, responsible_ids=[carlos.id, council_rep.id])

    assert reminders.send_reminders(session, now=WEEK_BEFORE) == 2

    sent = emails(session)
    assert sent[0] == (
        carlos.email,
        "Reminder: “A well for the village” is due on Sep 30, 2026",
        "Hello Carlos,\n\n"
        "These actions are due soon:\n"
        "- “A well for the village” (Caguán): due on Sep 30, 2026, 0% done\n"
        f"  {link(action)}\n\n" + FOOTER,
    )
    to, subject, body = sent[1]
    assert to == council_rep.email
    assert "Pozo para la vereda" in subject
    assert "30 sept 2026" in subject
    assert "Lucía" in body
    assert len(sent) == 2
    assert reminder_rows(session) == [
        (action.id, carlos.id, "due_soon", DUE),
        (action.id, council_rep.id, "due_soon", DUE),
    ]


def test_a_second_run_sends_nothing(session, company, carlos, add_action):
    add_action(company, responsible_ids=[carlos.id])
    assert reminders.send_reminders(session, now=WEEK_BEFORE) == 1
    assert reminders.send_reminders(session, now=WEEK_BEFORE + timedelta(hours=1)) == 0
    assert reminders.send_reminders(session, now=WEEK_BEFORE + timedelta(days=2)) == 0
    assert len(emails(session)) == 1


def test_nothing_is_sent_before_the_reminder_window(session, company, carlos, add_action):
    add_action(company, responsible_ids=[carlos.id])
    assert reminders.send_reminders(session, now=EIGHT_DAYS_BEFORE) == 0
    assert emails(session) == []


def test_nothing_is_sent_while_it_is_night_there(session, company, carlos, add_action):
    add_action(company, responsible_ids=[carlos.id])
    four_in_the_morning = datetime(2026, 9, 23, 9, tzinfo=UTC)
    assert reminders.send_reminders(session, now=four_in_the_morning) == 0
    assert reminders.send_reminders(session, now=four_in_the_morning + timedelta(hours=3)) == 1


def test_overdue_is_reminded_once_by_the_local_date(session, company, carlos, add_action):
    action = add_action(company, responsible_ids=[carlos.id], progress=60, status="in_progress")
    # 1 October in UTC, still 30 September at 23:00 in Bogotá: due today, not overdue.
    assert reminders.send_reminders(session, now=datetime(2026, 10, 1, 4, tzinfo=UTC)) == 1
    assert reminder_rows(session) == [(action.id, carlos.id, "due_soon", DUE)]

    assert reminders.send_reminders(session, now=DAY_AFTER) == 1
    assert reminders.send_reminders(session, now=DAY_AFTER + timedelta(days=1)) == 0
    assert emails(session)[-1] == (
        carlos.email,
        "Overdue: “A well for the village” was due on Sep 30, 2026",
        "Hello Carlos,\n\n"
        "These actions are past their due date and not done yet:\n"
        "- “A well for the village” (Caguán): due on Sep 30, 2026, 60% done\n"
        f"  {link(action)}\n\n" + FOOTER,
    )
    assert reminder_rows(session)[-1] == (action.id, carlos.id, "overdue", DUE)


@pytest.mark.parametrize(("status", "reason"), [("done", ""), ("dropped", "No water there")])
def test_a_done_or_dropped_action_sends_nothing(
    session, partnership, company, carlos, add_action, status, reason
):
    action = add_action(company, responsible_ids=[carlos.id])
    services.report_progress(
        session,
        actor=carlos,
        membership=membership_of(session, carlos, partnership),
        action=action,
        status=status,
        progress=100 if status == "done" else 10,
        reason=reason,
    )
    assert reminders.send_reminders(session, now=WEEK_BEFORE) == 0
    assert reminders.send_reminders(session, now=DAY_AFTER) == 0
    assert emails(session) == []


def test_a_new_due_date_earns_new_reminders(session, company, carlos, add_action):
    action = add_action(company, responsible_ids=[carlos.id])
    assert reminders.send_reminders(session, now=WEEK_BEFORE) == 1
    action.due_on = date(2026, 10, 1)
    session.flush()
    assert reminders.send_reminders(session, now=WEEK_BEFORE + timedelta(days=1)) == 1
    assert [due_on for *_, due_on in reminder_rows(session)] == [DUE, date(2026, 10, 1)]


def test_the_partnership_chooses_how_many_days_before(
    session, partnership, facilitator, company, carlos, add_action
):
    public.save_settings(
        session,
        actor=facilitator,
        partnership=partnership,
        public_page=False,
        remind_days_before=3,
        due_soon_days=14,
    )
    add_action(company, responsible_ids=[carlos.id])
    assert reminders.send_reminders(session, now=WEEK_BEFORE) == 0
    assert reminders.send_reminders(session, now=WEEK_BEFORE + timedelta(days=4)) == 1


def test_no_days_before_means_only_the_overdue_reminder(
    session, partnership, facilitator, company, carlos, add_action
):
    public.save_settings(
        session,
        actor=facilitator,
        partnership=partnership,
        public_page=False,
        remind_days_before=0,
        due_soon_days=14,
    )
    action = add_action(company, responsible_ids=[carlos.id])
    assert reminders.send_reminders(session, now=WEEK_BEFORE + timedelta(days=7)) == 0
    assert reminders.send_reminders(session, now=DAY_AFTER) == 1
    assert reminder_rows(session) == [(action.id, carlos.id, "overdue", DUE)]


def test_one_email_lists_every_action_of_a_person(session, company, council, carlos, add_action):
    soon = add_action(company, responsible_ids=[carlos.id])
    late = add_action(
        council,
        title={"es": "Vía terciaria", "en": "Rural road"},
        responsible_ids=[carlos.id],
        start_on=date(2026, 1, 10),
        due_on=date(2026, 9, 1),
    )
    assert reminders.send_reminders(session, now=WEEK_BEFORE) == 1
    assert emails(session) == [
        (
            carlos.email,
            "2 actions need your attention",
            "Hello Carlos,\n\n"
            "These actions are past their due date and not done yet:\n"
            "- “Rural road” (Caguán): due on Sep 1, 2026, 0% done\n"
            f"  {link(late)}\n\n"
            "These actions are due soon:\n"
            "- “A well for the village” (Caguán): due on Sep 30, 2026, 0% done\n"
            f"  {link(soon)}\n\n" + FOOTER,
        )
    ]


def test_someone_who_left_the_partnership_is_not_reminded(
    session, partnership, company, carlos, add_action
):
    add_action(company, responsible_ids=[carlos.id])
    session.execute(
        delete(Membership).where(
            Membership.user_id == carlos.id, Membership.partnership_id == partnership.id
        )
    )
    assert reminders.send_reminders(session, now=WEEK_BEFORE) == 0


def test_a_reminder_another_run_sent_meanwhile_is_not_sent_again(
    session, company, carlos, add_action
):
    add_action(company, responsible_ids=[carlos.id])
    owed = reminders.owed_reminders(session, now=WEEK_BEFORE)
    assert reminders.send_reminders(session, now=WEEK_BEFORE) == 1  # the other run
    assert reminders.send_owed(session, owed, now=WEEK_BEFORE) == 0
    assert len(emails(session)) == 1
    assert len(reminder_rows(session)) == 1


def test_the_periodic_task_sends_through_the_queue(
    app, session, partnership, company, carlos, add_action
):
    # A time zone where it is now about noon: the task reads the clock.
    now = datetime.now(UTC)
    partnership.timezone = f"Etc/GMT{now.hour - 12:+d}"
    local_today = now.astimezone(public.local_time(partnership, now).tzinfo).date()
    add_action(
        company,
        responsible_ids=[carlos.id],
        start_on=local_today - timedelta(days=30),
        due_on=local_today + timedelta(days=3),
    )
    with app.app_context():  # as the worker runs it
        tasks.send_action_reminders()
    with app.app_context():
        tasks.send_action_reminders()
    session.expire_all()
    rows = session.scalars(select(OutboundEmail)).all()
    assert [(m.to_address, m.status) for m in rows] == [(carlos.email, "sent")]
