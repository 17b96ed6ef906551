"""The audit log read as sentences, linked to their objects and filtered by person, kind and
dates (hsbp.partnerships.activity, hsbp.audit_text)."""

import re
from datetime import UTC, datetime

import pytest

from hsbp import audit
from hsbp.actions.models import Action
from hsbp.mapping.models import Participant
from hsbp.principles.models import CharterVersion
from hsbp.security import Role


def sentences(body: str) -> list[str]:
    """The sentences of the page as read: tags dropped, newest first."""
    found = re.findall(r'<span class="sentence">(.*?)</span>\s*(?:<small|<details)', body, re.S)
    return [re.sub(r"<[^>]+>", "", text).replace("&#34;", '"').strip() for text in found]


@pytest.fixture
def world(make, session):
    partnership = make.partnership(timezone="America/Bogota", default_locale="es")
    lucia = make.member(partnership, Role.FACILITATOR, user=make.user(name="Lucía", locale="en"))
    mine = make.partner(partnership, name="Minera del Sur", sector="company")
    carlos = make.member(
        partnership, Role.REPRESENTATIVE, user=make.user(name="Carlos", locale="en"), partner=mine
    )
    action = Action(
        partnership_id=partnership.id, title={"es": "Pozo de agua"}, lead_partner_id=mine.id
    )
    version = CharterVersion(partnership_id=partnership.id, number=2, content={})
    session.add_all([action, version])
    session.flush()
    return partnership, lucia, carlos, mine, action, version


def write(session, partnership, actor, action, obj, when=None, **details):
    entry = audit.record(
        session,
        actor_id=actor.id if actor else None,
        action=action,
        obj=obj,
        partnership_id=partnership.id,
        details=details,
    )
    if when is not None:
        entry.created_at = when
    session.flush()
    return entry


def test_entries_read_as_sentences_named_and_linked(client, login, session, world):
    partnership, lucia, carlos, mine, action, version = world
    write(
        session,
        partnership,
        lucia,
        "action.update",
        action,
        title=[None, {"es": "Pozo de agua"}],
        lead_partner_id=[None, mine.id],
    )
    write(session, partnership, carlos, "charter.endorse", version, number=2, partner_id=mine.id)
    person = Participant(
        partnership_id=partnership.id,
        kind="person",
        sector="individual",
        display_name="P-0007",
        sort_name="p-0007",
        protected_name="Diana Real",
        name_hash="x",
    )
    session.add(person)
    session.flush()
    write(
        session,
        partnership,
        lucia,
        "participant.identity_view",
        person,
        participant_id=person.id,
    )
    write(session, partnership, lucia, "invitation.create", partnership, email="ana@example.org")
    write(session, partnership, lucia, "brand.new_thing", action, colour="blue")
    login(lucia)
    body = client.get(f"/p/{partnership.id}/audit").get_data(as_text=True)
    assert sentences(body) == [
        "Lucía — brand.new_thing — the action “Pozo de agua”",
        "Lucía invited someone to join the partnership.",
        "Lucía looked at a protected identity (participant P-0007).",
        "Carlos endorsed version 2 of the charter for Minera del Sur.",
        "Lucía changed the title and lead partner of the action “Pozo de agua”.",
    ]
    assert f'<a href="/p/{partnership.id}/actions/{action.id}">the action' in body
    assert f'<a href="/p/{partnership.id}/charter/2">version' in body
    # Raw diffs and codes only inside the disclosures.
    shown = re.sub(r"<details.*?</details>", "", body, flags=re.S)
    assert "[None," not in shown and "{&#39;es&#39;" not in shown
    assert "action.update" not in shown and "lead_partner_id" not in shown
    assert "Diana Real" not in body
    assert "ana@example.org" not in sentences(body)[1]
    # The entry as recorded, for whoever needs it, behind a disclosure.
    assert body.count('<details class="technical">') == 5
    assert "<code>action.update</code>" in body


def test_an_object_gone_is_named_by_its_id_without_a_link(client, login, session, world):
    partnership, lucia, _carlos, mine, action, _version = world
    write(session, partnership, lucia, "action.create", action)
    gone = Action(partnership_id=partnership.id, title={"es": "Borrada"}, lead_partner_id=mine.id)
    session.add(gone)
    session.flush()
    write(session, partnership, lucia, "action.create", gone)
    gone_id = gone.id
    session.delete(gone)
    session.flush()
    login(lucia)
    body = client.get(f"/p/{partnership.id}/audit").get_data(as_text=True)
    assert sentences(body) == [
        f"Lucía added the action “#{gone_id}” to the checklist.",
        "Lucía added the action “Pozo de agua” to the checklist.",
    ]
    assert f"/actions/{action.id}" in body and f"/actions/{gone_id}" not in body


def test_a_representative_gets_no_link_to_a_page_they_may_not_open(client, login, session, world):
    partnership, lucia, carlos, mine, _action, _version = world
    write(session, partnership, lucia, "partner.update", mine, name=["Minera", "Minera del Sur"])
    login(lucia)
    edit = f"/p/{partnership.id}/partners/{mine.id}"
    assert edit in client.get(f"/p/{partnership.id}/audit").get_data(as_text=True)
    login(carlos)
    body = client.get(f"/p/{partnership.id}/audit").get_data(as_text=True)
    assert sentences(body) == ["Lucía changed the name of the partner “Minera del Sur”."]
    assert edit not in body


