"""The draft editor's overview and its section pages: each section's state, saving one
section alone, errors that keep what was typed, one audit entry per save, the whole-draft
checks at the moment of proposing, and the links from suggestions and indicators."""

import re

import pytest
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.principles import drafting, sections, services, suggestions
from hsbp.principles.content import empty_content
from hsbp.principles.models import CharterVersion
from tests.principles import charter_content, form_fields, partnership_with


@pytest.fixture
def request_context(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def draft_with(session, setup, content: dict | None = None) -> CharterVersion:
    draft = services.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    if content is not None:
        services.update_draft(
            session,
            actor=setup.facilitator,
            partnership=setup.partnership,
            version=draft,
            raw=content,
        )
    return draft


def card(page: str, slug: str) -> str:
    """The text of one section's entry on the overview, tags stripped."""
    found = re.search(rf'<li class="card" id="section-{slug}">(.*?)</li>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def section_entries(session, partnership_id: int) -> list[dict]:
    return [
        entry.details
        for entry in session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.partnership_id == partnership_id,
                AuditEntry.action == "charter.update_section",
            )
            .order_by(AuditEntry.id)
        )
    ]


# The document -------------------------------------------------------------------------


def test_states_say_empty_partial_missing_languages_and_filled():
    content = charter_content()
    content["principles"]["sharing"] = {}
    content["budget"] = [
        {
            "key": "c" * 32,
            "description": {"es": "Vivero"},
            "partner_id": 1,
            "kind": "cash",
            "amount": "10",
            "currency": "COP",
        }
    ]
    found = sections.states(content, locales=["es", "en"], role_count=2)
    assert {slug: (s.kind, s.written, s.total, s.missing) for slug, s in found.items()} == {
        "principles": ("partial", 4, 5, []),
        "protocols": ("missing", 1, 4, ["en"]),
        "decisions": ("filled", 1, 1, []),
        "actions": ("filled", 1, 1, []),
        "risks": ("filled", 1, 1, []),
        "roles": ("empty", 0, 2, []),
        "budget": ("missing", 1, None, ["en"]),
        "goals": ("missing", 1, None, ["en"]),
        "indicators": ("empty", 0, None, []),
    }
    assert sections.state(empty_content(), "principles", locales=["es"]).kind == "empty"


def test_problems_name_the_section_to_fix(request_context):
    content = charter_content()
    assert sections.problems(content, default_locale="es") == []
    content["principles"]["trust"] = {"en": "Only in English"}
    [problem] = sections.problems(content, default_locale="es")
    assert problem.section == "principles"
    assert str(problem.message) == (
        "Write the commitments for every principle in Spanish before proposing."
    )


def test_saving_a_section_leaves_the_others_as_stored(session, make):
    setup = partnership_with(make, partners=1)
    draft = draft_with(session, setup, charter_content())
    # A document from before the action rule: saving another section must not add it.
    legacy = {k: v for k, v in draft.content.items() if k != "action_rule"}
    draft.content = legacy
    session.flush()
    raw = {"principles": {**legacy["principles"], "trust": {"es": "Nueva", "en": "New"}}}
    changes = drafting.save_section(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        version=draft,
        section="principles",
        raw=raw,
    )
    assert [change.path for change in changes] == [
        ("principles", "trust", "es"),
        ("principles", "trust", "en"),
    ]
    assert draft.content == {**legacy, "principles": raw["principles"]}
    assert "action_rule" not in draft.content


def test_the_indicator_section_is_not_saved_here(session, make):
    setup = partnership_with(make, partners=1)
    draft = draft_with(session, setup)
    with pytest.raises(KeyError):
        drafting.save_section(
            session,
            actor=setup.facilitator,
            partnership=setup.partnership,
            version=draft,
            section="indicators",
            raw={"indicators": []},
        )
    assert draft.content["indicators"] is None


# Over HTTP -----------------------------------------------------------------------------


