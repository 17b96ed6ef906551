"""Where "you said, we did" plugs into the features it serves, called by create_app: a closing
consultation has its message prepared, and a done action's page offers to tell those who
took part in the consultation its goal came from. (The consultation's page shows its panel
through a template global: hsbp.community.feedback_views.)"""

from __future__ import annotations

from flask import Flask

from hsbp.actions import extras
from hsbp.community import feedback_send, feedback_views
from hsbp.consultations import services as consultation_services


def init_app(app: Flask) -> None:
    consultation_services.on_close(app, feedback_send.prepare_on_close)
    extras.add_section(
        app, template="community/_feedback_action.html", context=feedback_views.action_section
    )
