"""The statements of one send, built once: reading a queued message's sender, claiming it
(queued to sending, with the contact's number and opt-out checked), recording Twilio's sid."""

from __future__ import annotations

import functools

from sqlalchemy import Engine, bindparam, select, update
from sqlalchemy.orm import Session

from hsbp import db
from hsbp.db import utcnow
from hsbp.paths import public_url
from hsbp.sms.models import Contact, OutboundMessage, OutboundStatus

# UPDATEs that leave the session's objects alone: the worker holds none of those rows.
CORE = {"synchronize_session": False}


def waiting_sender(message_id: int) -> str | None:
    sender = one_statement_session().scalar(
        select(OutboundMessage.sender).where(
            OutboundMessage.id == message_id, OutboundMessage.status == OutboundStatus.QUEUED
        )
    )
    db.finish(commit=True)
    return sender


def write_sent(message_id: int, sid: str, blank: bool) -> None:
    session = one_statement_session()
    # A confidential text is Twilio's to deliver now: the log keeps no copy of it.
    values = {"message_id": message_id, "sid": sid, "now": utcnow()}
    session.execute(
        statements(session.get_bind().dialect.name)["sent_blank" if blank else "sent"],
        {**values, "blank": ""} if blank else values,
        execution_options=CORE,
    )


def one_statement_session() -> Session:
    """A session for work that is one statement at a time: on PostgreSQL it runs them in
    autocommit, one round trip each instead of three (BEGIN, the statement, COMMIT)."""
    session = db.session()
    bind = session.get_bind()
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return session


@functools.cache
def statements(dialect: str) -> dict:
    """The statements of every send, built once (building them cost more than running)."""
    message = OutboundMessage
    claim = (
        update(message)
        .where(message.id == bindparam("message_id"), message.status == OutboundStatus.QUEUED)
        .values(
            status=OutboundStatus.SENDING, attempts=message.attempts + 1, sent_at=bindparam("now")
        )
        .returning(
            message.sender, message.body, message.kind, message.contact_id, message.confidential
        )
    )
    contact = select(Contact.phone, Contact.opted_out, Contact.simulated).where(
        Contact.id == bindparam("contact_id")
    )
    if dialect == "postgresql":
        # One round trip instead of two: the claim and the contact's number together.
        claimed = claim.cte("claimed")
        claim = select(
            claimed.c.sender,
            claimed.c.body,
            claimed.c.kind,
            claimed.c.confidential,
            Contact.phone,
            Contact.opted_out,
            Contact.simulated,
        ).join(Contact, Contact.id == claimed.c.contact_id)
        contact = None
    sent = (
        update(message)
        .where(message.id == bindparam("message_id"))
        .values(
            provider_sid=bindparam("sid"),
            status=OutboundStatus.SENT,
            sent_at=bindparam("now"),
            error_code=None,
            error_message="",
        )
    )
    return {
        "claim": claim,
        "contact": contact,
        "sent": sent,
        "sent_blank": sent.values(body=bindparam("blank")),
    }


def claim(message_id: int) -> tuple[str, dict, bool] | None:
    """Mark a queued message "sending" and return its sender, Twilio's parameters and whether
    its text is blanked once sent; None when it must not go: not queued (sent, being sent,
    cancelled), or its number opted out (checked now, at send time). The claim is one
    conditional UPDATE, so two workers handed the same message never both send it."""
    session = one_statement_session()
    built = statements(session.get_bind().dialect.name)
    claimed = session.execute(
        built["claim"], {"message_id": message_id, "now": utcnow()}, execution_options=CORE
    ).one_or_none()
    if claimed is None:
        return None
    if built["contact"] is None:
        phone, opted_out, simulated = claimed.phone, claimed.opted_out, claimed.simulated
    else:
        phone, opted_out, simulated = session.execute(
            built["contact"], {"contact_id": claimed.contact_id}
        ).one()
    # A training number of the phone simulator keeps its texts, for its screen.
    blank = claimed.confidential and not simulated
    if opted_out and claimed.kind != "stop_confirmation":
        cancelled = {
            "status": OutboundStatus.CANCELLED,
            "error_message": "opted out",
            "sent_at": None,
        }
        session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id == message_id)
            .values(**cancelled, **({"body": ""} if blank else {})),
            execution_options=CORE,
        )
        return None
    params = {
        "to": phone,
        "body": claimed.body,
        "status_callback": public_url("sms.status_callback"),
    }
    if claimed.sender.startswith("MG"):
        params["messaging_service_sid"] = claimed.sender
    else:
        params["from_"] = claimed.sender
    return claimed.sender, params, blank
