"""The SMS conversation of a consultation (a handler of the SMS channel)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the consultation conversation with the SMS channel."""
