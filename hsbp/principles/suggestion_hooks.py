"""Partners' suggestions on a draft charter (issue 16, item 2): open suggestions lapse when
their draft is proposed, and facilitators and authors are told through hsbp.notifications.

Wired in create_app."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from hsbp.notifications import add_provider
from hsbp.principles import suggestion_needs, suggestions
from hsbp.security import Role


def init_app(app: Flask) -> None:
    """Register this part's listeners, providers and template globals with `app`."""
    suggestions.listen()
    add_provider(
        app,
        suggestion_needs.TO_DECIDE,
        label=_l("Suggested wording for a charter draft to decide on"),
        provider=suggestion_needs.suggestions_to_decide,
        roles=[Role.FACILITATOR],
    )
    add_provider(
        app,
        suggestion_needs.DECIDED,
        label=_l("What became of your suggestions on a charter draft"),
        provider=suggestion_needs.suggestions_decided,
        roles=[Role.REPRESENTATIVE],
    )
