"""Translated names of consent's fixed lists, for the pages (SMS words: hsbp.consent.sms_texts)."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p

from hsbp.consent.models import ConsentChannel, Purpose

PURPOSE_LABELS = {
    Purpose.CONSULTATIONS: _p("consent purpose", "Consultations"),
    Purpose.NEWS: _p("consent purpose", "News"),
    Purpose.GRIEVANCE_FOLLOW_UP: _p("consent purpose", "Grievance follow-up"),
    Purpose.RESEARCH: _p("consent purpose", "Research"),
}
# What each purpose lets the partnership do, as the consent page explains it.
PURPOSE_HINTS = {
    Purpose.CONSULTATIONS: _l(
        "Consultation questions, partnership-health pulses, polls, votes and checks by SMS."
    ),
    Purpose.NEWS: _l("Broadcasts, news of the partnership's actions and feedback of results."),
    Purpose.GRIEVANCE_FOLLOW_UP: _l(
        "News of a grievance the person filed: its stages, a proposed response, the request "
        "to rate its outcome."
    ),
    Purpose.RESEARCH: _l(
        "Use of their answers in studies and exports. Nothing is sent by SMS for research: "
        "it is recorded for the studies that ask."
    ),
}
CHANNEL_LABELS = {
    ConsentChannel.SMS: _p("consent channel", "By SMS"),
    ConsentChannel.WEB: _p("consent channel", "On the web"),
    ConsentChannel.PAPER: _p("consent channel", "On paper"),
    ConsentChannel.VERBAL: _p("consent channel", "Verbally"),
    ConsentChannel.IMPORT: _p("consent channel", "Imported"),
}
# Why a consent changed, as its history shows it (the audit entry's "cause").
CAUSE_LABELS = {
    "form": _l("recorded by a facilitator"),
    "join": _l("joined by SMS"),
    "confirm": _l("answered YES to the partnership's question"),
    "decline": _l("answered NO to the partnership's question"),
    "opt_out": _l("sent STOP"),
    "opt_in": _l("sent START"),
    "updates_on": _l("asked for news"),
    "updates_off": _l("stopped news"),
    "renewal": _l("renewed by SMS"),
    "register": _l("from the mapping register"),
}
STATE_LABELS = {
    "granted": _p("consent state", "Given"),
    "withdrawn": _p("consent state", "Withdrawn"),
    "expired": _p("consent state", "Expired"),
    "none": _p("consent state", "Not recorded"),
}
