"""The fake Twilio's Messages list, read through the official client: To, From and DateSent
filters as Twilio documents them, newest first, paged."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from hsbp.fake_twilio import FakeTwilio

ACCOUNT = "AC" + "b2" * 16
TOKEN = "fake-auth-token"
SENDER = "+15005550006"
OTHER_SENDER = "+15005550001"
ANA, BETO = "+573104567821", "+573104567822"


# The official client logs each request's URL at INFO: a list's names the phone number.
QUIET = logging.getLogger("tests.fake_twilio.listing")
QUIET.setLevel(logging.WARNING)


def client_of(fake: FakeTwilio) -> Client:
    twilio = Client(ACCOUNT, TOKEN, http_client=TwilioHttpClient(timeout=2, logger=QUIET))
    twilio.api.base_url = fake.url
    return twilio


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


@pytest.fixture
def fake():
    with FakeTwilio(ACCOUNT, TOKEN, callback_delay=0.01) as running:
        yield running


def test_the_list_filters_by_number_sender_and_date_sent_newest_first(fake):
    twilio = client_of(fake)
    sent = [
        twilio.messages.create(to=to, from_=sender, body=body).sid
        for to, sender, body in (
            (ANA, SENDER, "uno"),
            (BETO, SENDER, "dos"),
            (ANA, OTHER_SENDER, "tres"),
            (ANA, SENDER, "cuatro"),
        )
    ]
    wait_until(lambda: all(m.get("date_sent") for m in fake.messages))
    today = datetime.now(UTC).date()

    def bodies(**filters) -> list[str]:
        return [message.body for message in twilio.messages.list(**filters)]

    assert bodies(to=ANA, from_=SENDER) == ["cuatro", "uno"]
    assert bodies(to=ANA) == ["cuatro", "tres", "uno"]
    assert bodies(from_=SENDER) == ["cuatro", "dos", "uno"]
    assert bodies(to=ANA, from_=SENDER, date_sent_after=today.isoformat()) == ["cuatro", "uno"]
    tomorrow, yesterday = today + timedelta(days=1), today - timedelta(days=1)
    assert bodies(to=ANA, date_sent_after=tomorrow.isoformat()) == []
    assert bodies(to=ANA, date_sent_before=yesterday.isoformat()) == []
    assert bodies(to=BETO, date_sent=today.isoformat()) == ["dos"]
    # The official client sends a datetime as an instant: compared to the second.
    assert bodies(to=ANA, date_sent_after=datetime.now(UTC) + timedelta(minutes=1)) == []
    listed = twilio.messages.list(to=BETO)[0]
    assert (listed.sid, listed.status, listed.from_) == (sent[1], "delivered", SENDER)
    assert listed.date_sent is not None


def test_a_message_not_sent_yet_has_no_date_sent_and_no_date_filter_lists_it():
    with FakeTwilio(ACCOUNT, TOKEN, callback_delay=60) as slow:
        twilio = client_of(slow)
        twilio.messages.create(to=ANA, from_=SENDER, body="en cola")
        today = datetime.now(UTC).date().isoformat()
        [queued] = twilio.messages.list(to=ANA)
        assert (queued.status, queued.date_sent) == ("queued", None)
        assert twilio.messages.list(to=ANA, date_sent_after=today) == []


def test_the_list_is_read_page_by_page(fake):
    twilio = client_of(fake)
    for n in range(5):
        twilio.messages.create(to=ANA, from_=SENDER, body=f"m{n}")
    wait_until(lambda: all(m.get("date_sent") for m in fake.messages))
    first = twilio.messages.page(to=ANA, page_size=2)
    assert [message.body for message in first] == ["m4", "m3"]
    assert [message.body for message in first.next_page()] == ["m2", "m1"]
    everything = [message.body for message in twilio.messages.list(to=ANA, page_size=2)]
    assert sorted(everything) == ["m0", "m1", "m2", "m3", "m4"]
    assert len(twilio.messages.list(to=ANA, limit=3, page_size=2)) == 3


def test_a_bad_date_is_refused_as_twilio_does(fake):
    with pytest.raises(TwilioException) as refused:
        client_of(fake).messages.list(to=ANA, date_sent_after="next tuesday")
    assert '"code":20001' in str(refused.value)
    assert "HTTP 400" in str(refused.value)
