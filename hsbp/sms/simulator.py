"""The phone simulator: a message typed on the training page travels the real webhook path,
signed as Twilio would sign it, and the replies come back as the phone would show them.

It acts only as training numbers: numbers nobody had used when the simulator first wrote
from them, marked `Contact.simulated` then. A number a real person uses is refused: acting
as it would show that person's messages (their grievances, their anonymous answers) and let
anyone send JOIN, STOP or REPORT in their name.
"""

from __future__ import annotations

import contextvars
import secrets
import time

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import db
from hsbp.errors import ServiceError
from hsbp.sms import contacts
from hsbp.sms.intake import PATH
from hsbp.sms.models import Contact, InboundMessage, OutboundMessage
from hsbp.sms.transport import sign

ROUTING_WAIT = 5.0  # seconds
NOT_A_TRAINING_NUMBER = _l(
    "The simulator cannot act as this number: it is not one of its training numbers. "
    "Choose a number that nobody uses."
)


def training_contact(session: Session, phone: str) -> Contact | None:
    """The simulator's own contact for `phone`, or None for a number never used at all.

    Raises ServiceError for a number someone else uses: a contact not made by the simulator,
    or a number that has written to the platform without becoming a contact. The refusal is
    the same whatever the reason, and says nothing of who or where."""
    contact = contacts.find_contact(session, phone)
    if contact is not None:
        if contact.simulated:
            return contact
        raise ServiceError(NOT_A_TRAINING_NUMBER, field="phone")
    heard = session.scalar(
        select(InboundMessage.id)
        .where(InboundMessage.from_hash.in_(contacts.phone_hashes(phone)))
        .limit(1)
    )
    if heard is not None:
        raise ServiceError(NOT_A_TRAINING_NUMBER, field="phone")
    return None


def claim_number(session: Session, phone: str) -> Contact:
    """The training contact the simulator writes from, made on its first use. Raises
    ServiceError for a number someone else uses. Side effects: a contact marked simulated
    (with no partnership: it joins by sending JOIN, as a person would)."""
    contact = training_contact(session, phone)
    if contact is None:
        contact = contacts.get_or_create_contact(session, phone)
        contact.simulated = True
        session.flush()
    return contact


def send_as_phone(*, from_number: str, to_number: str, body: str) -> list[str]:
    """Post `body` from `from_number` (a training number: see claim_number) to our own
    webhook; return the replies it got."""
    app = current_app._get_current_object()
    # End this page's transaction first: the webhook runs on another connection, and on
    # SQLite it would wait for the write lock this request may hold.
    db.finish(commit=True)
    params = {
        "MessageSid": "SM" + secrets.token_hex(16),
        "AccountSid": app.config["TWILIO_ACCOUNT_SID"],
        "From": from_number,
        "To": to_number,
        "Body": body,
        "NumMedia": "0",
    }
    url = app.config["PUBLIC_URL"] + PATH
    headers = {"X-Twilio-Signature": sign(url, params)}

    def post():
        return app.test_client().post(
            PATH, data=params, headers=headers, base_url=app.config["PUBLIC_URL"]
        )

    # A fresh context: the webhook must get its own app context and database session, as
    # it would for a request from Twilio, not share the simulator page's.
    response = contextvars.Context().run(post)
    if response.status_code != 200:
        raise RuntimeError(f"webhook answered {response.status_code}")
    return wait_for_replies(params["MessageSid"])


def wait_for_replies(sid: str, timeout: float = ROUTING_WAIT) -> list[str]:
    """The replies to message `sid` once the worker has routed it, as the phone shows them.

    The worker routes in its own time; the training page waits a few seconds for it so the
    trainee sees the answer at once, and shows the thread as it stands if the worker is late.
    """
    deadline = time.monotonic() + timeout
    while True:
        session = db.session()
        message = session.scalar(select(InboundMessage).where(InboundMessage.provider_sid == sid))
        routed = message is not None and message.route != ""
        replies = list(
            session.scalars(
                select(OutboundMessage.body)
                .where(OutboundMessage.reply_to_id == message.id)
                .order_by(OutboundMessage.id)
            )
            if routed
            else []
        )
        # End the read at once: on SQLite an open transaction would hold the lock the worker
        # needs to route the message.
        db.finish(commit=False)
        if routed or time.monotonic() >= deadline:
            return replies
        time.sleep(0.05)
