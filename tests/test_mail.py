"""Outgoing e-mail: a row first, sent after the commit, failures recorded."""

import email
import email.policy
import socket
import socketserver
import threading

import pytest
from sqlalchemy import select, text

from hsbp import db
from hsbp.db import field_cipher
from hsbp.mail import LINK_REMOVED, OutboundEmail, queue_email
from tests.emails import last_path


def test_email_is_not_sent_when_the_request_rolls_back(app, connection, session):
    with app.test_request_context():
        queue_email(db.session(), to="a@example.org", subject="Hi", body="Body")
        db.finish(commit=False)
    assert session.scalars(select(OutboundEmail)).all() == []


def test_email_is_sent_after_the_commit(app, connection, session, caplog):
    caplog.set_level("INFO", logger="hsbp.mail")
    with app.test_request_context():
        queue_email(db.session(), to="a@example.org", subject="Hi", body="Body")
        assert "e-mail to a@example.org" not in caplog.text
        db.finish(commit=True)
    assert "e-mail to a@example.org: Hi" in caplog.text
    assert session.scalars(select(OutboundEmail.status)).all() == ["sent"]


def test_smtp_failure_is_recorded_for_a_retry(app_with, connection, session):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    other = app_with(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port)
    with other.test_request_context():
        queue_email(db.session(), to="a@example.org", subject="Hi", body="Body")
        db.finish(commit=True)
    message = session.scalars(select(OutboundEmail)).one()
    assert message.status == "failed"
    assert "Connection refused" in message.error


def test_a_secret_is_encrypted_until_sent_then_cut_out(app, connection, session):
    link = "http://hsbp.test/password/reset/secret-token"
    body = f"Open this link:\n{link}\n\nThanks."
    with app.test_request_context():
        message_id = queue_email(
            db.session(), to="a@example.org", subject="Hi", body=body, secret=link
        ).id
        db.session().flush()
        stored = (
            db.session()
            .connection()
            .execute(
                text("SELECT body, secret FROM outbound_emails WHERE id = :id"), {"id": message_id}
            )
            .one()
        )
        # Before sending: the link is there, but only encrypted.
        assert "secret-token" not in stored.body and "secret-token" not in stored.secret
        assert field_cipher().decrypt(stored.secret) == link
        db.finish(commit=True)
    message = session.get(OutboundEmail, message_id)
    assert (message.status, message.secret) == ("sent", None)
    assert message.body == f"Open this link:\n{LINK_REMOVED}\n\nThanks."
    assert last_path("/password/reset/") == "/password/reset/secret-token"


def test_a_secret_stays_while_sending_fails_for_the_retry(app_with, connection, session):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    other = app_with(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port)
    with other.test_request_context():
        queue_email(db.session(), to="a@example.org", subject="Hi", body="Go: L1", secret="L1")
        db.finish(commit=True)
    message = session.scalars(select(OutboundEmail)).one()
    assert (message.status, message.body, message.secret) == ("failed", "Go: L1", "L1")


def test_several_secrets_are_all_cut_out(app, connection, session):
    with app.test_request_context():
        queue_email(
            db.session(), to="a@example.org", subject="Hi", body="A: L1\nB: L2", secret=["L1", "L2"]
        )
        db.finish(commit=True)
    message = session.scalars(select(OutboundEmail)).one()
    assert message.body == f"A: {LINK_REMOVED}\nB: {LINK_REMOVED}"


@pytest.mark.parametrize("secret", ["", "not in the body", "two\nlines"])
def test_a_secret_must_be_a_line_of_the_body(app, connection, secret):
    with app.test_request_context(), pytest.raises(ValueError, match="a secret must be"):
        queue_email(
            db.session(), to="a@example.org", subject="Hi", body="two\nlines", secret=secret
        )