def test_overview_lists_every_section_with_its_state_and_link(client, make, login, session):
    setup = partnership_with(make, partners=2)
    content = charter_content()
    content["principles"]["sharing"] = {}
    draft_with(session, setup, content)
    pid = setup.partnership.id
    login(setup.facilitator)
    page = client.get(f"/p/{pid}/charter/1/edit").get_data(as_text=True)
    for slug in ("principles", "protocols", "decisions", "actions", "roles", "budget"):
        assert f'href="/p/{pid}/charter/1/edit/{slug}"' in page
    assert card(page, "principles") == (
        "Principles Partly written 4 of 5 written "
        "Write the commitments for every principle in Spanish before proposing. Edit"
    )
    assert card(page, "protocols") == (
        "Management protocols Languages missing 1 of 4 written Translation missing: English Edit"
    )
    assert card(page, "decisions") == (
        "Decision rules Filled Consensus · Community support by SMS: Informative Edit"
    )
    assert card(page, "roles") == "Roles and responsibilities Empty 0 of 2 written Edit"
    assert card(page, "budget") == "Budget Empty 0 budget lines Edit"
    assert card(page, "goals") == "Goals Languages missing 1 goal Translation missing: English Edit"
    assert card(page, "indicators") == (
        "Indicators Empty The indicator set is not part of this draft. Edit"
    )
    assert "Fix the sections marked above before proposing." in page


def test_a_section_save_touches_that_section_only_and_is_audited(client, make, login, session):
    setup = partnership_with(make, partners=1)
    draft = draft_with(session, setup, charter_content())
    before = dict(draft.content)
    pid = setup.partnership.id
    login(setup.facilitator)
    url = f"/p/{pid}/charter/1/edit/protocols"
    form = form_fields(client.get(url).get_data(as_text=True))
    assert set(form) == {
        f"protocols-{key}-{code}"
        for key in ("entry_rules", "leaver_rules", "communication_protocol", "grievance_handling")
        for code in ("es", "en")
    }
    form["protocols-entry_rules-en"] = "Whoever signs joins."
    saved = client.post(url, data=form)
    assert saved.headers["Location"] == f"/p/{pid}/charter/1/edit#section-protocols"
    session.refresh(draft)
    assert draft.content == {
        **before,
        "protocols": {
            **before["protocols"],
            "entry_rules": {"es": "Entra quien firma.", "en": "Whoever signs joins."},
        },
    }
    overview = client.get(f"/p/{pid}/charter/1/edit").get_data(as_text=True)
    assert "“Management protocols” is saved." in overview
    assert section_entries(session, pid) == [
        {
            "number": 1,
            "section": "protocols",
            "changed": ["charter.protocols"],
            "paths": ["protocols/entry_rules/en"],
            "count": 1,
        }
    ]
    # Saving it unchanged writes nothing more.
    client.post(url, data=form)
    assert len(section_entries(session, pid)) == 1
    log = client.get(f"/p/{pid}/audit").get_data(as_text=True)
    assert re.search(r"edited the section “Management protocols” of <a [^>]+>version", log)


def test_a_refused_section_keeps_what_was_typed_and_saves_nothing(client, make, login, session):
    setup = partnership_with(make, partners=1)
    draft = draft_with(session, setup, charter_content())
    pid = setup.partnership.id
    login(setup.facilitator)
    url = f"/p/{pid}/charter/1/edit/decisions"
    form = form_fields(client.get(url).get_data(as_text=True))
    form.update({"rule": "majority", "majority_percent": "40", "community_mode": "required"})
    response = client.post(url, data=form)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Number must be between 51 and 100." in body
    again = form_fields(body)
    assert (again["rule"], again["majority_percent"], again["community_mode"]) == (
        "majority",
        "40",
        "required",
    )
    session.refresh(draft)
    assert draft.content["decision_rule"]["rule"] == "consensus"
    assert section_entries(session, pid) == []


def test_save_and_add_more_stays_on_the_section(client, make, login, session):
    setup = partnership_with(make, partners=1)
    draft_with(session, setup)
    pid = setup.partnership.id
    login(setup.facilitator)
    url = f"/p/{pid}/charter/1/edit/goals"
    form = form_fields(client.get(url).get_data(as_text=True))
    form.update({"goals-0-title-es": "Agua", "goals-1-title-es": "Vías", "more": "1"})
    assert client.post(url, data=form).headers["Location"] == url
    assert "goals-3-key" in form_fields(client.get(url).get_data(as_text=True))


