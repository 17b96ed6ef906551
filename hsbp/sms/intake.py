"""Twilio's inbound webhook, answered in front of Flask's request machinery.

POST /sms/twilio/inbound is the one URL that takes bursts: every answer to a broadcast
arrives at once. It needs none of what a page needs (a session, CSRF, the reader's
language, rate limits per visitor, the HTML security headers), so this WSGI layer answers
it with the least work that keeps a message safe: check Twilio's signature over every
posted field, check that the fields are the ones Twilio sends (hsbp.sms.twilio_fields),
insert one row, commit, answer an empty TwiML response. The worker's router
routes the message and sends the replies (hsbp.sms.inbound). Every other request passes
through to Flask untouched.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from flask import Flask
from twilio.twiml.messaging_response import MessagingResponse

from hsbp.sms import inbound
from hsbp.sms.transport import check_signature, signed_url
from hsbp.sms.twilio_fields import inbound_refusal

log = logging.getLogger("hsbp.sms")
PATH = "/sms/twilio/inbound"
# Twilio posts a few kilobytes at most (a 1,600-character body and its metadata).
MAX_POST = 64 * 1024
EMPTY_TWIML = str(MessagingResponse()).encode()
ANSWERS = {
    200: ("200 OK", "application/xml", EMPTY_TWIML),
    400: ("400 Bad Request", "text/plain; charset=utf-8", b"Not a message from Twilio\n"),
    403: ("403 Forbidden", "text/plain; charset=utf-8", b"Invalid signature\n"),
    405: ("405 Method Not Allowed", "text/plain; charset=utf-8", b"POST only\n"),
    413: ("413 Content Too Large", "text/plain; charset=utf-8", b"Too large\n"),
}


class InboundIntake:
    """WSGI middleware: answers the inbound webhook itself, hands the rest to `wsgi_app`."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != PATH:
            return self.wsgi_app(environ, start_response)
        code = self.receive(environ) if environ.get("REQUEST_METHOD") == "POST" else 405
        status, content_type, body = ANSWERS[code]
        headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        if code == 405:
            headers.append(("Allow", "POST"))
        start_response(status, headers)
        return [body]

    def receive(self, environ) -> int:
        params = read_form(environ)
        if params is None:
            return 413
        config = self.app.config
        if not check_signature(
            config.get("TWILIO_AUTH_TOKEN"),
            signed_url(config["PUBLIC_URL"], PATH, environ.get("QUERY_STRING", "")),
            params,
            environ.get("HTTP_X_TWILIO_SIGNATURE", ""),
        ):
            return 403
        refused = inbound_refusal(params, account_sid=config.get("TWILIO_ACCOUNT_SID"))
        if refused:
            # Signed, yet not as Twilio sends a message: a captured request cut again, or a
            # field Twilio added since (see hsbp.sms.twilio_fields). Nothing is stored, and
            # the log holds no number and no text.
            log.warning("SMS webhook: refused a signed post (%s)", refused)
            return 400
        inbound.accept(self.app, params)
        return 200


def read_form(environ) -> dict[str, str] | None:
    """The posted form fields (the first value of each), or None if the post is too large."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_POST:
        return None
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    content_type = environ.get("CONTENT_TYPE", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        return {}
    params: dict[str, str] = {}
    for name, value in parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True):
        params.setdefault(name, value)
    return params
