"""Key-moment reminders: once, the set number of days before (by the partnership's date and
morning), to the partner's representatives and the facilitators, in each one's language,
listing the open risks where the moment could be used; never for a moment past; re-armed by
a new date; other partnerships untouched; and the same moments in "Needs me"."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.db import utcnow
from hsbp.mail import OutboundEmail
from hsbp.notifications import items_for
from hsbp.notifications.items import memberships_of
from hsbp.risks import moment_reminders, tasks
from hsbp.risks.models import KeyMoment
from tests.risks.test_key_moments import add_moment
from tests.risks.test_leverage_services import add_risk, connect

ON = date(2026, 9, 30)
# Caguán is in America/Bogota (UTC-5): 14:00 UTC is 9:00 there. 14 days before 30 September.
WINDOW = datetime(2026, 9, 16, 14, tzinfo=UTC)
DAY_BEFORE_WINDOW = datetime(2026, 9, 15, 14, tzinfo=UTC)
FOOTER = (
    "You get this e-mail because you are a facilitator of the partnership or represent the "
    "partner whose key moment it is. Each moment is reminded of once, the number of days "
    "before it set on the moment."
)


def emails(session) -> list[tuple[str, str, str]]:
    return [
        (m.to_address, m.subject, m.body)
        for m in session.scalars(select(OutboundEmail).order_by(OutboundEmail.id))
    ]


@pytest.fixture
def risks(session, partnership, company, municipality):
    """R-1 and R-2 open, tied to the company; R-3 closed and R-4 disengaged, tied to it too;
    R-5 the municipality's alone."""
    made = {n: add_risk(session, partnership, n) for n in range(1, 6)}
    made[2].title = {"es": "Desplazamiento", "en": "Displacement"}
    made[2].salience = 40  # more salient: listed first
    made[3].status = "closed"
    for n in (1, 2, 3, 4):
        row = connect(session, made[n], company)
    row.disengaged_at = utcnow()
    connect(session, made[5], municipality)
    session.flush()
    return made


@pytest.fixture
def people(session, facilitator, company_rep, municipality_rep, observer):
    company_rep.locale = "en"
    facilitator.locale = "es"
    session.flush()
    return facilitator, company_rep


def link(partnership, path) -> str:
    return f"http://hsbp.test/p/{partnership.id}{path}"


def test_the_reminder_goes_once_to_the_partner_and_facilitators_listing_the_risks(
    session, partnership, company, risks, people
):
    facilitator, carlos = people
    moment = add_moment(session, company, ON, note="Ask for a clause.")

    assert moment_reminders.send_reminders(session, now=WINDOW) == 2

    sent = emails(session)
    assert [to for to, _s, _b in sent] == [facilitator.email, carlos.email]
    assert sent[1] == (
        carlos.email,
        "Key moment on Sep 30, 2026: “Renewal of the haulage contract”",
        "Hello Carlos,\n\n"
        "These key moments are coming up: a chance to use leverage on open risks.\n\n"
        "- Sep 30, 2026 · Contract renewal · “Renewal of the haulage contract” "
        "(Palma del Caguán S.A., Caguán)\n"
        "  Open risks where it could be used:\n"
        "  · R-2 “Displacement”\n"
        f"    {link(partnership, f'/risks/{risks[2].id}')}\n"
        "  · R-1 “Conflict over water”\n"
        f"    {link(partnership, f'/risks/{risks[1].id}')}\n"
        f"  {link(partnership, '/key-moments')}\n\n" + FOOTER,
    )
    _to, subject, body = sent[0]  # Fabiola reads Spanish
    assert subject == "Momento clave el 30 sept 2026: «Renewal of the haulage contract»"
    assert body.startswith("Hola, Fabiola:\n\n")
    assert "· R-2 “Desplazamiento”" in body
    assert "· R-1 “Conflicto por el agua”" in body
    assert "R-3" not in body and "R-4" not in body and "R-5" not in body

    session.refresh(moment)
    assert moment.reminded_at == WINDOW
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "key_moment.remind")
    ).one()
    assert (entry.actor_id, entry.object_id, entry.details) == (
        None,
        moment.id,
        {"recipients": 2, "risks": 2},
    )
    assert moment_reminders.send_reminders(session, now=WINDOW + timedelta(hours=1)) == 0
    assert moment_reminders.send_reminders(session, now=WINDOW + timedelta(days=3)) == 0
    assert len(emails(session)) == 2


def test_nothing_goes_before_the_window_or_the_local_morning(session, company, people):
    add_moment(session, company, ON)
    assert moment_reminders.send_reminders(session, now=DAY_BEFORE_WINDOW) == 0
    six_in_the_morning = datetime(2026, 9, 16, 11, tzinfo=UTC)
    assert moment_reminders.send_reminders(session, now=six_in_the_morning) == 0
    assert emails(session) == []
    assert moment_reminders.send_reminders(session, now=WINDOW) == 2


def test_a_moment_already_past_is_never_reminded(session, company, people):
    moment = add_moment(session, company, date(2026, 9, 15))
    assert moment_reminders.send_reminders(session, now=WINDOW) == 0
    assert emails(session) == []
    assert moment.reminded_at is None