def test_unknown_section_and_posting_the_indicators_are_refused(client, make, login, session):
    setup = partnership_with(make, partners=1)
    draft_with(session, setup)
    pid = setup.partnership.id
    login(setup.facilitator)
    assert client.get(f"/p/{pid}/charter/1/edit/preamble").status_code == 404
    assert client.post(f"/p/{pid}/charter/1/edit/indicators").status_code == 405
    page = client.get(f"/p/{pid}/charter/1/edit/indicators").get_data(as_text=True)
    assert "Take the current indicator set into this draft" in page
    assert f'action="/p/{pid}/charter/1/indicators"' in page


def test_the_old_one_page_form_leads_to_the_overview(client, make, login, session):
    setup = partnership_with(make, partners=1)
    draft = draft_with(session, setup, charter_content())
    pid = setup.partnership.id
    login(setup.facilitator)
    posted = client.post(
        f"/p/{pid}/charter/1/edit",
        data={"principles-trust-es": "Otra", "rule": "majority", "quorum_percent": "50"},
    )
    assert posted.status_code == 302
    assert posted.headers["Location"] == f"/p/{pid}/charter/1/edit"
    overview = client.get(posted.headers["Location"]).get_data(as_text=True)
    assert "The draft is now written one section at a time" in overview
    session.refresh(draft)
    assert draft.content["principles"]["trust"]["es"] == "Compromiso trust"


def test_proposing_an_incomplete_draft_lists_the_sections_to_fix(client, make, login, session):
    setup = partnership_with(make, partners=1)
    content = charter_content()
    content["principles"]["trust"] = {"en": "We publish every decision."}
    draft = draft_with(session, setup, content)
    pid = setup.partnership.id
    login(setup.facilitator)
    response = client.post(f"/p/{pid}/charter/1/propose")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = re.search(r'<div class="error-summary" role="alert">(.*?)</div>', body, re.S)
    assert " ".join(re.sub(r"<[^>]+>", " ", summary.group(1)).split()) == (
        "Version 1 cannot be proposed yet. Fix these sections first: Principles : Write the "
        "commitments for every principle in Spanish before proposing."
    )
    assert f'<a href="/p/{pid}/charter/1/edit/principles">Principles</a>' in summary.group(1)
    assert draft.status == "draft"

    url = f"/p/{pid}/charter/1/edit/principles"
    form = form_fields(client.get(url).get_data(as_text=True))
    client.post(url, data={**form, "principles-trust-es": "Publicamos cada decisión."})
    assert client.post(f"/p/{pid}/charter/1/propose").status_code == 302
    session.refresh(draft)
    assert draft.status == "proposed"


def test_suggestions_waiting_show_on_the_overview_and_their_section(client, make, login, session):
    setup = partnership_with(make, partners=1)
    draft = draft_with(session, setup, charter_content())
    made = suggestions.suggest(
        session,
        actor=setup.representatives[0],
        partnership=setup.partnership,
        version=draft,
        clause="principles/trust",
        wording={"es": "Rendimos cuentas cada mes."},
        comment="La asamblea lo pidió.",
    )
    pid = setup.partnership.id
    login(setup.facilitator)
    overview = client.get(f"/p/{pid}/charter/1/edit").get_data(as_text=True)
    assert "1 suggestion waits for a facilitator's decision." in card(overview, "principles")
    assert "suggestion" not in card(overview, "goals")
    page = client.get(f"/p/{pid}/charter/1/edit/principles").get_data(as_text=True)
    assert f'href="/p/{pid}/charter/1/suggestions/{made.id}"><bdi>Trust</bdi></a>' in page
    assert "Suggested wording to decide on" not in client.get(
        f"/p/{pid}/charter/1/edit/goals"
    ).get_data(as_text=True)


def test_overview_queries_do_not_grow_with_the_sections_filled(
    client, make, login, session, count_queries
):
    setup = partnership_with(make, partners=1)
    draft = draft_with(session, setup)
    pid = setup.partnership.id
    login(setup.facilitator)
    with count_queries() as empty:
        client.get(f"/p/{pid}/charter/1/edit")
    content = charter_content()
    content["goals"] = content["goals"] * 20
    services.update_draft(
        session, actor=setup.facilitator, partnership=setup.partnership, version=draft, raw=content
    )
    with count_queries() as full:
        client.get(f"/p/{pid}/charter/1/edit")
    assert full["n"] == empty["n"]
