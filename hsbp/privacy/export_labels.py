"""The words of a person's export: section titles, column headings, and the names of the
codes its values hold (most of them the features' own labels, so they read as elsewhere)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_babel import lazy_pgettext as _p

from hsbp.community.tallies import CHOICE_LABELS as VOTE_CHOICE_LABELS
from hsbp.consent.labels import CAUSE_LABELS as CONSENT_CAUSE_LABELS
from hsbp.consent.labels import CHANNEL_LABELS as NEW_CONSENT_CHANNEL_LABELS
from hsbp.consent.labels import PURPOSE_LABELS
from hsbp.consultations.forms import CHANNEL_NAMES as CONSULTATION_CHANNEL_LABELS
from hsbp.grievances.forms import CATEGORY_LABELS as GRIEVANCE_CATEGORY_LABELS
from hsbp.grievances.forms import CHANNEL_LABELS as GRIEVANCE_CHANNEL_LABELS
from hsbp.grievances.forms import STAGE_LABELS as GRIEVANCE_STAGE_LABELS
from hsbp.mapping.labels import (
    CONSENT_METHOD_LABELS,
    KIND_LABELS,
    PARTICIPANT_SECTOR_LABELS,
    RELATIONSHIP_LABELS,
    RISK_LABELS,
)
from hsbp.mapping.labels import STATUS_LABELS as MAPPING_STATUS_LABELS
from hsbp.principles.labels import PRINCIPLE_LABELS
from hsbp.sms.admin_forms import CONSENT_CHANNEL_LABELS, CONSENT_EVENT_LABELS
from hsbp.sms.admin_forms import STATUS_LABELS as SMS_STATUS_LABELS

__all__ = [
    "CONSENT_CAUSE_LABELS",
    "CONSENT_CHANNEL_LABELS",
    "CONSENT_EVENT_LABELS",
    "CONSENT_METHOD_LABELS",
    "CONSULTATION_CHANNEL_LABELS",
    "GRIEVANCE_CATEGORY_LABELS",
    "GRIEVANCE_CHANNEL_LABELS",
    "GRIEVANCE_STAGE_LABELS",
    "KIND_LABELS",
    "MAPPING_STATUS_LABELS",
    "NEW_CONSENT_CHANNEL_LABELS",
    "PARTICIPANT_SECTOR_LABELS",
    "PURPOSE_LABELS",
    "RELATIONSHIP_LABELS",
    "RISK_LABELS",
    "SMS_STATUS_LABELS",
    "VOTE_CHOICE_LABELS",
]

TITLES = {
    "document": _l("What the partnership holds about you"),
    "identity": _l("Who you are, as recorded"),
    "memberships": _l("Your place in the partnership"),
    "consent": _l("Your consent"),
    "messages": _l("Messages"),
    "consultations_asked": _l("Consultations you were asked to answer"),
    "consultation_answers": _l("Your answers to consultations"),
    "grievances": _l("Grievances you filed"),
    "votes": _l("Your votes"),
    "checks": _l("Your answers to checks of the partnership's work"),
    "pulses": _l("Partnership health rounds"),
    "poll_replies": _l("Your replies to SMS polls"),
    "mapping_record": _l("Your record in the participant mapping"),
    "purposes": _l("What we do with it"),
    "retention": _l("How long we keep it"),
    "erasure": _l("How to ask for erasure"),
    "notes": _l("What this export leaves out"),
}

MEMBERSHIP_STATUS_LABELS = {
    "confirmed": _p("SMS contact", "Confirmed"),
    "pending": _p("SMS contact", "Pending confirmation"),
    "declined": _p("SMS contact", "Declined"),
}
DIRECTION_LABELS = {"received": _l("From you"), "sent": _l("To you")}
PARTICIPATION_STATE_LABELS = {
    "waiting": _p("consultation participation", "Waiting for another conversation"),
    "invited": _p("consultation participation", "Invited"),
    "in_progress": _p("consultation participation", "Answering"),
    "complete": _p("consultation participation", "Finished"),
    "partial": _p("consultation participation", "Left unfinished"),
}
CHECK_ANSWER_LABELS = {
    "yes": _p("community check", "Yes"),
    "no": _p("community check", "No"),
    "unknown": _p("community check", "Don't know"),
}
POLL_STATE_LABELS = {
    "waiting": _p("SMS poll reply", "Not asked yet"),
    "asked": _p("SMS poll reply", "Asked"),
    "answered": _p("SMS poll reply", "Answered"),
    "gave_up": _p("SMS poll reply", "No number received"),
    "ended": _p("SMS poll reply", "Closed before an answer"),
}
PULSE_DIMENSION_LABELS = {
    **PRINCIPLE_LABELS,
    "mutual_trust": _l("Trust between partners"),
    "equity": _l("Equity"),
    "inclusivity": _p("partnership health dimension", "Inclusivity"),
}
RETENTION_LABELS = {
    "sms_bodies": _l("The text of SMS messages, after they were acted on"),
    "grievance_identity": _l("Your name and number on a grievance, after it closed"),
    "consultation_raw": _l("The SMS you sent to answer a consultation, after it closed"),
    "dropped_evidence": _l("Evidence files of an action that was dropped"),
    "audit_details": _l("Personal details in the partnership's activity log"),
}
PERIOD_LABELS = {
    "days": lambda n: lazy_ngettext("%(num)d day", "%(num)d days", n),
    "months": lambda n: lazy_ngettext("%(num)d month", "%(num)d months", n),
    "years": lambda n: lazy_ngettext("%(num)d year", "%(num)d years", n),
}
PURPOSES = (
    _l(
        "Your number and language: to send you the messages you agreed to, in your "
        "language, and to stop when you ask."
    ),
    _l(
        "Your answers to consultations, votes, checks and polls: counted with everyone "
        "else's to learn what the community needs and thinks. Results never show one "
        "person's answer, and groups of fewer than five are pooled."
    ),
    _l(
        "Your grievances: to handle them and tell you how they go. Only the grievance "
        "officers see who filed one."
    ),
    _l(
        "Your record in the participant mapping: to know who takes part in the partnership "
        "and how to reach and protect them. The real names of people at risk are seen only "
        "by the lead facilitators, and every look is recorded."
    ),
)
ERASURE = _l(
    "You can ask for everything about you to be erased: send %(keyword)s by SMS to "
    "%(number)s, or ask the facilitator. You will be asked to confirm. Your name, number and "
    "texts are then removed everywhere; totals and anonymous answers stay, without anything "
    "that points to you."
)
ERASURE_NO_NUMBER = _l(
    "You can ask the facilitator for everything about you to be erased. Your name, number "
    "and texts are then removed everywhere; totals and anonymous answers stay, without "
    "anything that points to you."
)
# The notes of what an export leaves out, as many as apply.
NOTES = {
    "scope": _l(
        "This is what this partnership holds about you. Other partnerships you may deal "
        "with keep their own records, which are not in it."
    ),
    "anonymous": _l(
        "Answers to anonymous consultations, health scores and comments sent in a pulse "
        "round, and anonymous grievances are not linked to you: they are not in this "
        "export, and nobody can find them as yours."
    ),
    "confidential": _l(
        "Messages of confidential conversations (a grievance, an anonymous consultation, a "
        "pulse round) are not listed: what they were about is in the parts above, or is "
        "anonymous."
    ),
    "grievance_notes": _l(
        "For each grievance, the export holds the facts of the case, its stages and whether "
        "you were told by SMS. The officers' working notes are left out: they are the "
        "handling of the case and may speak of other people."
    ),
    "relationships": _l(
        "Relationships name the other participant as everyone sees them (a pseudonym for "
        "people at risk); notes about a relationship are left out, as they speak of the "
        "other participant too."
    ),
    "grievances_hidden": _l(
        "Grievances are listed only when a grievance officer makes this export: only "
        "officers may know who filed one."
    ),
    "grievances_conflicted": _l(
        "Some grievances are left out because they concern the partner the person making "
        "this export represents: another grievance officer can add them."
    ),
}
REMOVED = _l("Removed under the retention schedule")
NONE_HELD = _l("Nothing of this kind is held about you.")
YES, NO = _p("yes or no", "Yes"), _p("yes or no", "No")
