"""How the audit log tells the work on consultations (hsbp.audit_text)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hsbp import audit_text
from hsbp.audit_text import column_labels, register_object, says
from hsbp.consultations.models import Consultation, Question, Theme
from hsbp.i18n import translated


def _question_consultations(session, partnership_id, ids, locale, fallback):
    rows = session.execute(
        select(Question.id, Consultation.title)
        .join(Consultation, Consultation.id == Question.consultation_id)
        .where(Consultation.partnership_id == partnership_id, Question.id.in_(ids))
    )
    return {i: translated(title, locale=locale, fallback=fallback) for i, title in rows}


def _theme_names(session, partnership_id, ids, _locale, _fallback):
    return dict(
        session.execute(
            select(Theme.id, Theme.name)
            .join(Consultation, Consultation.id == Theme.consultation_id)
            .where(Consultation.partnership_id == partnership_id, Theme.id.in_(ids))
        ).all()
    )


register_object(
    "Consultation",
    phrase=_l("the consultation “%(label)s”"),
    labels=column_labels(Consultation, Consultation.title, multilingual=True),
    url=lambda pid, oid, _label: url_for(
        "consultations.detail", partnership_id=pid, consultation_id=oid
    ),
)
register_object(
    "Question",
    phrase=_l("a question of the consultation “%(label)s”"),
    labels=_question_consultations,
)
register_object("Theme", phrase=_l("the theme “%(label)s”"), labels=_theme_names)
audit_text.REFERENCE_KINDS["consultation_id"] = "Consultation"

audit_text.SENTENCES.update(
    {
        "consultation.create": says(_l("%(actor)s created %(object)s.")),
        "consultation.update": says(
            _l("%(actor)s changed %(object)s."),
            _l("%(actor)s changed the %(fields)s of %(object)s."),
        ),
        "consultation.open": says(_l("%(actor)s opened %(object)s.")),
        "consultation.close": says(_l("%(actor)s closed %(object)s.")),
        "consultation.invite_sms": says(
            _l("%(actor)s sent %(object)s to %(invited)s SMS contacts.")
        ),
        "consultation.assisted_entry": says(
            _l("%(actor)s entered answers to %(object)s for a respondent.")
        ),
        "consultation.export_identities": says(
            _l("%(actor)s exported the answers to %(object)s with identities.")
        ),
        "consultation.outcome": says(_l("%(actor)s recorded the outcome of %(object)s.")),
        "consultation.outcome_goal": says(
            _l("%(actor)s made an item of the outcome of %(object)s a charter goal.")
        ),
        "consultation.outcome_sent": says(
            _l("%(actor)s sent the outcome of %(object)s to the partners to validate.")
        ),
        "consultation.outcome_reopened": says(
            _l("%(actor)s edited the outcome of %(object)s: the partners validate it again.")
        ),
        "consultation.outcome_confirm": says(_l("%(actor)s confirmed the outcome of %(object)s.")),
        "consultation.outcome_changes": says(
            _l("%(actor)s asked for changes to the outcome of %(object)s.")
        ),
        "consultation.outcome_validated": says(
            _l("The partners validated the outcome of %(object)s.")
        ),
        "consultation.outcome_proceed": says(
            _l("%(actor)s used the outcome of %(object)s without the partners' validation.")
        ),
        "consultation_theme.create": says(_l("%(actor)s added %(object)s to a consultation.")),
        "consultation_theme.tag": says(_l("%(actor)s tagged a written answer with %(object)s.")),
        "consultation_theme.untag": says(_l("%(actor)s removed %(object)s from a written answer.")),
        "question.create": says(_l("%(actor)s added %(object)s.")),
        "question.update": says(
            _l("%(actor)s changed %(object)s."),
            _l("%(actor)s changed the %(fields)s of %(object)s."),
        ),
        "question.new_version": says(
            _l("%(actor)s changed %(object)s after it was answered (a new version).")
        ),
        "question.remove": says(_l("%(actor)s removed %(object)s.")),
    }
)
audit_text.FIELD_LABELS.update(
    {
        "purpose": _l("purpose"),
        "dimensions": _l("dimensions"),
        "audience": _l("audience"),
        "channels": _l("channels"),
        "anonymous": _l("anonymity"),
        "opens_at": _l("opening date"),
        "closes_at": _l("closing date"),
        "reminder_days": _l("reminders"),
        "stale_days": _l("follow-up delay"),
        "kind": _l("kind"),
        "text": _l("text"),
        "choices": _l("choices"),
        "minimum": _l("minimum"),
        "maximum": _l("maximum"),
        "show_if_question_id": _l("condition"),
        "show_if_choices": _l("condition"),
    }
)
audit_text.FAMILY_LABELS.update(
    {
        "consultation": _l("Consultations"),
        "consultation_theme": _l("Consultations"),
        "question": _l("Consultations"),
    }
)
