"""The charter's rule on who may change an action of the joint checklist: its default, cleaning,
comparison, the editor, the reading view, and the rule in force that the checklist follows."""

import pytest
from sqlalchemy import select

from hsbp.errors import ServiceError
from hsbp.principles import services
from hsbp.principles.changes import describe, diff
from hsbp.principles.content import ACTION_RULES, empty_content, normalise
from hsbp.principles.models import CharterVersion
from tests.principles import (
    adopted_version,
    charter_content,
    form_fields,
    partnership_with,
    proposed_version,
)

LOCALES = ["es", "en"]
LEAD_RADIO = 'checked id="action_rule-0" name="action_rule" type="radio" value="lead"'


@pytest.fixture
def request_context(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def without_rule(content: dict) -> dict:
    """A document as it was stored before the charter had an action rule."""
    return {key: value for key, value in content.items() if key != "action_rule"}


def rows(old: dict, new: dict) -> list[tuple]:
    changes = diff(old, new, locales=LOCALES)
    described = describe(changes, old=old, new=new, partner_names={}, locale="en", fallback="es")
    return [(row["label"], row["kind"], row["old"], row["new"]) for row in described]


def edit(client, pid: int, data: dict):
    return client.post(f"/p/{pid}/charter/1/edit/actions", data=data)


def stored_rule(session) -> str:
    return session.scalars(select(CharterVersion.content)).one()["action_rule"]


# The document -------------------------------------------------------------------------


def test_empty_content_lets_the_lead_partner_change_actions():
    assert ACTION_RULES == ("lead", "owners", "any")
    assert empty_content()["action_rule"] == "lead"


@pytest.mark.parametrize("rule", ["lead", "owners", "any"])
def test_normalise_keeps_a_known_rule(rule):
    clean = normalise(charter_content(action_rule=rule), locales=LOCALES, partner_ids=set())
    assert clean["action_rule"] == rule


def test_normalise_gives_a_document_without_the_rule_the_default():
    raw = without_rule(charter_content())
    assert normalise(raw, locales=LOCALES, partner_ids=set())["action_rule"] == "lead"


@pytest.mark.parametrize("rule", ["everyone", "LEAD", "", None, 2, ["lead"]])
def test_normalise_refuses_an_unknown_rule_on_its_field(request_context, rule):
    raw = charter_content(action_rule=rule)
    with pytest.raises(ServiceError) as refused:
        normalise(raw, locales=LOCALES, partner_ids=set())
    assert refused.value.field == "action_rule"
    assert str(refused.value.message) == "Choose who may change an action."


def test_diff_shows_a_change_of_the_rule(request_context):
    old = charter_content()
    new = charter_content(action_rule="owners")
    new["goals"][0]["target"] = {"es": "2 casos", "en": "4 cases"}
    # The rule comes with the management protocols, before the goals.
    assert rows(old, new) == [
        ("Who may change an action", "changed", "Lead partner", "Lead and supporting partners"),
        ("Goal: Fewer land conflicts — Target — Spanish", "changed", "4 casos", "2 casos"),
    ]
    assert rows(new, charter_content(action_rule="any"))[0] == (
        "Who may change an action",
        "changed",
        "Lead and supporting partners",
        "Any partner",
    )


def test_a_version_without_the_rule_compares_as_lead(request_context):
    old = without_rule(charter_content())
    assert diff(old, charter_content(action_rule="lead")) == []
    assert rows(old, charter_content(action_rule="any")) == [
        ("Who may change an action", "changed", "Lead partner", "Any partner"),
    ]


# The rule in force ---------------------------------------------------------------------


def test_action_rule_follows_the_version_in_force(session, make):
    setup = partnership_with(make, partners=2)
    pid = setup.partnership.id
    assert services.action_rule(session, partnership_id=pid) == "lead"

    first = proposed_version(session, setup, charter_content(action_rule="owners"))
    assert services.action_rule(session, partnership_id=pid) == "lead"
    for user in setup.representatives:
        services.endorse(session, actor=user, version=first, stance="endorse")
    assert services.action_rule(session, partnership_id=pid) == "owners"

    amendment = services.start_draft(
        session, actor=setup.facilitator, partnership=setup.partnership
    )
    services.update_draft(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        version=amendment,
        raw=charter_content(action_rule="any"),
    )
    assert services.action_rule(session, partnership_id=pid) == "owners"
    services.propose(
        session, actor=setup.facilitator, partnership=setup.partnership, version=amendment
    )
    assert services.action_rule(session, partnership_id=pid) == "owners"
    for user in setup.representatives:
        services.endorse(session, actor=user, version=amendment, stance="endorse")
    assert services.action_rule(session, partnership_id=pid) == "any"


def test_action_rule_of_another_partnership_does_not_count(session, make):
    other = partnership_with(make, partners=1)
    adopted_version(session, other, charter_content(action_rule="any"))
    setup = partnership_with(make, partners=1)
    assert services.action_rule(session, partnership_id=setup.partnership.id) == "lead"
    assert services.action_rule(session, partnership_id=other.partnership.id) == "any"


def test_a_version_adopted_before_the_rule_existed_means_lead(client, make, login, session):
    setup = partnership_with(make, partners=1)
    version = adopted_version(session, setup, charter_content(action_rule="any"))
    version.content = without_rule(version.content)
    session.flush()
    pid = setup.partnership.id
    assert services.action_rule(session, partnership_id=pid) == "lead"

    services.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    login(setup.facilitator)
    page = client.get(f"/p/{pid}/charter/2/edit/actions").get_data(as_text=True)
    assert LEAD_RADIO in page


# Over HTTP -----------------------------------------------------------------------------


def test_facilitator_sets_the_rule_in_the_editor(client, make, login, session):
    setup = partnership_with(make, partners=1)
    pid = setup.partnership.id
    login(setup.facilitator)
    client.post(f"/p/{pid}/charter/drafts")
    page = client.get(f"/p/{pid}/charter/1/edit/actions").get_data(as_text=True)
    assert "<legend>Who may change an action</legend>" in page
    assert LEAD_RADIO in page
    assert (
        '<p class="hint" id="action_rule-2-hint">Any partner representative of the '
        "partnership changes any action.</p>"
    ) in page
    form = form_fields(page)
    assert form["action_rule"] == "lead"

    form["action_rule"] = "owners"
    saved = edit(client, pid, form)
    assert saved.headers["Location"] == f"/p/{pid}/charter/1/edit#section-actions"
    assert stored_rule(session) == "owners"
    page = client.get(f"/p/{pid}/charter/1/edit/actions").get_data(as_text=True)
    assert form_fields(page)["action_rule"] == "owners"


def test_editor_refuses_an_unknown_rule_beside_its_field(client, make, login, session):
    setup = partnership_with(make, partners=1)
    pid = setup.partnership.id
    login(setup.facilitator)
    client.post(f"/p/{pid}/charter/drafts")
    form = form_fields(client.get(f"/p/{pid}/charter/1/edit/actions").get_data(as_text=True))
    form["action_rule"] = "everyone"
    response = edit(client, pid, form)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please correct the fields marked below." in body
    assert (
        '<p class="error" id="action_rule-error" role="alert">Choose who may change an action.</p>'
    ) in body
    assert stored_rule(session) == "lead"


def test_reading_and_print_views_state_the_rule(client, make, login, session):
    setup = partnership_with(make, partners=1)
    adopted_version(session, setup, charter_content(action_rule="owners"))
    pid = setup.partnership.id
    login(setup.observer)
    stated = (
        "<p><strong>Lead and supporting partners</strong><br>Representatives of the lead "
        "partner and of the supporting partners change it.</p>\n"
        '  <p class="meta">Facilitators may always change an action; observers never.</p>'
    )
    version = client.get(f"/p/{pid}/charter/1").get_data(as_text=True)
    assert "<h3>Who may change an action</h3>" in version
    assert stated in version
    printed = client.get(f"/p/{pid}/charter/print").get_data(as_text=True)
    assert stated in printed


def test_compare_page_shows_the_changed_rule(client, make, login, session):
    setup = partnership_with(make, partners=1)
    adopted_version(session, setup)
    amendment = services.start_draft(
        session, actor=setup.facilitator, partnership=setup.partnership
    )
    services.update_draft(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        version=amendment,
        raw=charter_content(action_rule="any"),
    )
    login(setup.observer)
    body = client.get(f"/p/{setup.partnership.id}/charter/compare?a=1&b=2").get_data(as_text=True)
    assert "1 difference between version 1 and version 2." in body
    assert '<h2>Who may change an action <span class="tag">Changed</span></h2>' in body
    assert '<p class="meta">Version 2</p><div>\n<p>Any partner</p>' in body
