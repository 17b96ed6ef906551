"""Where community checks plug into the features they serve, called by create_app: the talks
engine asks their question, the checklist tells them of a done action (the charter's rule
"always") and shows their section and notes, and reviews put disputed actions on the agenda."""

from __future__ import annotations

from flask import Flask

from hsbp.actions import extras
from hsbp.actions import services as action_services
from hsbp.community import check_results, check_views, checks, talks
from hsbp.community.check_talks import CheckAdapter
from hsbp.monitoring import agenda


def init_app(app: Flask) -> None:
    talks.register(app, "check", CheckAdapter())
    action_services.on_done(app, checks.on_action_done)
    extras.add_section(
        app, template="community/_check_action.html", context=check_views.action_section
    )
    extras.add_notes(app, check_results.notes)
    agenda.add_provider(app, check_results.AGENDA)
