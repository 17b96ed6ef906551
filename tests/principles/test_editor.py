"""The draft editor over HTTP, one section page at a time: writing every section, adding and
removing lines, missing translations, errors beside their field, who may edit, and a frozen
adopted version."""

import re

from sqlalchemy import select

from hsbp.principles import services
from hsbp.principles.models import CharterVersion
from tests.principles import adopted_version, charter_content, form_fields, partnership_with


def section(client, pid: int, number: int, name: str) -> dict:
    page = client.get(f"/p/{pid}/charter/{number}/edit/{name}")
    assert page.status_code == 200
    return form_fields(page.get_data(as_text=True))


def save(client, pid: int, name: str, changes: dict, number: int = 1):
    form = {**section(client, pid, number, name), **changes}
    return client.post(f"/p/{pid}/charter/{number}/edit/{name}", data=form)


def stored(session) -> dict:
    return session.scalars(select(CharterVersion.content)).one()


def test_facilitator_writes_a_draft_section_by_section(client, make, login, session):
    setup = partnership_with(make, partners=2)
    pid = setup.partnership.id
    alcaldia = setup.partners[0]
    login(setup.facilitator)
    started = client.post(f"/p/{pid}/charter/drafts")
    assert started.headers["Location"] == f"/p/{pid}/charter/1/edit"

    for name, changes in (
        (
            "principles",
            {
                "principles-trust-es": "Publicamos cada decisión.",
                "principles-trust-en": "We publish every decision.",
            },
        ),
        ("protocols", {"protocols-leaver_rules-es": "Quien sale avisa con un mes."}),
        ("roles", {f"roles-p{alcaldia.id}-es": "Convoca las mesas."}),
        ("decisions", {"rule": "majority", "majority_percent": "70", "quorum_percent": "50"}),
        (
            "budget",
            {
                "budget-0-description-es": "Vivero comunitario",
                "budget-0-partner_id": str(alcaldia.id),
                "budget-0-kind": "in_kind",
                "budget-0-amount": "2500000",
                "budget-0-currency": "cop",
            },
        ),
        (
            "goals",
            {
                "goals-1-title-es": "Vía rural segura",
                "goals-1-target-es": "Cero accidentes",
                "goals-1-due": "2027-03-31",
            },
        ),
    ):
        saved = save(client, pid, name, changes)
        assert saved.headers["Location"] == f"/p/{pid}/charter/1/edit#section-{name}"

    content = stored(session)
    assert content["principles"]["trust"] == {
        "es": "Publicamos cada decisión.",
        "en": "We publish every decision.",
    }
    assert content["protocols"]["leaver_rules"] == {"es": "Quien sale avisa con un mes."}
    assert content["roles"] == [{"partner_id": alcaldia.id, "text": {"es": "Convoca las mesas."}}]
    assert content["decision_rule"] == {
        "rule": "majority",
        "majority_percent": 70,
        "quorum_percent": 50,
    }
    [line] = content["budget"]
    assert {k: v for k, v in line.items() if k != "key"} == {
        "description": {"es": "Vivero comunitario"},
        "partner_id": alcaldia.id,
        "kind": "in_kind",
        "amount": "2500000",
        "currency": "COP",
    }
    [goal] = content["goals"]
    assert {k: v for k, v in goal.items() if k != "key"} == {
        "title": {"es": "Vía rural segura"},
        "baseline": {},
        "target": {"es": "Cero accidentes"},
        "due": "2027-03-31",
    }

    # The saved line and goal come back with their keys, and two new empty rows each.
    budget, goals = section(client, pid, 1, "budget"), section(client, pid, 1, "goals")
    assert (budget["budget-0-key"], goals["goals-0-key"]) == (line["key"], goal["key"])
    assert (budget["budget-2-key"], goals["goals-2-key"]) == ("", "")
    assert "budget-3-key" not in budget and "goals-0-key" not in budget

    assert save(client, pid, "budget", {"budget-0-remove": "y"}).status_code == 302
    assert save(client, pid, "goals", {"goals-0-target-en": "No accidents"}).status_code == 302
    content = stored(session)
    assert content["budget"] == []
    assert content["goals"][0]["key"] == goal["key"]
    assert content["goals"][0]["target"] == {"es": "Cero accidentes", "en": "No accidents"}