def test_members_read_protected_entries_without_their_object(client, login, session, world):
    partnership, lucia, carlos, _mine, _action, _version = world
    person = Participant(
        partnership_id=partnership.id,
        kind="person",
        sector="individual",
        display_name="Rosa Vecina",
        sort_name="rosa vecina",
        protected_name="",
        name_hash="y",
    )
    session.add(person)
    session.flush()
    write(session, partnership, lucia, "participant.update", person, risk=["low", "high"])
    login(carlos)
    body = client.get(f"/p/{partnership.id}/audit").get_data(as_text=True)
    assert sentences(body) == ["Lucía — Participant changed"]
    assert "Rosa Vecina" not in body


@pytest.fixture
def busy(session, world):
    """Lucía's entries on 1 and 3 March, Carlos's on 2 March (Bogotá days)."""
    partnership, lucia, carlos, mine, action, version = world
    write(
        session, partnership, lucia, "action.create", action, datetime(2026, 3, 1, 15, tzinfo=UTC)
    )
    write(
        session,
        partnership,
        carlos,
        "charter.endorse",
        version,
        datetime(2026, 3, 2, 15, tzinfo=UTC),
        number=2,
        partner_id=mine.id,
    )
    # 02:00 UTC on 4 March is still 3 March in Bogotá.
    write(session, partnership, lucia, "partner.create", mine, datetime(2026, 3, 4, 2, tzinfo=UTC))
    return world


def test_the_log_filters_by_person_kind_and_dates(client, login, busy):
    partnership, lucia, carlos, *_ = busy
    login(lucia)
    url = f"/p/{partnership.id}/audit"
    body = client.get(url).get_data(as_text=True)
    assert f'<option value="{carlos.id}">Carlos</option>' in body
    assert '<option value="charter">Charter</option>' in body
    by_carlos = client.get(url, query_string={"person": carlos.id}).get_data(as_text=True)
    assert sentences(by_carlos) == ["Carlos endorsed version 2 of the charter for Minera del Sur."]
    actions = client.get(url, query_string={"kind": "action"}).get_data(as_text=True)
    assert sentences(actions) == ["Lucía added the action “Pozo de agua” to the checklist."]
    days = client.get(url, query_string={"from": "2026-03-02", "to": "2026-03-03"})
    assert [s.split(" ")[0] for s in sentences(days.get_data(as_text=True))] == [
        "Lucía",
        "Carlos",
    ]


def test_filters_are_kept_in_the_page_links(client, login, session, world):
    partnership, lucia, _carlos, _mine, action, _version = world
    for _n in range(51):
        write(session, partnership, lucia, "action.create", action)
    login(lucia)
    body = client.get(
        f"/p/{partnership.id}/audit", query_string={"person": lucia.id, "kind": "action"}
    ).get_data(as_text=True)
    assert f"page=2&amp;person={lucia.id}&amp;kind=action" in body


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"person": "99999"}, "The person asked for is not in this log"),
        ({"person": "<script>"}, "The person asked for is not in this log"),
        ({"kind": "nothing"}, "The kind asked for is not in this log"),
        ({"from": "yesterday"}, "The start date is not a date"),
        ({"to": "9999-12-31"}, "The end date is not a date"),
        ({"from": "2026-03-03", "to": "2026-03-01"}, "The start date is after the end date"),
    ],
)
def test_bad_filter_values_are_ignored_and_said(client, login, busy, args, message):
    partnership, lucia, *_ = busy
    login(lucia)
    response = client.get(f"/p/{partnership.id}/audit", query_string=args)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert message in body
    assert "<script>" not in body


def test_a_member_is_not_offered_people_seen_only_in_hidden_entries(
    client, login, session, world, make
):
    partnership, lucia, carlos, _mine, action, _version = world
    watcher = make.member(partnership, Role.FACILITATOR, user=make.user(name="Vigía"))
    write(session, partnership, watcher, "participant.identity_view", action, participant_id=1)
    write(session, partnership, lucia, "action.create", action)
    login(carlos)
    body = client.get(f"/p/{partnership.id}/audit").get_data(as_text=True)
    assert "Vigía" not in body
    assert "Lucía</option>" in body


def test_statements_do_not_grow_with_entries(client, login, session, world, count_queries):
    partnership, lucia, carlos, mine, action, version = world
    url = f"/p/{partnership.id}/audit"

    def add(n):
        for _ in range(n):
            write(
                session, partnership, lucia, "action.update", action, lead_partner_id=[1, mine.id]
            )
            write(session, partnership, carlos, "charter.endorse", version, partner_id=mine.id)

    add(5)
    login(lucia)
    client.get(url)
    with count_queries() as few:
        client.get(url)
    add(20)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many["n"] == few["n"]


def test_the_dashboard_tells_recent_activity_in_sentences(client, login, session, world):
    partnership, lucia, _carlos, _mine, action, _version = world
    write(session, partnership, lucia, "action.update", action, due_on=[None, "2026-05-01"])
    login(lucia)
    body = client.get(f"/p/{partnership.id}/").get_data(as_text=True)
    assert "Lucía changed the due date of the action “Pozo de agua”." in sentences(body)


def test_arabic_pages_isolate_names_and_numbers(client, login, session, make, world):
    partnership, _lucia, carlos, mine, _action, version = world
    reader = make.member(partnership, Role.FACILITATOR, user=make.user(locale="ar"))
    write(session, partnership, carlos, "charter.endorse", version, number=2, partner_id=mine.id)
    login(reader)
    body = client.get(f"/p/{partnership.id}/audit").get_data(as_text=True)
    assert 'dir="rtl"' in body
    assert "<bdi>Carlos</bdi>" in body
    assert "<bdi>Minera del Sur</bdi>" in body
    assert "<bdi>2</bdi>" in body
    assert re.search(r"<bdi><time [^>]+>[^<]+</time></bdi>", body)
