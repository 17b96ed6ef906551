"""What privacy plugs into the app (SMS handlers, listeners, providers)."""

from flask import Flask

from hsbp.privacy import erasure_activity, erasure_sms  # noqa: F401 (sentences, tasks)


def init_app(app: Flask) -> None:
    """Register privacy's handlers and listeners with the app: DELETE by SMS."""
    erasure_sms.init_app(app)
