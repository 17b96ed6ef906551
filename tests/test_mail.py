"""Outgoing e-mail: a row first, sent after the commit, failures recorded."""

import socket

from sqlalchemy import select

from hsbp import db
from hsbp.mail import OutboundEmail, queue_email


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
