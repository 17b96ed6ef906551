"""The dashboard's "what needs attention" counts per role, the menu's badges, and their
statements that do not grow with the rows."""

import html
import re
from datetime import timedelta

import pytest

from hsbp.consultations.models import Consultation
from hsbp.db import utcnow
from hsbp.grievances import services as grievance_services
from hsbp.grievances.models import GrievanceOfficer
from hsbp.principles.models import CharterVersion, Endorsement
from hsbp.security import Role
from hsbp.sms import contacts
from hsbp.sms.models import InboundMessage


@pytest.fixture
def world(make):
    partnership = make.partnership(name="Caguán")
    company = make.partner(partnership, name="Palmas", sector="company")
    return {
        "p": partnership,
        "company": company,
        "facilitator": make.member(partnership, Role.FACILITATOR, user=make.user(locale="en")),
        "rep": make.member(
            partnership, Role.REPRESENTATIVE, user=make.user(locale="en"), partner=company
        ),
        "observer": make.member(partnership, Role.OBSERVER, user=make.user(locale="en")),
    }


def grievances(session, partnership, count, *, days_ago=0, stage=None):
    for _ in range(count):
        grievance = grievance_services.file_grievance(
            session,
            partnership=partnership,
            channel="public",
            description="El camión tumbó la cerca.",
            locale="es",
            complainant=grievance_services.Complainant(name="", phone=""),
            anonymous=True,
        )
        grievance.received_at = utcnow() - timedelta(days=days_ago)
        if stage:
            grievance.stage = stage
    session.flush()


def sms(session, partnership, count):
    sender = f"+1500555{partnership.id:04d}"
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender=sender, join_code=f"JOIN{partnership.id}"
    )
    # The inbox shows a message once it is tied to its sender's contact.
    contact = contacts.get_or_create_contact(session, "+573104567890")
    for n in range(count):
        session.add(
            InboundMessage(
                contact_id=contact.id,
                provider_sid=f"SM{partnership.id:04d}{n:028d}",
                from_phone="+573104567890",
                from_hash=contacts.phone_hash("+573104567890"),
                to_number=sender,
                body="hola",
                partnership_id=partnership.id,
                route="inbox",
                in_inbox=True,
            )
        )
    session.flush()


def consultations(session, partnership, count):
    for n in range(count):
        session.add(
            Consultation(partnership_id=partnership.id, title={"en": f"Water {n}"}, status="open")
        )
    session.flush()


def proposals(session, partnership, count, start=1):
    for n in range(count):
        session.add(
            CharterVersion(partnership_id=partnership.id, number=start + n, status="proposed")
        )
    session.flush()


def fill(session, partnership, n):
    grievances(session, partnership, n)
    grievances(session, partnership, n, days_ago=60, stage="acknowledged")
    sms(session, partnership, n)
    consultations(session, partnership, n)
    proposals(session, partnership, n)


def attention_lines(client, partnership) -> list[str]:
    body = client.get(f"/p/{partnership.id}/").get_data(as_text=True)
    section = body.split('id="attention-heading"')[1].split("</section>")[0]
    lines = re.findall(r"<li[^>]*>(.*?)</li>", section)
    return [html.unescape(re.sub(r"<[^>]+>", "", line)) for line in lines]


def test_facilitator_sees_every_count_with_its_link(client, login, session, world):
    p = world["p"]
    fill(session, p, 2)
    login(world["facilitator"])
    body = client.get(f"/p/{p.id}/").get_data(as_text=True)
    assert attention_lines(client, p) == [
        "2 grievances not acknowledged yet",
        "2 grievances past their deadline",
        "2 SMS not handled",
        "2 consultations open",
        "2 charter proposals await the partners' endorsement",
    ]
    assert f'href="/p/{p.id}/grievances?stage=received"><bdi>2</bdi> grievances' in body
    assert f'href="/p/{p.id}/grievances?overdue=y"><bdi>2</bdi> grievances' in body
    assert f'href="/p/{p.id}/sms"><bdi>2</bdi> SMS not handled' in body
    assert f'href="/p/{p.id}/consultations"><bdi>2</bdi> consultations open' in body
    assert f'href="/p/{p.id}/charter"><bdi>2</bdi> charter proposals' in body
    assert 'href="/needs-me">What waits for you in person: Needs me</a>' in body


