"""What the second factor plugs into the app."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the second factor's checks with the app."""
