"""Telling people when they are needed: the one door features go through.

A feature that needs someone's attention registers an item provider here (as SMS handlers
register with `hsbp.sms`), in create_app:

    from hsbp.notifications import add_provider
    add_provider(app, "charter_endorsement", label=_l("Charter proposals to endorse"),
                 provider=endorsements_waiting)

`notifications` builds from the providers the "Needs me" page, the e-mail digests and the
immediate e-mails; no feature sends a notification itself. It sits below the features
(features import it, it imports no feature) and above partnerships and core.
"""

from hsbp.notifications.items import (
    Item,
    Provider,
    add_provider,
    items_for,
    kinds,
    path_for,
    providers,
)

__all__ = ["Item", "Provider", "add_provider", "items_for", "kinds", "path_for", "providers"]
