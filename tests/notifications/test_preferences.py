"""Notification preferences: a digest for every kind by default, per-kind choices, the
digest's hour and time zone; bad values re-render the form with 422 and change nothing."""

from sqlalchemy import select

from hsbp.notifications import preferences
from hsbp.notifications.models import NotificationPreference, NotificationSettings


def form(**overrides):
    data = {
        "mode_charter_endorsement": "immediate",
        "mode_action_due": "off",
        "mode_grievance_assigned": "digest",
        "mode_consultation_open": "digest",
        "mode_pulse_open": "digest",
        "mode_review_coming": "digest",
        "digest_hour": "18",
        "timezone": "Europe/Madrid",
    }
    data.update(overrides)
    return data


def test_every_kind_is_in_the_digest_until_the_person_chooses(session, rep):
    modes = preferences.modes_of(session, user_id=rep.id)
    assert modes["charter_endorsement"] == "digest"
    assert modes["action_due"] == "digest"
    assert set(modes.values()) == {"digest"}


def test_the_settings_page_shows_the_person_s_kinds_with_the_defaults(client, login, rep):
    page = login(rep).get("/notifications/settings")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<legend>Charter proposals to endorse</legend>" in html
    assert "<legend>Actions due soon or overdue</legend>" in html
    # What only facilitators or grievance officers can get is not offered to a partner.
    assert "<legend>Grievances assigned to you</legend>" not in html
    assert "<legend>Suggested wording for a charter draft to decide on</legend>" not in html
    assert "<legend>Your facilitator&#39;s profile to write</legend>" not in html
    assert (
        '<input checked id="mode_charter_endorsement-2" name="mode_charter_endorsement" '
        'type="radio" value="digest">'
    ) in html
    assert "My partnership&#39;s time zone (America/Bogota)" in html
    assert "E-mails are written in <bdi>English</bdi>" in html
    assert len(page.data) < 100_000


def test_a_facilitator_and_an_officer_are_offered_their_own_kinds(
    client, login, session, make, partnership, rep, facilitator
):
    from hsbp.grievances.models import GrievanceOfficer

    html = login(facilitator).get("/notifications/settings").get_data(as_text=True)
    assert "<legend>Suggested wording for a charter draft to decide on</legend>" in html
    assert "<legend>Charter proposals to endorse</legend>" not in html
    assert "<legend>Grievances assigned to you</legend>" not in html
    session.add(
        GrievanceOfficer(partnership_id=partnership.id, user_id=rep.id, role="representative")
    )
    session.flush()
    html = login(rep).get("/notifications/settings").get_data(as_text=True)
    assert "<legend>Grievances assigned to you</legend>" in html


def test_saving_the_settings_keeps_each_choice(client, login, session, rep):
    page = login(rep).post("/notifications/settings", data=form())
    assert page.status_code == 302
    modes = preferences.modes_of(session, user_id=rep.id)
    assert modes["charter_endorsement"] == "immediate"
    assert modes["action_due"] == "off"
    settings = session.scalar(
        select(NotificationSettings).where(NotificationSettings.user_id == rep.id)
    )
    assert (settings.digest_hour, settings.timezone) == (18, "Europe/Madrid")
    html = client.get("/notifications/settings").get_data(as_text=True)
    assert "Your notification settings are saved." in html


def test_bad_values_re_render_with_422_and_change_nothing(client, login, session, rep):
    login(rep)
    for bad in (
        {"mode_action_due": "sometimes"},
        {"digest_hour": "24"},
        {"digest_hour": "-1"},
        {"digest_hour": "²"},
        {"timezone": "Mars/Olympus"},
    ):
        page = client.post("/notifications/settings", data=form(**bad))
        assert page.status_code == 422, bad
    assert session.scalars(select(NotificationPreference)).all() == []
    assert session.scalars(select(NotificationSettings)).all() == []
    html = client.post("/notifications/settings", data=form(digest_hour="99")).get_data(
        as_text=True
    )
    assert "Choose an hour from 0 to 23." in html


def test_the_settings_page_asks_visitors_to_sign_in(client):
    assert client.get("/notifications/settings").status_code == 302
