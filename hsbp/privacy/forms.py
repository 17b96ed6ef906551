"""Forms of the privacy pages: erasing a person, and the labels of an erasure's grounds and
of what it removes. The services check every value again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.validators import DataRequired, InputRequired

from hsbp.privacy.models import Grounds, SubjectKind
from hsbp.privacy.registry import removed_label

GROUND_LABELS = {
    Grounds.PERSONS_REQUEST: _l("The person asked for it"),
    Grounds.CONSENT_WITHDRAWN: _l("The person withdrew their consent"),
    Grounds.NO_LONGER_NEEDED: _l("No longer needed for what it was collected for"),
    Grounds.SAFETY: _l("The person's safety"),
    Grounds.LEGAL_OBLIGATION: _l("A legal obligation"),
    Grounds.SMS_REQUEST: _l("The person asked by SMS"),
}
# Whom an erasure was about, by kind only.
SUBJECT_LABELS = {
    SubjectKind.CONTACT: _l("An SMS contact"),
    SubjectKind.PARTICIPANT: _l("A mapped participant"),
    SubjectKind.COMPLAINANT: _l("A complainant"),
}
# What an erasure removes or unlinks, by the keys its counts use (hsbp.privacy.erasure).
REMOVED_LABELS = {
    "participant": _l("Participant's names, phone, e-mail, intermediary, notes and consent"),
    "messages_received": _l("SMS received from the number"),
    "messages_sent": _l("SMS sent to the number"),
    "memberships": _l("Membership of the partnership's SMS contacts"),
    "consent_records": _l("Consent records"),
    "consultation_participations": _l("Consultation invitations"),
    "consultation_responses": _l("Consultation responses (kept for the results, without them)"),
    "consultation_answers": _l("Written consultation answers"),
    "votes_and_checks": _l("Votes and checks (kept for the results, without them)"),
    "pulse_and_polls": _l("Partnership-health and SMS poll answers and comments"),
    "grievances": _l("Closed grievances: the complainant's identity and words"),
    "open_grievances": _l(
        "Open grievances: who filed them. The description stays while the case is handled, "
        "without the person's name or number: erase the complainant again once it is closed."
    ),
    "relationship_notes": _l("Notes on the participant's relationships"),
    "duplicate_reviews": _l("Possible-duplicate reviews"),
    "contact_links": _l("Links from SMS contacts to the participant"),
}


def removed_rows(counts: dict[str, int]) -> list[tuple[object, int]]:
    """(label, count) of an erasure's counts, in the order of REMOVED_LABELS."""
    order = {key: n for n, key in enumerate(REMOVED_LABELS)}
    return [
        (REMOVED_LABELS.get(key) or removed_label(key) or key.replace("_", " "), n)
        for key, n in sorted(counts.items(), key=lambda item: order.get(item[0], len(order)))
        if n
    ]


class EraseForm(FlaskForm):
    grounds = SelectField(
        _l("Grounds"),
        choices=[(g.value, GROUND_LABELS[g]) for g in Grounds if g != Grounds.SMS_REQUEST],
        validators=[InputRequired(message=_l("Choose the grounds."))],
    )
    understood = BooleanField(
        _l("I understand this cannot be undone"),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


class EraseParticipantForm(EraseForm):
    with_contacts = BooleanField(_l("Erase the SMS contact linked to this participant too"))
