"""Re-authentication before revealing or exporting identities: fresh for ten minutes after
signing in or proving it again, then the password (and a code) on the re-authentication page,
throttled; outsiders still get the guard's 404."""

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from hsbp.auth.models import UserSession
from hsbp.consultations.models import Consultation
from hsbp.mapping import services as mapping
from hsbp.security import Role
from tests.auth.second_factor import app_code, enrol
from tests.conftest import PASSWORD
from tests.mapping.conftest import participant_fields

START = "2026-04-01 08:00:00"
REAL_NAME = "Diana Marcela Ortiz"


@pytest.fixture
def place(make, session):
    partnership = make.partnership()
    facilitator = make.member(partnership, Role.FACILITATOR, user=make.user(locale="en"))
    participant = mapping.create_participant(
        session,
        actor=facilitator,
        partnership=partnership,
        fields=participant_fields(name=REAL_NAME, kind="person", sector="individual", risk="high"),
    )
    return partnership, facilitator, participant


def page_of(partnership, participant) -> str:
    return f"/p/{partnership.id}/mapping/{participant.id}"


def reveal(client, partnership, participant):
    page = f"http://localhost{page_of(partnership, participant)}"
    return client.post(f"{page_of(partnership, participant)}/identity", headers={"Referer": page})


def proved_at(session, user) -> list:
    session.expire_all()
    return list(
        session.scalars(
            select(UserSession.reauthenticated_at).where(UserSession.user_id == user.id)
        )
    )


def test_a_reveal_within_ten_minutes_of_signing_in_needs_nothing_more(client, login, place):
    partnership, facilitator, participant = place
    with freeze_time(START) as clock:
        login(facilitator)
        clock.tick(timedelta(minutes=9, seconds=59))
        shown = reveal(client, partnership, participant)
    assert shown.status_code == 200
    assert REAL_NAME in shown.get_data(as_text=True)


def test_after_ten_minutes_the_reveal_asks_to_prove_it_then_to_ask_again(
    client, login, session, place
):
    partnership, facilitator, participant = place
    with freeze_time(START) as clock:
        login(facilitator)
        clock.tick(timedelta(minutes=10))
        asked = reveal(client, partnership, participant)
        here = page_of(partnership, participant)
        assert asked.status_code == 302
        assert asked.headers["Location"] == f"/reauth?next={here}"
        form = client.get(asked.headers["Location"]).get_data(as_text=True)
        assert "Confirm it is you, then ask again." in form
        # Not enrolled: the password alone; no code field.
        assert 'name="code"' not in form
        wrong = client.post(f"/reauth?next={here}", data={"password": "not it at all"})
        assert wrong.status_code == 422
        assert "The password is not correct." in wrong.get_data(as_text=True)
        proved = client.post(f"/reauth?next={here}", data={"password": PASSWORD})
        assert proved.headers["Location"] == here
        assert proved_at(session, facilitator) == [datetime(2026, 4, 1, 8, 10, tzinfo=UTC)]
        shown = reveal(client, partnership, participant)
    assert shown.status_code == 200
    assert REAL_NAME in shown.get_data(as_text=True)


def test_with_a_second_factor_it_takes_the_password_and_a_new_code(client, login, session, place):
    partnership, facilitator, participant = place
    here = page_of(partnership, participant)
    with freeze_time(START) as clock:
        secret, _codes = enrol(session, facilitator)
        login(facilitator)
        clock.tick(timedelta(minutes=11))
        assert reveal(client, partnership, participant).status_code == 302
        assert 'name="code"' in client.get(f"/reauth?next={here}").get_data(as_text=True)
        no_code = client.post(f"/reauth?next={here}", data={"password": PASSWORD})
        assert no_code.status_code == 422
        code = app_code(secret)
        done = client.post(f"/reauth?next={here}", data={"password": PASSWORD, "code": code})
        assert done.headers["Location"] == here
        assert REAL_NAME in reveal(client, partnership, participant).get_data(as_text=True)
        clock.tick(timedelta(minutes=10))
        assert reveal(client, partnership, participant).status_code == 302


