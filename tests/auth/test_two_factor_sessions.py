"""Signing out one session from the account page: one's own only, audited, the current one
marked, with when each started, was last seen and whether it passed the second factor."""

import re

from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.auth.models import UserSession
from tests.auth.test_sessions import FIREFOX, PHONE, sign_in


def session_ids(session, user) -> list[int]:
    session.expire_all()
    return list(
        session.scalars(
            select(UserSession.id)
            .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
            .order_by(UserSession.id)
        )
    )


def ended_entries(session) -> list[tuple[int, dict]]:
    return [
        (actor, details)
        for actor, details in session.execute(
            select(AuditEntry.actor_id, AuditEntry.details).where(
                AuditEntry.action == "user.session_end"
            )
        )
    ]


def test_the_account_page_lists_sessions_with_a_sign_out_for_each_other_one(
    app, client, session, make, login
):
    user = make.user(email="ana@example.org")
    laptop = sign_in(client, agent=FIREFOX)
    login(user, app.test_client())  # as after a code: passed the second factor
    phone = sign_in(app.test_client(), agent=PHONE)
    first, fixture, third = session_ids(session, user)
    page = laptop.get("/account").get_data(as_text=True)
    rows = re.findall(r'<tr id="session-(\d+)">(.*?)</tr>', page, flags=re.S)
    assert sorted(int(i) for i, _row in rows) == [first, fixture, third]
    by_id = {int(i): row for i, row in rows}
    assert "(this browser)" in by_id[first]
    assert "/sign-out" not in by_id[first]
    assert f'action="/account/sessions/{third}/sign-out"' in by_id[third]
    assert 'data-label="Second factor">No<' in by_id[third]
    assert 'data-label="Second factor">Yes<' in by_id[fixture]
    assert "<time datetime=" in by_id[third]
    assert phone.get("/account").status_code == 200


def test_signing_out_one_session_ends_it_alone_and_is_audited(app, client, session, make):
    user = make.user(email="ana@example.org")
    laptop = sign_in(client, agent=FIREFOX)
    phone = sign_in(app.test_client(), agent=PHONE)
    mine, other = session_ids(session, user)
    done = laptop.post(f"/account/sessions/{other}/sign-out")
    assert done.headers["Location"] == "/account#sessions-heading"
    assert "That device is signed out." in laptop.get("/account").get_data(as_text=True)
    assert session_ids(session, user) == [mine]
    assert phone.get("/account").headers["Location"].startswith("/login")
    assert ended_entries(session) == [(user.id, {"session_id": other})]
    # Twice: nothing more happens.
    laptop.post(f"/account/sessions/{other}/sign-out")
    assert len(ended_entries(session)) == 1


def test_another_persons_session_is_left_alone(app, client, session, make):
    ana = make.user(email="ana@example.org")
    bea = make.user(email="bea@example.org")
    sign_in(client)
    intruder = sign_in(app.test_client(), "bea@example.org")
    [anas] = session_ids(session, ana)
    answer = intruder.post(f"/account/sessions/{anas}/sign-out")
    assert answer.headers["Location"] == "/account#sessions-heading"
    assert "That device is signed out." not in intruder.get("/account").get_data(as_text=True)
    assert session_ids(session, ana) == [anas]
    assert client.get("/account").status_code == 200
    assert ended_entries(session) == []
    assert session_ids(session, bea) != []


def test_signing_out_this_session_from_the_list_signs_this_browser_out(client, session, make):
    user = make.user(email="ana@example.org")
    sign_in(client)
    [mine] = session_ids(session, user)
    assert client.post(f"/account/sessions/{mine}/sign-out").headers["Location"] == "/login"
    assert session_ids(session, user) == []
