"""Translated names of mapping's fixed lists (kinds, sectors, risks, tags, relationships)."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p

from hsbp.i18n import translated
from hsbp.mapping.models import GroupTag, ParticipantKind, RelationshipKind, Risk, Validation
from hsbp.partnerships.forms import SECTOR_LABELS

INDIVIDUAL = "individual"

KIND_LABELS = {
    ParticipantKind.PERSON: _l("Person"),
    ParticipantKind.GROUP: _l("Group"),
    ParticipantKind.ORGANISATION: _l("Organisation"),
}
# Participants may be individuals as well as organisations of the partner sectors.
PARTICIPANT_SECTOR_LABELS = {**SECTOR_LABELS, INDIVIDUAL: _l("Individual")}
RISK_LABELS = {
    Risk.LOW: _p("participation risk", "Low"),
    Risk.MEDIUM: _p("participation risk", "Medium"),
    Risk.HIGH: _p("participation risk", "High"),
}
STATUS_LABELS = {
    Validation.PROPOSED: _p("mapping status", "Proposed"),
    Validation.VALIDATED: _p("mapping status", "Validated"),
}
RELATIONSHIP_LABELS = {
    RelationshipKind.REPRESENTS: _l("represents"),
    RelationshipKind.COOPERATES: _l("cooperates with"),
    RelationshipKind.TENSION: _l("is in tension with"),
    RelationshipKind.DEPENDS: _l("depends on"),
}
CONSENT_METHOD_LABELS = {
    "written": _l("Written, signed"),
    "verbal": _l("Verbal, witnessed"),
    "recorded": _l("Recorded (audio or video)"),
    "sms": _l("By SMS"),
    "intermediary": _l("Through an intermediary"),
}
DEFAULT_TAG_LABELS = {
    "women": _l("Women"),
    "youth": _l("Youth"),
    "indigenous": _l("Indigenous people"),
    "minorities": _l("Minorities"),
    "displaced": _l("Displaced people"),
    "victims": _l("Victims of violence"),
    "disabilities": _l("People with disabilities"),
    "older": _l("Older people"),
}


def tag_label(tag: GroupTag, *, locale: str, fallback: str) -> str:
    """A tag's name: the catalog's for the default tags, else the partnership's own text."""
    if tag.key in DEFAULT_TAG_LABELS and not tag.names:
        return str(DEFAULT_TAG_LABELS[tag.key])
    return translated(tag.names, locale=locale, fallback=fallback) or tag.key