def test_without_a_server_or_the_log_nothing_is_sent(app_with, connection, session, caplog):
    caplog.set_level("INFO", logger="hsbp.mail")
    other = app_with(MAIL_LOG=False)
    with other.test_request_context():
        queue_email(db.session(), to="a@example.org", subject="Hi", body="Go: L1", secret="L1")
        db.finish(commit=True)
    message = session.scalars(select(OutboundEmail)).one()
    assert (message.status, message.error) == ("failed", "no mail server (HSBP_MAIL_SERVER)")
    assert "e-mail to" not in caplog.text


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib to hand over one message (no TLS, no login)."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line.strip().split(b" ")[0].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                self.server.received.append(data)
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            if verb == b"EHLO":
                self.wfile.write(b"250 test\r\n")
            elif verb != b"DATA":
                self.wfile.write(b"250 ok\r\n")
            else:
                self.wfile.write(b"250 queued\r\n")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_notification_carries_one_click_unsubscribe_headers_then_forgets_the_address(
    app_with, connection, session, smtp_server
):
    other = app_with(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.server_address[1], MAIL_USE_TLS=False
    )
    url = "http://hsbp.test/notifications/unsubscribe/token-of-every-kind"
    with other.test_request_context():
        queue_email(
            db.session(), to="a@example.org", subject="Hi", body="Body", unsubscribe_url=url
        )
        db.finish(commit=True)
    [data] = smtp_server.received
    sent = email.message_from_bytes(data, policy=email.policy.default)
    assert sent["List-Unsubscribe"].strip() == f"<{url}>"  # folded when long, as RFC 5322 allows
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    message = session.scalars(select(OutboundEmail)).one()
    assert (message.status, message.unsubscribe_url) == ("sent", None)
    stored = session.execute(text("SELECT unsubscribe_url FROM outbound_emails")).scalar()
    assert stored is None


def test_an_ordinary_e_mail_has_no_unsubscribe_header(app_with, connection, session, smtp_server):
    other = app_with(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.server_address[1], MAIL_USE_TLS=False
    )
    with other.test_request_context():
        queue_email(db.session(), to="a@example.org", subject="Reset", body="Body")
        db.finish(commit=True)
    [data] = smtp_server.received
    assert "List-Unsubscribe" not in email.message_from_bytes(data)


def queued_on_a_real_queue(app_with, tmp_path, **fields):
    """An e-mail saved with its task in a SQLite queue (the app's), as a web request leaves it."""
    from hsbp.extensions import configure_queue

    app = app_with(QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite3'}")
    with app.test_request_context():
        message_id = queue_email(db.session(), to="a@example.org", subject="Hi", body="B").id
        db.finish(commit=True)
    return app, message_id, lambda: configure_queue("immediate")


def run_queue(app) -> None:
    from hsbp.extensions import queue

    with app.app_context():  # as the worker process
        while (task := queue.dequeue()) is not None:
            queue.execute(task)


def test_an_email_handed_over_twice_is_sent_once(app_with, connection, session, tmp_path):
    from hsbp.extensions import queue
    from hsbp.mail import send_email
    from tests.emails import SENT

    app, message_id, restore = queued_on_a_real_queue(app_with, tmp_path)
    try:
        send_email(message_id)  # a second task for it: a sweep, a restart
        assert queue.pending_count() == 2
        before = len(SENT)
        run_queue(app)
    finally:
        restore()
    assert [m["to"] for m in SENT[before:]] == ["a@example.org"]
    assert session.get(OutboundEmail, message_id).status == "sent"


def test_the_sweep_sends_an_email_whose_task_was_lost_or_cut_short(
    app_with, connection, session, tmp_path
):
    from datetime import timedelta

    from hsbp.db import utcnow
    from hsbp.extensions import queue
    from hsbp.mail import QUEUED_GRACE, SENDING_GRACE, sweep_emails
    from tests.emails import SENT

    app, lost, restore = queued_on_a_real_queue(app_with, tmp_path)
    try:
        queue.flush()  # the queue restarted empty
        with app.test_request_context():
            cut = queue_email(db.session(), to="b@example.org", subject="Hi", body="B")
            db.finish(commit=True)
        queue.flush()
        session.get(OutboundEmail, lost).created_at = utcnow() - QUEUED_GRACE - timedelta(minutes=1)
        interrupted = session.get(OutboundEmail, cut.id)  # a worker died in the middle
        interrupted.status, interrupted.sent_at = "sending", utcnow() - SENDING_GRACE * 2
        session.flush()
        with app.app_context():
            sweep_emails.call_local()
        assert queue.pending_count() == 2
        before = len(SENT)
        run_queue(app)
    finally:
        restore()
    assert sorted(m["to"] for m in SENT[before:]) == ["a@example.org", "b@example.org"]
    session.expire_all()
    assert session.scalars(select(OutboundEmail.status)).all() == ["sent", "sent"]
