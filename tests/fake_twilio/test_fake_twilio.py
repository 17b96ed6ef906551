"""The fake Twilio, driven the way hsbp drives Twilio: the official client, over HTTP."""

from __future__ import annotations

import logging
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from hsbp.fake_twilio import FakeTwilio

ACCOUNT = "AC" + "a1" * 16
TOKEN = "fake-auth-token"
SENDER = "+15005550006"
TO = "+573104567821"
SERVICE = "MG" + "b2" * 16


def wait_until(predicate, timeout: float = 1.5):
    """Poll `predicate` until it returns something truthy, instead of sleeping a fixed time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.01)
    pytest.fail(f"nothing within {timeout} s")


def twilio_client(url: str, *, sid: str = ACCOUNT, token: str = TOKEN, **kwargs) -> Client:
    client = Client(sid, token, **kwargs)
    client.api.base_url = url
    return client


@pytest.fixture
def fake():
    with FakeTwilio(ACCOUNT, TOKEN, callback_delay=0.01) as running:
        yield running


@pytest.fixture
def client(fake) -> Client:
    return twilio_client(fake.url)


class Receiver:
    """A stand-in for hsbp's status-callback endpoint that records every post."""

    def __init__(self) -> None:
        self.posts: list[dict] = []
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}/sms/twilio/status"

    @Request.application
    def wsgi(self, request: Request) -> Response:
        post = {
            "url": request.url,
            "params": request.form.to_dict(),
            "signature": request.headers.get("X-Twilio-Signature"),
        }
        with self._lock:
            self.posts.append(post)
        return Response("", 204)

    def received(self, count: int) -> list[dict]:
        with self._lock:
            return list(self.posts) if len(self.posts) >= count else []

    def __enter__(self) -> Receiver:
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def send(client: Client, **overrides):
    params = {"to": TO, "from_": SENDER, "body": "Hola"} | overrides
    return client.messages.create(**params)


def test_create_message_returns_twilio_resource():
    # A long callback delay holds the message at "queued" while the test reads it back.
    with FakeTwilio(ACCOUNT, TOKEN, callback_delay=60) as fake:
        before = datetime.now(UTC).replace(microsecond=0)
        message = send(twilio_client(fake.url))
        stored = fake.messages

    assert re.fullmatch(r"SM[0-9a-f]{32}", message.sid)
    assert message.account_sid == ACCOUNT
    assert (message.to, message.from_, message.body) == (TO, SENDER, "Hola")
    assert message.status == "queued"
    assert message.num_segments == "1"
    assert message.direction == "outbound-api"
    assert message.api_version == "2010-04-01"
    assert (message.error_code, message.error_message, message.price) == (None, None, None)
    assert message.messaging_service_sid is None
    assert message.uri == f"/2010-04-01/Accounts/{ACCOUNT}/Messages/{message.sid}.json"
    assert before <= message.date_created <= datetime.now(UTC)
    assert stored == [
        {
            "sid": message.sid,
            "to": TO,
            "from": SENDER,
            "messaging_service_sid": None,
            "body": "Hola",
            "status": "queued",
            "status_callback": None,
            "num_segments": 1,
            "error_code": None,
            "created": message.date_created.isoformat(),
        }
    ]


def test_message_status_moves_to_delivered_and_can_be_fetched(fake, client):
    sid = send(client).sid

    wait_until(lambda: fake.messages[0]["status"] == "delivered")
    fetched = client.messages(sid).fetch()
    assert (fetched.sid, fetched.status, fetched.body) == (sid, "delivered", "Hola")


def test_create_with_messaging_service_lets_it_choose_the_sender(fake, client):
    message = client.messages.create(to=TO, messaging_service_sid=SERVICE, body="Hola")

    # As on Twilio: "accepted" and no sender yet, until the service picks one.
    assert (message.status, message.from_) == ("accepted", None)
    assert message.messaging_service_sid == SERVICE
    assert fake.messages[0]["messaging_service_sid"] == SERVICE
    assert fake.messages[0]["from"] == SENDER


@pytest.mark.parametrize(
    ("body", "segments"),
    [
        ("a" * 160, "1"),
        ("a" * 161, "2"),
        ("a" * 306, "2"),
        ("a" * 307, "3"),
        ("€" * 80, "1"),  # an extension character takes two septets
        ("€" * 81, "2"),
        ("ñ" * 160, "1"),  # in the GSM alphabet
        ("á" * 70, "1"),  # not in it: the whole text goes UCS-2
        ("á" * 71, "2"),
        ("a" * 152 + "€" + "a" * 152, "3"),  # the escape pair moves whole to segment two
        ("á" * 66 + "😀" + "á" * 66, "3"),  # so does a surrogate pair
    ],
)
def test_num_segments_counts_like_carriers(client, body, segments):
    assert send(client, body=body).num_segments == segments


def test_wrong_auth_token_is_refused_with_20003(fake):
    with pytest.raises(TwilioRestException) as raised:
        send(twilio_client(fake.url, token="wrong"))

    assert (raised.value.status, raised.value.code) == (401, 20003)
    assert fake.messages == []


