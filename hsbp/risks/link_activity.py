"""How the audit log tells the links of risks to where they were seen and to what answers
them (hsbp.audit_text): one sentence per kind of row, and per role for an action. The linked
row is named by its id, read as its label when the log is (an action's or an indicator's
title, a pulse round's title, an incident's number, an outcome's consultation); a linked
grievance is never named, only said."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hsbp import audit, audit_text
from hsbp.audit_text import register_object, says
from hsbp.consultations.models import Consultation
from hsbp.consultations.validation_models import OutcomeValidation
from hsbp.i18n import translated
from hsbp.risks.incident_models import Incident
from hsbp.risks.links import REFERENCE_KEYS
from hsbp.risks.models import LinkKind
from hsbp.security import Role


def _incident_numbers(session, partnership_id, ids, _locale, _fallback) -> dict[int, str]:
    rows = session.execute(
        select(Incident.id, Incident.number).where(
            Incident.partnership_id == partnership_id, Incident.id.in_(ids)
        )
    )
    return {incident_id: f"I-{number}" for incident_id, number in rows}


def _outcome_consultations(session, partnership_id, ids, locale, fallback) -> dict[int, str]:
    rows = session.execute(
        select(OutcomeValidation.id, Consultation.title)
        .join(Consultation, Consultation.id == OutcomeValidation.consultation_id)
        .where(OutcomeValidation.partnership_id == partnership_id, OutcomeValidation.id.in_(ids))
    )
    return {i: translated(title, locale=locale, fallback=fallback) for i, title in rows}


# Kinds of their own, named only through the details keys below: the features' own kinds
# ("Incident", "Consultation") name other ids.
register_object(
    "RiskLinkedIncident",
    phrase=_l("the incident %(label)s"),
    labels=_incident_numbers,
    url=lambda pid, oid, _label: url_for("risks.incident", partnership_id=pid, incident_id=oid),
    min_role=Role.FACILITATOR,
)
register_object(
    "RiskLinkedOutcome",
    phrase=_l("the outcome of “%(label)s”"),
    labels=_outcome_consultations,
)
for kind, type_name in {
    LinkKind.INDICATOR: "Indicator",
    LinkKind.INCIDENT: "RiskLinkedIncident",
    LinkKind.OUTCOME_ITEM: "RiskLinkedOutcome",
    LinkKind.PULSE_GAP: "PulseRound",
}.items():
    audit_text.REFERENCE_KINDS[REFERENCE_KEYS[kind]] = type_name
# hsbp.actions.activity_texts maps "action_id" to the action already.
audit_text.REFERENCE_KINDS.setdefault(REFERENCE_KEYS[LinkKind.ACTION], "Action")

audit.ACTION_LABELS.update(
    {
        "risk.link_grievance": _l("Grievance linked to a risk"),
        "risk.link_incident": _l("Incident linked to a risk"),
        "risk.link_outcome_item": _l("Consultation outcome item linked to a risk"),
        "risk.link_pulse_gap": _l("Pulse gap linked to a risk"),
        "risk.link_mitigation": _l("Action linked to a risk to mitigate it"),
        "risk.link_remediation": _l("Action linked to a risk to remedy it"),
        "risk.link_indicator": _l("Indicator linked to a risk"),
        "risk.unlink_grievance": _l("Grievance unlinked from a risk"),
        "risk.unlink_incident": _l("Incident unlinked from a risk"),
        "risk.unlink_outcome_item": _l("Consultation outcome item unlinked from a risk"),
        "risk.unlink_pulse_gap": _l("Pulse gap unlinked from a risk"),
        "risk.unlink_mitigation": _l("Mitigation action unlinked from a risk"),
        "risk.unlink_remediation": _l("Remediation action unlinked from a risk"),
        "risk.unlink_indicator": _l("Indicator unlinked from a risk"),
    }
)
audit_text.SENTENCES.update(
    {
        "risk.link_grievance": says(_l("%(actor)s linked a grievance to %(object)s.")),
        "risk.link_incident": says(
            _l("%(actor)s linked the incident %(linked_incident_id)s to %(object)s.")
        ),
        "risk.link_outcome_item": says(
            _l("%(actor)s linked an item of the outcome of “%(linked_outcome_id)s” to %(object)s.")
        ),
        "risk.link_pulse_gap": says(
            _l(
                "%(actor)s linked a gap between constituencies in the pulse round "
                "“%(linked_round_id)s” to %(object)s."
            )
        ),
        "risk.link_mitigation": says(
            _l("%(actor)s linked the action “%(action_id)s” to %(object)s, to mitigate it.")
        ),
        "risk.link_remediation": says(
            _l("%(actor)s linked the action “%(action_id)s” to %(object)s, to remedy it.")
        ),
        "risk.link_indicator": says(
            _l("%(actor)s linked the indicator “%(linked_indicator_id)s” to %(object)s.")
        ),
        "risk.unlink_grievance": says(_l("%(actor)s unlinked a grievance from %(object)s.")),
        "risk.unlink_incident": says(
            _l("%(actor)s unlinked the incident %(linked_incident_id)s from %(object)s.")
        ),
        "risk.unlink_outcome_item": says(
            _l(
                "%(actor)s unlinked an item of the outcome of “%(linked_outcome_id)s” from "
                "%(object)s."
            )
        ),
        "risk.unlink_pulse_gap": says(
            _l(
                "%(actor)s unlinked a gap between constituencies in the pulse round "
                "“%(linked_round_id)s” from %(object)s."
            )
        ),
        "risk.unlink_mitigation": says(
            _l("%(actor)s unlinked the mitigation action “%(action_id)s” from %(object)s.")
        ),
        "risk.unlink_remediation": says(
            _l("%(actor)s unlinked the remediation action “%(action_id)s” from %(object)s.")
        ),
        "risk.unlink_indicator": says(
            _l("%(actor)s unlinked the indicator “%(linked_indicator_id)s” from %(object)s.")
        ),
    }
)
