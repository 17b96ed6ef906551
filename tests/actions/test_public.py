"""The public transparency page and the checklist's settings: off by default, switched on by
a facilitator only, partner names but never a person's name, comment, reason, evidence or
contribution, and gone again once switched off."""

from datetime import date

import pytest
from sqlalchemy import select

from hsbp.actions import public, services
from hsbp.actions.models import ChecklistSettings, Evidence
from hsbp.audit import AuditEntry
from hsbp.errors import ServiceError
from hsbp.sms import contacts
from tests.actions.conftest import GOAL, membership_of
from tests.sms.conftest import page_text


def settings_url(partnership) -> str:
    return f"/p/{partnership.id}/actions/settings"


def switch(client, partnership, *, on=True, new_address=False, **fields):
    data = {"remind_days_before": "7", "due_soon_days": "14", **fields}
    if on:
        data["public_page"] = "y"
    if new_address:
        data["new_address"] = "y"
    return client.post(settings_url(partnership), data=data)


def saved(session, partnership) -> ChecklistSettings | None:
    session.expire_all()
    return session.scalar(
        select(ChecklistSettings).where(ChecklistSettings.partnership_id == partnership.id)
    )


@pytest.fixture
def as_facilitator(login, facilitator):
    return login(facilitator)


def test_the_page_is_off_by_default_and_unknown_addresses_are_not_found(
    app, session, partnership, client
):
    assert public.settings_of(session, partnership.id).public_page is False
    assert public.settings_of(session, partnership.id).public_token is None
    assert client.get("/public/actions/not-a-token").status_code == 404
    assert client.get("/public/actions/" + "x" * 300).status_code == 404


def test_a_facilitator_switches_it_on_and_anyone_with_the_link_sees_the_actions(
    app, session, partnership, company, council, ngo, charter, add_action, as_facilitator
):
    add_action(
        company,
        goal_key=GOAL,
        supporter_ids=[council.id, ngo.id],
        status="in_progress",
        progress=40,
    )
    response = switch(as_facilitator, partnership)
    assert response.status_code == 302
    settings = saved(session, partnership)
    assert (settings.public_page, settings.remind_days_before, settings.due_soon_days) == (
        True,
        7,
        14,
    )
    assert len(settings.public_token) == 43

    visitor = app.test_client()
    page = visitor.get(f"/public/actions/{settings.public_token}?lang=en")
    assert page.status_code == 200
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow"
    text = page_text(page)
    assert "Joint actions of Caguán" in text
    assert "A well for the village Goal: Clean water" in text
    assert "Palmas del Caguán" in text
    assert "Alcaldía, Asocomunal" in text
    assert "In progress" in text
    assert "40%" in text
    assert "Starts Mar 1, 2026" in text
    assert "Due Sep 30, 2026" in text

    spanish = visitor.get(f"/public/actions/{settings.public_token}?lang=es")
    assert "Pozo para la vereda" in page_text(spanish)
    assert "Agua limpia" in page_text(spanish)


def test_the_page_names_no_person_and_shows_no_comment_reason_evidence_or_money(
    app,
    session,
    make,
    partnership,
    company,
    council,
    facilitator,
    company_rep,
    council_rep,
    add_action,
    as_facilitator,
):
    company_rep.email = "carlos.rojas@palmas.example"
    session.flush()
    action = add_action(
        company,
        supporter_ids=[council.id],
        responsible_ids=[company_rep.id, council_rep.id],
        budget="25000000",
        currency="COP",
        contributions=[
            {
                "partner_id": council.id,
                "kind": "in_kind",
                "amount": "",
                "currency": "",
                "description": "Retroexcavadora del municipio",
            }
        ],
        comment="Carlos visitó el terreno",
    )
    services.report_progress(
        session,
        actor=company_rep,
        membership=membership_of(session, company_rep, partnership),
        action=action,
        status="blocked",
        progress=30,
        comment="Esperando el permiso ambiental",
        reason="La licencia de Lucía venció",
    )
    session.add(
        Evidence(
            partnership_id=partnership.id,
            action_id=action.id,
            kind="link",
            title="Foto del pozo con la familia Rojas",
            url="https://example.org/foto-rojas",
            added_by_id=company_rep.id,
        )
    )
    contact = contacts.get_or_create_contact(session, "+573104567821")
    contacts.join(session, contact=contact, partnership_id=partnership.id, channel="web")
    session.flush()
    switch(as_facilitator, partnership)

    page = app.test_client().get(
        f"/public/actions/{saved(session, partnership).public_token}?lang=en"
    )
    body = page.get_data(as_text=True)
    assert "Palmas del Caguán" in body
    assert "Blocked" in page_text(page)
    for private in (
        "Carlos",
        "Lucía",
        "Fabiola",
        company_rep.email,
        council_rep.email,
        facilitator.email,
        "Carlos visitó el terreno",
        "Esperando el permiso ambiental",
        "La licencia de Lucía venció",
        "Foto del pozo con la familia Rojas",
        "example.org/foto-rojas",
        "Retroexcavadora del municipio",
        "25000000",
        "25,000,000",
        "COP",
        "3104567821",
        "Perforar y equipar un pozo.",
    ):
        assert private not in body, private


