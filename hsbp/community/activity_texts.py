"""How the audit log tells the work with the community: votes, checks, assemblies and
feedback by SMS (hsbp.audit_text)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from hsbp import audit_text
from hsbp.audit_text import column_labels, register_object, says
from hsbp.community.models import Assembly, Check, Vote

register_object(
    "Vote",
    phrase=_l("the community vote “%(label)s”"),
    labels=column_labels(Vote, Vote.title, multilingual=True),
    url=lambda pid, oid, _label: url_for("community.vote_page", partnership_id=pid, vote_id=oid),
)
register_object(
    "Check",
    phrase=_l("the community check “%(label)s”"),
    labels=column_labels(Check, Check.question, multilingual=True),
    url=lambda pid, oid, _label: url_for("community.check", partnership_id=pid, check_id=oid),
)
register_object(
    "Assembly",
    phrase=_l("the community assembly at “%(label)s”"),
    labels=column_labels(Assembly, Assembly.place),
    url=lambda pid, oid, _label: url_for("community.assembly", partnership_id=pid, assembly_id=oid),
)
register_object("Feedback", phrase=_l("feedback to those who took part"))

audit_text.SENTENCES.update(
    {
        "community.vote_start": says(_l("%(actor)s put %(object)s to the community by SMS.")),
        "community.vote_close": says(_l("%(actor)s closed %(object)s (%(ballots)s ballots).")),
        "community_check.create": says(
            _l(
                "%(actor)s asked the community by SMS whether the action “%(action_id)s” "
                "is really done."
            )
        ),
        "community_check.close": says(_l("%(actor)s closed %(object)s.")),
        "community.feedback_prepared": says(
            _l("%(actor)s prepared feedback on the consultation “%(consultation_id)s”.")
        ),
        "community.feedback_draft": says(
            _l("%(actor)s saved feedback on the consultation “%(consultation_id)s” as a draft.")
        ),
        "community.feedback_sent": says(
            _l(
                "%(actor)s sent feedback on the consultation “%(consultation_id)s” "
                "to %(recipients)s people by SMS."
            )
        ),
        "assembly.record": says(_l("%(actor)s recorded %(object)s.")),
        "assembly.confirm": says(_l("%(actor)s confirmed %(object)s as its witness.")),
        "assembly.delete": says(
            _l("%(actor)s deleted %(object)s before its witness confirmed it.")
        ),
    }
)
audit_text.FAMILY_LABELS.update(
    {
        "community": _l("Community"),
        "community_check": _l("Community"),
        "assembly": _l("Community"),
    }
)
