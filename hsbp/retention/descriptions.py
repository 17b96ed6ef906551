"""How the schedule page tells each rule: its name, its period, why the default, and what it
removes and keeps (docs/retention.md says the same at length)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext


@dataclass(frozen=True)
class Description:
    title: object
    unit: str  # days, months, years
    after: object  # lazy text: from when the period counts
    why: object
    removes: object
    keeps: object


DESCRIPTIONS = {
    "sms_bodies": Description(
        title=_l("Text of SMS messages"),
        unit="days",
        after=_l("after a message was received or sent"),
        why=_l(
            "Three months leave time to answer, follow up and meet the grievance deadlines; "
            "after that a message's words are rarely needed, and they can name people and "
            "places."
        ),
        removes=_l(
            "The text of incoming messages once acted on (routed, and marked handled when "
            "they went to the inbox), and of outgoing messages once sent, delivered, failed "
            "or cancelled."
        ),
        keeps=_l(
            "That each message came or went, when, from or to which contact, and how it was "
            "routed. Nothing of a contact with an open grievance is removed until it closes."
        ),
    ),
    "grievance_identities": Description(
        title=_l("Identity of complainants"),
        unit="months",
        after=_l("after the grievance was closed"),
        why=_l(
            "Two years let a related complaint or a review of the case reach the complainant; "
            "after that, knowing who complained only puts them at risk."
        ),
        removes=_l(
            "The complainant's name, phone number and e-mail address, and the link to their "
            "SMS contact or account. Never within 30 days of closing, while they may rate the "
            "outcome."
        ),
        keeps=_l(
            "The grievance itself: its code, category, severity, description, stages, notes "
            "and rating. The description is the complainant's own words and stays with the "
            "case record."
        ),
    ),
    "consultation_raw": Description(
        title=_l("Raw SMS answers to consultations"),
        unit="days",
        after=_l("after the consultation closed"),
        why=_l(
            "Six months leave time to check how an SMS answer was read while the results are "
            "discussed and validated; the results use the coded answers only."
        ),
        removes=_l("Each SMS answer's message as it was written."),
        keeps=_l("The coded answers (the choice, number or text taken) and the results."),
    ),
    "dropped_evidence": Description(
        title=_l("Files of dropped actions"),
        unit="days",
        after=_l("after the action was dropped"),
        why=_l(
            "A year lets partners take a dropped action up again with its evidence; after "
            "that its files (photos, lists of names) serve no action and may show people."
        ),
        removes=_l("Files uploaded as evidence of the action."),
        keeps=_l(
            "The action, its history, and its evidence entries with their titles and file "
            "names; web links stay as they are."
        ),
    ),
    "audit_details": Description(
        title=_l("Personal details in the audit log"),
        unit="years",
        after=_l("after the entry was written"),
        why=_l(
            "Five years cover reviews, evaluations and disputes about the partnership's work; "
            "the record of who did what stays for good."
        ),
        removes=_l(
            "Names, phone numbers, e-mail addresses, notes, reasons, comments and file names "
            "written into entries. Entries about an open grievance wait until it closes."
        ),
        keeps=_l("Every entry: who did what, when, and to which item."),
    ),
}


def period(unit: str, number: int) -> str:
    """A period in the reader's language: "90 days", "24 months", "5 years"."""
    if unit == "months":
        return ngettext("%(num)d month", "%(num)d months", number)
    if unit == "years":
        return ngettext("%(num)d year", "%(num)d years", number)
    return ngettext("%(num)d day", "%(num)d days", number)
