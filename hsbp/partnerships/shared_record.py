"""The partnership's shared record: the audit log as every member reads it (issue 16, item 8).

Facilitators read the full log. Every other member reads it with protected data left out, at
three levels:

- entries whose mere existence and time say something protected are left out: a look at a
  protected identity (when, and about whom), a duplicate check (it ties what someone typed to
  a person who may be at risk), the scrub written the moment someone becomes at risk, a
  grievance filed or rated (its time is that of a complaint, often a confidential SMS, and its
  actor may be the complainant) and the handling of a community member's SMS (its time is
  that of their message);
- entries about people who may be at risk, complainants, SMS contacts and numbers, e-mail
  addresses, a respondent's answers and free notes show as their action alone ("Participant
  changed"), with no detail;
- details are shown only for the families of actions known to be about the partnership's
  shared work (DETAIL_FAMILIES: the charter, actions, indicators, reviews, partners...), and
  even there without a key that may hold a person's data (an e-mail, a phone, a participant,
  a contact, a note). Any other action, including one a later feature adds, shows as its
  label alone until someone decides its details are safe to share: least privilege by
  default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, not_
from sqlalchemy.orm import Session

from hsbp import audit

HIDDEN_ACTIONS = frozenset(
    {
        "participant.identity_view",
        "grievance.identity_view",
        "participant.duplicate_check",
        "participant.duplicate_resolve",
        "audit.scrub",
        "grievance.file",
        "grievance.rate",
        "sms_inbound.handle",
        "sms_inbound.reply",
        # A consent changed by the person's own SMS dates their JOIN, YES or STOP; facilitators
        # alone keep consent (hsbp.consent).
        "consent.grant",
        "consent.withdraw",
        # That someone asked for their data or to be erased, and when: the request is theirs,
        # seen by the facilitators who answer it (the privacy desk), not by every member.
        "privacy.erase",
        "privacy.export",
    }
)

# Whole families left out, as HIDDEN_ACTIONS are. Who reads a risk depends on the charter's
# rule and on the risk itself (its connected partners, who recorded it), and a partner's
# connection, leverage, escalation and key moments are its own due diligence: one line of the
# record cannot check either, so these stay with the facilitators (hsbp.risks.permissions).
# Incidents follow grievance confidentiality: their time may be that of someone's SMS.
HIDDEN_FAMILIES = (
    "risk.",
    "risk_connection.",
    "risk_escalation.",
    "risk_disengagement.",
    "key_moment.",
    "incident.",
)


def shown_clause():
    """A WHERE clause on audit entries: those the shared record shows (all but HIDDEN_ACTIONS
    and HIDDEN_FAMILIES)."""
    entry = audit.AuditEntry
    return and_(
        entry.action.not_in(sorted(HIDDEN_ACTIONS)),
        *(not_(entry.action.startswith(family, autoescape=True)) for family in HIDDEN_FAMILIES),
    )


# Whole families ("participant.") or single actions shown as their label alone.
LABEL_ONLY = (
    "participant.",
    "relationship.",
    "grievance.",
    "sms_contact.",
    "sms.settings",
    "invitation.",
    "user.",
    "consultation.assisted_entry",
    "consultation.export_identities",
    "consultation_theme.tag",
    "consultation_theme.untag",
)

SECRET_KEYS = frozenset(
    {
        "email",
        "phone",
        "sender",
        "contact_id",
        "participant_id",
        "candidate_id",
        "other_participant_id",
        "answer_id",
        "outbound_id",
        "complainant",
        "intermediary",
        "protective_measures",
        "note",
        "notes",
    }
)


@dataclass(frozen=True)
class SharedEntry:
    """An entry as a member other than a facilitator reads it; shaped like `AuditEntry` for
    the templates, so the log's list shows either."""

    id: int
    created_at: datetime
    actor: object
    action: str
    details: dict
    named: dict = field(default_factory=dict)
    redacted: bool = False
    object_type: str = ""
    object_id: int | None = None


# Families ("charter" in "charter.adopt") whose details every member may read.
DETAIL_FAMILIES = frozenset(
    {
        "action",
        "action_settings",
        "charter",
        "co_facilitator",
        "community",
        "community_check",
        "consultation",
        "decision",
        "facilitator_profile",
        "indicator",
        "membership",
        "partner",
        "partner_proposal",
        "partnership",
        "pulse",
        "question",
        "review",
    }
)


def is_label_only(action: str) -> bool:
    if action.split(".", 1)[0] not in DETAIL_FAMILIES:
        return True
    return any(
        action.startswith(rule) if rule.endswith(".") else action == rule for rule in LABEL_ONLY
    )


def shared(entry: audit.AuditEntry) -> SharedEntry:
    """`entry` without what a member other than a facilitator may not read."""
    if is_label_only(entry.action):
        return SharedEntry(
            entry.id,
            entry.created_at,
            entry.actor,
            entry.action,
            {},
            {},
            True,
            entry.object_type,
            entry.object_id,
        )
    details = {k: v for k, v in (entry.details or {}).items() if k not in SECRET_KEYS}
    named = {k: v for k, v in entry.named.items() if k in details}
    redacted = len(details) != len(entry.details or {})
    return SharedEntry(
        entry.id,
        entry.created_at,
        entry.actor,
        entry.action,
        details,
        named,
        redacted,
        entry.object_type,
        entry.object_id,
    )


def entries(
    session: Session,
    *,
    partnership_id: int,
    full: bool,
    page: int = 1,
    per_page: int = 50,
    **narrowed,
) -> tuple[list, int]:
    """One page of the record, newest first, and the total count: the log as it is when
    `full` (facilitators), else the shared record (see the module). `narrowed` filters it as
    `audit.entries_for_partnership` does (actor, families, dates)."""
    if full:
        return audit.entries_for_partnership(
            session, partnership_id=partnership_id, page=page, per_page=per_page, **narrowed
        )
    rows, total = audit.entries_for_partnership(
        session,
        partnership_id=partnership_id,
        page=page,
        per_page=per_page,
        shown=shown_clause(),
        **narrowed,
    )
    return [shared(entry) for entry in rows], total
