"""Charter pages over HTTP: proposing, endorsing, withdrawing, amending, reading, comparing,
printing, and queries that do not grow with versions and endorsements."""

import re

from sqlalchemy import func, select

from hsbp.principles import services
from hsbp.principles.models import CharterVersion, Endorsement
from hsbp.security import Role
from tests.principles import (
    adopted_version,
    charter_content,
    partnership_with,
    proposed_version,
)


def test_proposal_endorsed_by_every_representative_is_adopted(app, client, make, login, session):
    setup = partnership_with(make, partners=2)
    pid = setup.partnership.id
    draft = services.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    services.update_draft(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        version=draft,
        raw=charter_content(),
    )
    login(setup.facilitator)
    assert client.post(f"/p/{pid}/charter/1/propose").status_code == 302

    first = login(setup.representatives[0], target=app.test_client())
    page = first.get(f"/p/{pid}/charter").get_data(as_text=True)
    assert f"The answer of {setup.partners[0].name}" in page
    answered = first.post(
        f"/p/{pid}/charter/1/endorse", data={"v1-stance": "endorse", "v1-comment": "De acuerdo."}
    )
    assert answered.status_code == 302
    page = first.get(f"/p/{pid}/charter").get_data(as_text=True)
    assert "Your partner&#39;s answer is recorded." in page
    assert "Consensus: 1 of 2 partners have endorsed" in page
    assert "De acuerdo." in page

    second = login(setup.representatives[1], target=app.test_client())
    second.post(f"/p/{pid}/charter/1/endorse", data={"v1-stance": "endorse"})
    page = second.get(f"/p/{pid}/charter").get_data(as_text=True)
    assert "Version 1 is adopted: it is now in force." in page
    assert "Version 1, adopted on" in page
    assert session.scalar(select(CharterVersion.status)) == "adopted"


def test_endorsing_twice_over_http_is_refused_with_a_message(app, client, make, login, session):
    setup = partnership_with(make, partners=2)
    proposed_version(session, setup)
    pid = setup.partnership.id
    login(setup.representatives[0])
    client.post(f"/p/{pid}/charter/1/endorse", data={"v1-stance": "endorse"})
    again = client.post(
        f"/p/{pid}/charter/1/endorse", data={"v1-stance": "object", "v1-comment": "Cambié."}
    )
    assert again.status_code == 422
    assert f"{setup.partners[0].name} has already answered on version 1." in again.get_data(
        as_text=True
    )
    assert session.scalar(select(func.count()).select_from(Endorsement)) == 1


def test_facilitator_endorsing_is_refused_and_observer_gets_404(app, client, make, login, session):
    setup = partnership_with(make, partners=1)
    proposed_version(session, setup)
    pid = setup.partnership.id
    login(setup.facilitator)
    response = client.post(f"/p/{pid}/charter/1/endorse", data={"v1-stance": "endorse"})
    assert response.status_code == 422
    assert "Only a partner representative can answer for their partner." in response.get_data(
        as_text=True
    )
    observer = login(setup.observer, target=app.test_client())
    assert (
        observer.post(f"/p/{pid}/charter/1/endorse", data={"v1-stance": "endorse"}).status_code
        == 404
    )
    assert session.scalar(select(func.count()).select_from(Endorsement)) == 0


def test_objection_without_comment_is_refused_beside_the_comment(client, make, login, session):
    setup = partnership_with(make, partners=1)
    proposed_version(session, setup)
    login(setup.representatives[0])
    response = client.post(
        f"/p/{setup.partnership.id}/charter/1/endorse", data={"v1-stance": "object"}
    )
    assert response.status_code == 422
    assert (
        '<p class="error" id="v1-comment-error">Say why you object, so the draft can be revised.'
        in response.get_data(as_text=True)
    )


def test_partner_that_joined_later_endorses_the_charter_in_force(app, make, login, session):
    setup = partnership_with(make, partners=1)
    adopted_version(session, setup)
    latecomer = make.partner(setup.partnership, name="Cabildo Nasa Kiwe")
    user = make.member(
        setup.partnership, Role.REPRESENTATIVE, user=make.user(locale="en"), partner=latecomer
    )
    visitor = login(user, target=app.test_client())
    pid = setup.partnership.id
    page = visitor.get(f"/p/{pid}/charter").get_data(as_text=True)
    assert "Your partner has not answered on the charter in force yet." in page
    answered = visitor.post(
        f"/p/{pid}/charter/1/endorse", data={"v1-stance": "endorse", "v1-comment": "Nos sumamos."}
    )
    assert answered.status_code == 302
    page = visitor.get(f"/p/{pid}/charter").get_data(as_text=True)
    assert "Your partner&#39;s answer is recorded." in page
    assert "Your partner has not answered" not in page
    assert session.scalar(select(CharterVersion.status)) == "adopted"
    stances = session.scalars(select(Endorsement.partner_id).order_by(Endorsement.id)).all()
    assert stances == [setup.partners[0].id, latecomer.id]


