"""How the audit log tells the work on indicators, pulses and reviews (hsbp.audit_text)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hsbp import audit_text
from hsbp.audit_text import column_labels, register_object, says
from hsbp.i18n import translated
from hsbp.monitoring.models import Indicator
from hsbp.monitoring.pulse_models import PulseRound
from hsbp.monitoring.review_models import Decision, Review


def _decision_reviews(session, partnership_id, ids, locale, fallback):
    rows = session.execute(
        select(Decision.id, Review.title)
        .join(Review, Review.id == Decision.review_id)
        .where(Decision.partnership_id == partnership_id, Decision.id.in_(ids))
    )
    return {i: translated(title, locale=locale, fallback=fallback) for i, title in rows}


register_object(
    "Indicator",
    phrase=_l("the indicator “%(label)s”"),
    labels=column_labels(Indicator, Indicator.name, multilingual=True),
    url=lambda pid, oid, _label: url_for("monitoring.detail", partnership_id=pid, indicator_id=oid),
)
register_object(
    "Review",
    phrase=_l("the review “%(label)s”"),
    labels=column_labels(Review, Review.title, multilingual=True),
    url=lambda pid, oid, _label: url_for("monitoring.review", partnership_id=pid, review_id=oid),
)
register_object(
    "Decision",
    phrase=_l("a decision of the review “%(label)s”"),
    labels=_decision_reviews,
    url=lambda pid, oid, _label: url_for(
        "monitoring.decision", partnership_id=pid, decision_id=oid
    ),
)
register_object(
    "PulseRound",
    phrase=_l("the pulse round “%(label)s”"),
    labels=column_labels(PulseRound, PulseRound.title, multilingual=True),
    url=lambda pid, oid, _label: url_for(
        "monitoring.pulse_results", partnership_id=pid, round_id=oid
    ),
)
audit_text.REFERENCE_KINDS["review_id"] = "Review"

audit_text.SENTENCES.update(
    {
        "indicator.create": says(_l("%(actor)s added %(object)s.")),
        "indicator.update": says(
            _l("%(actor)s changed %(object)s."),
            _l("%(actor)s changed the %(fields)s of %(object)s."),
            listed=True,
        ),
        "indicator.measure": says(_l("%(actor)s reported a value of %(object)s for %(period)s.")),
        "indicator.correct": says(
            _l("%(actor)s corrected the value of %(object)s for %(period)s.")
        ),
        "indicator.retire": says(_l("%(actor)s retired %(object)s.")),
        "indicator.adopt": says(_l("%(actor)s applied the indicators of %(object)s.")),
        "indicator.link": says(_l("%(actor)s linked %(object)s to a consultation question.")),
        "indicator.poll_start": says(
            _l("%(actor)s started an SMS poll for %(object)s (%(asked)s contacts asked).")
        ),
        "indicator.poll_close": says(
            _l("%(actor)s closed an SMS poll for %(object)s (%(replies)s replies).")
        ),
        "pulse.close": says(_l("%(actor)s closed %(object)s.")),
        "pulse.ask_sms": says(_l("%(actor)s sent %(object)s to %(asked)s SMS contacts.")),
        "review.schedule": says(_l("%(actor)s scheduled %(object)s.")),
        "review.attendance": says(_l("%(actor)s recorded who attended %(object)s.")),
        "review.minutes": says(_l("%(actor)s recorded the minutes of %(object)s.")),
        "review.minutes_finished": says(
            _l("%(actor)s sent the minutes of %(object)s for sign-off.")
        ),
        "review.minutes_signoff": says(_l("%(actor)s answered on the minutes of %(object)s.")),
        "review.decision": says(_l("%(actor)s put %(object)s to the partners' vote.")),
        "review.decision_adopted": says(_l("The partners' vote adopted %(object)s.")),
        "review.decision_not_adopted": says(_l("The partners' vote did not adopt %(object)s.")),
        "review.vote": says(_l("%(actor)s voted on %(object)s.")),
        "review.vote_recorded": says(_l("%(actor)s recorded a partner's vote on %(object)s.")),
        "review.vote_confirmed": says(_l("%(actor)s confirmed a recorded vote on %(object)s.")),
        "review.voting_closed": says(_l("%(actor)s closed the voting on %(object)s.")),
    }
)
audit_text.FIELD_LABELS.update(
    {
        "unit": _l("unit"),
        "baseline": _l("baseline"),
        "target": _l("target"),
        "direction": _l("direction"),
        "frequency": _l("frequency"),
        "method": _l("method"),
    }
)
audit_text.FAMILY_LABELS.update(
    {"indicator": _l("Indicators"), "pulse": _l("Partnership health"), "review": _l("Reviews")}
)