def test_representative_sees_no_grievance_nor_sms_and_only_proposals_their_partner_owes(
    client, login, session, world
):
    p = world["p"]
    fill(session, p, 2)
    answered = session.query(CharterVersion).filter_by(partnership_id=p.id, number=1).one()
    session.add(
        Endorsement(
            version_id=answered.id,
            partnership_id=p.id,
            partner_id=world["company"].id,
            stance="endorse",
        )
    )
    session.flush()
    login(world["rep"])
    assert attention_lines(client, p) == [
        "2 consultations open",
        "1 charter proposal awaits your endorsement",
    ]


def test_observer_sees_open_consultations_only(client, login, session, world):
    p = world["p"]
    fill(session, p, 3)
    login(world["observer"])
    assert attention_lines(client, p) == ["3 consultations open"]


def test_independent_grievance_officer_sees_grievance_counts(client, login, session, make, world):
    p = world["p"]
    fill(session, p, 1)
    officer = make.member(p, Role.OBSERVER, user=make.user(locale="en"))
    session.add(
        GrievanceOfficer(
            partnership_id=p.id, user_id=officer.id, role=Role.OBSERVER, independent=True
        )
    )
    session.flush()
    login(officer)
    assert attention_lines(client, p) == [
        "1 grievance not acknowledged yet",
        "1 grievance past its deadline",
        "1 consultation open",
    ]


def test_nothing_waiting_says_so(client, login, world):
    login(world["facilitator"])
    body = client.get(f"/p/{world['p'].id}/").get_data(as_text=True)
    assert "Nothing waits in this partnership." in body
    assert '<span class="tag"><bdi>' not in body


def menu_badges(body: str) -> dict[str, str]:
    menu = body.split('class="partnership-nav"')[1].split("</nav>")[0]
    return dict(re.findall(r">([A-Za-z]+) <span class=\"tag\"><bdi>(\d+)</bdi>", menu))


def test_menu_badges_count_each_grievance_once_on_every_partnership_page(
    client, login, session, world
):
    p = world["p"]
    grievances(session, p, 2)  # new, within their deadline
    grievances(session, p, 1, days_ago=60)  # new and overdue
    grievances(session, p, 3, days_ago=60, stage="acknowledged")  # overdue
    grievances(session, p, 1, days_ago=60, stage="closed")
    sms(session, p, 4)
    consultations(session, p, 1)
    proposals(session, p, 1)
    login(world["facilitator"])
    expected = {"Charter": "1", "Consultations": "1", "Grievances": "6", "SMS": "4"}
    assert menu_badges(client.get(f"/p/{p.id}/").get_data(as_text=True)) == expected
    assert menu_badges(client.get(f"/p/{p.id}/partners").get_data(as_text=True)) == expected
    lines = attention_lines(client, p)
    assert lines[:2] == ["3 grievances not acknowledged yet", "4 grievances past their deadline"]


def test_menu_badges_of_a_representative(client, login, session, world):
    p = world["p"]
    fill(session, p, 2)
    login(world["rep"])
    body = client.get(f"/p/{p.id}/partners").get_data(as_text=True)
    assert menu_badges(body) == {"Charter": "2", "Consultations": "2"}
    assert "waiting" in body


def test_dashboard_statements_do_not_grow_with_the_rows(
    app, client, login, session, make, world, count_queries
):
    login(world["facilitator"])
    fill(session, world["p"], 1)
    few_url = f"/p/{world['p'].id}/"
    other = make.partnership()
    make.member(other, Role.FACILITATOR, user=world["facilitator"])
    fill(session, other, 20)
    client.get(few_url)  # warm: the first request loads what any request loads once
    with count_queries() as few:
        assert client.get(few_url).status_code == 200
    with count_queries() as many:
        assert client.get(f"/p/{other.id}/").status_code == 200
    assert many["n"] == few["n"]
