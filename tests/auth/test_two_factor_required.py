"""Who must have a second factor (site administrators, facilitators, grievance officers, every
member of a partnership that asks it; not an observer), enrolment on first sign-in, the
setting that switches it off, and the partnership's own switch."""

import pytest
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.auth import two_factor
from hsbp.grievances import officers
from hsbp.ops.check import check_two_factor
from hsbp.partnerships.models import Membership
from hsbp.security import Role
from tests.auth.second_factor import app_code, enrol, give_password
from tests.conftest import PASSWORD

EMAIL = "ana@example.org"


def membership(session, user, partnership) -> Membership:
    return session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.partnership_id == partnership.id
        )
    )


def name_officer(session, make, partnership, role=Role.OBSERVER):
    facilitator = make.member(partnership, Role.FACILITATOR)
    user = make.member(partnership, role, user=make.user(email=EMAIL))
    officers.grant_officer(
        session,
        actor=facilitator,
        membership=membership(session, facilitator, partnership),
        user_id=user.id,
        confirm_recusal=True,
    )
    return user


# The rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "required"),
    [(Role.FACILITATOR, True), (Role.REPRESENTATIVE, False), (Role.OBSERVER, False)],
)
def test_facilitators_need_it_representatives_and_observers_do_not(session, make, role, required):
    user = make.member(make.partnership(), role)
    assert two_factor.is_required(session, user) is required


def test_a_site_administrator_needs_it(session, make):
    assert two_factor.is_required(session, make.user(is_site_admin=True)) is True
    assert two_factor.is_required(session, make.user()) is False


def test_a_grievance_officer_needs_it_while_the_rights_last(session, make):
    partnership = make.partnership()
    user = name_officer(session, make, partnership)
    assert two_factor.is_required(session, user) is True
    # The officer rights end with the membership's role: the need with them.
    membership(session, user, partnership).role = Role.REPRESENTATIVE
    session.flush()
    assert two_factor.is_required(session, user) is False


def test_a_partnership_can_ask_it_of_every_member(session, make):
    strict, lax = make.partnership(require_two_factor=True), make.partnership()
    observer = make.member(lax, Role.OBSERVER)
    assert two_factor.is_required(session, observer) is False
    make.member(strict, Role.OBSERVER, user=observer)
    assert two_factor.is_required(session, observer) is True


def test_a_rule_is_registered_once_however_many_apps_are_built(app_with):
    before = list(two_factor.REQUIREMENT_RULES)
    app_with()
    assert before == two_factor.REQUIREMENT_RULES
    assert len(before) == 2


# Enrolment on first sign-in ---------------------------------------------------------------


def test_a_facilitator_without_one_is_sent_to_set_it_up_from_every_page(client, make):
    partnership = make.partnership()
    make.member(partnership, Role.FACILITATOR, user=make.user(email=EMAIL))
    assert give_password(client, EMAIL).status_code == 302
    for url in ("/partnerships", f"/p/{partnership.id}/", "/account", "/needs-me"):
        assert client.get(url).headers["Location"] == "/account/two-factor", url
    assert client.post(f"/p/{partnership.id}/settings").headers["Location"] == (
        "/account/two-factor"
    )
    page = client.get("/account/two-factor")
    assert page.status_code == 200
    assert "You see the identities of people at risk" in page.get_data(as_text=True)
    # The language menu, the stylesheet and signing out stay open.
    moved = client.post("/language", data={"locale": "es", "next": "/account/two-factor"})
    assert moved.headers["Location"] == "/account/two-factor"
    assert client.get("/static/hsbp.css").status_code == 200
    assert client.post("/logout").headers["Location"] == "/login"


def test_an_observer_without_one_goes_on(client, make):
    partnership = make.partnership()
    make.member(partnership, Role.OBSERVER, user=make.user(email=EMAIL))
    give_password(client, EMAIL)
    assert client.get(f"/p/{partnership.id}/").status_code == 200
    page = client.get("/account").get_data(as_text=True)
    assert "A second factor is offered, not required" in page


def test_a_partnership_that_asks_it_sends_its_observers_to_set_it_up(client, make):
    partnership = make.partnership(require_two_factor=True)
    make.member(partnership, Role.OBSERVER, user=make.user(email=EMAIL))
    give_password(client, EMAIL)
    assert client.get(f"/p/{partnership.id}/").headers["Location"] == "/account/two-factor"


def test_switched_off_the_second_factor_is_offered_not_required(app_with, make):
    client = app_with(TWO_FACTOR_REQUIRED=False).test_client()
    partnership = make.partnership()
    make.member(partnership, Role.FACILITATOR, user=make.user(email=EMAIL))
    give_password(client, EMAIL)
    assert client.get(f"/p/{partnership.id}/").status_code == 200
    page = client.get("/account").get_data(as_text=True)
    assert "A second factor is offered, not required" in page
    assert 'href="/account/two-factor"' in page


def test_the_setting_is_read_from_the_environment(monkeypatch, tmp_path):
    from hsbp.config import load_settings

    assert load_settings(tmp_path, {"ENV": "testing"})["TWO_FACTOR_REQUIRED"] is True
    monkeypatch.setenv("HSBP_TWO_FACTOR_REQUIRED", "0")
    assert load_settings(tmp_path, {"ENV": "testing"})["TWO_FACTOR_REQUIRED"] is False


def test_the_production_check_fails_when_it_is_switched_off(app, app_with):
    assert check_two_factor(app) == ("second factor required of those who see identities", None)
    _what, problem = check_two_factor(app_with(TWO_FACTOR_REQUIRED=False))
    assert problem.startswith("HSBP_TWO_FACTOR_REQUIRED is off: site administrators,")


def test_a_browser_signed_in_before_the_second_factor_was_set_up_proves_it(
    client, session, make, app
):
    user = make.member(make.partnership(), Role.OBSERVER, user=make.user(email=EMAIL))
    give_password(client, EMAIL)
    assert client.get("/account").status_code == 200
    secret, _codes = enrol(session, user)
    asked = client.get("/account")
    assert asked.headers["Location"] == "/reauth?next=/account"
    proved = client.post(
        "/reauth?next=/account",
        data={"password": PASSWORD, "code": app_code(secret)},
    )
    assert proved.headers["Location"] == "/account"
    assert client.get("/account").status_code == 200


# The partnership's switch -----------------------------------------------------------------


def test_facilitators_switch_it_on_for_every_member_and_it_is_audited(client, session, make, login):
    partnership = make.partnership()
    facilitator = make.member(partnership, Role.FACILITATOR)
    login(facilitator)
    url = f"/p/{partnership.id}/settings"
    page = client.get(url).get_data(as_text=True)
    assert 'name="require_two_factor"' in page
    form = {
        "name": partnership.name,
        "country": "CO",
        "locality": partnership.locality,
        "context_summary": "",
        "stage": partnership.stage,
        "timezone": partnership.timezone,
        "default_locale": "es",
        "locales": ["es", "en"],
        "other_locales": "",
        "require_two_factor": "y",
    }
    assert client.post(url, data=form).status_code == 302
    session.expire_all()
    assert partnership.require_two_factor is True
    entry = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "partnership.update")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry.details == {"require_two_factor": [False, True]}
    log = client.get(f"/p/{partnership.id}/audit").get_data(as_text=True)
    assert "second factor for every member" in log


def test_only_facilitators_see_the_switch(client, make, login):
    partnership = make.partnership()
    login(make.member(partnership, Role.REPRESENTATIVE))
    assert client.get(f"/p/{partnership.id}/settings").status_code == 404
