"""How the audit log tells the work on participant mapping (hsbp.audit_text).

Participants are named by their display name: a pseudonym once they are protected, never
their real name."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from hsbp import audit_text
from hsbp.audit_text import column_labels, register_object, says
from hsbp.mapping.models import Participant

register_object(
    "Participant",
    phrase=_l("the participant “%(label)s”"),
    labels=column_labels(Participant, Participant.display_name),
    url=lambda pid, oid, _label: url_for(
        "mapping.participant", partnership_id=pid, participant_id=oid
    ),
)
register_object("ParticipantLink", phrase=_l("a relationship"))
register_object("GroupTag", phrase=_l("a group tag"))
register_object("ParticipantImport", phrase=_l("an import of participants"))
register_object("DuplicateReview", phrase=_l("a possible duplicate"))
for key in ("participant_id", "candidate_id", "other_participant_id"):
    audit_text.REFERENCE_KINDS[key] = "Participant"

audit_text.SENTENCES.update(
    {
        "participant.create": says(_l("%(actor)s mapped %(object)s.")),
        "participant.update": says(
            _l("%(actor)s changed %(object)s."),
            _l("%(actor)s changed the %(fields)s of %(object)s."),
        ),
        "participant.validate": says(_l("%(actor)s validated %(object)s for %(partner_id)s.")),
        "participant.identity_view": says(
            _l("%(actor)s looked at a protected identity (participant %(participant_id)s).")
        ),
        "participant.import": says(_l("%(actor)s imported participants from a file.")),
        "participant.duplicate_check": says(
            _l("%(actor)s was warned of a possible duplicate of %(candidate_id)s.")
        ),
        "participant.duplicate_resolve": says(_l("%(actor)s decided on %(object)s.")),
        "relationship.create": says(
            _l(
                "%(actor)s added a relationship between %(participant_id)s and "
                "%(other_participant_id)s."
            )
        ),
        "relationship.delete": says(
            _l(
                "%(actor)s removed a relationship between %(participant_id)s and "
                "%(other_participant_id)s."
            )
        ),
        "tag.create": says(_l("%(actor)s added %(object)s.")),
        "tag.delete": says(_l("%(actor)s removed %(object)s.")),
    }
)
audit_text.FIELD_LABELS.update(
    {
        "languages": _l("languages"),
        "interest": _l("interest"),
        "influence": _l("influence"),
        "risk": _l("risk"),
    }
)
audit_text.FAMILY_LABELS.update(
    {"participant": _l("Mapping"), "relationship": _l("Mapping"), "tag": _l("Mapping")}
)
