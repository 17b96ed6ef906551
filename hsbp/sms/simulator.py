"""The phone simulator: a message typed on the training page travels the real webhook path,
signed as Twilio would sign it, and the replies come back as the phone would show them."""

from __future__ import annotations

import contextvars
import secrets
import time

from flask import current_app
from sqlalchemy import select

from hsbp import db
from hsbp.sms.intake import PATH
from hsbp.sms.models import InboundMessage, OutboundMessage
from hsbp.sms.transport import sign

ROUTING_WAIT = 5.0  # seconds


def send_as_phone(*, from_number: str, to_number: str, body: str) -> list[str]:
    """Post `body` from `from_number` to our own webhook; return the replies it got."""
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