def test_missing_auth_is_refused_with_20003(fake):
    response = requests.post(
        f"{fake.url}/2010-04-01/Accounts/{ACCOUNT}/Messages.json",
        data={"To": TO, "From": SENDER, "Body": "Hola"},
        timeout=2,
    )

    assert response.status_code == 401
    assert response.json() == {
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }


def test_unknown_account_in_path_is_404_with_20404(client):
    other = "AC" + "0" * 32
    with pytest.raises(TwilioRestException) as raised:
        client.api.v2010.accounts(other).messages.create(to=TO, from_=SENDER, body="Hola")

    assert (raised.value.status, raised.value.code) == (404, 20404)


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"to": ""}, 21604),
        ({"to": "3104567821"}, 21211),
        ({"to": "+0573104567821"}, 21211),
        ({"to": "+57 310 456 7821"}, 21211),
        ({"from_": None}, 21603),
        ({"body": ""}, 21602),
        ({"body": "a" * 1601}, 21617),
    ],
)
def test_invalid_message_is_refused_with_twilio_code(fake, client, overrides, code):
    with pytest.raises(TwilioRestException) as raised:
        send(client, **overrides)

    assert (raised.value.status, raised.value.code) == (400, code)
    assert fake.messages == []


def test_body_of_exactly_1600_characters_is_accepted(client):
    assert send(client, body="a" * 1600).num_segments == "11"


def test_opted_out_number_is_refused_with_21610(fake, client):
    fake.opt_out(TO)

    with pytest.raises(TwilioRestException) as raised:
        send(client)

    assert (raised.value.status, raised.value.code) == (400, 21610)
    assert "Attempt to send to unsubscribed recipient" in raised.value.msg
    assert send(client, to="+573104567822").status == "queued"


def test_fail_next_429_fails_once_then_succeeds(fake, client):
    fake.fail_next(status=429)

    with pytest.raises(TwilioRestException) as raised:
        send(client)

    assert (raised.value.status, raised.value.code) == (429, 20429)
    assert "Too Many Requests" in raised.value.msg
    assert send(client).status == "queued"
    assert len(fake.messages) == 1


@pytest.mark.parametrize("status", [500, 503])
def test_fail_next_server_errors_are_consumed_in_order(fake, client, status):
    fake.fail_next(2, status=status)

    for _ in range(2):
        with pytest.raises(TwilioRestException) as raised:
            send(client)
        assert (raised.value.status, raised.value.code) == (status, 20500)
    assert send(client).status == "queued"


def test_fail_next_rejects_unknown_status(fake):
    with pytest.raises(ValueError, match="status must be one of"):
        fake.fail_next(status=418)


def test_fail_next_timeout_raises_requests_timeout(fake):
    slow_client = twilio_client(fake.url, http_client=TwilioHttpClient(timeout=0.5))
    fake.fail_next(timeout=2)
    started = time.monotonic()

    # The twilio client does not wrap transport errors: the requests exception comes through.
    with pytest.raises(requests.exceptions.ReadTimeout):
        send(slow_client)

    assert 0.5 <= time.monotonic() - started < 1.5


def test_message_answered_after_client_timeout_is_still_sent(fake):
    slow_client = twilio_client(fake.url, http_client=TwilioHttpClient(timeout=0.3))
    fake.fail_next(timeout=0.6)

    with pytest.raises(requests.exceptions.ReadTimeout):
        send(slow_client)

    # Like Twilio: a timed-out request may still have been sent, so a blind retry duplicates.
    assert [m["body"] for m in wait_until(lambda: fake.messages)] == ["Hola"]


def test_fail_for_fails_every_request_during_the_window(fake, client):
    ends = time.monotonic() + 0.5
    fake.fail_for(0.5)

    for _ in range(2):
        with pytest.raises(TwilioRestException) as raised:
            send(client)
        assert (raised.value.status, raised.value.code) == (503, 20500)
    time.sleep(max(0.0, ends - time.monotonic()) + 0.05)
    assert send(client).status == "queued"


def test_reset_clears_messages_failures_and_opt_outs(fake, client):
    send(client)
    fake.opt_out(TO)
    fake.fail_next(status=500)
    fake.fail_for(5)

    fake.reset()

    assert fake.messages == []
    assert send(client).status == "queued"


def test_concurrent_sends_are_all_kept(fake):
    def one(index: int) -> str:
        return send(twilio_client(fake.url), body=f"Hola {index}").sid

    with ThreadPoolExecutor(max_workers=5) as pool:
        sids = list(pool.map(one, range(20)))

    assert len(set(sids)) == 20
    assert sorted(m["sid"] for m in fake.messages) == sorted(sids)


def callback_params(sid: str, status: str, **extra: str) -> dict[str, str]:
    return {
        "AccountSid": ACCOUNT,
        "ApiVersion": "2010-04-01",
        "From": SENDER,
        "MessageSid": sid,
        "MessageStatus": status,
        "SmsSid": sid,
        "SmsStatus": status,
        "To": TO,
    } | extra


