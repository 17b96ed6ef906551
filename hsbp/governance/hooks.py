"""The partnering sequence on the partnership's home (issue 16, item 9), and facilitation's
wiring (item 1): the reminder to write a facilitator's profile, and co-facilitation ending
with the facilitator role.

Wired in create_app."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from hsbp import db
from hsbp.governance import facilitation_needs, sequence
from hsbp.notifications import add_provider
from hsbp.partnerships import members, profiles
from hsbp.partnerships.models import Partnership
from hsbp.security import Role


def partnering_sequence(partnership: Partnership) -> list[sequence.Step]:
    """The sequence of `partnership` for its home page (a template global, so partnerships
    need not import governance)."""
    return sequence.steps(db.session(), partnership=partnership)


def init_app(app: Flask) -> None:
    """Register this part's listeners, providers and template globals with `app`."""
    app.add_template_global(partnering_sequence, "partnering_sequence")
    app.add_template_global(sequence.STATE_LABELS, "SEQUENCE_STATE_LABELS")
    add_provider(
        app,
        facilitation_needs.KIND,
        label=_l("Your facilitator's profile to write"),
        provider=facilitation_needs.profiles_missing,
        roles=[Role.FACILITATOR],
        immediate=False,
    )
    members.on_membership_change(app, profiles.end_with_role)
