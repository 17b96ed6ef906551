"""What the incident part of risks plugs into the app: the ALERT keyword, who is told of a
new incident, incidents in a person's erasure and export, and the audit sentences."""

from flask import Flask

from hsbp.risks import (
    incident_activity,  # noqa: F401 (audit sentences, at import)
    incident_needs,
    incident_privacy,
    incident_sms,
)


def init_app(app: Flask) -> None:
    """Register this part's handlers, providers and audit sentences."""
    incident_sms.init_app(app)
    incident_needs.init_app(app)
    incident_privacy.init_app(app)
