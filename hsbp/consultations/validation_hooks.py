"""Partners validate a consultation's outcome (issue 16, item 3): the consultation's page
shows where the validation stands, and "Needs me" lists the outcomes a representative's
partner has not answered.

Wired in create_app."""

from __future__ import annotations

from flask import Flask, g
from flask_babel import lazy_gettext as _l

from hsbp import db
from hsbp.consultations import validation_items
from hsbp.consultations.validation_standing import deadline_day, standing
from hsbp.notifications import add_provider
from hsbp.security import Role


def _outcome_validation(consultation) -> dict:
    """For the consultation's page (its view is another module's): the standing and the
    deadline's day where the partnership is."""
    found = standing(db.session(), consultation=consultation)
    last_day = deadline_day(found.validation, g.partnership) if found.validation else None
    return {"found": found, "last_day": last_day}


def init_app(app: Flask) -> None:
    """Register this part's listeners, providers and template globals with `app`."""
    app.add_template_global(_outcome_validation, "outcome_validation")
    add_provider(
        app,
        validation_items.KIND,
        label=_l("Consultation outcomes to confirm or comment"),
        provider=validation_items.unanswered,
        roles=[Role.REPRESENTATIVE],
    )
