"""What community votes plug into: the one-question SMS engine (as its "vote" adapter) and the
charter, which imports nothing of this package: the adoption rule's check and the panel
shown beside the partners' endorsements of a proposal.

The charter's `community_rule` says whether the community's support is informative or
required. Required, a proposal is adopted once the partners' decision rule is met AND the
latest community vote on it that opened after it was proposed has closed with at least
`min_answers` answers, more than half of them "support" ("need more information" counts as
an answer that does not support). A vote still open holds the adoption until it closes: its
answers may still change. As with the partners' rule, the rule of the charter in force
decides on an amendment, so an amendment cannot lower the bar for itself.
"""

from __future__ import annotations

from flask import Flask, g
from flask_babel import format_percent, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.community import talks, tallies, votes
from hsbp.community.models import QuestionStatus, Vote
from hsbp.principles import adoption
from hsbp.principles import content as doc
from hsbp.principles import services as charter
from hsbp.principles.models import CharterVersion

PANEL = "community/vote_charter_panel.html"


def community_rule(session: Session, version: CharterVersion) -> dict:
    """The community rule that decides on `version` (that of the charter in force, else its
    own)."""
    current = charter.in_force(session, partnership_id=version.partnership_id)
    source = current if current is not None and current.id != version.id else version
    return doc.community_rule_of(source.content)


def votes_on(session: Session, version: CharterVersion) -> list[Vote]:
    """The votes on `version` since it was last proposed, newest first (a vote on an earlier
    proposal of it was on other words)."""
    query = select(Vote).where(
        Vote.partnership_id == version.partnership_id,
        Vote.charter_version_id == version.id,
    )
    if version.proposed_at is not None:
        query = query.where(Vote.opens_at >= version.proposed_at)
    return list(session.scalars(query.order_by(Vote.opens_at.desc(), Vote.id.desc())))


def missing_support(session: Session, version: CharterVersion):
    """The charter's adoption check: what the community's vote still lacks when its support
    is required, or None."""
    rule = community_rule(session, version)
    if rule["mode"] != "required":
        return None
    found = votes_on(session, version)
    # Past its closing time but not swept yet counts as open: closing it adopts, if it may.
    if any(vote.status == QuestionStatus.OPEN for vote in found):
        return _l("Community support is required: the community's vote by SMS must close first.")
    closed = next((vote for vote in found if vote.status == QuestionStatus.CLOSED), None)
    if closed is None:
        return _l("Community support is required: put the proposal to the community by SMS.")
    counts = tallies.support_counts(session, vote_id=closed.id)
    answered = sum(counts.values())
    if answered < rule["min_answers"]:
        return _l(
            "Community support is required: the community's vote had %(answered)d answers, "
            "%(needed)d are needed. Put it to the community again.",
            answered=answered,
            needed=rule["min_answers"],
        )
    if counts["support"] * 2 <= answered:
        return _l(
            "Community support is required: %(support)d of the %(answered)d answers to the "
            "community's vote support it, a majority is needed.",
            support=counts["support"],
            answered=answered,
        )
    return None


def panel(session: Session, version: CharterVersion):
    """The charter page's panel for a proposal: the latest community vote's results (pooled
    as on the vote's page) and what the rule asks."""
    found = votes_on(session, version)
    latest = found[0] if found else None
    result = None
    if latest is not None:
        result = tallies.tally(
            session,
            vote=latest,
            locale=str(get_locale()),
            fallback=g.partnership.default_locale,
        )
    return PANEL, {
        "vote": latest,
        "result": result,
        "earlier": found[1:],
        "rule": community_rule(session, version),
        "may_start": latest is None or latest.status == QuestionStatus.CLOSED,
        "version": version,
        "format_share": format_percent,
    }


def init_app(app: Flask) -> None:
    talks.register(app, votes.KIND, votes.ADAPTER)
    adoption.on_adoption_check(app, missing_support)
    adoption.on_charter_panel(app, panel)
