"""What accounts plugs into the app (SMS handlers, listeners, providers)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register accounts's handlers and listeners with the app: how the audit log reads what
    site administrators did to accounts."""
    from hsbp.accounts import activity_texts  # noqa: F401 - registers at import
