"""The page of an item's framework references: read by whoever may read the item, changed by
whoever may tag it; a framework's references listed as checkboxes, a search, codes typed by
hand; a bad code re-renders the form with its name and writes nothing; unknown kinds and keys,
other partnerships' items and unreadable risks are 404. And the boxes other pages show."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hsbp.risks.framework_models import FrameworkTag
from tests.risks import framework_rows as rows


def page(partnership, kind, key) -> str:
    return f"/p/{partnership.id}/frameworks/tags/{kind}/{key}"


def tags(session, partnership) -> list[str]:
    return list(
        session.scalars(
            select(FrameworkTag.reference)
            .where(FrameworkTag.partnership_id == partnership.id)
            .order_by(FrameworkTag.reference)
        )
    )


@pytest.fixture
def risk(session, partnership, company):
    found = rows.risk(session, partnership, 3, connections=[(company, "contributes")])
    rows.tag(session, partnership, "risk", found.id, "ifc:PS4")
    return found


def test_the_page_lists_the_tags_and_a_frameworks_references_as_checkboxes(
    client, login, partnership, facilitator, risk
):
    login(facilitator)
    body = client.get(page(partnership, "risk", risk.id) + "?framework=ifc").get_data(True)
    assert "R-3 Contaminación del río" in body
    assert "Salud y seguridad de la comunidad" in body or "Community Health" in body
    boxes = re.findall(r'<input type="checkbox" name="references" value="([^"]+)"[^>]*>', body)
    assert boxes == [f"ifc:PS{n}" for n in range(1, 9)]
    assert re.search(r'value="ifc:PS4" id="fw-ifc-PS4" checked>', body)
    assert not re.search(r'value="ifc:PS1" id="fw-ifc-PS1" checked>', body)


def test_a_search_lists_what_it_finds(client, login, partnership, facilitator, risk):
    login(facilitator)
    body = client.get(page(partnership, "risk", risk.id) + "?q=ungp+13").get_data(True)
    boxes = re.findall(r'name="references" value="([^"]+)" id="(found|other)', body)
    assert ("ungp:13", "found") in boxes
    # The tag already given stays on the form, among its other references.
    assert ("ifc:PS4", "other") in boxes


def test_saving_replaces_the_tags_with_boxes_and_typed_codes(
    session, client, login, partnership, facilitator, risk
):
    login(facilitator)
    answer = client.post(
        page(partnership, "risk", risk.id),
        data={"references": ["ifc:PS1", "ifc:PS4"], "code": "ungp:13, UNGP:17", "framework": "ifc"},
    )
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(
        f"/p/{partnership.id}/frameworks/tags/risk/{risk.id}?framework=ifc"
    )
    assert tags(session, partnership) == ["ifc:PS1", "ifc:PS4", "ungp:13", "ungp:17"]


def test_an_unknown_code_re_renders_the_form_with_its_name_and_saves_nothing(
    session, client, login, partnership, facilitator, risk
):
    login(facilitator)
    answer = client.post(
        page(partnership, "risk", risk.id),
        data={"references": ["ifc:PS1"], "code": "ungp:13 ifc:PS42", "framework": "ifc"},
    )
    assert answer.status_code == 422
    body = answer.get_data(True)
    assert "There is no framework reference “ifc:PS42”" in body
    # What was checked and typed stays, to correct and send again.
    assert re.search(r'value="ifc:PS1" id="fw-ifc-PS1" checked>', body)
    assert not re.search(r'value="ifc:PS4" id="fw-ifc-PS4" checked>', body)
    assert re.search(r'value="ungp:13" id="other-ungp-13" checked>', body)
    assert 'value="ifc:PS42"' in body  # back in the code field
    assert tags(session, partnership) == ["ifc:PS4"]


def test_readers_who_may_not_tag_read_the_tags_without_the_form(
    client, login, partnership, observer, risk, session
):
    rows.charter(session, partnership, status="adopted")
    login(observer)
    # Under the charter's default rule an observer does not read the risk; a goal it does.
    assert client.get(page(partnership, "risk", risk.id)).status_code == 404
    body = client.get(page(partnership, "goal", rows.WATER)).get_data(True)
    assert "Clean water" in body and "Save the references" not in body
    answer = client.post(page(partnership, "goal", rows.WATER), data={"code": "sdg:6.1"})
    assert answer.status_code == 403
    assert tags(session, partnership) == ["ifc:PS4"]


def test_the_connected_company_tags_its_risk(
    session, client, login, partnership, company_rep, risk
):
    login(company_rep)
    answer = client.post(page(partnership, "risk", risk.id), data={"code": "ungp:13"})
    assert answer.status_code == 302
    assert tags(session, partnership) == ["ungp:13"]


@pytest.mark.parametrize(
    "path", ["thing/1", "action/999999", "action/abc", "goal/nope", "risk/0", "action/%s"]
)
def test_unknown_kinds_and_keys_and_other_partnerships_items_are_not_found(
    session, make, client, login, partnership, other, facilitator, path
):
    elsewhere = rows.action(session, other, make.partner(other, name="Otra"))
    login(facilitator)
    url = f"/p/{partnership.id}/frameworks/tags/{path.replace('%s', str(elsewhere.id))}"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"code": "ifc:PS4"}).status_code == 404


def test_a_risk_the_reader_may_not_read_is_not_found(
    client, login, partnership, civil_society_rep, risk
):
    login(civil_society_rep)
    assert client.get(page(partnership, "risk", risk.id)).status_code == 404


def test_titles_in_english_for_a_language_without_them_are_marked(
    session, make, client, login, partnership, risk
):
    reader = make.member(partnership, user=make.user(name="Neema", locale="sw"))
    login(reader)
    body = client.get(page(partnership, "risk", risk.id)).get_data(True)
    assert re.search(r'<bdi lang="en">PS4 [^<]+</bdi>', body)


def test_the_risk_action_indicator_and_charter_pages_show_their_references(
    session, client, login, partnership, company, facilitator, company_rep, risk
):
    rows.charter(session, partnership, status="adopted")
    action = rows.action(session, partnership, company)
    indicator = rows.indicator(session, partnership)
    rows.tag(session, partnership, "action", action.id, "ungp:13")
    rows.tag(session, partnership, "indicator", indicator.id, "sdg:6.1")
    rows.tag(session, partnership, "goal", rows.WATER, "sdg:6.2")
    login(company_rep)
    pid = partnership.id
    edit = f'href="/p/{pid}/frameworks/tags/action/{action.id}">Edit framework references'
    body = client.get(f"/p/{pid}/actions/{action.id}").get_data(True)
    assert "Framework references" in body and "13 " in body and edit in body
    body = client.get(f"/p/{pid}/risks/{risk.id}").get_data(True)
    assert re.search(r"PS4 [^<]+</bdi>", body)
    assert f'href="/p/{pid}/frameworks/tags/risk/{risk.id}"' in body
    body = client.get(f"/p/{pid}/monitoring/{indicator.id}").get_data(True)
    assert re.search(r"6\.1 [^<]+</bdi>", body)
    assert f"/frameworks/tags/indicator/{indicator.id}" not in body  # facilitators' to change
    login(facilitator)
    body = client.get(f"/p/{pid}/charter").get_data(True)
    assert re.search(r"SDGs 6\.2 [^<]+</bdi>", body)
    assert f'href="/p/{pid}/frameworks/tags/goal/{rows.WATER}"' in body


def test_a_reference_listed_by_its_framework_is_not_offered_again_by_the_search(
    client, login, partnership, facilitator, risk
):
    login(facilitator)
    body = client.get(page(partnership, "risk", risk.id) + "?framework=ifc&q=PS4").get_data(True)
    assert body.count('value="ifc:PS4"') == 1
    assert "1 reference found is in the list above." in body
