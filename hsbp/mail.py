"""Outgoing e-mail: a row first, then sent by the task queue after the commit.

SMTP when HSBP_MAIL_SERVER is set; otherwise the message is written to the log, which is how
the demo and a fresh development machine show password-reset and invitation links.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from hsbp import db
from hsbp.db import Base, EncryptedText, UTCDateTime, utcnow
from hsbp.extensions import app_task

log = logging.getLogger("hsbp.mail")


class OutboundEmail(Base):
    __tablename__ = "outbound_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    # Encrypted: until it is sent it holds a working link (an invitation, a password reset).
    body: Mapped[str] = mapped_column(EncryptedText)
    # The secret parts of the body (links with a token), cut out of it once it is sent, so
    # the table never keeps a link that still works.
    secret: Mapped[str | None] = mapped_column(EncryptedText)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def queue_email(session: Session, *, to: str, subject: str, body: str) -> OutboundEmail:
    """Save an e-mail and have it sent once the current transaction commits.

    Side effects: adds an OutboundEmail row; after the commit, enqueues `send_email`.
    """
    message = OutboundEmail(to_address=to, subject=subject, body=body)
    session.add(message)
    session.flush()
    message_id = message.id
    db.after_commit(lambda: send_email(message_id))
    return message


@app_task(retries=5, retry_delay=60)
def send_email(message_id: int) -> None:
    """Deliver one queued e-mail; a failure is recorded and retried by the queue."""
    session = db.session()
    message = session.get(OutboundEmail, message_id)
    if message is None or message.status == "sent":
        return
    config = current_app.config
    if config.get("MAIL_SERVER"):
        try:
            _send_smtp(config, message)
        except (OSError, smtplib.SMTPException) as exc:
            message.status, message.error = "failed", str(exc)
            db.finish(commit=True)
            raise
    else:
        log.info("e-mail to %s: %s\n%s", message.to_address, message.subject, message.body)
    message.status, message.sent_at, message.error = "sent", utcnow(), None


def _send_smtp(config, message: OutboundEmail) -> None:
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(email)
