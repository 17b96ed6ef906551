"""One-click unsubscribe: a link per e-mail and kind, bound to its person and kind, good
once. A reused link says so; a forged, mistyped or old one is refused without a hint of
whose it might be; neither changes anything."""

from datetime import timedelta

from sqlalchemy import select

from hsbp.db import utcnow
from hsbp.notifications import preferences, unsubscribe
from hsbp.notifications.models import NotificationPreference, UnsubscribeToken


def issue(session, user, kind="action_due", now=None):
    return unsubscribe.issue(session, user_id=user.id, kind_names=[kind], now=now or utcnow())[kind]


def test_the_token_is_stored_only_as_its_hash(session, rep):
    token = issue(session, rep)
    [row] = session.scalars(select(UnsubscribeToken)).all()
    assert row.token_hash == unsubscribe.hash_token(token) != token
    assert len(token) >= 40


def test_the_link_asks_before_it_unsubscribes(client, session, rep):
    token = issue(session, rep)
    page = client.get(f"/notifications/unsubscribe/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Stop the e-mails about: <bdi>Actions due soon or overdue</bdi>?" in html
    assert "Carlos" not in html and rep.email not in html
    assert preferences.modes_of(session, user_id=rep.id)["action_due"] == "digest"


def test_the_button_unsubscribes_that_kind_only(client, session, rep):
    token = issue(session, rep)
    page = client.post(f"/notifications/unsubscribe/{token}")
    assert page.status_code == 200
    assert "You will get no more e-mails about: <bdi>Actions due soon or overdue</bdi>." in (
        page.get_data(as_text=True)
    )
    modes = preferences.modes_of(session, user_id=rep.id)
    assert modes["action_due"] == "off"
    assert modes["charter_endorsement"] == "digest"


def test_a_one_click_post_from_a_mail_program_unsubscribes(client, session, rep):
    token = issue(session, rep, kind="review_coming")
    page = client.post(
        f"/notifications/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"}
    )
    assert page.status_code == 200
    assert preferences.modes_of(session, user_id=rep.id)["review_coming"] == "off"


def test_the_mail_program_s_button_stops_every_notification_e_mail(client, session, rep):
    token = issue(session, rep, kind=unsubscribe.EVERY_KIND)
    asked = client.get(f"/notifications/unsubscribe/{token}").get_data(as_text=True)
    assert "Stop the e-mails about: <bdi>all notifications</bdi>?" in asked
    page = client.post(
        f"/notifications/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"}
    )
    assert page.status_code == 200
    assert set(preferences.modes_of(session, user_id=rep.id).values()) == {"off"}


def test_a_reused_link_says_so_and_changes_nothing(client, session, rep):
    token = issue(session, rep)
    assert client.post(f"/notifications/unsubscribe/{token}").status_code == 200
    preferences.set_mode(session, user_id=rep.id, kind="action_due", mode="digest")

    for again in (client.get, client.post):
        page = again(f"/notifications/unsubscribe/{token}")
        assert page.status_code == 410
        assert "This unsubscribe link has already been used. Nothing was changed." in (
            page.get_data(as_text=True)
        )
    assert preferences.modes_of(session, user_id=rep.id)["action_due"] == "digest"


def test_a_forged_or_old_link_is_refused_without_a_hint_and_changes_nothing(client, session, rep):
    real = issue(session, rep)
    old = issue(session, rep, kind="pulse_open", now=utcnow() - timedelta(days=91))
    refusal = "This unsubscribe link is not valid: it may be incomplete or too old."
    for token in (real[:-1] + ("A" if real[-1] != "A" else "B"), "x" * 43, "short", "%00", old):
        for method in (client.get, client.post):
            page = method(f"/notifications/unsubscribe/{token}")
            html = page.get_data(as_text=True)
            assert page.status_code == 404, token
            assert refusal in html
            assert "Actions due" not in html and "Pulses" not in html
    assert session.scalars(select(NotificationPreference)).all() == []
    assert (
        session.scalar(
            select(UnsubscribeToken.used_at).where(
                UnsubscribeToken.token_hash == unsubscribe.hash_token(real)
            )
        )
        is None
    )


def test_old_tokens_are_deleted(session, rep):
    issue(session, rep, now=utcnow() - timedelta(days=91))
    issue(session, rep)
    assert unsubscribe.forget_old(session, now=utcnow()) == 1
    assert len(session.scalars(select(UnsubscribeToken)).all()) == 1
