"""/metrics: off unless asked for, guarded, per-process figures and the database's own."""

import subprocess
import sys
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from hsbp.db import utcnow
from hsbp.extensions import queue
from hsbp.logs import EMAIL, PHONE
from hsbp.mail import OutboundEmail
from hsbp.ops import metrics
from hsbp.sms import contacts, sending
from hsbp.sms.models import InboundMessage, OutboundStatus
from tests.conftest import FIELD_KEY

TOKEN = "metrics-token-0123456789"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
CALLER = "+573104567821"


@queue.task(name="tests.metrics.fine")
def fine_task():
    return None


@queue.task(name="tests.metrics.broken")
def broken_task():
    raise RuntimeError("broken on purpose")


@pytest.fixture
def guarded(app_with, tmp_path):
    """An app whose metrics need the token (and whose spool is this test's own)."""
    return app_with(METRICS_TOKEN=TOKEN, SMS_SPOOL_DIR=str(tmp_path / "spool"))


def scrape(app) -> str:
    response = app.test_client().get("/metrics", headers=BEARER)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def samples(text: str) -> dict:
    """{(name, frozen labels): value} of a scrape."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[sample.name, frozenset(sample.labels.items())] = sample.value
    return found


def value(text: str, name: str, **labels) -> float:
    return samples(text).get((name, frozenset(labels.items())), 0.0)


def counted(name: str, **labels) -> float:
    return metrics._registry.get_sample_value(name, labels) or 0.0


def test_metrics_is_an_unknown_page_while_off(client):
    off = client.get("/metrics", headers=BEARER)
    unknown = client.get("/no-such-page")
    assert (off.status_code, off.content_type) == (404, unknown.content_type)


def test_metrics_with_a_token_want_exactly_that_bearer_token(guarded):
    client = guarded.test_client()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        refused = client.get("/metrics", headers=headers)
        assert (refused.status_code, refused.data) == (401, b"Bearer token required\n")
        assert refused.headers["WWW-Authenticate"] == 'Bearer realm="metrics"'
    allowed = client.get("/metrics", headers=BEARER)
    assert allowed.status_code == 200
    assert allowed.content_type == metrics.CONTENT_TYPE
    assert allowed.content_type.startswith("text/plain; version=")
    assert "Set-Cookie" not in allowed.headers


def test_metrics_local_only_answer_this_machine_with_no_proxy_between(app_with):
    client = app_with(METRICS_LOCAL_ONLY=True).test_client()

    def status(address, **headers):
        return client.get("/metrics", environ_base={"REMOTE_ADDR": address}, headers=headers)

    assert status("127.0.0.1").status_code == 200
    assert status("::1").status_code == 200
    assert status("10.0.0.5").status_code == 404
    assert status("127.0.0.1", **{"X-Forwarded-For": "203.0.113.9"}).status_code == 404
    assert status("127.0.0.1", Forwarded="for=203.0.113.9").status_code == 404
    both = app_with(METRICS_LOCAL_ONLY=True, METRICS_TOKEN=TOKEN).test_client()
    assert both.get("/metrics").status_code == 401
    assert both.get("/metrics", headers=BEARER).status_code == 200


def test_requests_are_timed_by_endpoint_and_status_class_never_by_path(client, guarded):
    name = "hsbp_http_request_duration_seconds_count"
    login, reset = {"endpoint": "auth.login"}, {"endpoint": "auth.reset_password"}
    ok, moved = {**login, "status_class": "2xx"}, {**reset, "status_class": "3xx"}
    before = (counted(name, **ok), counted(name, **moved))
    client.get("/login")
    client.get("/login")
    client.get("/password/reset/tok3n-in-a-path")
    after = (counted(name, **ok), counted(name, **moved))
    assert (after[0] - before[0], after[1] - before[1]) == (2, 1)
    assert "tok3n" not in scrape(guarded)


def test_task_runs_are_counted_by_task_and_outcome(app):
    fine, broken = {"task": "tests.metrics.fine"}, {"task": "tests.metrics.broken"}
    before = [
        counted("hsbp_task_runs_total", **fine, status="ok"),
        counted("hsbp_task_runs_total", **broken, status="failed"),
        counted("hsbp_task_duration_seconds_count", **fine),
    ]
    with app.app_context():
        fine_task()
        fine_task()
        broken_task()
    after = [
        counted("hsbp_task_runs_total", **fine, status="ok"),
        counted("hsbp_task_runs_total", **broken, status="failed"),
        counted("hsbp_task_duration_seconds_count", **fine),
    ]
    assert [a - b for a, b in zip(after, before, strict=True)] == [2, 1, 2]


def test_database_figures_are_read_at_scrape_time(guarded, session, make):
    before = scrape(guarded)
    partnership = make.partnership(name="Alianza Canaria del Metrics")
    contact = contacts.get_or_create_contact(session, CALLER)
    outcomes = [
        (OutboundStatus.DELIVERED, None),
        (OutboundStatus.DELIVERED, None),
        (OutboundStatus.FAILED, 21610),
        (OutboundStatus.UNDELIVERED, 30003),
        (OutboundStatus.UNDELIVERED, 30003),
        (OutboundStatus.FAILED, None),
        (OutboundStatus.QUEUED, None),
    ]
    for status, code in outcomes:
        message = sending.make_outbound(
            session,
            contact=contact,
            body="hola",
            sender="+15005550006",
            kind="reply",  # a reply needs no consent: every one is made as asked
            partnership_id=partnership.id,
            status=status,
        )
        message.error_code = code
    for index, (seconds, route) in enumerate(((120, ""), (30, ""), (600, "inbox"))):
        session.add(
            InboundMessage(
                provider_sid=f"SM{index:032x}",
                from_phone=CALLER,
                from_hash=f"hash{index}",
                to_number="+15005550006",
                body="hola",
                received_at=utcnow() - timedelta(seconds=seconds),
                route=route,
            )
        )
    for status in ("queued", "queued", "failed"):
        session.add(OutboundEmail(to_address="a@example.org", subject="s", body="b", status=status))
    session.flush()
    after = scrape(guarded)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    by_status = {
        s.value: grew("hsbp_sms_outbound_messages", status=s.value) for s in OutboundStatus
    }
    assert by_status == {
        "queued": 1,
        "sending": 0,
        "sent": 0,
        "delivered": 2,
        "undelivered": 2,
        "failed": 2,
        "cancelled": 0,
        "withheld": 0,
    }
    codes = ("21610", "30003", "none")
    assert [grew("hsbp_sms_failed_messages", error_code=code) for code in codes] == [1, 2, 1]
    assert grew("hsbp_sms_inbound_unrouted_messages") == 2
    assert 120 <= value(after, "hsbp_sms_inbound_unrouted_age_seconds") < 150
    mails = ("queued", "sent", "failed")
    assert [grew("hsbp_email_messages", status=status) for status in mails] == [2, 0, 1]
    assert value(after, "hsbp_database_up") == 1
    assert (value(after, "hsbp_queue_up"), value(after, "hsbp_sms_spool_messages")) == (1, 0)
    # Ids, statuses and codes only: no number, address or partnership's name.
    assert (PHONE.search(after), EMAIL.search(after)) == (None, None)
    assert "Canaria" not in after


def test_a_database_out_of_reach_is_a_figure_not_a_failure(database_url, tmp_path):
    from tests.conftest import make_test_app
    from tests.ops.test_health import unreachable_url

    app = make_test_app(unreachable_url(database_url, tmp_path), tmp_path, METRICS_TOKEN=TOKEN)
    text = scrape(app)
    assert value(text, "hsbp_database_up") == 0
    assert "hsbp_sms_outbound_messages" not in text


SCRIPT = """
import sys
from hsbp import create_app
settings = {"ENV": "testing", "SECRET_KEY": "k" * 40, "FIELD_KEY": sys.argv[1],
            "DATABASE_URL": sys.argv[2], "QUEUE_URL": "immediate", "METRICS_TOKEN": "t" * 20}
client = create_app(settings).test_client()
for _ in range(int(sys.argv[3])):
    assert client.get("/healthz").status_code == 200
if sys.argv[4:] == ["scrape"]:
    answer = client.get("/metrics", headers={"Authorization": "Bearer " + "t" * 20})
    sys.stdout.write(answer.get_data(as_text=True))
"""


def test_multiprocess_mode_adds_up_every_process(database_url, tmp_path):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {"PROMETHEUS_MULTIPROC_DIR": str(folder), "HSBP_INSTANCE_PATH": str(tmp_path)}
    env["PATH"] = ""

    def run(*args):
        done = subprocess.run(  # noqa: S603  (this interpreter, the script above)
            [sys.executable, "-c", SCRIPT, FIELD_KEY, database_url, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout

    run("2")
    text = run("1", "scrape")
    labels = {"endpoint": "ops.healthz", "status_class": "2xx"}
    assert value(text, "hsbp_http_request_duration_seconds_count", **labels) == 3
    assert value(text, "hsbp_database_up") == 1
