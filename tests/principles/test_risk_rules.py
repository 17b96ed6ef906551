"""The charter's risk settings: who reads the risks register, and which partners are told of
each incident reported by SMS — the editor's section, refusals, the reading views, and the
comparison of versions."""

import re

import pytest
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.principles import services
from hsbp.principles.changes import describe, diff
from hsbp.principles.models import CharterVersion
from tests.principles import (
    adopted_version,
    charter_content,
    form_fields,
    partnership_with,
)

LOCALES = ["es", "en"]


@pytest.fixture
def request_context(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def rows(old: dict, new: dict, names: dict | None = None) -> list[tuple]:
    changes = diff(old, new, locales=LOCALES)
    described = describe(
        changes, old=old, new=new, partner_names=names or {}, locale="en", fallback="es"
    )
    return [(row["label"], row["kind"], row["old"], row["new"]) for row in described]


def stored(session, pid: int) -> dict:
    return session.scalars(
        select(CharterVersion.content).where(CharterVersion.partnership_id == pid)
    ).one()


def draft(client, session, setup):
    services.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    return f"/p/{setup.partnership.id}/charter/1/edit/risks"


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# Comparing versions ---------------------------------------------------------------------


def test_diff_lists_a_changed_rule_and_the_partners_told(request_context):
    old = charter_content()
    new = charter_content(risk_rule="all_members", incident_partners=[7, 3])
    new["goals"][0]["target"] = {"es": "2 casos", "en": "4 cases"}
    # The settings come with the other rules, before the goals.
    assert rows(old, new, {3: "Alcaldía", 7: "Palmas"}) == [
        (
            "Who reads the risks register",
            "changed",
            "Facilitators and the partners connected to each risk",
            "All members",
        ),
        ("Partners told of each incident reported by SMS", "added", None, "Palmas, Alcaldía"),
        ("Goal: Fewer land conflicts — Target — Spanish", "changed", "4 casos", "2 casos"),
    ]
    fewer = charter_content(risk_rule="all_members", incident_partners=[3])
    assert rows(new, fewer, {3: "Alcaldía", 7: "Palmas"})[0] == (
        "Partners told of each incident reported by SMS",
        "changed",
        "Palmas, Alcaldía",
        "Alcaldía",
    )
    assert rows(fewer, charter_content(risk_rule="all_members"), {3: "Alcaldía"}) == [
        ("Partners told of each incident reported by SMS", "removed", "Alcaldía", None),
    ]


def test_a_version_without_the_settings_compares_as_the_defaults(request_context):
    old = {
        k: v for k, v in charter_content().items() if k not in ("risk_rule", "incident_partners")
    }
    assert diff(old, charter_content()) == []
    assert rows(old, charter_content(risk_rule="all_members"))[0][3] == "All members"


# The editor -----------------------------------------------------------------------------


def test_facilitator_sets_the_rule_and_the_partners_told(client, make, login, session):
    setup = partnership_with(make, partners=2)
    first, second = setup.partners
    pid = setup.partnership.id
    login(setup.facilitator)
    url = draft(client, session, setup)
    page = client.get(url).get_data(as_text=True)
    assert "<legend>Who reads the risks register</legend>" in page
    assert ('checked id="risk_rule-1" name="risk_rule" type="radio" value="connected"') in page
    assert (
        '<p class="hint" id="risk_rule-0-hint">Every member of the partnership, observers '
        "included, reads every risk.</p>"
    ) in page
    assert "<legend>Partners told of each incident reported by SMS</legend>" in page
    assert f'name="incident_partners" type="checkbox" value="{first.id}"' in page
    assert form_fields(page) == {"risk_rule": "connected"}

    saved = client.post(
        url, data={"risk_rule": "all_members", "incident_partners": [str(second.id)]}
    )
    assert saved.status_code == 302
    assert saved.headers["Location"] == f"/p/{pid}/charter/1/edit#section-risks"
    content = stored(session, pid)
    assert (content["risk_rule"], content["incident_partners"]) == ("all_members", [second.id])
    [entry] = session.scalars(
        select(AuditEntry).where(
            AuditEntry.partnership_id == pid, AuditEntry.action == "charter.update_section"
        )
    ).all()
    assert entry.details["section"] == "risks"
    assert entry.details["paths"] == ["risk_rule", "incident_partners"]

    page = client.get(url).get_data(as_text=True)
    assert 'checked id="risk_rule-0" name="risk_rule" type="radio" value="all_members"' in page
    assert (
        'checked id="incident_partners-1" name="incident_partners" type="checkbox" '
        f'value="{second.id}"'
    ) in page
    assert (
        '<input id="incident_partners-0" name="incident_partners" type="checkbox" '
        f'value="{first.id}">' in page
    )
    overview = client.get(f"/p/{pid}/charter/1/edit").get_data(as_text=True)
    card = re.search(r'<li class="card" id="section-risks">(.*?)</li>', overview, re.S)
    assert text_of(card.group(1)) == (
        "Risks and incidents Filled Who reads the risks register: All members · "
        "1 partner told of incidents Edit"
    )

    # Nobody told but the facilitators: every box unticked.
    client.post(url, data={"risk_rule": "all_members"})
    assert stored(session, pid)["incident_partners"] == []


@pytest.mark.parametrize(
    ("value", "message"),
    [("other", "Choose a partner of this partnership."), ("abc", "Write a whole number.")],
)
def test_editor_refuses_a_partner_not_of_the_partnership(
    client, make, login, session, value, message
):
    setup = partnership_with(make, partners=1)
    elsewhere = make.partner(make.partnership())
    pid = setup.partnership.id
    login(setup.facilitator)
    url = draft(client, session, setup)
    sent = str(elsewhere.id) if value == "other" else value
    response = client.post(
        url,
        data={"risk_rule": "all_members", "incident_partners": [str(setup.partners[0].id), sent]},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please correct the fields marked below." in body
    assert f'<p class="error" id="incident_partners-error" role="alert">{message}</p>' in body
    content = stored(session, pid)
    assert (content["risk_rule"], content["incident_partners"]) == ("connected", [])


def test_editor_refuses_an_unknown_rule_beside_its_field(client, make, login, session):
    setup = partnership_with(make, partners=1)
    login(setup.facilitator)
    url = draft(client, session, setup)
    response = client.post(url, data={"risk_rule": "everyone"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        '<p class="error" id="risk_rule-error" role="alert">'
        "Choose who reads the risks register.</p>"
    ) in body
    assert stored(session, setup.partnership.id)["risk_rule"] == "connected"


def test_only_facilitators_open_the_section(client, make, login, session):
    setup = partnership_with(make, partners=1)
    url = draft(client, session, setup)
    login(setup.representatives[0])
    assert client.get(url).status_code == 404
    assert client.post(url, data={"risk_rule": "all_members"}).status_code == 404
    assert stored(session, setup.partnership.id)["risk_rule"] == "connected"


# Reading ----------------------------------------------------------------------------------


def test_reading_and_print_views_state_the_settings(client, make, login, session):
    setup = partnership_with(make, partners=2)
    told = setup.partners[1]
    adopted_version(
        session, setup, charter_content(risk_rule="all_members", incident_partners=[told.id])
    )
    pid = setup.partnership.id
    assert services.risk_rule(session, partnership_id=pid) == "all_members"
    assert services.incident_partner_ids(session, partnership_id=pid) == [told.id]
    login(setup.observer)
    stated = (
        "<h3>Who reads the risks register</h3>\n"
        "  <p><strong>All members</strong><br>Every member of the partnership, observers "
        "included, reads every risk.</p>"
    )
    partners = (
        "<h3>Partners told of each incident reported by SMS</h3>\n"
        f"  <ul><li><bdi>{told.name}</bdi></li></ul>"
    )
    version = client.get(f"/p/{pid}/charter/1").get_data(as_text=True)
    assert stated in version and partners in version
    printed = client.get(f"/p/{pid}/charter/print").get_data(as_text=True)
    assert stated in printed and partners in printed


def test_a_charter_naming_nobody_says_the_facilitators_only(client, make, login, session):
    setup = partnership_with(make, partners=1)
    adopted_version(session, setup)
    login(setup.observer)
    page = client.get(f"/p/{setup.partnership.id}/charter/1").get_data(as_text=True)
    assert (
        "<h3>Partners told of each incident reported by SMS</h3>\n  <p>The facilitators only.</p>"
    ) in page
    assert "<strong>Facilitators and the partners connected to each risk</strong>" in page


def test_compare_page_lists_the_changed_settings(client, make, login, session):
    setup = partnership_with(make, partners=1)
    partner = setup.partners[0]
    adopted_version(session, setup)
    amendment = services.start_draft(
        session, actor=setup.facilitator, partnership=setup.partnership
    )
    services.update_draft(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        version=amendment,
        raw=charter_content(risk_rule="all_members", incident_partners=[partner.id]),
    )
    login(setup.observer)
    body = client.get(f"/p/{setup.partnership.id}/charter/compare?a=1&b=2").get_data(as_text=True)
    assert "2 differences between version 1 and version 2." in body
    assert '<h2>Who reads the risks register <span class="tag">Changed</span></h2>' in body
    assert (
        '<h2>Partners told of each incident reported by SMS <span class="tag">Added</span></h2>'
    ) in body
    assert f"<p>{partner.name}</p>" in body
