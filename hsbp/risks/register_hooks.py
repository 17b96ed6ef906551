"""What the register part of risks plugs into the app."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this part's handlers, providers and audit sentences."""