def test_a_moment_of_today_is_reminded_even_with_no_days_before(session, company, people):
    add_moment(session, company, date(2026, 9, 16), remind_days_before=0)
    assert moment_reminders.send_reminders(session, now=DAY_BEFORE_WINDOW) == 0
    assert moment_reminders.send_reminders(session, now=WINDOW) == 2


def test_a_new_date_re_arms_the_reminder(session, partnership, facilitator, company, people):
    from hsbp.partnerships.models import Membership
    from hsbp.risks import key_moments

    moment = add_moment(session, company, ON)
    assert moment_reminders.send_reminders(session, now=WINDOW) == 2
    membership = session.scalar(
        select(Membership).where(
            Membership.user_id == facilitator.id, Membership.partnership_id == partnership.id
        )
    )
    key_moments.update_moment(
        session,
        membership=membership,
        moment=moment,
        values={
            "partner_id": company.id,
            "kind": moment.kind,
            "title": moment.title,
            "occurs_on": date(2026, 10, 20),
            "remind_days_before": 14,
            "note": "",
        },
        today=date(2026, 9, 16),
        actor_id=facilitator.id,
    )
    assert moment.reminded_at is None
    assert moment_reminders.send_reminders(session, now=WINDOW + timedelta(days=1)) == 0
    assert moment_reminders.send_reminders(session, now=datetime(2026, 10, 6, 14, tzinfo=UTC)) == 2
    assert len(emails(session)) == 4


def test_another_partnerships_moments_are_untouched(session, make, other, company, people):
    theirs = add_moment(session, make.partner(other, name="Otra"), date(2026, 10, 30))
    add_moment(session, company, ON)
    assert moment_reminders.send_reminders(session, now=WINDOW) == 2
    assert theirs.reminded_at is None
    assert all("Otra" not in body for _to, _s, body in emails(session))


def test_a_closed_partnership_or_a_partner_that_left_gets_no_reminder(
    session, partnership, company, people
):
    add_moment(session, company, ON)
    company.left_on = date(2026, 9, 1)
    session.flush()
    assert moment_reminders.send_reminders(session, now=WINDOW) == 0
    company.left_on = None
    partnership.stage = "closed"
    session.flush()
    assert moment_reminders.send_reminders(session, now=WINDOW) == 0


def test_the_periodic_task_sends_through_the_queue(app, session, partnership, company, people):
    # A time zone where it is now about noon: the task reads the clock.
    now = datetime.now(UTC)
    partnership.timezone = f"Etc/GMT{now.hour - 12:+d}"
    local_today = now.astimezone(partnership.zone).date()
    add_moment(session, company, local_today + timedelta(days=3))
    with app.app_context():  # as the worker runs it
        tasks.send_key_moment_reminders()
    with app.app_context():
        tasks.send_key_moment_reminders()
    session.expire_all()
    rows = session.scalars(select(OutboundEmail).order_by(OutboundEmail.id)).all()
    facilitator, carlos = people
    assert [(m.to_address, m.status) for m in rows] == [
        (facilitator.email, "sent"),
        (carlos.email, "sent"),
    ]
    assert session.scalars(select(KeyMoment.reminded_at)).one() is not None


def waiting(session, user, locale="en", now=WINDOW):
    memberships = memberships_of(session, user_id=user.id)
    return [
        (i.text, i.url, i.key)
        for i in items_for(session, user=user, memberships=memberships, locale=locale, now=now)
        if i.kind == "key_moment"
    ]


def test_needs_me_shows_the_moment_in_its_window_to_those_who_may_see_it(
    session, partnership, company, municipality_rep, observer, risks, people
):
    facilitator, carlos = people
    moment = add_moment(session, company, ON)
    expected = [
        (
            "“Renewal of the haulage contract” (Palma del Caguán S.A.) is on Sep 30, 2026: "
            "a moment to use leverage on 2 open risks.",
            f"/p/{partnership.id}/key-moments",
            f"key_moment:{moment.id}:2026-09-30",
        )
    ]
    assert waiting(session, carlos) == expected
    assert waiting(session, facilitator) == expected
    assert waiting(session, municipality_rep) == []
    assert waiting(session, observer) == []
    assert waiting(session, carlos, now=DAY_BEFORE_WINDOW) == []
    assert waiting(session, carlos, now=datetime(2026, 10, 1, 14, tzinfo=UTC)) == []


def test_needs_me_runs_a_fixed_number_of_queries(
    session, make, partnership, company, risks, people, count_queries
):
    facilitator, _carlos = people
    memberships = memberships_of(session, user_id=facilitator.id)

    def measure():
        with count_queries() as counter:
            moment_reminders.key_moments_waiting(
                session, user=facilitator, memberships=memberships, locale="en", now=WINDOW
            )
        return counter["n"]

    add_moment(session, company, ON)
    few = measure()
    for n in range(4):
        second = make.partnership(name=f"Otra {n}")
        make.member(second, user=facilitator)
        add_moment(session, make.partner(second, name=f"Socia {n}"), ON)
    memberships = memberships_of(session, user_id=facilitator.id)
    for n in range(10):
        add_moment(session, company, ON - timedelta(days=n % 5))
    assert measure() == few == 2
