"""The partnership guard: every /p/<id>/ page is closed to non-members and to weak roles."""

import pytest

from hsbp.security import Role


def partnership_rules(app):
    return [rule for rule in app.url_map.iter_rules() if "partnership_id" in rule.arguments]


def build_url(app, rule, partnership_id: int) -> str:
    # Other ids (partner, member...) point at rows that do exist in the partnership, so a
    # page that forgot the guard would answer 200 rather than an accidental 404.
    values = {name: partnership_id for name in rule.arguments}
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        return adapter.build(rule.endpoint, values)


def request_every_rule(app, client, partnership_id):
    answers = {}
    for rule in partnership_rules(app):
        url = build_url(app, rule, partnership_id)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            answers[(method, url)] = client.open(url, method=method).status_code
    return answers


def test_every_partnership_rule_is_guarded(app):
    # New blueprints are covered automatically; this checks the walk sees the known ones.
    endpoints = {rule.endpoint for rule in partnership_rules(app)}
    assert {
        "partnerships.dashboard",
        "partnerships.settings",
        "partnerships.audit_log",
    } <= endpoints
    unguarded = [
        rule.endpoint
        for rule in partnership_rules(app)
        if not hasattr(app.view_functions[rule.endpoint], "partnership_guard")
    ]
    assert unguarded == []


def test_member_of_another_partnership_gets_404_everywhere(app, client, make, login):
    theirs = make.partnership()
    make.partner(theirs)
    make.member(theirs)
    mine = make.partnership()
    login(make.member(mine, Role.FACILITATOR))
    answers = request_every_rule(app, client, theirs.id)
    assert answers
    assert {key: code for key, code in answers.items() if code != 404} == {}


def test_anonymous_visitor_is_sent_to_login_everywhere(app, client, make):
    partnership = make.partnership()
    answers = request_every_rule(app, client, partnership.id)
    assert set(answers.values()) == {302}


def test_unknown_partnership_id_is_404(client, make, login):
    login(make.member(make.partnership()))
    assert client.get("/p/999999/").status_code == 404


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.REPRESENTATIVE])
def test_facilitator_pages_are_404_for_weaker_roles(app, client, make, login, role):
    partnership = make.partnership()
    login(make.member(partnership, role))
    facilitator_only = [
        rule
        for rule in partnership_rules(app)
        if app.view_functions[rule.endpoint].partnership_guard == Role.FACILITATOR
    ]
    assert len(facilitator_only) >= 8
    for rule in facilitator_only:
        url = build_url(app, rule, partnership.id)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert client.open(url, method=method).status_code == 404, (method, url)


def test_member_sees_own_partnership_pages(client, make, login):
    partnership = make.partnership()
    login(make.member(partnership, Role.OBSERVER))
    for page in ("", "partners", "members"):
        assert client.get(f"/p/{partnership.id}/{page}").status_code == 200, page
