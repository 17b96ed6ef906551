"""Outgoing e-mail: a row first, then sent by the task queue after the commit.

SMTP when HSBP_MAIL_SERVER is set; otherwise the message is written to the log, which is how
the demo and a fresh development machine show password-reset and invitation links
(production does so only when told to with HSBP_MAIL_LOG=1, see hsbp.config).

A body may hold a secret: a link with a token that signs someone in or lets them join. The
caller names it (`secret=`); the row keeps it encrypted until the e-mail is sent, then cuts
it out of the body, so the table never keeps a link that still works.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage

from blinker import Namespace
from flask import current_app
from huey import crontab
from sqlalchemy import String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from hsbp import db
from hsbp.db import Base, EncryptedText, UTCDateTime, utcnow
from hsbp.extensions import app_task, queue

log = logging.getLogger("hsbp.mail")
# What stands in the stored body for a secret once the e-mail is sent (the same words as
# migration 0015, which cut the links out of e-mails sent before it).
LINK_REMOVED = "[link removed after sending]"
# Sent once an e-mail has left (SMTP took it, or it was written to the log), with its whole
# text, secrets included: the stored row no longer has them. Tests listen to it.
email_sent = Namespace().signal("hsbp.email-sent")
# Statuses of an e-mail still to send ("failed" ones are retried by the queue).
RETRYABLE = ("queued", "failed")
# An e-mail goes within seconds, and a database outage is retried within 30 s of its end:
# one still queued this long lost its task.
QUEUED_GRACE = timedelta(minutes=10)
# A live send gives up after SMTP's 30 s time-out: one "sending" this long lost its worker.
SENDING_GRACE = timedelta(minutes=15)


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
    # The one-click unsubscribe address (RFC 8058) of a notification e-mail, sent as its
    # List-Unsubscribe header; a working token, so forgotten once sent like the secrets.
    unsubscribe_url: Mapped[str | None] = mapped_column(EncryptedText)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def queue_email(
    session: Session,
    *,
    to: str,
    subject: str,
    body: str,
    secret: str | Sequence[str] = (),
    unsubscribe_url: str | None = None,
) -> OutboundEmail:
    """Save an e-mail and have it sent once the current transaction commits.

    `secret`: the part(s) of `body` that must not outlive the sending (a link with a token).
    `unsubscribe_url`: where mail programs unsubscribe with one click (List-Unsubscribe and
    List-Unsubscribe-Post headers); it answers a POST without a CSRF token.

    Side effects: adds an OutboundEmail row; after the commit, enqueues `send_email`.
    """
    secrets = [secret] if isinstance(secret, str) else list(secret)
    for part in secrets:
        if not part or "\n" in part or part not in body:
            raise ValueError("a secret must be a non-empty line of the body")
    message = OutboundEmail(
        to_address=to,
        subject=subject,
        body=body,
        secret="\n".join(secrets) or None,
        unsubscribe_url=unsubscribe_url,
    )
    session.add(message)
    session.flush()
    message_id = message.id
    db.after_commit(lambda: send_email(message_id))
    return message


@app_task(retries=5, retry_delay=60)
def send_email(message_id: int) -> None:
    """Deliver one queued e-mail; a failure is recorded and retried by the queue.

    The e-mail is claimed first (queued or failed to "sending", one conditional UPDATE,
    committed), so two tasks for it (the sweep's, a retry) never both send it, and no
    transaction is open while the mail server is asked (on SQLite it would stop every
    writer for as long). A database out of reach is the queue's to retry.

    Side effects: SMTP or the log; the row marked sent, its secrets cut out of the body.
    """
    session = db.session()
    message = session.get(OutboundEmail, message_id)
    if message is None or message.status not in RETRYABLE:
        return
    claimed = session.execute(
        update(OutboundEmail)
        .where(OutboundEmail.id == message_id, OutboundEmail.status.in_(RETRYABLE))
        .values(status="sending", sent_at=utcnow()),  # sent_at: when this try began
        execution_options={"synchronize_session": False},
    ).rowcount
    db.finish(commit=True)
    if not claimed:
        return
    session = db.session()
    message = session.merge(message, load=False)
    message.status = "sending"
    config = current_app.config
    if config.get("MAIL_SERVER"):
        try:
            _send_smtp(config, message)
        except (OSError, smtplib.SMTPException) as exc:
            message.status, message.error, message.sent_at = "failed", str(exc), None
            db.finish(commit=True)
            raise
    elif config.get("MAIL_LOG"):
        log.info("e-mail to %s: %s\n%s", message.to_address, message.subject, message.body)
    else:
        # Settings refuse this in production; reached only with hand-made settings.
        message.status, message.error = "failed", "no mail server (HSBP_MAIL_SERVER)"
        message.sent_at = None
        return
    whole, headers = message.body, headers_of(message)
    message.status, message.sent_at, message.error = "sent", utcnow(), None
    forget_secrets(message)
    email_sent.send(
        current_app._get_current_object(),
        to=message.to_address,
        subject=message.subject,
        body=whole,
        headers=headers,
    )


def requeue_stale_emails(session: Session, *, now: datetime) -> list[int]:
    """Hand back to the queue the e-mails a lost task left "queued" (Redis restarted empty,
    the queue out of reach at the commit) for QUEUED_GRACE, and those a dead worker left
    "sending" for SENDING_GRACE; returns their ids.

    Side effects: an interrupted one is "queued" again and may reach its reader twice (a
    mail server cannot be asked whether it took it; a second copy is the lesser harm than
    none); `send_email` is enqueued for each after the commit. The claim makes a task that
    was only late find nothing to send."""
    interrupted = list(
        session.scalars(
            update(OutboundEmail)
            .where(OutboundEmail.status == "sending", OutboundEmail.sent_at < now - SENDING_GRACE)
            .values(status="queued", sent_at=None, error="interrupted: sent again")
            .returning(OutboundEmail.id),
            execution_options={"synchronize_session": False},
        )
    )
    lost = list(
        session.scalars(
            select(OutboundEmail.id).where(
                OutboundEmail.status == "queued", OutboundEmail.created_at < now - QUEUED_GRACE
            )
        )
    )
    ids = sorted({*interrupted, *lost})
    if ids:
        log.warning("e-mails %s handed to the queue again", ids)
        db.after_commit(lambda: [send_email(message_id) for message_id in ids])
    return ids


@app_task()
def sweep_emails() -> None:
    requeue_stale_emails(db.session(), now=utcnow())


@queue.periodic_task(crontab(minute="*/5"), name="email_sweep")
def email_sweep() -> None:
    sweep_emails.call_local()


def forget_secrets(message: OutboundEmail) -> None:
    """Cut the secrets out of a sent e-mail's body and forget its unsubscribe address.
    Side effect: changes body, secret and unsubscribe_url."""
    message.unsubscribe_url = None
    if not message.secret:
        return
    body = message.body
    for part in message.secret.split("\n"):
        body = body.replace(part, LINK_REMOVED)
    message.body, message.secret = body, None


def headers_of(message: OutboundEmail) -> dict[str, str]:
    """The extra headers of an e-mail: one-click unsubscribe for a notification."""
    if not message.unsubscribe_url:
        return {}
    return {
        "List-Unsubscribe": f"<{message.unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _send_smtp(config, message: OutboundEmail) -> None:
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    for name, value in headers_of(message).items():
        email[name] = value
    email.set_content(message.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            # Verify the server's certificate: login and e-mails (with reset links) follow.
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(email)
