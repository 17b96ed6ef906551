"""The key moments calendar: facilitators keep every partner's moments, a representative its
own partner's, observers see none; each moment lists the open risks where its partner could
use it; bad input re-renders with messages; the page's queries do not grow with moments."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from hsbp.audit import AuditEntry
from hsbp.db import utcnow
from hsbp.risks import key_moments
from hsbp.risks.models import KeyMoment
from tests.risks.test_leverage_services import add_risk, connect


def today_there(partnership) -> date:
    return utcnow().astimezone(partnership.zone).date()


def add_moment(session, partner, on, title="Renewal of the haulage contract", **fields):
    moment = KeyMoment(
        partnership_id=partner.partnership_id,
        partner_id=partner.id,
        kind=fields.pop("kind", "contract_renewal"),
        title=title,
        occurs_on=on,
        **fields,
    )
    session.add(moment)
    session.flush()
    return moment


def form(partner, on, **fields):
    return {
        "partner_id": str(partner.id),
        "kind": "tender",
        "title": "Tender for the road works",
        "occurs_on": on.isoformat(),
        "remind_days_before": "14",
        "note": "",
        **fields,
    }


def moments_of(session):
    return [
        (m.partner_id, m.kind, m.title, m.occurs_on, m.remind_days_before)
        for m in session.scalars(select(KeyMoment).order_by(KeyMoment.id))
    ]


@pytest.fixture
def base(partnership):
    return f"/p/{partnership.id}/key-moments"


def test_a_facilitator_adds_a_moment_for_any_partner(
    session, client, login, partnership, facilitator, municipality, base
):
    login(facilitator)
    on = today_there(partnership) + timedelta(days=40)
    response = client.post(base + "/new", data=form(municipality, on, note="Ask for a clause."))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(base)
    assert moments_of(session) == [(municipality.id, "tender", "Tender for the road works", on, 14)]
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "key_moment.create")
    ).one()
    assert (entry.object_type, entry.details) == ("KeyMoment", {"partner_id": municipality.id})


def test_a_representative_keeps_its_own_partners_moments_only(
    session, client, login, partnership, company, municipality, company_rep, base
):
    login(company_rep)
    page = client.get(base + "/new").get_data(as_text=True)
    assert "Palma del Caguán S.A." in page
    assert "Alcaldía" not in page
    on = today_there(partnership) + timedelta(days=10)
    response = client.post(base + "/new", data=form(municipality, on))
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert moments_of(session) == []
    theirs = add_moment(session, municipality, on)
    assert client.get(f"{base}/{theirs.id}/edit").status_code == 404
    assert client.post(f"{base}/{theirs.id}/delete").status_code == 404
    assert session.get(KeyMoment, theirs.id) is not None
    assert client.post(base + "/new", data=form(company, on)).status_code == 302
    assert [m[0] for m in moments_of(session)] == [municipality.id, company.id]


def test_observers_see_a_sentence_and_no_moment(
    session, client, login, partnership, company, observer, base
):
    add_moment(session, company, today_there(partnership) + timedelta(days=3))
    login(observer)
    html = client.get(base).get_data(as_text=True)
    assert "Each partner's key moments are seen by its own representatives" in html
    assert "Renewal of the haulage contract" not in html
    assert client.get(base + "/new").status_code == 404


def test_the_calendar_lists_open_risks_where_each_moment_could_be_used(
    session, client, login, partnership, company, municipality, company_rep, facilitator, base
):
    today = today_there(partnership)
    open_risk = add_risk(session, partnership, 1)
    connect(session, open_risk, company)
    closed = add_risk(session, partnership, 2)
    closed.status = "closed"
    connect(session, closed, company)
    left = add_risk(session, partnership, 3)
    connect(session, left, company).disengaged_at = utcnow()
    theirs = add_risk(session, partnership, 4)
    connect(session, theirs, municipality)
    add_moment(session, company, today + timedelta(days=5), "Coming")
    add_moment(session, company, today - timedelta(days=5), "Just past")
    add_moment(session, company, today - timedelta(days=91), "Long past")
    add_moment(session, municipality, today + timedelta(days=7), "Their licence")
    session.flush()

    login(company_rep)
    rows = client.get(base).get_data(as_text=True)
    assert "Coming" in rows and "Just past" in rows
    assert "Long past" not in rows and "Their licence" not in rows
    assert rows.count(f'/p/{partnership.id}/risks/{open_risk.id}"') == 2
    for hidden in (closed, left, theirs):
        assert f'/p/{partnership.id}/risks/{hidden.id}"' not in rows

    login(facilitator)
    html = client.get(base).get_data(as_text=True)
    assert "Their licence" in html
    assert f'/p/{partnership.id}/risks/{theirs.id}"' in html
    assert html.index("Coming") < html.index("Their licence") < html.index("Just past")


def test_the_calendar_runs_the_same_queries_for_3_and_30_moments(
    session,
    client,
    login,
    partnership,
    company,
    municipality,
    facilitator,
    company_rep,
    count_queries,
    base,
):
    today = today_there(partnership)
    for number in (1, 2):
        connect(session, add_risk(session, partnership, number), company)
    connect(session, add_risk(session, partnership, 3), municipality)

    def measure(user):
        login(user)
        with count_queries() as counter:
            assert client.get(base).status_code == 200
        return counter["n"]

    for n in range(3):
        add_moment(session, company if n % 2 else municipality, today + timedelta(days=n))
    few = measure(facilitator), measure(company_rep)
    for n in range(27):
        add_moment(session, company if n % 2 else municipality, today + timedelta(days=n))
    assert (measure(facilitator), measure(company_rep)) == few


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("remind_days_before", "366", "Give a number of days from 0 to 365."),
        ("remind_days_before", "²", "Give a number of days from 0 to 365."),
        (
            "remind_days_before",
            "99999999999999999999999999999",
            "Give a number of days from 0 to 365.",
        ),
        ("title", "  ", "Say what the moment is."),
        ("kind", "picnic", "Not a valid choice."),
        ("partner_id", "2147483648", "Not a valid choice."),
        ("occurs_on", "2026-02-30", "Not a valid date value."),
        ("occurs_on", "PAST", "Give a date within the last 90 days, or to come."),
        ("occurs_on", "FAR", "Give a date within 10 years."),
    ],
)
def test_bad_input_re_renders_with_a_message(
    session, client, login, partnership, company, facilitator, base, field, value, message
):
    login(facilitator)
    today = today_there(partnership)
    value = {"PAST": (today - timedelta(days=91)).isoformat(), "FAR": "2999-01-01"}.get(
        value, value
    )
    response = client.post(base + "/new", data=form(company, today, **{field: value}))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert moments_of(session) == []


def test_moving_the_date_clears_the_reminder_sent(
    session, client, login, partnership, company, facilitator, base
):
    today = today_there(partnership)
    moment = add_moment(session, company, today + timedelta(days=20), reminded_at=utcnow())
    login(facilitator)
    same_date = form(company, moment.occurs_on, kind="contract_renewal", title="Renewal, new words")
    assert client.post(f"{base}/{moment.id}/edit", data=same_date).status_code == 302
    session.refresh(moment)
    assert moment.reminded_at is not None
    moved = dict(same_date, occurs_on=(today + timedelta(days=30)).isoformat())
    assert client.post(f"{base}/{moment.id}/edit", data=moved).status_code == 302
    session.refresh(moment)
    assert (moment.occurs_on, moment.reminded_at) == (today + timedelta(days=30), None)
    assert [
        e.details
        for e in session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "key_moment.update")
            .order_by(AuditEntry.id)
        )
    ] == [{"changed": ["title"]}, {"changed": ["occurs_on"]}]


def test_removing_a_moment(session, client, login, partnership, company, company_rep, base):
    moment = add_moment(session, company, today_there(partnership))
    login(company_rep)
    assert client.post(f"{base}/{moment.id}/delete").status_code == 302
    assert session.scalar(select(func.count(KeyMoment.id))) == 0
    assert session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("key_moment.%"))
    ).all() == ["key_moment.delete"]


def test_another_partnerships_moment_is_not_found(
    session, client, login, make, other, facilitator, base
):
    theirs = add_moment(session, make.partner(other, name="Otra"), date(2026, 9, 1))
    login(facilitator)
    assert client.get(f"{base}/{theirs.id}/edit").status_code == 404
    assert client.post(f"{base}/{theirs.id}/delete").status_code == 404
    assert "Otra" not in client.get(base).get_data(as_text=True)


def test_the_service_refuses_a_partner_of_another_partnership(
    session, make, other, partnership, facilitator
):
    from hsbp.partnerships.models import Membership

    membership = session.scalar(
        select(Membership).where(
            Membership.user_id == facilitator.id, Membership.partnership_id == partnership.id
        )
    )
    foreign = make.partner(other, name="Otra")
    with pytest.raises(key_moments.ServiceError) as refused:
        key_moments.create_moment(
            session,
            membership=membership,
            values={
                "partner_id": foreign.id,
                "kind": "audit",
                "title": "Audit",
                "occurs_on": date(2026, 9, 1),
                "remind_days_before": 14,
                "note": "",
            },
            today=date(2026, 8, 1),
            actor_id=None,
        )
    assert str(refused.value.message) == "Choose a partner of this partnership."


@pytest.mark.parametrize("junk", ["99999999999999999999999999999", "²", "2147483648\x00", ""])
def test_junk_in_every_field_never_answers_500(
    session, client, login, partnership, company, facilitator, base, junk
):
    moment = add_moment(session, company, today_there(partnership))
    login(facilitator)
    data = dict.fromkeys(key_moments.FIELDS, junk)
    assert client.post(base + "/new", data=data).status_code == 422
    assert client.post(f"{base}/{moment.id}/edit", data=data).status_code == 422
    assert client.get(f"{base}/new", query_string={"partner": junk}).status_code == 200
    assert [m[2] for m in moments_of(session)] == ["Renewal of the haulage contract"]
