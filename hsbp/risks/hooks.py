"""What risks plugs into the app: the ALERT keyword, the notifications provider, the action
checklist's start check (do-no-harm screening), the review agenda, the audit sentences."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the risks capability's handlers and listeners with the app."""