def test_a_replayed_code_is_refused_at_re_authentication(client, login, session, place):
    _partnership, facilitator, _participant = place
    with freeze_time(START) as clock:
        secret, _codes = enrol(session, facilitator)
        login(facilitator)
        code = app_code(secret, steps=1)
        assert client.post("/reauth", data={"password": PASSWORD, "code": code}).status_code == 302
        clock.tick(timedelta(seconds=20))
        again = client.post("/reauth", data={"password": PASSWORD, "code": code})
    assert again.status_code == 422
    assert "This code was already used; wait for the next one." in again.get_data(as_text=True)


def test_an_outsider_still_gets_the_guards_404(client, login, make, place):
    partnership, _facilitator, participant = place
    with freeze_time(START) as clock:
        login(make.member(make.partnership(), Role.FACILITATOR))
        clock.tick(timedelta(minutes=30))
        assert reveal(client, partnership, participant).status_code == 404


@pytest.mark.parametrize(
    "tail",
    [
        "/mapping/{participant}/identity",
        "/mapping/{participant}/edit/identity",
        "/mapping/duplicates/1/identity",
        "/grievances/1/identity",
    ],
)
def test_every_identity_view_asks_for_a_fresh_proof(client, login, make, place, tail):
    partnership, facilitator, participant = place
    url = f"/p/{partnership.id}" + tail.format(participant=participant.id)
    with freeze_time(START) as clock:
        login(facilitator)
        clock.tick(timedelta(minutes=11))
        asked = client.post(url)
        assert asked.headers["Location"] == "/reauth?next=/partnerships"
        outsider = client.application.test_client()
        login(make.member(make.partnership(), Role.FACILITATOR), outsider)
        clock.tick(timedelta(minutes=11))
        assert outsider.post(url).status_code == 404


def test_an_export_with_names_asks_for_a_fresh_proof_and_one_without_does_not(
    client, login, session, place
):
    partnership, facilitator, _participant = place
    consultation = Consultation(partnership_id=partnership.id, title={"en": "Water"})
    session.add(consultation)
    session.flush()
    url = f"/p/{partnership.id}/consultations/{consultation.id}/results/export"
    with freeze_time(START) as clock:
        login(facilitator)
        clock.tick(timedelta(minutes=11))
        named = client.post(url, data={"format": "csv", "identity": "1"})
        assert named.headers["Location"].startswith("/reauth?next=")
        assert client.get(f"{url}?format=csv").status_code == 200
        assert client.post(url, data={"format": "csv"}).status_code == 200


def test_a_page_asked_for_comes_back_itself_and_a_foreign_referrer_is_ignored(client, login, place):
    partnership, facilitator, participant = place
    with freeze_time(START) as clock:
        login(facilitator)
        clock.tick(timedelta(minutes=11))
        assert client.get("/account/two-factor").headers["Location"] == (
            "/reauth?next=/account/two-factor"
        )
        foreign = client.post(
            f"{page_of(partnership, participant)}/identity",
            headers={"Referer": "https://evil.example/p/1/mapping"},
        )
        assert foreign.headers["Location"] == "/reauth?next=/partnerships"
        outside = client.post("/reauth?next=//evil.example", data={"password": PASSWORD})
        assert outside.headers["Location"] == "/partnerships"


def test_re_authentication_is_throttled(app_with, session, make, login, place):
    _partnership, facilitator, _participant = place
    app = app_with(RATELIMIT_ENABLED=True, LOGIN_FAILURES_PER_ACCOUNT="3 per 15 minutes")
    client = login(facilitator, app.test_client())
    codes = [client.post("/reauth", data={"password": "guess"}).status_code for _ in range(3)]
    assert codes == [422, 422, 422]
    refused = client.post("/reauth", data={"password": PASSWORD})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 800