def test_section_page_lists_missing_translations_per_field(client, make, login, session):
    setup = partnership_with(make, partners=1)
    draft = services.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    services.update_draft(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        version=draft,
        raw=charter_content(),
    )
    login(setup.facilitator)
    pid = setup.partnership.id
    principles = client.get(f"/p/{pid}/charter/1/edit/principles").get_data(as_text=True)
    assert "Translation missing" not in principles
    assert '<label for="principles-trust-es">Spanish</label>' in principles
    assert (
        '<textarea id="principles-trust-es" lang="es" maxlength="5000" '
        'name="principles-trust-es" rows="3">\r\nCompromiso trust</textarea>'
    ) in principles
    # Entry rules and the goal's baseline are in Spanish only.
    for name in ("protocols", "goals"):
        page = client.get(f"/p/{pid}/charter/1/edit/{name}").get_data(as_text=True)
        assert page.count("Translation missing: English") == 1


def test_section_error_is_shown_beside_its_field_and_nothing_is_saved(client, make, login, session):
    setup = partnership_with(make, partners=1)
    pid = setup.partnership.id
    login(setup.facilitator)
    client.post(f"/p/{pid}/charter/drafts")
    response = save(
        client,
        pid,
        "budget",
        {
            "budget-1-description-es": "Transporte",
            "budget-1-partner_id": str(setup.partners[0].id),
            "budget-1-amount": "100",
            "budget-1-currency": "ZZZ",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please correct the fields marked below." in body
    assert re.search(
        r'<p class="error" id="budget-1-currency-error">Use a three-letter ISO 4217 currency '
        r"code, for example COP.</p>",
        body,
    )
    # What was typed is all there to correct.
    typed = form_fields(body)
    assert (typed["budget-1-description-es"], typed["budget-1-amount"]) == ("Transporte", "100")
    assert typed["budget-1-currency"] == "ZZZ"
    assert stored(session)["budget"] == []


def test_observer_and_representative_cannot_edit(app, client, make, login, session):
    setup = partnership_with(make, partners=1)
    services.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    pid = setup.partnership.id
    for user in (setup.observer, setup.representatives[0]):
        visitor = login(user, target=app.test_client())
        assert visitor.get(f"/p/{pid}/charter/1/edit").status_code == 404
        assert visitor.get(f"/p/{pid}/charter/1/edit/principles").status_code == 404
        assert visitor.post(f"/p/{pid}/charter/1/edit/principles", data={}).status_code == 404
        assert visitor.post(f"/p/{pid}/charter/1/propose").status_code == 404
        assert visitor.post(f"/p/{pid}/charter/drafts").status_code == 404
        page = visitor.get(f"/p/{pid}/charter").get_data(as_text=True)
        assert "Edit the draft" not in page and "Propose to the partners" not in page
    assert session.scalar(select(CharterVersion.status)) == "draft"


def test_editing_an_adopted_version_is_refused(client, make, login, session):
    setup = partnership_with(make, partners=1)
    adopted_version(session, setup)
    pid = setup.partnership.id
    login(setup.facilitator)
    for path in ("edit", "edit/principles", "edit/indicators"):
        opened = client.get(f"/p/{pid}/charter/1/{path}")
        assert opened.headers["Location"] == f"/p/{pid}/charter/1"
    follow = client.get(f"/p/{pid}/charter/1").get_data(as_text=True)
    assert "An adopted version is frozen. Start an amendment to change it." in follow
    posted = client.post(
        f"/p/{pid}/charter/1/edit/principles", data={"principles-trust-es": "Otra cosa"}
    )
    body = posted.get_data(as_text=True)
    assert posted.status_code == 422
    assert "An adopted version is frozen." in body
    assert form_fields(body)["principles-trust-es"] == "Otra cosa"
    assert stored(session)["principles"]["trust"]["es"] == "Compromiso trust"


def test_pages_of_a_large_partnership_weigh_well_under_100_kb(client, make, login, session):
    setup = partnership_with(make, partners=9)
    content = charter_content()
    content["budget"] = [
        {
            "key": "",
            "description": {"es": "Aporte " * 10, "en": "Contribution " * 10},
            "partner_id": partner.id,
            "kind": "cash",
            "amount": "1000000",
            "currency": "COP",
        }
        for partner in setup.partners[:3]
    ]
    content["goals"] = content["goals"] * 3
    draft = services.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    services.update_draft(
        session, actor=setup.facilitator, partnership=setup.partnership, version=draft, raw=content
    )
    login(setup.facilitator)
    pid = setup.partnership.id
    weights = {
        path: len(client.get(f"/p/{pid}/charter/1/{path}").get_data())
        for path in ("edit", "edit/principles", "edit/roles", "edit/budget", "edit/goals")
    }
    # The one-page editor of before weighed about 60 KB here; each page is now a part of it.
    assert max(weights.values()) < 25_000, weights
