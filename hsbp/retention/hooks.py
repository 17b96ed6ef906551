"""What retention plugs into the app (SMS handlers, listeners, providers)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register retention's handlers and listeners with the app."""
