"""What consent plugs into the app: the purpose of each outgoing SMS kind and the check
every message passes, a listener on the SMS channel's consent events, the answer to a
renewal question, and the participant page's summary."""

import importlib

from flask import Flask

from hsbp.consent import queries, renewal, rules, services
from hsbp.consent.labels import STATE_LABELS
from hsbp.sms import handlers


def init_app(app: Flask) -> None:
    """Register consent's handlers and listeners with the app."""
    channel = handlers.registry(app)
    channel.purposes.update(rules.KIND_PURPOSES)
    if services.withheld_reason not in channel.send_checks:
        channel.send_checks.append(services.withheld_reason)
    if services.withheld_among not in channel.audience_checks:
        channel.audience_checks.append(services.withheld_among)
    if services.on_sms_event not in channel.consent_listeners:
        channel.consent_listeners.append(services.on_sms_event)
    channel.conversation("consent_renewal", renewal.handle_message)
    app.add_template_global(queries.participant_summary, "participant_consents")
    app.add_template_global(STATE_LABELS, "CONSENT_STATE_LABELS")
    # How the audit log tells consent's changes (hsbp.audit_text), and its SMS texts.
    for module in ("hsbp.consent.activity_texts", "hsbp.consent.sms_texts"):
        importlib.import_module(module)
