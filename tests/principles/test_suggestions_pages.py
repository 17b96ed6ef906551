"""Suggestions on a draft charter over HTTP: suggesting a clause's wording, accepting,
declining and withdrawing it, the history on the version's page, every refusal as a page
(never a 500), and queries that do not grow with the suggestions."""

from datetime import date

import pytest
from sqlalchemy import func, select

from hsbp.principles import services, suggestions
from hsbp.principles.suggestion_models import CharterSuggestion
from tests.principles import (
    GOAL_KEY,
    adopted_version,
    charter_content,
    form_fields,
    partnership_with,
)


def draft_of(session, setup):
    version = services.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    services.update_draft(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        version=version,
        raw=charter_content(),
    )
    return version


def suggestion_on(session, setup, version, *, who=0, clause="principles/trust", text="Nuevo."):
    return suggestions.suggest(
        session,
        actor=setup.representatives[who],
        partnership=setup.partnership,
        version=version,
        clause=clause,
        wording={"es": text},
        comment="Más claro.",
    )


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(CharterSuggestion))


def test_representative_suggests_facilitator_accepts_and_history_shows_it(
    app, client, make, login, session
):
    setup = partnership_with(make, partners=2)
    version = draft_of(session, setup)
    pid = setup.partnership.id
    rep = login(setup.representatives[0], target=app.test_client())

    charter = rep.get(f"/p/{pid}/charter").get_data(as_text=True)
    assert f'href="/p/{pid}/charter/1/suggest"' in charter
    picker = rep.get(f"/p/{pid}/charter/1/suggest").get_data(as_text=True)
    assert f'href="/p/{pid}/charter/1/suggest?clause=goals/{GOAL_KEY}/target"' in picker
    assert ">Goal: Fewer land conflicts — Target</a>" in picker
    page = rep.get(f"/p/{pid}/charter/1/suggest?clause=goals/{GOAL_KEY}/target")
    assert page.status_code == 200
    fields = form_fields(page.get_data(as_text=True), f"/p/{pid}/charter/1/suggest")
    assert (fields["clause"], fields["wording-es"], fields["wording-en"]) == (
        f"goals/{GOAL_KEY}/target",
        "4 casos",
        "4 cases",
    )
    fields.update({"wording-es": "3 casos", "comment": "Es posible con el vivero."})
    sent = rep.post(f"/p/{pid}/charter/1/suggest", data=fields)
    made = session.scalar(select(CharterSuggestion))
    assert sent.status_code == 302
    assert sent.location == f"/p/{pid}/charter/1/suggestions/{made.id}"
    assert (made.wording, made.before) == ({"es": "3 casos"}, {"es": "4 casos", "en": "4 cases"})
    page = rep.get(sent.location).get_data(as_text=True)
    assert "Your suggestion is sent to the facilitators." in page
    assert "Withdraw my suggestion" in page and "Accept into the draft" not in page

    login(setup.facilitator)
    page = client.get(f"/p/{pid}/charter").get_data(as_text=True)
    assert "1 suggestion waits for a facilitator's decision." in page
    page = client.get(sent.location).get_data(as_text=True)
    assert "Accept into the draft" in page and "Withdraw my suggestion" not in page
    accepted = client.post(f"{sent.location}/accept")
    assert accepted.status_code == 302 and accepted.location == sent.location
    session.expire_all()
    assert version.content["goals"][0]["target"] == {"es": "3 casos", "en": "4 cases"}
    page = client.get(sent.location).get_data(as_text=True)
    assert "The suggested wording is now in the draft." in page
    assert f"Accepted into the draft by <bdi>{setup.facilitator.name}</bdi> on" in page

    observer = login(setup.observer, target=app.test_client())
    history = observer.get(f"/p/{pid}/charter/1").get_data(as_text=True)
    assert 'id="suggestions-heading"' in history
    assert 'Goal: Fewer land conflicts — Target</a> <span class="tag">Accepted</span>' in history
    assert "Es posible con el vivero." in history
    assert "Suggest wording</a>" not in history


