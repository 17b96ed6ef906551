"""Twilio: the official client (pointed at the fake Twilio in tests and the demo) and the
signature check of everything Twilio posts to us."""

from __future__ import annotations

import urllib.request

from flask import Flask, current_app, request
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client


def client(app: Flask | None = None) -> Client:
    app = app or current_app
    cached = app.extensions.get("hsbp.twilio")
    if cached is None:
        config = app.config
        # A send that takes longer is retried, never left hanging.
        http = TwilioHttpClient(timeout=config["SMS_SEND_TIMEOUT"])
        if not urllib.request.getproxies():
            # No proxy is configured: skip the scan of the environment that requests
            # would otherwise repeat on every send.
            http.session.trust_env = False
        cached = Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"], http_client=http)
        if config.get("TWILIO_API_BASE"):
            cached.api.base_url = config["TWILIO_API_BASE"].rstrip("/")
        app.extensions["hsbp.twilio"] = cached
    return cached


def public_request_url() -> str:
    """The URL Twilio signed for the current request (see signed_url)."""
    return signed_url(current_app.config["PUBLIC_URL"], request.path, request.query_string.decode())


def signed_url(public_url: str, path: str, query: str) -> str:
    """The URL Twilio signed: ours as the world sees it (HSBP_PUBLIC_URL), not as the app
    sees it behind a TLS-terminating proxy or a tunnel."""
    return public_url + path + (f"?{query}" if query else "")


def signature_is_valid() -> bool:
    """Whether Twilio signed the current request (the status callback)."""
    return check_signature(
        current_app.config.get("TWILIO_AUTH_TOKEN"),
        public_request_url(),
        request.form.to_dict(flat=True),
        request.headers.get("X-Twilio-Signature", ""),
    )


def check_signature(token: str | None, url: str, params: dict, signature: str) -> bool:
    """Twilio's own validator over every posted field; no token or no signature is invalid."""
    if not token or not signature:
        return False
    return RequestValidator(token).validate(url, params, signature)


def sign(url: str, params: dict) -> str:
    """A valid signature for `params` posted to `url` (the phone simulator uses it)."""
    return RequestValidator(current_app.config["TWILIO_AUTH_TOKEN"]).compute_signature(url, params)
