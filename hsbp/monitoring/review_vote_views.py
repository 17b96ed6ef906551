"""Partners vote on review decisions and sign off the minutes: a decision's page (its tally,
each partner's vote, the forms to vote, confirm, record and close) and the minutes' sign-off
forms of a review. Every member reads; representatives vote and sign off; facilitators
record, close and finish.

Routes on the feature's blueprint; listed in ROUTE_MODULES."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db
from hsbp.errors import ServiceError, apply_error
from hsbp.monitoring import review_outcome, review_votes, reviews
from hsbp.monitoring.review_models import Decision, DecisionState
from hsbp.monitoring.review_views import back_to, bp, page_helpers, review_or_404, review_page
from hsbp.monitoring.review_vote_forms import (
    ButtonForm,
    FinishMinutesForm,
    SignoffForm,
    VoteForm,
    record_vote_form,
)
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.services import list_partners
from hsbp.security import Role
from hsbp.views import render_form


def _decision_or_404(decision_id: int) -> Decision:
    found = reviews.get_decision(
        db.session(), partnership_id=g.partnership.id, decision_id=decision_id
    )
    return found or abort(404)


def _decision_page(decision: Decision, *, vote=None, record=None, failed=None):
    """The decision's page; `failed` is a bare button form whose refusal to show."""
    session = db.session()
    review = reviews.get_review(
        session, partnership_id=decision.partnership_id, review_id=decision.review_id
    )
    partners = list_partners(session, partnership_id=decision.partnership_id)
    standing = review_outcome.standing_of(session, decision=decision)
    role = Role(g.membership.role)
    own = g.membership.partner_id
    is_open = decision.state == DecisionState.VOTING
    may_vote = is_open and role == Role.REPRESENTATIVE and own in standing.present
    if may_vote and vote is None:
        mine = standing.votes.get(own)
        vote = VoteForm(formdata=None, choice=mine.choice if mine else None)
    voting = [p for p in partners if p.id in standing.present] if standing else []
    if is_open and role == Role.FACILITATOR and record is None:
        record = record_vote_form(voting)
    forms = [f for f in (vote, record, failed) if f is not None]
    return render_form(
        "monitoring/decision.html",
        *forms,
        decision=decision,
        review=review,
        standing=standing,
        voting=voting,
        own=own,
        may_vote=may_vote,
        is_open=is_open,
        vote_form=vote,
        record_form=record,
        failed_form=failed,
        button_form=ButtonForm(formdata=None),
        partner_names={p.id: p.name for p in partners},
        **page_helpers(),
    )


def _to_decision(decision: Decision):
    return redirect(
        url_for(
            "monitoring.decision",
            partnership_id=decision.partnership_id,
            decision_id=decision.id,
        )
    )


def _settled(decision: Decision) -> None:
    if decision.state == DecisionState.ADOPTED:
        flash(_("The decision is adopted under the charter's rule."), "success")
    elif decision.state == DecisionState.NOT_ADOPTED:
        flash(_("The decision is not adopted: it creates nothing."), "success")


@bp.get("/p/<int:partnership_id>/monitoring/decisions/<int:decision_id>")
@partnership_guard()
def decision(partnership_id: int, decision_id: int):
    return _decision_page(_decision_or_404(decision_id))


@bp.post("/p/<int:partnership_id>/monitoring/decisions/<int:decision_id>/vote")
@partnership_guard(Role.REPRESENTATIVE)
def decision_vote(partnership_id: int, decision_id: int):
    found = _decision_or_404(decision_id)
    form = VoteForm()
    if form.validate_on_submit():
        try:
            review_votes.cast_vote(
                db.session(),
                actor=current_user,
                membership=g.membership,
                decision=found,
                choice=form.choice.data,
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(_("Your organisation's vote is recorded."), "success")
            _settled(found)
            return _to_decision(found)
    return _decision_page(found, vote=form)


@bp.post("/p/<int:partnership_id>/monitoring/decisions/<int:decision_id>/confirm")
@partnership_guard(Role.REPRESENTATIVE)
def decision_confirm(partnership_id: int, decision_id: int):
    found = _decision_or_404(decision_id)
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            review_votes.confirm_vote(
                db.session(), actor=current_user, membership=g.membership, decision=found
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(_("The recorded vote is confirmed: it counts."), "success")
            _settled(found)
            return _to_decision(found)
    return _decision_page(found, failed=form)


@bp.post("/p/<int:partnership_id>/monitoring/decisions/<int:decision_id>/record")
@partnership_guard(Role.FACILITATOR)
def decision_record(partnership_id: int, decision_id: int):
    found = _decision_or_404(decision_id)
    session = db.session()
    standing = review_outcome.standing_of(session, decision=found)
    present = set(standing.present) if standing else set()
    voting = [p for p in list_partners(session, partnership_id=partnership_id) if p.id in present]
    form = record_vote_form(voting, formdata=request.form)
    if form.validate_on_submit():
        try:
            review_votes.record_vote(
                session,
                actor=current_user,
                membership=g.membership,
                decision=found,
                partner_id=form.partner_id.data,
                choice=form.choice.data,
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(_("The partner's vote is recorded."), "success")
            _settled(found)
            return _to_decision(found)
    return _decision_page(found, record=form)


@bp.post("/p/<int:partnership_id>/monitoring/decisions/<int:decision_id>/close")
@partnership_guard(Role.FACILITATOR)
def decision_close(partnership_id: int, decision_id: int):
    found = _decision_or_404(decision_id)
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            review_votes.close_voting(
                db.session(), actor=current_user, membership=g.membership, decision=found
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            _settled(found)
            return _to_decision(found)
    return _decision_page(found, failed=form)


# The minutes' sign-off -------------------------------------------------------------------


@bp.post("/p/<int:partnership_id>/monitoring/reviews/<int:review_id>/minutes/finish")
@partnership_guard(Role.FACILITATOR)
def review_minutes_finish(partnership_id: int, review_id: int):
    found = review_or_404(review_id)
    form = FinishMinutesForm()
    if form.validate_on_submit():
        try:
            review_votes.finish_minutes(
                db.session(),
                actor=current_user,
                membership=g.membership,
                review=found,
                days=form.days.data,
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(_("The minutes are sent to the partners present for sign-off."), "success")
            return back_to(found, "minutes")
    return review_page(found, finish=form)


@bp.post("/p/<int:partnership_id>/monitoring/reviews/<int:review_id>/minutes/signoff")
@partnership_guard(Role.REPRESENTATIVE)
def review_minutes_signoff(partnership_id: int, review_id: int):
    found = review_or_404(review_id)
    form = SignoffForm()
    if form.validate_on_submit():
        try:
            review_votes.sign_off(
                db.session(),
                actor=current_user,
                membership=g.membership,
                review=found,
                stance=form.stance.data,
                comment=form.comment.data or "",
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(_("Your sign-off of the minutes is recorded."), "success")
            return back_to(found, "minutes")
    return review_page(found, signoff=form)