def test_proposal_shows_who_answered_and_who_has_not(client, make, login, session):
    setup = partnership_with(make, partners=3)
    version = proposed_version(
        session,
        setup,
        charter_content(
            decision_rule={"rule": "majority", "majority_percent": 67, "quorum_percent": 60}
        ),
    )
    services.endorse(
        session,
        actor=setup.representatives[1],
        version=version,
        stance="object",
        comment="Falta la vía.",
    )
    login(setup.observer)
    page = client.get(f"/p/{setup.partnership.id}/charter").get_data(as_text=True)
    assert (
        "Majority: 0 of 3 partners have endorsed; 3 endorsements and 2 answers are needed." in page
    )
    rows = re.findall(r"<tr>\s*<td>(Partner \d+)</td>\s*<td>(.*?)</td>", page, re.S)
    answers = {name: re.sub(r"<.*?>|\s+", " ", cell).strip() for name, cell in rows}
    name = setup.partners[1].name
    assert answers[setup.partners[0].name] == "No answer yet"
    assert answers[name].startswith("Objected")
    assert "Falta la vía." in page
    assert "This proposal can no longer be adopted as it stands" in page


def test_reading_view_states_the_majority_rule(client, make, login, session):
    setup = partnership_with(make, partners=1)
    rule = {"rule": "majority", "majority_percent": 67, "quorum_percent": 60}
    adopted_version(session, setup, charter_content(decision_rule=rule))
    login(setup.observer)
    body = client.get(f"/p/{setup.partnership.id}/charter/1").get_data(as_text=True)
    assert (
        "<p>Majority: endorsements from 67% of the current partners, with answers from at "
        "least 60% of them.</p>"
    ) in body


def test_amendment_and_withdrawal_over_http(app, client, make, login, session):
    setup = partnership_with(make, partners=1)
    adopted_version(session, setup)
    pid = setup.partnership.id
    login(setup.facilitator)
    assert "Start an amendment" in client.get(f"/p/{pid}/charter").get_data(as_text=True)
    assert client.post(f"/p/{pid}/charter/drafts").headers["Location"] == (
        f"/p/{pid}/charter/2/edit"
    )
    again = client.post(f"/p/{pid}/charter/drafts")
    assert again.status_code == 422
    assert "Version 2 is still open: finish it first." in again.get_data(as_text=True)
    assert client.post(f"/p/{pid}/charter/2/propose").status_code == 302
    representative = login(setup.representatives[0], target=app.test_client())
    assert representative.post(f"/p/{pid}/charter/2/withdraw").status_code == 404
    assert client.post(f"/p/{pid}/charter/2/withdraw").status_code == 302
    statuses = session.scalars(select(CharterVersion.status).order_by(CharterVersion.number))
    assert statuses.all() == ["adopted", "draft"]


def test_proposing_with_no_partner_shows_why(client, make, login, session):
    setup = partnership_with(make, partners=0)
    services.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    login(setup.facilitator)
    response = client.post(f"/p/{setup.partnership.id}/charter/1/propose")
    assert response.status_code == 422
    assert "Add the partners first: there is no one to endorse the charter." in (
        response.get_data(as_text=True)
    )


def test_reading_view_marks_text_in_the_default_language(client, make, login, session):
    setup = partnership_with(make, partners=1)
    content = charter_content()
    content["principles"]["trust"] = {"es": "Rendimos cuentas cada mes."}
    adopted_version(session, setup, content)
    login(setup.observer)
    body = client.get(f"/p/{setup.partnership.id}/charter/1").get_data(as_text=True)
    assert (
        '<div lang="es">\n<p>Rendimos cuentas cada mes. <small class="tag">(Español)</small></p>'
        in body
    )
    assert "<div>\n<p>Commitment inclusive</p>" in body
    # The goal's title exists in English; its baseline only in Spanish.
    assert "<h3>Fewer land conflicts</h3>" in body
    assert '<dd><div lang="es">\n<p>12 casos <small class="tag">(Español)</small></p>' in body


