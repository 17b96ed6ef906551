"""The grievance dashboard: its figures against a hand-computed set of six grievances, its
fixed number of queries, who may see it, and that it shows no description or identity."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from hsbp.db import utcnow
from hsbp.grievances import codes, demo, figures, officers, services
from hsbp.grievances.models import Grievance
from hsbp.security import Role
from hsbp.sms import contacts
from hsbp.sms.models import OutboundMessage
from tests.grievances.conftest import membership_of

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
SECRET_TEXT = "El capataz amenazó a mi hermano en la vereda."


@pytest.fixture
def arrange(session, partnership, company, officer, file):
    """Six grievances, received some days before `now`, then moved on some days after that:

    | # | channel   | category   | partner | ago | acknowledged | proposed | closed | now       |
    | 1 | sms       | land       | company | 14  | 2            | 10       | 13     | closed, 4 |
    | 2 | public    | water      |         | 40  | 10           | 35       | 38     | closed, 2 |
    | 3 | member    | land       | company | 20  |              |          |        | received  |
    | 4 | in_person | employment |         | 3   |              |          |        | received  |
    | 5 | sms anon. | security   | company | 60  | 4, referred on 6      |        | referred  |
    | 6 | public    | land       |         | 50  | 1            |          |        | assessing |
    """

    def make(now):
        def one(days_ago, channel, category, partner, steps=(), rating=None, **extra):
            grievance = file(
                text=SECRET_TEXT,
                channel=channel,
                category=category,
                partner_id=company.id if partner else None,
                **extra,
            )
            received = now - timedelta(days=days_ago)
            grievance.received_at = received
            for to, after, *more in steps:
                services.change_stage(
                    session,
                    actor=officer,
                    membership=membership_of(session, officer, partnership),
                    grievance=grievance,
                    to=to,
                    referred_to=more[0] if more else "",
                    now=received + timedelta(days=after),
                )
            grievance.rating = rating
            return grievance

        closing = ["acknowledged", "assessing", "response_proposed", "accepted", "closed"]
        made = [
            one(14, "sms", "land", True, _on(closing, 2, 3, 10, 12, 13), 4),
            one(40, "public", "water", False, _on(closing, 10, 11, 35, 36, 38), 2),
            one(20, "member", "land", True),
            one(3, "in_person", "employment", False),
            one(
                60,
                "sms",
                "security",
                True,
                [("acknowledged", 4), ("referred", 6, "Fiscalía")],
                anonymous=True,
            ),
            one(50, "public", "land", False, [("acknowledged", 1), ("assessing", 2)]),
        ]
        session.flush()
        return made

    return make


def _on(stages, *days):
    return list(zip(stages, days, strict=True))


def test_dashboard_figures_match_the_hand_computed_ones(session, make, partnership, arrange):
    arrange(NOW)
    elsewhere = make.partnership(name="Zenica")
    services.file_grievance(
        session,
        partnership=elsewhere,
        channel="phone",
        description="Not ours.",
        locale="bs",
        complainant=services.Complainant(),
    )

    found = figures.dashboard(session, partnership=partnership, now=NOW)

    assert found.total == 6
    assert found.by_stage == {
        "received": 2,
        "acknowledged": 0,
        "assessing": 1,
        "response_proposed": 0,
        "accepted": 0,
        "appealed": 0,
        "referred": 1,
        "closed": 2,
    }
    assert found.by_category == {"land": 3, "water": 1, "employment": 1, "security": 1}
    assert found.by_channel == {"sms": 2, "public": 2, "member": 1, "in_person": 1, "phone": 0}
    assert [(p.name, p.count) for p in found.by_partner] == [
        ("Palmas del Caguán", 3),
        (None, 3),
    ]
    assert (found.referred, found.anonymous) == (1, 1)
    # Acknowledged after 2, 10, 4 and 1 days; closed after 13 and 38.
    assert found.median_days_to_acknowledge == 3.0
    assert found.median_days_to_close == 25.5
    # In time: #1, #5, #6; late: #2 (10 days) and #3 (still waiting, 20 days); #4 has time.
    assert (found.acknowledged_in_time.done, found.acknowledged_in_time.of) == (3, 5)
    # In time: #1 (10 days); late: #2 (35 days), #6 (waiting 50); #3 and #4 have time; #5
    # was referred before any response.
    assert (found.responded_in_time.done, found.responded_in_time.of) == (1, 3)
    assert {c: (s.done, s.of) for c, s in found.acknowledged_in_time_by_channel.items()} == {
        "sms": (2, 2),
        "public": (1, 2),
        "member": (0, 1),
        "in_person": (0, 0),
        "phone": (0, 0),
    }
    assert found.ratings == {1: 0, 2: 1, 3: 0, 4: 1, 5: 0}
    assert (found.rated, found.mean_rating) == (2, 3.0)
    assert [m.first_day.isoformat() for m in found.months][:2] == ["2025-07-01", "2025-08-01"]
    assert [(m.first_day.month, m.received, m.closed) for m in found.months[-3:]] == [
        (4, 2, 0),
        (5, 2, 0),
        (6, 2, 2),
    ]
    assert sum(m.received for m in found.months) == 6


def test_dashboard_deadlines_follow_the_partnership_settings(session, partnership, arrange):
    arrange(NOW)
    settings = services.settings_of(session, partnership.id)
    settings.acknowledge_days, settings.respond_days = 10, 60
    session.flush()

    found = figures.dashboard(session, partnership=partnership, now=NOW)

    # #2 was acknowledged on day 10 and answered on day 35: both in time now; #6, waiting
    # for 50 days, has ten left before its response is due.
    assert (found.acknowledged_in_time.done, found.acknowledged_in_time.of) == (4, 5)
    assert (found.responded_in_time.done, found.responded_in_time.of) == (2, 2)


def test_dashboard_counts_referrals_without_reading_their_text(session, partnership, arrange):
    arrange(NOW)
    # Unreadable with the key: a figure that decrypted the referral text would fail here.
    session.execute(
        update(Grievance.__table__)
        .where(Grievance.__table__.c.partnership_id == partnership.id)
        .values(referred_to="not a token")
    )
    session.expire_all()

    found = figures.dashboard(session, partnership=partnership, now=NOW)

    assert found.referred == 1


def test_dashboard_of_a_partnership_without_grievances_shows_no_measure(session, partnership):
    found = figures.dashboard(session, partnership=partnership, now=NOW)

    assert (found.total, found.median_days_to_acknowledge, found.mean_rating) == (0, None, None)
    assert found.acknowledged_in_time.share is None
    assert len(found.months) == 12


def page(client, partnership):
    return client.get(f"/p/{partnership.id}/grievances/dashboard")


def test_dashboard_page_shows_the_figures_to_an_observer(
    session, client, login, partnership, observer, arrange
):
    made = arrange(datetime.now(UTC))
    session.commit()
    login(observer)

    response = page(client, partnership)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="median-acknowledge">3</dd>' in html
    assert 'id="median-close">25.5</dd>' in html
    assert "60%" in html and "(3 of 5)" in html
    assert "33%" in html and "(1 of 3)" in html
    # Two ratings, one anonymous grievance, one referral, 1-2 per channel: pooled.
    assert 'id="mean-rating"' not in html
    assert "Fewer than 5 complainants have rated an outcome." in html
    assert "Fewer than 5 grievances were filed anonymously." in html
    assert "Fewer than 5 grievances were referred to other forums" in html
    assert html.count("<td>fewer than 5</td>") == 4  # sms, public, member, in person
    assert "Rights-compatible" in html and "Source of continuous learning" in html
    assert html.count('role="img"') == 2
    for grievance in made:
        assert codes.shown(grievance.code) not in html
        assert grievance.code not in html
    for secret in (SECRET_TEXT, "María Lozano", "3104567890", "Fiscalía"):
        assert secret not in html


def test_dashboard_page_shows_small_counts_exactly_to_those_who_handle_grievances(
    session, client, login, partnership, facilitator, arrange
):
    arrange(datetime.now(UTC))
    session.commit()
    login(facilitator)

    html = page(client, partnership).get_data(as_text=True)

    assert 'id="mean-rating">3.0</span>' in html
    assert "2 complainants rated the outcome when their grievance was closed." in html
    assert "1 grievance was filed anonymously." in html
    assert "1 grievance was referred to another forum" in html
    assert "<td>fewer than 5</td>" not in html


@pytest.mark.parametrize("role", [None, Role.FACILITATOR])
def test_dashboard_page_is_not_found_for_someone_outside_the_partnership(
    session, client, login, make, partnership, arrange, role
):
    arrange(NOW)
    outsider = make.user()
    if role is not None:
        make.member(make.partnership(), role, user=outsider)
    session.commit()
    login(outsider)

    assert page(client, partnership).status_code == 404


def test_dashboard_page_costs_the_same_queries_for_more_grievances(
    session, client, login, partnership, observer, file, arrange, count_queries
):
    file()
    session.commit()
    login(observer)
    page(client, partnership)  # warm caches
    with count_queries() as one:
        assert page(client, partnership).status_code == 200
    arrange(datetime.now(UTC))
    session.commit()

    with count_queries() as seven:
        html = page(client, partnership).get_data(as_text=True)

    assert '<p class="figure">7</p>' in html
    assert seven["n"] == one["n"]


def test_demo_grievances_cover_the_workflow_and_text_nobody(
    session, make, partnership, facilitator, observer
):
    for name in (demo.COMPANY, demo.TOWN, demo.PROVINCE):
        make.partner(partnership, name=name)
    contact = contacts.get_or_create_contact(session, "+573209998877")
    contacts.join(session, contact=contact, partnership_id=partnership.id, channel="sms")

    demo.seed(session, partnership=partnership, facilitator=facilitator)

    found = figures.dashboard(session, partnership=partnership)
    assert found.total == 14
    assert found.by_stage == {
        "received": 3,
        "acknowledged": 1,
        "assessing": 1,
        "response_proposed": 1,
        "accepted": 1,
        "appealed": 1,
        "referred": 1,
        "closed": 5,
    }
    assert found.ratings == {1: 0, 2: 1, 3: 1, 4: 1, 5: 2}
    assert (found.referred, found.anonymous) == (1, 2)
    assert found.by_channel == {"sms": 6, "public": 3, "member": 2, "in_person": 2, "phone": 1}
    named = officers.current_officers(session, partnership_id=partnership.id)
    assert [(o.user.id, o.row.independent) for o in named] == [
        (facilitator.id, False),
        (observer.id, True),
    ]
    assigned = session.execute(
        select(Grievance.category, Grievance.officer_id).where(
            Grievance.partnership_id == partnership.id
        )
    ).all()
    assert {officer for category, officer in assigned if category in ("security", "conduct")} == {
        observer.id
    }
    assert {
        officer for category, officer in assigned if category not in ("security", "conduct")
    } == {facilitator.id}
    settings = services.settings_of(session, partnership.id)
    overdue = [
        g
        for g in session.scalars(
            select(Grievance).where(Grievance.partnership_id == partnership.id)
        )
        if services.is_overdue(g, settings, utcnow())
    ]
    assert len(overdue) == 3  # received 12 days ago, assessing 35, appealed 100
    sms_ones = session.scalars(select(Grievance).where(Grievance.channel == "sms")).all()
    assert {g.contact_id for g in sms_ones} == {contact.id}
    assert session.scalar(select(func.count(OutboundMessage.id))) == 0
