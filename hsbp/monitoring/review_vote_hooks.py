"""Partners vote on review decisions and sign off the minutes (issue 16, item 5): what waits
for a representative, listed for "Needs me" and the notifications (hsbp.notifications).

- "decision_vote": a decision open to the vote of a partner present, with no vote of it yet;
- "decision_vote_confirm": a vote the facilitator recorded for the partner, to confirm;
- "minutes_signoff": finished minutes the partner present has not signed off, due at the
  sign-off deadline.

Each provider runs one query for a person across all their partnerships. Wired in create_app.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from hsbp.i18n import translated
from hsbp.monitoring.review_models import Decision, DecisionState, Review, ReviewAttendance
from hsbp.monitoring.review_vote_models import DecisionVote, MinutesSignoff
from hsbp.notifications import Item, add_provider
from hsbp.partnerships.models import Partner
from hsbp.security import Role

QUOTE_MAX = 80


def init_app(app: Flask) -> None:
    """Register this part's item providers with hsbp.notifications."""
    add_provider(
        app,
        "decision_vote",
        label=_l("Review decisions to vote on"),
        provider=votes_waiting,
        roles=[Role.REPRESENTATIVE],
    )
    add_provider(
        app,
        "decision_vote_confirm",
        label=_l("Votes the facilitator recorded for your organisation, to confirm"),
        provider=confirmations_waiting,
        roles=[Role.REPRESENTATIVE],
    )
    add_provider(
        app,
        "minutes_signoff",
        label=_l("Review minutes to sign off"),
        provider=signoffs_waiting,
        roles=[Role.REPRESENTATIVE],
    )


def _represented(memberships) -> dict[int, object]:
    """{partner id: membership} of the person's representative memberships."""
    return {
        m.partner_id: m
        for m in memberships
        if Role(m.role) == Role.REPRESENTATIVE and m.partner_id is not None
    }


def _present(partner_ids, today: date):
    return and_(
        ReviewAttendance.present.is_(True),
        ReviewAttendance.partner_id.in_(partner_ids),
        or_(Partner.left_on.is_(None), Partner.left_on > today),
    )


def _decisions(session: Session, represented: dict, now: datetime, *, confirm: bool):
    """(decision, review, partner id, vote or None) open to a represented partner present."""
    vote_joins = and_(
        DecisionVote.decision_id == Decision.id,
        DecisionVote.partner_id == ReviewAttendance.partner_id,
    )
    waiting = (
        and_(DecisionVote.id.is_not(None), DecisionVote.confirmed_at.is_(None))
        if confirm
        else DecisionVote.id.is_(None)
    )
    return session.execute(
        select(Decision, Review, ReviewAttendance.partner_id, DecisionVote.id)
        .join(Review, Review.id == Decision.review_id)
        .join(
            ReviewAttendance,
            and_(
                ReviewAttendance.review_id == Decision.review_id,
                ReviewAttendance.partnership_id == Decision.partnership_id,
            ),
        )
        .join(Partner, Partner.id == ReviewAttendance.partner_id)
        .outerjoin(DecisionVote, vote_joins)
        .where(
            Decision.partnership_id.in_({m.partnership_id for m in represented.values()}),
            Decision.state == DecisionState.VOTING,
            _present(list(represented), now.date()),
            waiting,
        )
        .order_by(Decision.id)
    ).all()


def _quote(text: str) -> str:
    return text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1] + "…"


def _title(review: Review, membership, locale: str) -> str:
    return translated(review.title, locale=locale, fallback=membership.partnership.default_locale)


def _decision_items(session: Session, memberships, locale: str, now: datetime, *, confirm: bool):
    """Items for the decisions a represented partner has to vote on (or, `confirm`, to
    confirm the vote a facilitator recorded for it)."""
    represented = _represented(memberships)
    if not represented:
        return []
    items = []
    with force_locale(locale):
        for decision, review, partner_id, vote_id in _decisions(
            session, represented, now, confirm=confirm
        ):
            values = {
                "review": _title(review, represented[partner_id], locale),
                "decision": _quote(decision.text),
            }
            if confirm:
                kind, key = "decision_vote_confirm", f"decision_vote_confirm:{vote_id}"
                text = _(
                    "Confirm the vote recorded for your organisation on a decision of "
                    "the review “%(review)s”: %(decision)s",
                    **values,
                )
            else:
                kind, key = "decision_vote", f"decision_vote:{decision.id}:{partner_id}"
                text = _("Vote on a decision of the review “%(review)s”: %(decision)s", **values)
            items.append(
                Item(
                    kind=kind,
                    key=key,
                    partnership_id=decision.partnership_id,
                    text=text,
                    url=f"/p/{decision.partnership_id}/monitoring/decisions/{decision.id}",
                )
            )
    return items


def votes_waiting(session: Session, *, user, memberships, locale: str, now: datetime):
    return _decision_items(session, memberships, locale, now, confirm=False)


def confirmations_waiting(session: Session, *, user, memberships, locale: str, now: datetime):
    return _decision_items(session, memberships, locale, now, confirm=True)


def signoffs_waiting(session: Session, *, user, memberships, locale: str, now: datetime):
    represented = _represented(memberships)
    if not represented:
        return []
    rows = session.execute(
        select(Review, ReviewAttendance.partner_id)
        .join(
            ReviewAttendance,
            and_(
                ReviewAttendance.review_id == Review.id,
                ReviewAttendance.partnership_id == Review.partnership_id,
            ),
        )
        .join(Partner, Partner.id == ReviewAttendance.partner_id)
        .outerjoin(
            MinutesSignoff,
            and_(
                MinutesSignoff.review_id == Review.id,
                MinutesSignoff.partner_id == ReviewAttendance.partner_id,
            ),
        )
        .where(
            Review.partnership_id.in_({m.partnership_id for m in represented.values()}),
            Review.minutes_finished_at.is_not(None),
            Review.signoff_due_at > now,
            _present(list(represented), now.date()),
            MinutesSignoff.id.is_(None),
        )
        .order_by(Review.signoff_due_at, Review.id)
    ).all()
    items = []
    with force_locale(locale):
        for review, partner_id in rows:
            items.append(
                Item(
                    kind="minutes_signoff",
                    key=f"minutes_signoff:{review.id}:{partner_id}",
                    partnership_id=review.partnership_id,
                    text=_(
                        "Confirm or comment on the minutes of the review “%(review)s”.",
                        review=_title(review, represented[partner_id], locale),
                    ),
                    url=f"/p/{review.partnership_id}/monitoring/reviews/{review.id}#minutes",
                    due=review.signoff_due_at,
                )
            )
    return items
