"""What risks plugs into the app: each part's own hooks (the ALERT keyword, the notifications
providers, the action checklist's start check, the review agenda, the audit sentences)."""

from flask import Flask

from hsbp.risks import (
    context_hooks,
    framework_hooks,
    incident_hooks,
    leverage_hooks,
    link_hooks,
    register_hooks,
    screening_hooks,
)


def init_app(app: Flask) -> None:
    """Register the risks capability's handlers and listeners with the app."""
    for part in (
        context_hooks,
        register_hooks,
        leverage_hooks,
        incident_hooks,
        framework_hooks,
        screening_hooks,
        link_hooks,
    ):
        part.init_app(app)
