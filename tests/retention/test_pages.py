"""The schedule page and its form through HTTP: every member reads the schedule, only
facilitators change it, outsiders see nothing; a refused change saves nothing."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.db import utcnow
from hsbp.grievances.codes import shown
from hsbp.retention import services
from hsbp.retention.models import RetentionSchedule

FORM = {
    "sms_body_days": "90",
    "grievance_identity_months": "24",
    "consultation_raw_days": "180",
    "dropped_evidence_days": "365",
    "audit_detail_years": "5",
}


def page_of(partnership) -> str:
    return f"/p/{partnership.id}/retention"


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def saved(session, partnership) -> list[RetentionSchedule]:
    session.expire_all()
    return session.scalars(
        select(RetentionSchedule).where(RetentionSchedule.partnership_id == partnership.id)
    ).all()


def test_a_signed_out_visitor_is_sent_to_sign_in(client, partnership):
    response = client.get(page_of(partnership))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_outsider_sees_neither_the_schedule_nor_its_form(
    client, login, session, partnership, outsider
):
    login(outsider)
    assert client.get(page_of(partnership)).status_code == 404
    assert client.get(page_of(partnership) + "/edit").status_code == 404
    assert client.post(page_of(partnership) + "/edit", data=FORM).status_code == 404
    assert saved(session, partnership) == []


@pytest.mark.parametrize("member", ["representative", "observer"])
def test_members_read_the_schedule_but_cannot_change_it(
    request, client, login, session, partnership, member
):
    login(request.getfixturevalue(member))

    response = client.get(page_of(partnership))

    assert response.status_code == 200
    page = text_of(response)
    for title in (
        "Text of SMS messages",
        "Identity of complainants",
        "Raw SMS answers to consultations",
        "Files of dropped actions",
        "Personal details in the audit log",
    ):
        assert f">{title}</h2>" in page
    assert "<bdi>90 days</bdi> after a message was received or sent" in page
    assert "Change the schedule" not in page
    assert client.get(page_of(partnership) + "/edit").status_code == 404
    changed = {**FORM, "sms_body_days": "400"}
    assert client.post(page_of(partnership) + "/edit", data=changed).status_code == 404
    assert saved(session, partnership) == []


def test_the_page_shows_the_last_run_and_what_will_go(
    client, login, session, partnership, observer, rows
):
    now = utcnow()
    rows.inbound(received_at=now - timedelta(days=100))
    services.run_partnership(session, partnership_id=partnership.id, now=now)
    rows.inbound(received_at=now - timedelta(days=100))
    rows.inbound(received_at=now - timedelta(days=75))
    login(observer)

    page = text_of(client.get(page_of(partnership)))

    sms = page[page.index("Text of SMS messages") : page.index("Identity of complainants")]
    assert "Removed at the last run</dt> <dd><bdi>1</bdi>" in sms
    assert "To go at the next run</dt> <dd><bdi>1</bdi>" in sms
    assert "To go within 30 days</dt> <dd><bdi>2</bdi>" in sms
    assert "Not applied yet." not in page


def test_a_facilitator_changes_the_schedule(client, login, session, partnership, facilitator):
    login(facilitator)
    assert "Change the schedule" in text_of(client.get(page_of(partnership)))
    assert client.get(page_of(partnership) + "/edit").status_code == 200

    response = client.post(
        page_of(partnership) + "/edit", data={**FORM, "consultation_raw_days": "30"}
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith(page_of(partnership))
    (row,) = saved(session, partnership)
    assert row.consultation_raw_days == 30
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "retention.settings"))
    assert entry.details == {"consultation_raw_days": [180, 30]}
    page = text_of(client.get(page_of(partnership)))
    assert "The retention schedule is saved." in page
    assert "<bdi>30 days</bdi> after the consultation closed" in page


def test_a_change_cutting_into_an_open_grievance_is_refused_with_its_reason(
    client, login, session, partnership, facilitator, rows
):
    case = rows.grievance(stage="acknowledged", received_at=utcnow() - timedelta(days=45, hours=2))
    login(facilitator)

    response = client.post(
        page_of(partnership) + "/edit",
        data={**FORM, "sms_body_days": "40", "audit_detail_years": "9"},
    )

    assert response.status_code == 422
    assert (
        f"Grievance {shown(case.code)} has been open for 45 days; SMS bodies cannot be removed "
        "sooner than that."
    ) in text_of(response)
    assert saved(session, partnership) == []
    assert (
        session.scalar(select(AuditEntry).where(AuditEntry.action == "retention.settings")) is None
    )


def test_a_value_out_of_bounds_is_shown_beside_its_field(
    client, login, session, partnership, facilitator
):
    login(facilitator)

    response = client.post(page_of(partnership) + "/edit", data={**FORM, "audit_detail_years": "0"})

    assert response.status_code == 422
    assert "Number must be between 1 and 30." in text_of(response)
    assert saved(session, partnership) == []


def test_the_dashboard_and_the_settings_link_to_the_schedule(
    client, login, partnership, facilitator
):
    login(facilitator)
    link = f'href="{page_of(partnership)}"'
    assert link in client.get(f"/p/{partnership.id}/").get_data(as_text=True)
    assert link in client.get(f"/p/{partnership.id}/settings").get_data(as_text=True)
