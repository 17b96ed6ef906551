"""What the leverage part of risks plugs into the app: the audit sentences of leverage,
escalation, disengagement and key moments, and the key moments coming up as "Needs me"
items (hsbp.notifications)."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from hsbp.notifications import add_provider
from hsbp.risks.moment_reminders import KEY_MOMENT, key_moments_waiting
from hsbp.security import Role


def init_app(app: Flask) -> None:
    """Register this part's handlers, providers and audit sentences."""
    import hsbp.risks.leverage_activity  # noqa: F401  (registers on import)

    # Not immediate: the reminder e-mail (hsbp.risks.moment_reminders) is the at-once
    # notice; "Needs me" and the digests keep the moment in view until it has passed.
    add_provider(
        app,
        KEY_MOMENT,
        label=_l("Key moments coming up"),
        provider=key_moments_waiting,
        immediate=False,
        roles=[Role.FACILITATOR, Role.REPRESENTATIVE],
    )