def test_a_second_decision_is_refused_with_a_message_and_changes_nothing(
    client, make, login, session
):
    setup = partnership_with(make, partners=1)
    version = draft_of(session, setup)
    made = suggestion_on(session, setup, version)
    pid = setup.partnership.id
    login(setup.facilitator)
    url = f"/p/{pid}/charter/1/suggestions/{made.id}"
    assert client.post(f"{url}/decline", data={"reason": "Ya lo dice."}).status_code == 302
    again = client.post(f"{url}/accept")
    assert again.status_code == 422
    assert "This suggestion has already been declined." in again.get_data(as_text=True)
    session.expire_all()
    assert made.status == "declined" and made.reason == "Ya lo dice."
    assert version.content["principles"]["trust"]["es"] == "Compromiso trust"


def test_declining_without_a_reason_shows_why(client, make, login, session):
    setup = partnership_with(make, partners=1)
    made = suggestion_on(session, setup, draft_of(session, setup))
    login(setup.facilitator)
    url = f"/p/{setup.partnership.id}/charter/1/suggestions/{made.id}"
    answer = client.post(f"{url}/decline", data={"reason": "  "})
    assert answer.status_code == 422
    assert "Say why, so the partner understands." in answer.get_data(as_text=True)
    session.expire_all()
    assert made.status == "open"


def test_the_author_withdraws_and_others_may_not(app, client, make, login, session):
    setup = partnership_with(make, partners=2)
    made = suggestion_on(session, setup, draft_of(session, setup))
    url = f"/p/{setup.partnership.id}/charter/1/suggestions/{made.id}"
    other = login(setup.representatives[1], target=app.test_client())
    refused = other.post(f"{url}/withdraw")
    assert refused.status_code == 422
    assert "Only the author of a suggestion can withdraw it." in refused.get_data(as_text=True)
    login(setup.representatives[0])
    assert client.post(f"{url}/withdraw").status_code == 302
    session.expire_all()
    assert made.status == "withdrawn"


def test_bad_suggestion_form_rerenders_with_messages(client, make, login, session):
    setup = partnership_with(make, partners=1)
    draft_of(session, setup)
    pid = setup.partnership.id
    login(setup.representatives[0])
    url = f"/p/{pid}/charter/1/suggest"
    same = client.post(
        url, data={"clause": "principles/trust", "wording-es": "Compromiso trust", "comment": "x"}
    )
    assert same.status_code == 422
    assert "Change the wording in at least one language." in same.get_data(as_text=True)
    bad = client.post(url, data={"clause": "principles/nope", "wording-es": "x", "comment": "x"})
    assert bad.status_code == 422
    assert "Choose a clause of this draft." in bad.get_data(as_text=True)
    long = client.post(
        url, data={"clause": "principles/trust", "wording-es": "x" * 5001, "comment": "x"}
    )
    assert long.status_code == 422
    assert count(session) == 0


def test_suggesting_on_a_proposed_version_is_refused_clearly(client, make, login, session):
    setup = partnership_with(make, partners=1)
    version = draft_of(session, setup)
    services.propose(
        session, actor=setup.facilitator, partnership=setup.partnership, version=version
    )
    pid = setup.partnership.id
    login(setup.representatives[0])
    shown = client.get(f"/p/{pid}/charter/1/suggest", follow_redirects=True)
    assert shown.request.path == f"/p/{pid}/charter/1"
    assert "Version 1 is proposed to the partners: only a draft takes suggestions." in (
        shown.get_data(as_text=True)
    )
    posted = client.post(
        f"/p/{pid}/charter/1/suggest",
        data={"clause": "principles/trust", "wording-es": "Nuevo", "comment": "x"},
    )
    assert posted.status_code == 422
    assert "only a draft takes suggestions" in posted.get_data(as_text=True)
    assert count(session) == 0


