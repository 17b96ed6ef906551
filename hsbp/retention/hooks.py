"""What retention plugs into the app (SMS handlers, listeners, providers)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register retention's handlers and listeners with the app: how the audit log tells
    the schedule's changes and runs."""
    import hsbp.retention.activity_texts  # noqa: F401  (registers on import)
