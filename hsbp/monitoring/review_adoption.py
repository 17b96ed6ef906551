"""What a review decision's adoption creates: its follow-up actions (through the checklist's
own service), the charter amendment draft the proposal asked for, and the record of who agreed
(hsbp.monitoring.review_outcome counts the votes and calls `adopt`). A decision not adopted
creates nothing; the follow-ups are checked when the decision is put to the vote
(`check_follow_ups`), so adoption cannot fail on them later.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.actions import checks
from hsbp.actions.services import create_action
from hsbp.auth.models import User
from hsbp.errors import ServiceError
from hsbp.i18n import translated
from hsbp.monitoring.review_models import (
    Decision,
    DecisionAction,
    DecisionState,
    Review,
)
from hsbp.monitoring.review_vote_models import Choice, DecisionVote
from hsbp.partnerships.models import Membership, Partnership
from hsbp.principles import services as charter
from hsbp.principles.models import CharterVersion
from hsbp.security import Role

QUOTE_MAX = 300


def adopt(session, actor, decision, review, found, now) -> None:
    partnership = session.get(Partnership, decision.partnership_id)
    proposer, membership = _proposer(session, decision)
    decision.partner_ids = sorted(
        session.scalars(
            select(DecisionVote.partner_id).where(
                DecisionVote.partnership_id == decision.partnership_id,
                DecisionVote.decision_id == decision.id,
                DecisionVote.choice == Choice.FOR,
                DecisionVote.confirmed_at.is_not(None),
            )
        )
    )
    proposal = decision.proposal or {}
    description = _description(partnership, review, decision.text)
    action_ids = []
    for row in proposal.get("actions") or []:
        action = create_action(
            session,
            actor=proposer,
            membership=membership,
            partnership=partnership,
            fields={
                **row,
                "due_on": date.fromisoformat(row["due_on"]),
                "description": description,
            },
        )
        session.add(
            DecisionAction(
                partnership_id=partnership.id, decision_id=decision.id, action_id=action.id
            )
        )
        action_ids.append(action.id)
    if proposal.get("amend_charter"):
        decision.charter_version_id = _amendment(session, proposer, partnership).id
    decision.state = DecisionState.ADOPTED
    decision.closed_at = now
    session.flush()
    record(session, actor, "review.decision_adopted", decision, found, actions=action_ids)


def _proposer(session: Session, decision: Decision) -> tuple[User, Membership]:
    """Who creates the follow-ups: the facilitator who put the decision to the vote, or, if
    they no longer facilitate, the partnership's first facilitator (it is the partners'
    decision, not the last voter's, whose rights over the checklist may be narrower)."""
    rows = session.execute(
        select(User, Membership)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.partnership_id == decision.partnership_id,
            Membership.role == Role.FACILITATOR,
        )
        .order_by(Membership.id)
    ).all()
    if not rows:
        raise ServiceError(_l("The partnership has no facilitator to carry out the decision."))
    chosen = next((r for r in rows if r.User.id == decision.recorded_by_id), rows[0])
    return chosen.User, chosen.Membership


def check_follow_ups(session: Session, partnership: Partnership, rows) -> list[dict]:
    """The follow-up actions' fields, every one checked by the checklist's own rules before
    anything is written, dates as ISO text (they wait in the decision's proposal); errors
    name the row's field (`actions-1-due_on`)."""
    out = []
    for index, row in enumerate(rows):
        prefix = f"actions-{index}"
        title = (row.get("title") or "").strip()
        lead = row.get("lead_partner_id")
        due = row.get("due_on")
        if not title and not lead and not due:
            continue  # a blank row of the form
        fields = {
            "title": {partnership.default_locale: title},
            "lead_partner_id": lead,
            "due_on": _due(due, f"{prefix}-due_on"),
        }
        try:
            values = checks.checked(session, partnership, None, fields)
        except ServiceError as error:
            name = (error.field or "").split("-")[0]
            raise ServiceError(
                error.message, field=f"{prefix}-{name}" if name else prefix
            ) from None
        fields["lead_partner_id"] = values["lead_partner_id"]
        fields["due_on"] = fields["due_on"].isoformat()
        out.append(fields)
    return out


def _due(value, field: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not value:
        raise ServiceError(_l("Give the due date of this action."), field=field)
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ServiceError(_l("Write the date as YYYY-MM-DD."), field=field) from None


def _description(partnership: Partnership, review: Review, text: str) -> dict:
    """The action's description in each of the partnership's languages: which review and
    decision it follows up."""
    quote = text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1] + "…"
    out = {}
    for code in partnership.locales or [partnership.default_locale]:
        with force_locale(code):
            out[code] = _(
                "Follow-up of a decision of the review “%(review)s” of %(date)s: %(decision)s",
                review=translated(review.title, locale=code, fallback=partnership.default_locale),
                date=format_date(review.scheduled_at.date(), format="long", locale=code),
                decision=quote,
            )
    return out


def _amendment(session: Session, actor: User, partnership: Partnership) -> CharterVersion:
    """The charter draft this decision starts: a new amendment, or the version already open
    (start_draft refuses a second one, and the decision is about the same charter)."""
    pending = session.scalar(
        select(CharterVersion)
        .where(
            CharterVersion.partnership_id == partnership.id,
            CharterVersion.status.in_(charter.OPEN),
        )
        .order_by(CharterVersion.number.desc())
        .limit(1)
    )
    return pending or charter.start_draft(session, actor=actor, partnership=partnership)


def record(session, actor: User, action: str, decision: Decision, found, **details) -> None:
    audit.record(
        session,
        actor_id=actor.id,
        action=action,
        obj=decision,
        partnership_id=decision.partnership_id,
        details={
            "review_id": decision.review_id,
            "rule": found.rule,
            "for": found.yes,
            "against": found.no,
            "abstain": found.abstained,
            "present": found.present,
            **details,
        },
    )