def test_switching_off_hides_it_and_on_again_brings_back_the_same_link(
    app, session, partnership, company, add_action, as_facilitator
):
    add_action(company)
    switch(as_facilitator, partnership)
    token = saved(session, partnership).public_token
    visitor = app.test_client()

    switch(as_facilitator, partnership, on=False)
    assert saved(session, partnership).public_page is False
    assert visitor.get(f"/public/actions/{token}").status_code == 404

    switch(as_facilitator, partnership)
    assert saved(session, partnership).public_token == token
    assert visitor.get(f"/public/actions/{token}").status_code == 200


def test_a_new_address_retires_the_old_link(
    app, session, partnership, company, add_action, as_facilitator
):
    add_action(company)
    switch(as_facilitator, partnership)
    old = saved(session, partnership).public_token
    switch(as_facilitator, partnership, new_address=True)
    new = saved(session, partnership).public_token
    visitor = app.test_client()
    assert new != old
    assert visitor.get(f"/public/actions/{old}").status_code == 404
    assert visitor.get(f"/public/actions/{new}").status_code == 200
    details = session.scalars(
        select(AuditEntry.details)
        .where(AuditEntry.action == "action_settings.save")
        .order_by(AuditEntry.id)
    ).all()
    assert details == [{"public_page": [False, True]}, {"public_address": "renewed"}]


def test_the_settings_page_shows_the_link_once_switched_on(session, partnership, as_facilitator):
    page = page_text(as_facilitator.get(settings_url(partnership)))
    assert "The public page is off." in page
    switch(as_facilitator, partnership)
    token = saved(session, partnership).public_token
    page = page_text(as_facilitator.get(settings_url(partnership)))
    assert f"http://hsbp.test/public/actions/{token}" in page


@pytest.mark.parametrize("who", ["company_rep", "observer"])
def test_only_facilitators_change_the_settings(request, login, client, partnership, who):
    login(request.getfixturevalue(who))
    assert client.get(settings_url(partnership)).status_code == 404
    assert switch(client, partnership).status_code == 404


def test_a_member_of_another_partnership_gets_not_found(make, login, client, partnership):
    other = make.partnership(name="Otra")
    login(make.member(other))
    assert client.get(settings_url(partnership)).status_code == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"remind_days_before": "61"}, "Number must be between 0 and 60."),
        ({"due_soon_days": "0"}, "Number must be between 1 and 90."),
        ({"remind_days_before": "soon"}, "Not a valid integer value."),
    ],
)
def test_bad_values_re_render_with_the_message_and_save_nothing(
    session, partnership, as_facilitator, fields, message
):
    response = switch(as_facilitator, partnership, **fields)
    assert response.status_code == 422
    assert message in page_text(response)
    assert saved(session, partnership) is None


def test_the_service_refuses_out_of_range_days(session, partnership, facilitator):
    with pytest.raises(ServiceError) as refused:
        public.save_settings(
            session,
            actor=facilitator,
            partnership=partnership,
            public_page=True,
            remind_days_before=-1,
            due_soon_days=14,
        )
    assert (str(refused.value), refused.value.field) == (
        "Choose from 0 to 60 days.",
        "remind_days_before",
    )


def test_the_public_page_query_count_does_not_grow_with_actions(
    app, session, partnership, company, council, ngo, add_action, as_facilitator, count_queries
):
    switch(as_facilitator, partnership)
    url = f"/public/actions/{saved(session, partnership).public_token}"
    visitor = app.test_client()

    def queries() -> int:
        with count_queries() as counter:
            assert visitor.get(url).status_code == 200
        return counter["n"]

    add_action(company, supporter_ids=[council.id])
    few = queries()
    for n in range(5):
        add_action(council, supporter_ids=[company.id, ngo.id], due_on=date(2026, 10, n + 1))
    assert queries() == few