def test_reading_view_in_spanish_needs_no_mark(client, make, login, session):
    setup = partnership_with(make, partners=1)
    adopted_version(session, setup)
    login(make.member(setup.partnership, Role.OBSERVER, user=make.user(locale="es")))
    body = client.get(f"/p/{setup.partnership.id}/charter/1").get_data(as_text=True)
    assert "<div>\n<p>Compromiso trust</p>" in body
    assert "(Español)" not in body
    # English only exists for nothing here, so nothing in the charter carries lang="en".
    assert 'lang="en"' not in body.split("<main", 1)[1]


def test_compare_two_versions(client, make, login, session):
    setup = partnership_with(make, partners=1)
    adopted_version(session, setup)
    amendment = services.start_draft(
        session, actor=setup.facilitator, partnership=setup.partnership
    )
    content = charter_content()
    content["principles"]["trust"]["en"] = "We publish every decision."
    services.update_draft(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        version=amendment,
        raw=content,
    )
    login(setup.observer)
    body = client.get(f"/p/{setup.partnership.id}/charter/compare?a=1&b=2").get_data(as_text=True)
    assert "1 difference between version 1 and version 2." in body
    assert '<h2>Trust — English <span class="tag">Changed</span></h2>' in body
    assert '<p class="meta">Version 1</p><div>\n<p>Commitment trust</p>' in body
    assert '<p class="meta">Version 2</p><div>\n<p>We publish every decision.</p>' in body
    # Without a choice, the newest version is compared with the one before it.
    default = client.get(f"/p/{setup.partnership.id}/charter/compare").get_data(as_text=True)
    assert "1 difference between version 1 and version 2." in default
    same = client.get(f"/p/{setup.partnership.id}/charter/compare?a=2&b=2").get_data(as_text=True)
    assert "Choose two different versions." in same


def test_print_view_of_the_charter_in_force(client, make, login, session):
    setup = partnership_with(make, partners=2)
    adopted_version(session, setup)
    login(setup.representatives[0])
    response = client.get(f"/p/{setup.partnership.id}/charter/print")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'<link rel="stylesheet" href="/static/print.css\?v=\w+">', body)
    assert "hsbp.css" not in body and "partnership-nav" not in body
    assert "<script" not in body and "style=" not in body and "<style" not in body
    assert '<p class="subtitle">Charter — version 1</p>' in body
    assert body.count('<section class="sheet">') == 6
    names = sorted(p.name for p in setup.partners)
    assert [re.sub(r" · .*", "", item) for item in re.findall(r"<li>(.*?)</li>", body)] == names


def test_print_view_without_a_charter_says_so(client, make, login):
    setup = partnership_with(make, partners=1)
    login(setup.observer)
    body = client.get(f"/p/{setup.partnership.id}/charter/print").get_data(as_text=True)
    assert "No charter is adopted yet." in body


def test_print_css_hides_the_screen_note_and_breaks_pages():
    from hsbp.paths import resource_dir

    css = (resource_dir("templates").parent / "hsbp" / "static" / "print.css").read_text()
    assert ".screen-only { display: none; }" in css
    assert ".sheet { break-before: page; page-break-before: always; }" in css


def _charter_history(session, make, *, partners: int, adopted: int, endorsements: int):
    """A partnership with `adopted` versions adopted in turn and one more proposed, which
    `endorsements` partners have answered."""
    setup = partnership_with(make, partners=partners)
    for _ in range(adopted):
        adopted_version(session, setup)
    version = proposed_version(session, setup)
    for user in setup.representatives[:endorsements]:
        services.endorse(session, actor=user, version=version, stance="endorse")
    return setup


def test_queries_do_not_grow_with_versions_and_endorsements(
    app, make, login, session, count_queries
):
    def counts(setup) -> list[int]:
        visitor = login(setup.facilitator, target=app.test_client())
        pid = setup.partnership.id
        found = []
        for page in ("", "/1", "/compare?a=1&b=2", "/print"):
            with count_queries() as counter:
                assert visitor.get(f"/p/{pid}/charter{page}").status_code == 200
            found.append(counter["n"])
        return found

    small = _charter_history(session, make, partners=2, adopted=1, endorsements=1)
    large = _charter_history(session, make, partners=6, adopted=5, endorsements=5)
    assert counts(large) == counts(small)