def assert_signed(posts: list[dict]) -> None:
    validator = RequestValidator(TOKEN)
    for post in posts:
        assert validator.validate(post["url"], post["params"], post["signature"]) is True


def test_status_callbacks_post_sent_then_delivered(fake, client, receiver):
    sid = send(client, status_callback=receiver.url).sid

    posts = wait_until(lambda: receiver.received(2))

    assert [post["params"] for post in posts] == [
        callback_params(sid, "sent"),
        callback_params(sid, "delivered"),
    ]
    assert [post["url"] for post in posts] == [receiver.url, receiver.url]
    assert_signed(posts)


def test_status_callbacks_for_undeliverable_number_end_undelivered(fake, client, receiver):
    fake.undeliverable(TO, code=30003)
    sid = send(client, status_callback=receiver.url).sid

    posts = wait_until(lambda: receiver.received(2))

    assert [post["params"] for post in posts] == [
        callback_params(sid, "sent"),
        callback_params(sid, "undelivered", ErrorCode="30003"),
    ]
    assert_signed(posts)
    assert (fake.messages[0]["status"], fake.messages[0]["error_code"]) == ("undelivered", 30003)


def test_status_callback_signature_rejects_other_token(fake, client, receiver):
    send(client, status_callback=receiver.url)

    post = wait_until(lambda: receiver.received(1))[0]

    assert (
        RequestValidator("other").validate(post["url"], post["params"], post["signature"]) is False
    )


def test_unreachable_callback_is_dropped_and_others_still_arrive(fake, client, receiver, caplog):
    caplog.set_level(logging.WARNING, logger="hsbp.fake_twilio")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{closed.getsockname()[1]}/status"
    send(client, status_callback=dead_url)
    sid = send(client, status_callback=receiver.url).sid

    posts = wait_until(lambda: receiver.received(2))
    dropped = wait_until(lambda: [r.getMessage() for r in caplog.records if "dropped" in r.msg])

    assert [post["params"]["MessageSid"] for post in posts] == [sid, sid]
    assert dropped[0].startswith(f"fake Twilio: dropped sent callback to {dead_url}")


def test_fake_messages_endpoint_lists_messages(fake, client):
    send(client)
    # Settled first, so the two reads below cannot straddle a status change.
    wait_until(lambda: fake.messages[0]["status"] == "delivered")

    response = requests.get(f"{fake.url}/_fake/messages", timeout=2)

    assert response.status_code == 200
    assert response.json() == {"messages": fake.messages}


def test_fake_failures_endpoint_queues_failures(fake, client):
    response = requests.post(
        f"{fake.url}/_fake/failures", data={"status": "429", "count": "2"}, timeout=2
    )

    assert response.status_code == 200
    assert response.json() == {
        "pending": [{"status": 429, "timeout": 0.0}, {"status": 429, "timeout": 0.0}],
        "down_for": 0.0,
        "down_status": None,
    }
    for _ in range(2):
        with pytest.raises(TwilioRestException) as raised:
            send(client)
        assert raised.value.status == 429
    assert requests.get(f"{fake.url}/_fake/failures", timeout=2).json()["pending"] == []


def test_fake_failures_endpoint_opens_an_outage_window(fake, client):
    response = requests.post(f"{fake.url}/_fake/failures", data={"seconds": "5"}, timeout=2)

    assert response.json()["down_status"] == 503
    assert 4.5 < response.json()["down_for"] <= 5
    with pytest.raises(TwilioRestException) as raised:
        send(client)
    assert (raised.value.status, raised.value.code) == (503, 20500)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"status": "418"}, "status must be one of [429, 500, 503]"),
        ({"status": "often"}, "status must be a number"),
        ({}, "fail_next needs a status or a timeout"),
    ],
)
def test_fake_failures_endpoint_rejects_bad_input(fake, data, error):
    response = requests.post(f"{fake.url}/_fake/failures", data=data, timeout=2)

    assert response.status_code == 400
    assert response.json() == {"error": error}


def test_fake_reset_endpoint_clears_state(fake, client):
    send(client)
    fake.fail_next(status=500)

    response = requests.post(f"{fake.url}/_fake/reset", timeout=2)

    assert response.status_code == 204
    assert fake.messages == []
    assert send(client).status == "queued"


def test_unknown_route_answers_twilio_404(fake):
    response = requests.get(f"{fake.url}/2010-04-01/Nothing.json", timeout=2)

    assert response.status_code == 404
    assert response.json()["code"] == 20404


def test_stopped_fake_refuses_connections():
    with FakeTwilio(ACCOUNT, TOKEN) as stopped:
        url = stopped.url

    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/_fake/messages", timeout=1)


def test_run_serves_in_the_foreground_until_interrupted():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = f"from hsbp.fake_twilio import run; run('127.0.0.1', {port}, {ACCOUNT!r}, {TOKEN!r})"
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        banner = process.stdout.readline()
        message = send(twilio_client(f"http://127.0.0.1:{port}"))
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=2) == 0
    finally:
        process.kill()

    assert banner == f"Fake Twilio for {ACCOUNT} on http://127.0.0.1:{port} (Ctrl-C to stop)\n"
    assert message.status == "queued"
