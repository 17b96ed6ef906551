"""The phone simulator: a message typed on the training page travels the real webhook path,
signed as Twilio would sign it, and the replies come back as the phone would show them."""

from __future__ import annotations

import contextvars
import re
import secrets
from html import unescape

from flask import current_app

from hsbp import db
from hsbp.sms.transport import sign

INBOUND_PATH = "/sms/twilio/inbound"


def send_as_phone(*, from_number: str, to_number: str, body: str) -> list[str]:
    """Post `body` from `from_number` to our own webhook; return the replies it answered."""
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
    url = app.config["PUBLIC_URL"] + INBOUND_PATH
    headers = {"X-Twilio-Signature": sign(url, params)}

    def post():
        return app.test_client().post(
            INBOUND_PATH, data=params, headers=headers, base_url=app.config["PUBLIC_URL"]
        )

    # A fresh context: the webhook must get its own app context and database session, as
    # it would for a request from Twilio, not share the simulator page's.
    response = contextvars.Context().run(post)
    if response.status_code != 200:
        raise RuntimeError(f"webhook answered {response.status_code}")
    xml = response.get_data(as_text=True)
    return [unescape(text) for text in re.findall(r"<Message>(.*?)</Message>", xml, re.S)]
