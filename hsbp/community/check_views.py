"""Pages of the community checks of done actions: sending one (facilitators), a check's answers
by place, the list of checks, closing one early; and the section of an action's page
(registered with the checklist in create_app) that shows its checks and offers the form."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import db
from hsbp.actions.models import Action, ActionStatus
from hsbp.community import check_results, checks
from hsbp.community.check_forms import STATUS_LABELS, check_form
from hsbp.community.models import Check, QuestionStatus
from hsbp.community.talks import progress
from hsbp.community.views import bp
from hsbp.db import utcnow
from hsbp.errors import ServiceError, apply_to_form
from hsbp.i18n import translated
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.models import Membership, Partnership
from hsbp.security import Role
from hsbp.sms import encoding
from hsbp.sms.admin_views import audience_choices, audience_label
from hsbp.views import render_form

POOLED_LABEL = _l("Other places (pooled)")
UNKNOWN_PLACE = _l("Place not known")


def _text(values: dict | None) -> str:
    return translated(values, locale=str(get_locale()), fallback=g.partnership.default_locale)


def _closing_day(check: Check) -> date:
    """The last day answers are taken, where the partnership is."""
    return (check.closes_at.astimezone(g.partnership.zone) - timedelta(microseconds=1)).date()


def _audience(check: Check) -> str:
    audience = check.audience or {}
    if audience.get("kind") == checks.PLACES:
        return _(
            "People of the action's places: %(places)s", places=", ".join(audience["localities"])
        )
    return audience_label(audience, audience_choices())


def _place(name: str) -> str:
    if name == check_results.POOLED:
        return str(POOLED_LABEL)
    return name or str(UNKNOWN_PLACE)


HELPERS = {
    "CHECK_STATUS_LABELS": STATUS_LABELS,
    "check_note": check_results.note_text,
    "check_text": _text,
    "check_closing_day": _closing_day,
    "check_audience": _audience,
    "check_place": _place,
    "measure": lambda text: encoding.measure(encoding.normalise(text or "")),
    "one_sms": lambda size: encoding.LIMITS[size.encoding][0],
    "question_field": checks.question_field,
    "min_group": check_results.MIN_GROUP,
}


@bp.context_processor
def _check_helpers():
    return HELPERS


def _action_or_404(action_id: int) -> Action:
    found = db.session().scalar(
        select(Action).where(Action.id == action_id, Action.partnership_id == g.partnership.id)
    )
    return found or abort(404)


def _check_or_404(check_id: int) -> Check:
    found = db.session().scalar(
        select(Check).where(Check.id == check_id, Check.partnership_id == g.partnership.id)
    )
    return found or abort(404)


# The action's page ---------------------------------------------------------------------------


def action_section(session: Session, *, action: Action, membership: Membership) -> dict | None:
    """The checks of an action for its page (hsbp.actions.extras): the latest with its answers
    by place, earlier ones, and for facilitators the way to send one or why it cannot be sent.
    None (no section) for an action not done and never checked."""
    found = session.scalars(
        select(Check)
        .where(Check.partnership_id == action.partnership_id, Check.action_id == action.id)
        .order_by(Check.id.desc())
    ).all()
    if not found and action.status != ActionStatus.DONE:
        return None
    partnership = session.get(Partnership, action.partnership_id)
    counted = check_results.tallies(session, check_ids=[check.id for check in found])
    latest = found[0] if found else None
    return {
        **HELPERS,  # the section is drawn on the checklist's page, outside this blueprint
        "action": action,
        "latest": latest,
        "tally": counted[latest.id] if latest else None,
        "breakdown": check_results.breakdown(session, check=latest) if latest else None,
        "disputed": bool(latest)
        and check_results.is_disputed(latest, counted[latest.id], action.status),
        "earlier": [(check, counted[check.id]) for check in found[1:]],
        "rule": checks.rule(session, partnership_id=action.partnership_id),
        "facilitator": membership.role == Role.FACILITATOR,
        "blocked": checks.blocked_reason(session, partnership=partnership, action=action),
    }


# Sending a check -----------------------------------------------------------------------------


def _choices(action: Action) -> dict:
    choices = {}
    if action.localities:
        places = ", ".join(action.localities)
        choices[_("The action's places")] = [
            (checks.PLACES, _("People of the action's places: %(places)s", places=places))
        ]
    return {**choices, **audience_choices()}


@bp.route("/p/<int:partnership_id>/community/checks/new/<int:action_id>", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def check_new(partnership_id: int, action_id: int):
    session = db.session()
    action = _action_or_404(action_id)
    partnership = g.partnership
    form = check_form(
        partnership.locales or [partnership.default_locale], audience_choices=_choices(action)
    )
    count = None
    if request.method == "GET":
        form.audience.data = checks.PLACES if action.localities else "all"
        form.closes_on.data = checks.default_closing_day(partnership, utcnow())
        for code, text in checks.default_questions(
            session, action=action, partnership=partnership
        ).items():
            form[checks.question_field(code)].data = text
    elif form.validate_on_submit():
        fields = {
            "membership": g.membership,
            "partnership": partnership,
            "action": action,
            "audience": form.audience.data,
            "questions": form.questions(),
            "closes_at": checks.closing_time(form.closes_on.data, partnership),
        }
        try:
            if request.form.get("send") == "1":
                check = checks.create_check(session, actor=current_user, **fields)
                flash(_("The check is on its way."), "success")
                return redirect(
                    url_for("community.check", partnership_id=partnership_id, check_id=check.id)
                )
            count = len(checks.plan_check(session, **fields).contact_ids)
        except ServiceError as error:
            apply_to_form(form, error)
    return render_form(
        "community/check_form.html",
        form,
        form=form,
        action=action,
        count=count,
        blocked=checks.blocked_reason(session, partnership=partnership, action=action),
    )


# A check and the list -----------------------------------------------------------------------


@bp.get("/p/<int:partnership_id>/community/checks/<int:check_id>")
@partnership_guard()
def check(partnership_id: int, check_id: int):
    session = db.session()
    found = _check_or_404(check_id)
    action = session.get(Action, found.action_id)
    tally = check_results.tallies(session, check_ids=[found.id])[found.id]
    return render_template(
        "community/check.html",
        check=found,
        action=action,
        tally=tally,
        breakdown=check_results.breakdown(session, check=found),
        disputed=check_results.is_disputed(found, tally, action.status),
        talks=progress(session, kind="check", subject_ids=[found.id])[found.id],
        facilitator=g.membership.role == Role.FACILITATOR,
    )


@bp.post("/p/<int:partnership_id>/community/checks/<int:check_id>/close")
@partnership_guard(Role.FACILITATOR)
def check_close(partnership_id: int, check_id: int):
    found = _check_or_404(check_id)
    if found.status == QuestionStatus.OPEN:
        checks.close_check(db.session(), actor=current_user, check=found)
        flash(_("The check is closed: later answers are not counted."), "success")
    return redirect(url_for("community.check", partnership_id=partnership_id, check_id=check_id))


@bp.get("/p/<int:partnership_id>/community/checks")
@partnership_guard()
def checks_index(partnership_id: int):
    session = db.session()
    rows = session.execute(
        select(Check, Action)
        .join(Action, Action.id == Check.action_id)
        .where(Check.partnership_id == partnership_id, Action.partnership_id == partnership_id)
        .order_by(Check.opens_at.desc(), Check.id.desc())
    ).all()
    counted = check_results.tallies(session, check_ids=[check.id for check, _action in rows])
    return render_template(
        "community/checks.html",
        rows=[(check, action, counted[check.id]) for check, action in rows],
        day=lambda when: format_date(when.astimezone(g.partnership.zone).date()),
    )
