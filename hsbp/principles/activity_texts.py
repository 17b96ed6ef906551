"""How the audit log tells the work on the charter (hsbp.audit_text)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from hsbp import audit_text
from hsbp.audit_text import column_labels, register_object, says
from hsbp.principles.models import CharterVersion
from hsbp.principles.sections import SECTIONS


def _version_url(pid: int, _oid: int, label: str) -> str:
    # A version's page is addressed by its number, which is its label.
    return url_for("principles.version", partnership_id=pid, number=int(label))


register_object(
    "CharterVersion",
    phrase=_l("version %(label)s of the charter"),
    labels=column_labels(CharterVersion, CharterVersion.number),
    url=_version_url,
)
register_object("CharterSuggestion", phrase=_l("a suggestion of wording"))

audit_text.SENTENCES.update(
    {
        "charter.create": says(_l("%(actor)s started %(object)s as a draft.")),
        "charter.update": says(_l("%(actor)s edited %(object)s.")),
        # "changed" names the section saved (hsbp.principles.drafting).
        "charter.update_section": says(
            _l("%(actor)s edited %(object)s."),
            _l("%(actor)s edited the section “%(fields)s” of %(object)s."),
            listed=True,
        ),
        "charter.propose": says(_l("%(actor)s proposed %(object)s to the partners.")),
        "charter.withdraw": says(_l("%(actor)s withdrew the proposal of %(object)s.")),
        "charter.endorse": says(_l("%(actor)s endorsed %(object)s for %(partner_id)s.")),
        "charter.object": says(_l("%(actor)s objected to %(object)s for %(partner_id)s.")),
        "charter.adopt": says(_l("%(actor)s recorded the adoption of %(object)s.")),
        "charter.suggestion.create": says(
            _l("%(actor)s suggested wording for version %(number)s of the charter.")
        ),
        "charter.suggestion.accept": says(
            _l("%(actor)s accepted suggested wording into version %(number)s of the charter.")
        ),
        "charter.suggestion.decline": says(
            _l("%(actor)s declined suggested wording for version %(number)s of the charter.")
        ),
        "charter.suggestion.withdraw": says(
            _l("%(actor)s withdrew their suggestion for version %(number)s of the charter.")
        ),
        "charter.suggestion.lapse": says(
            _l("Open suggestions on version %(number)s of the charter closed when it was proposed.")
        ),
    }
)
audit_text.FAMILY_LABELS["charter"] = _l("Charter")
audit_text.FIELD_LABELS.update({f"charter.{s.slug}": s.label for s in SECTIONS})
