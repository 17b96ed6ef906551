"""Logs: JSON and text lines, request ids, one line per request and per task, redaction."""

import io
import json
import logging

import pytest
from huey.exceptions import RetryTask

from hsbp.config import ConfigError, load_settings
from hsbp.extensions import queue
from hsbp.logs import (
    JsonFormatter,
    RedactFilter,
    Redactor,
    TextFormatter,
    configure,
    incoming_request_id,
    make_handler,
)
from hsbp.sms import contacts
from tests import log_scan
from tests.conftest import FIELD_KEY
from tests.sms.conftest import signed_post

PHONE = "+573104567821"
QUIETED = ("huey", "huey.consumer", "twilio.http_client", "werkzeug")


@queue.task(name="tests.logs.fine")
def fine_task():
    return None


@queue.task(name="tests.logs.broken", retries=1)
def broken_task():
    raise RuntimeError("broken on purpose")


_again_runs: list[int] = []


@queue.task(name="tests.logs.again")
def again_task():
    # What a task does once when the database is out of reach (hsbp.extensions.app_task).
    _again_runs.append(1)
    if len(_again_runs) == 1:
        raise RetryTask()


@pytest.fixture
def private_logger():
    """A logger of its own (not propagating to the run's root), with `.stream` and a
    handler made like production's: `attach(format)` returns the handler."""
    logger = logging.getLogger("tests.logs.private")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)

    def attach(log_format: str, secrets=()):
        logger.stream = io.StringIO()
        handler = make_handler(log_format, logger.stream, secrets=secrets)
        logger.addHandler(handler)
        return handler

    logger.attach = attach
    yield logger
    for handler in list(logger.handlers):
        logger.removeHandler(handler)


def test_redactor_hides_phones_emails_url_passwords_and_secrets():
    redact = Redactor(["s3cr3t-value-xyz", "short"])
    text = (
        "+57 310 456 7821, +573104567821, %2B573104567821, 3104567821, 310 456 7821,"
        " ana@example.org, ana%40example.org, s3cr3t-value-xyz, short,"
        " redis://:pw123@host:6379/0, SM00000000000000000000000000000001,"
        " 59415202-ffdd-4412-bc50-426614174000, 2026-12-05 19:56:50.487661, 1234567"
    )
    assert redact(text) == (
        "[phone], [phone], [phone], [phone], [phone], [email], [email], [secret], short,"
        " redis://:[secret]@host:6379/0, SM00000000000000000000000000000001,"
        " 59415202-ffdd-4412-bc50-426614174000, 2026-12-05 19:56:50.487661, 1234567"
    )


def test_redact_filter_keeps_numbers_and_redacts_text_and_tracebacks(private_logger):
    private_logger.attach("json", secrets=["field-key-canary"])
    try:
        raise ValueError(f"bad number {PHONE} with field-key-canary")
    except ValueError:
        private_logger.exception("SMS %d to %s (%s)", 12345678, PHONE, "ana@example.org")
    line = json.loads(private_logger.stream.getvalue())
    assert line["message"] == "SMS 12345678 to [phone] ([email])"
    assert line["exception"].endswith("ValueError: bad number [phone] with [secret]")
    assert PHONE not in private_logger.stream.getvalue()


def test_json_line_has_utc_time_level_logger_message_and_ids(private_logger):
    private_logger.attach("json")
    private_logger.warning("spool %s", "0001.sealed", extra={"task": "drain", "status": "ok"})
    line = json.loads(private_logger.stream.getvalue())
    assert sorted(line) == ["level", "logger", "message", "status", "task", "time"]
    assert line["time"].endswith("Z") and len(line["time"]) == len("2026-01-01T00:00:00.000Z")
    assert (line["level"], line["logger"]) == ("WARNING", "tests.logs.private")
    assert (line["message"], line["task"], line["status"]) == ("spool 0001.sealed", "drain", "ok")


