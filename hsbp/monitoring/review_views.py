"""Pages of participatory reviews: the list with the form to schedule one, a review (its
agenda, attendance, minutes and decisions, with their forms for facilitators) and the
partnership's decision log. Every member reads; facilitators record."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_pgettext as _p
from flask_login import current_user

from hsbp import db
from hsbp.actions.forms import STATUS_LABELS
from hsbp.db import utcnow
from hsbp.errors import ServiceError, apply_error
from hsbp.i18n import missing_languages
from hsbp.monitoring import review_outcome, review_votes, reviews
from hsbp.monitoring.agenda import AgendaItem, Kind, generate_agenda, provider_of
from hsbp.monitoring.display import local_text
from hsbp.monitoring.pulse_views import CONSTITUENCY_LABELS, DIMENSION_LABELS
from hsbp.monitoring.review_forms import (
    MinutesForm,
    attendance_form,
    attendance_of,
    decision_form,
    schedule_form,
)
from hsbp.monitoring.review_models import DecisionState, Review, ReviewStatus
from hsbp.monitoring.review_vote_forms import (
    CHOICE_LABELS,
    STANCE_LABELS,
    FinishMinutesForm,
    SignoffForm,
)
from hsbp.monitoring.views import bp
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.services import list_partners
from hsbp.principles.labels import RULE_LABELS
from hsbp.security import Role
from hsbp.views import render_form

AGENDA_LABELS = {
    Kind.INDICATOR_OFF: _p("agenda item", "Indicator off track"),
    Kind.ACTION_OVERDUE: _p("agenda item", "Overdue action"),
    Kind.GRIEVANCES: _p("agenda item", "Grievances"),
    Kind.PULSE_GAP: _p("agenda item", "Gap in the health pulse"),
    Kind.GOAL_DUE: _p("agenda item", "Charter goal due"),
    Kind.INDICATOR_AT_RISK: _p("agenda item", "Indicator at risk"),
}
REVIEW_STATUS_LABELS = {
    ReviewStatus.SCHEDULED: _p("review status", "Scheduled"),
    ReviewStatus.HELD: _p("review status", "Held"),
}
DECISION_STATE_LABELS = {
    DecisionState.RECORDED: _p("decision state", "Recorded before voting"),
    DecisionState.VOTING: _p("decision state", "Voting"),
    DecisionState.ADOPTED: _p("decision state", "Adopted"),
    DecisionState.NOT_ADOPTED: _p("decision state", "Not adopted"),
}


def _day(iso: str) -> str:
    return format_date(date.fromisoformat(iso))


def agenda_text(item: AgendaItem) -> str:
    """The item's sentence in the reader's language (a frozen agenda too: it keeps data)."""
    p, title = item.params, local_text(item.title)
    if item.kind in (Kind.INDICATOR_OFF, Kind.INDICATOR_AT_RISK):
        value = f"{format_decimal(p['value'])} {p.get('unit') or ''}".strip()
        return _(
            "%(name)s: latest value %(value)s (%(period)s).",
            name=title,
            value=value,
            period=_day(p["period_on"]),
        )
    if item.kind == Kind.ACTION_OVERDUE:
        return _(
            "%(title)s, led by %(lead)s, was due on %(date)s.",
            title=title,
            lead=p["lead"],
            date=_day(p["due_on"]),
        )
    if item.kind == Kind.GRIEVANCES:
        return _(
            "Grievances open: %(open)d; past their deadline: %(overdue)d.",
            open=p["open"],
            overdue=p["overdue"],
        )
    if item.kind == Kind.PULSE_GAP:
        return _(
            "%(dimension)s in “%(round)s”: %(high)s scored %(difference)s points above %(low)s.",
            dimension=DIMENSION_LABELS.get(p["dimension"], p["dimension"]),
            round=title,
            high=CONSTITUENCY_LABELS.get(p["high"], p["high"]),
            low=CONSTITUENCY_LABELS.get(p["low"], p["low"]),
            difference=format_decimal(p["difference"], format="0.0"),
        )
    if item.kind == Kind.GOAL_DUE:
        if p.get("past"):
            return _("%(goal)s: was due on %(date)s.", goal=title, date=_day(p["due"]))
        return _("%(goal)s: due on %(date)s.", goal=title, date=_day(p["due"]))
    if provider := provider_of(item.kind):
        return provider.text(item)
    return title


def agenda_label(kind: str) -> str:
    """The tag of an item of `kind`: the agenda's own, or another feature's."""
    if kind in AGENDA_LABELS:
        return AGENDA_LABELS[kind]
    provider = provider_of(kind)
    return provider.label if provider else kind


def agenda_link(item: AgendaItem) -> str | None:
    if not item.link:
        return None
    return url_for(item.link["endpoint"], partnership_id=g.partnership.id, **item.link["args"])


def _is_facilitator() -> bool:
    return Role(g.membership.role) == Role.FACILITATOR


def review_or_404(review_id: int) -> Review:
    found = reviews.get_review(db.session(), partnership_id=g.partnership.id, review_id=review_id)
    return found or abort(404)


def page_helpers() -> dict:
    return {
        "AGENDA_LABELS": AGENDA_LABELS,
        "REVIEW_STATUS_LABELS": REVIEW_STATUS_LABELS,
        "RULE_LABELS": RULE_LABELS,
        "ACTION_STATUS_LABELS": STATUS_LABELS,
        "DECISION_STATE_LABELS": DECISION_STATE_LABELS,
        "CHOICE_LABELS": CHOICE_LABELS,
        "STANCE_LABELS": STANCE_LABELS,
        "agenda_text": agenda_text,
        "iso_day": _day,
        "agenda_label": agenda_label,
        "agenda_link": agenda_link,
        "missing_languages": missing_languages,
    }


# The list and scheduling -----------------------------------------------------------------


def _list_page(form):
    return render_form(
        "monitoring/reviews.html",
        *([form] if form is not None else []),
        reviews=reviews.list_reviews(db.session(), partnership_id=g.partnership.id),
        form=form,
        **page_helpers(),
    )


@bp.get("/p/<int:partnership_id>/monitoring/reviews")
@partnership_guard()
def reviews_index(partnership_id: int):
    return _list_page(schedule_form(g.partnership) if _is_facilitator() else None)


@bp.post("/p/<int:partnership_id>/monitoring/reviews")
@partnership_guard(Role.FACILITATOR)
def reviews_schedule(partnership_id: int):
    form = schedule_form(g.partnership)
    if form.validate_on_submit():
        zone = ZoneInfo(g.partnership.timezone)
        scheduled_at = datetime.combine(
            form.scheduled_on.data, form.scheduled_time.data or time(9), zone
        )
        locales = g.partnership.locales or [g.partnership.default_locale]
        try:
            review = reviews.schedule_review(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                fields={
                    "title": {code: form[f"title_{code}"].data or "" for code in locales},
                    "scheduled_at": scheduled_at,
                    "place": form.place.data,
                },
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(_("The review is scheduled."), "success")
            return redirect(
                url_for("monitoring.review", partnership_id=partnership_id, review_id=review.id)
            )
    return _list_page(form)


# One review ------------------------------------------------------------------------------


def review_page(
    review: Review, *, attendance=None, minutes=None, decision=None, finish=None, signoff=None
):
    session = db.session()
    partners = list_partners(session, partnership_id=review.partnership_id)
    present = reviews.attendance_of(session, review=review)
    editing = _is_facilitator()
    signoffs = review_votes.signoffs_of(session, review=review)
    if editing and review.minutes_finished_at is None:
        finish = finish or FinishMinutesForm(formdata=None)
    own = g.membership.partner_id
    if signoffs and not signoffs.final and own in signoffs.present and signoff is None:
        mine = signoffs.given.get(own)
        signoff = SignoffForm(
            formdata=None,
            stance=mine.stance if mine else None,
            comment=mine.comment if mine else "",
        )
    if review.status == ReviewStatus.HELD:
        items = [AgendaItem.from_json(row) for row in review.agenda]
    else:
        items = generate_agenda(session, partnership=g.partnership, now=utcnow())
    if editing:
        # Partners who have left are listed only if they were recorded at this review.
        shown = [p for p in partners if p.is_current or p.id in present]
        if attendance is None:
            attendance = attendance_form(shown, present)
        if minutes is None and review.minutes_finished_at is None:
            minutes = MinutesForm(formdata=None, minutes=review.minutes)
        if decision is None:
            decision = decision_form(partners=[p for p in partners if p.is_current], formdata=None)
    else:
        shown = [p for p in partners if p.id in present]
    forms = [f for f in (attendance, minutes, decision, finish, signoff) if f is not None]
    entries = reviews.decision_log(
        session, partnership_id=review.partnership_id, review_id=review.id
    )
    return render_form(
        "monitoring/review.html",
        *forms,
        review=review,
        agenda=items,
        partners=shown,
        present=present,
        entries=entries,
        standings=review_outcome.standings(
            session,
            partnership_id=review.partnership_id,
            decisions=[e.decision for e in entries],
        ),
        rule=reviews.current_rule(session, partnership_id=review.partnership_id),
        signoffs=signoffs,
        partner_names={p.id: p.name for p in partners},
        attendance_form=attendance,
        minutes_form=minutes,
        decision_form=decision,
        finish_form=finish,
        signoff_form=signoff,
        **page_helpers(),
    )


@bp.get("/p/<int:partnership_id>/monitoring/reviews/<int:review_id>")
@partnership_guard()
def review(partnership_id: int, review_id: int):
    return review_page(review_or_404(review_id))


def back_to(review: Review, anchor: str):
    return redirect(
        url_for(
            "monitoring.review",
            partnership_id=review.partnership_id,
            review_id=review.id,
            _anchor=anchor,
        )
    )


@bp.post("/p/<int:partnership_id>/monitoring/reviews/<int:review_id>/attendance")
@partnership_guard(Role.FACILITATOR)
def review_attendance(partnership_id: int, review_id: int):
    found = review_or_404(review_id)
    session = db.session()
    present = reviews.attendance_of(session, review=found)
    partners = [
        p
        for p in list_partners(session, partnership_id=partnership_id)
        if p.is_current or p.id in present
    ]
    form = attendance_form(partners, present, formdata=request.form)
    if form.validate_on_submit():
        try:
            reviews.record_attendance(
                session, actor=current_user, review=found, attendance=attendance_of(form, partners)
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(_("The attendance is recorded."), "success")
            return back_to(found, "attendance")
    return review_page(found, attendance=form)


@bp.post("/p/<int:partnership_id>/monitoring/reviews/<int:review_id>/minutes")
@partnership_guard(Role.FACILITATOR)
def review_minutes(partnership_id: int, review_id: int):
    found = review_or_404(review_id)
    form = MinutesForm()
    if form.validate_on_submit():
        try:
            reviews.update_minutes(
                db.session(), actor=current_user, review=found, minutes=form.minutes.data
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(_("The minutes are saved."), "success")
            return back_to(found, "minutes")
    return review_page(found, minutes=form)


@bp.post("/p/<int:partnership_id>/monitoring/reviews/<int:review_id>/decisions")
@partnership_guard(Role.FACILITATOR)
def review_decide(partnership_id: int, review_id: int):
    found = review_or_404(review_id)
    session = db.session()
    partners = [p for p in list_partners(session, partnership_id=partnership_id) if p.is_current]
    form = decision_form(partners=partners, formdata=request.form)
    if form.validate_on_submit():
        try:
            reviews.record_decision(
                session, actor=current_user, review=found, fields=form.service_fields()
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(_("The decision is put to the vote of the partners present."), "success")
            return back_to(found, "decisions")
    return review_page(found, decision=form)


# The decision log ------------------------------------------------------------------------


@bp.get("/p/<int:partnership_id>/monitoring/decisions")
@partnership_guard()
def decisions(partnership_id: int):
    session = db.session()
    entries = reviews.decision_log(session, partnership_id=partnership_id)
    return render_template(
        "monitoring/decisions.html",
        entries=entries,
        standings=review_outcome.standings(
            session, partnership_id=partnership_id, decisions=[e.decision for e in entries]
        ),
        partner_names={p.id: p.name for p in list_partners(session, partnership_id=partnership_id)},
        **page_helpers(),
    )