def test_superseded_version_refuses_a_suggestion(client, make, login, session):
    setup = partnership_with(make, partners=1)
    adopted_version(session, setup)
    adopted_version(session, setup)
    login(setup.representatives[0])
    posted = client.post(
        f"/p/{setup.partnership.id}/charter/1/suggest",
        data={"clause": "principles/trust", "wording-es": "Nuevo", "comment": "x"},
    )
    assert posted.status_code == 422
    assert "Version 1 has been superseded: only a draft takes suggestions." in (
        posted.get_data(as_text=True)
    )


def test_who_may_reach_the_pages(app, client, make, login, session):
    setup = partnership_with(make, partners=2)
    made = suggestion_on(session, setup, draft_of(session, setup))
    setup.partners[1].left_on = date(2020, 1, 1)
    pid = setup.partnership.id
    url = f"/p/{pid}/charter/1/suggestions/{made.id}"
    observer = login(setup.observer, target=app.test_client())
    assert observer.get(f"/p/{pid}/charter/1/suggest").status_code == 404
    assert observer.post(f"{url}/withdraw").status_code == 404
    assert observer.get(url).status_code == 200
    rep = login(setup.representatives[0], target=app.test_client())
    assert rep.post(f"{url}/accept").status_code == 404
    assert rep.post(f"{url}/decline", data={"reason": "x"}).status_code == 404
    left = login(setup.representatives[1], target=app.test_client())
    page = left.get(f"/p/{pid}/charter/1/suggest", follow_redirects=True).get_data(as_text=True)
    assert f"{setup.partners[1].name} has left the partnership." in page
    facilitator = login(setup.facilitator, target=app.test_client())
    page = facilitator.get(f"/p/{pid}/charter/1/suggest", follow_redirects=True)
    assert "Facilitators change the draft in the editor." in page.get_data(as_text=True)
    session.expire_all()
    assert made.status == "open"


@pytest.mark.parametrize(
    "path",
    [
        "/charter/1/suggest?clause=nope",
        "/charter/1/suggest?clause=goals/../../x",
        "/charter/1/suggest?clause=roles/99999999999999999999",
        "/charter/1/suggest?clause=",
        "/charter/9/suggest",
        "/charter/1/suggestions/999",
        "/charter/2/suggestions/1",
    ],
)
def test_unknown_values_in_the_url_are_404(client, make, login, session, path):
    setup = partnership_with(make, partners=1)
    suggestion_on(session, setup, draft_of(session, setup))
    login(setup.representatives[0])
    assert client.get(f"/p/{setup.partnership.id}{path}").status_code == 404


def test_a_suggestion_of_another_partnership_is_404(client, make, login, session):
    setup = partnership_with(make, partners=1)
    other = partnership_with(make, partners=1)
    made = suggestion_on(session, other, draft_of(session, other))
    draft_of(session, setup)
    login(setup.facilitator)
    url = f"/p/{setup.partnership.id}/charter/1/suggestions/{made.id}"
    assert client.get(url).status_code == 404
    assert client.post(f"{url}/accept").status_code == 404
    session.expire_all()
    assert made.status == "open"


def test_queries_do_not_grow_with_suggestions(app, make, login, session, count_queries):
    def counts(suggested: int) -> list[int]:
        setup = partnership_with(make, partners=3)
        version = draft_of(session, setup)
        made = []
        for index in range(suggested):
            made.append(
                suggestion_on(
                    session,
                    setup,
                    version,
                    who=index % 3,
                    clause=f"roles/{setup.partners[index % 3].id}",
                    text=f"Texto {index}",
                )
            )
        suggestions.decline(session, actor=setup.facilitator, suggestion=made[0], reason="No")
        pid = setup.partnership.id
        visitor = login(setup.facilitator, target=app.test_client())
        found = []
        for page in ("", "/1", "/1/suggestions/" + str(made[-1].id)):
            with count_queries() as counter:
                assert visitor.get(f"/p/{pid}/charter{page}").status_code == 200
            found.append(counter["n"])
        rep = login(setup.representatives[0], target=app.test_client())
        with count_queries() as counter:
            assert rep.get(f"/p/{pid}/charter/1/suggest").status_code == 200
        found.append(counter["n"])
        return found

    assert counts(2) == counts(9)