def test_mail_log_is_withheld_in_json_and_whole_in_text():
    link = "https://hsbp.test/password/reset/tok3n-123"
    args = ("a@example.org", "Hi", link)
    record = logging.LogRecord("hsbp.mail", logging.INFO, "", 1, "e-mail to %s: %s\n%s", args, None)
    RedactFilter(["tok3n-123"]).filter(record)
    text = TextFormatter().format(record)
    assert text.endswith(f"e-mail to a@example.org: Hi\n{link}")
    assert json.loads(JsonFormatter().format(record))["message"] == (
        "e-mail withheld: HSBP_MAIL_LOG writes e-mails only with HSBP_LOG_FORMAT=text"
    )


def test_configure_keeps_one_handler_of_its_own_and_leaves_others_alone():
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    touched = [logging.getLogger(name) for name in QUIETED]
    levels = [logger.level for logger in touched]
    config = {"LOG_FORMAT": "json", "LOG_LEVEL": "WARNING", "SECRET_KEY": "x" * 40}
    try:
        # The test run's own handlers are on the root logger: without force, hands off.
        assert configure(config) is None
        assert root.handlers == before
        first = configure(config, io.StringIO(), force=True)
        second = configure({**config, "LOG_LEVEL": "DEBUG"}, io.StringIO(), force=True)
        assert root.handlers == [*before, second]
        assert first is not second
        assert root.level == logging.DEBUG
        assert [type(f).__name__ for f in second.filters] == ["ContextFilter", "RedactFilter"]
        assert isinstance(second.formatter, JsonFormatter)
        quieted = [logging.getLogger(name).level for name in QUIETED]
        assert quieted == [logging.WARNING, logging.DEBUG, logging.WARNING, logging.WARNING]
    finally:
        root.handlers[:] = before
        root.setLevel(level)
        for logger, kept in zip(touched, levels, strict=True):
            logger.setLevel(kept)


def test_log_settings_refuse_unknown_values(monkeypatch, tmp_path):
    keys = {"ENV": "testing", "SECRET_KEY": "k", "FIELD_KEY": FIELD_KEY}
    monkeypatch.setenv("HSBP_LOG_FORMAT", "xml")
    with pytest.raises(ConfigError) as refused:
        load_settings(tmp_path, keys)
    assert str(refused.value) == "HSBP_LOG_FORMAT must be one of json, text, not 'xml'"
    monkeypatch.setenv("HSBP_LOG_FORMAT", "JSON")
    monkeypatch.setenv("HSBP_LOG_LEVEL", "loud")
    with pytest.raises(ConfigError) as refused:
        load_settings(tmp_path, keys)
    assert str(refused.value) == (
        "HSBP_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, not 'loud'"
    )


def request_lines(lines):
    return [line for line in lines if line["logger"] == "hsbp.request"]


def test_request_line_names_the_endpoint_never_the_path(client):
    place = log_scan.mark()
    response = client.get("/password/reset/tok3n-in-the-path?phone=%2B573104567821")
    assert response.status_code == 302
    [line] = request_lines(log_scan.lines_since(place))
    assert line["message"].startswith("GET auth.reset_password 302 ")
    assert {k: line[k] for k in ("level", "method", "endpoint", "status")} == {
        "level": "INFO",
        "method": "GET",
        "endpoint": "auth.reset_password",
        "status": 302,
    }
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert line["duration_ms"] > 0
    assert "user_id" not in line
    assert "tok3n" not in json.dumps(log_scan.lines_since(place))


def test_request_line_carries_the_signed_in_user_id(client, make, login):
    user = make.user()
    login(user)
    place = log_scan.mark()
    assert client.get("/account").status_code == 200
    [line] = request_lines(log_scan.lines_since(place))
    assert (line["endpoint"], line["user_id"]) == ("auth.account", user.id)


def test_request_line_names_no_user_on_a_public_form(client, make, login, session):
    """A member signed in while filing a grievance from the public form stays unnamed."""
    from hsbp.grievances import services as grievance_services

    partnership = make.partnership()
    token = grievance_services.settings_of(session, partnership.id).public_token
    login(make.user())
    place = log_scan.mark()
    assert client.get(f"/g/{token}").status_code == 200
    [line] = request_lines(log_scan.lines_since(place))
    assert line["endpoint"] == "grievances.public_form"
    assert "user_id" not in line


def test_request_id_from_the_proxy_is_kept_when_it_is_a_safe_token(client):
    place = log_scan.mark()
    kept = client.get("/healthz", headers={"X-Request-ID": "nginx-4f2a9c1e77b0"})
    replaced = client.get("/healthz", headers={"X-Request-ID": "573104567821"})
    assert kept.headers["X-Request-ID"] == "nginx-4f2a9c1e77b0"
    assert replaced.headers["X-Request-ID"] != "573104567821"
    assert [line["request_id"] for line in request_lines(log_scan.lines_since(place))] == [
        "nginx-4f2a9c1e77b0",
        replaced.headers["X-Request-ID"],
    ]
    assert incoming_request_id("short") is None
    assert incoming_request_id("a@example.org-12345") is None
    assert incoming_request_id("x" * 65) is None


def test_every_line_written_during_a_request_carries_its_id(client):
    place = log_scan.mark()
    params = {"MessageSid": "SM" + "a" * 32, "Unheard": "of"}
    response = signed_post(client, "/sms/twilio/inbound", params)
    assert response.status_code == 400
    warning, request = log_scan.lines_since(place)
    assert warning["message"].startswith("SMS webhook: refused a signed post")
    assert warning["request_id"] == request["request_id"] == response.headers["X-Request-ID"]
    assert (request["endpoint"], request["status"]) == ("sms.twilio_inbound", 400)


def test_an_error_in_a_view_is_logged_with_its_endpoint_not_its_path(app_with):
    app = app_with(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom/<token>")
    def boom(token):
        raise RuntimeError("boom")

    place = log_scan.mark()
    assert app.test_client().get("/boom/tok3n-secret").status_code == 500
    error, request = log_scan.lines_since(place)
    assert (error["logger"], error["message"]) == ("hsbp", "Exception on boom [GET]")
    assert error["exception"].endswith("RuntimeError: boom")
    assert error["request_id"] == request["request_id"]
    assert (request["endpoint"], request["status"]) == ("boom", 500)
    assert "tok3n" not in json.dumps([error, request])


def test_a_task_run_is_one_line_ok_retrying_or_failed(app):
    place = log_scan.mark()
    _again_runs.clear()
    with app.app_context():
        fine_task()
        broken_task()
        again_task()
    lines = [line for line in log_scan.lines_since(place) if line["logger"] == "hsbp.task"]
    assert [(line["task"], line["status"], line["level"]) for line in lines] == [
        ("tests.logs.fine", "ok", "INFO"),
        ("tests.logs.broken", "retrying", "WARNING"),
        ("tests.logs.broken", "failed", "ERROR"),
        ("tests.logs.again", "retrying", "WARNING"),
        ("tests.logs.again", "ok", "INFO"),
    ]
    assert lines[1]["task_id"] == lines[2]["task_id"] != lines[0]["task_id"]
    assert all(line["duration_ms"] >= 0 for line in lines)
    assert lines[0]["message"] == "task tests.logs.fine ok"


def test_a_phone_in_the_url_and_in_an_sms_body_reaches_no_log_line(client, session, make):
    partnership = make.partnership()
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender="+15005550006", join_code="LOGS"
    )
    body = f"my neighbour {PHONE} saw it, log-canary-7341"
    log_scan.canary(body)
    place = log_scan.mark()
    client.get(f"/p/1/sms/contacts/{PHONE}?q={PHONE}&phone=%2B573104567821")
    params = {"MessageSid": "SM" + "b" * 32, "From": PHONE, "To": "+15005550006"}
    params |= {"Body": body, "NumMedia": "0"}
    assert signed_post(client, "/sms/twilio/inbound", params).status_code == 200
    lines = log_scan.lines_since(place)
    assert [(line["endpoint"], line["status"]) for line in request_lines(lines)] == [
        ("none", 404),
        ("sms.twilio_inbound", 200),
    ]
    written = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    for value in (PHONE, "573104567821", "3104567821", "log-canary-7341", "neighbour"):
        assert value not in written
    assert [log_scan.problems(json.dumps(line)) for line in lines] == [[]] * len(lines)
