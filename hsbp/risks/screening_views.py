"""The do-no-harm screening of an action: its page (read by every member, answered by whoever
may change the action), and what the checklist's pages show of it (a section of the action's
page, a section of the print view), registered in screening_hooks so the checklist never
imports risks."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import db
from hsbp.actions.models import Action
from hsbp.actions.services import charter_rule, not_allowed_message
from hsbp.errors import ServiceError, apply_error
from hsbp.i18n import translated
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.models import Membership
from hsbp.risks import screening
from hsbp.risks.screening_forms import ScreeningForm
from hsbp.risks.tensions import RECENT_DAYS
from hsbp.risks.views import bp
from hsbp.security import Role
from hsbp.views import render_form

# What the screening's templates read, wherever they are drawn (the checklist's pages too).
LABELS = {
    "SCREENING_ANSWERS": screening.ANSWERS,
    "SCREENING_QUESTIONS": screening.QUESTIONS,
    "SCREENING_HEADINGS": screening.HEADINGS,
    "SCREENING_STATE_LABELS": screening.STATE_LABELS,
}


def _action_or_404(session: Session, action_id: int) -> Action:
    found = session.scalar(
        select(Action).where(Action.id == action_id, Action.partnership_id == g.partnership.id)
    )
    return found or abort(404)


# The endpoint is risks.screening (other parts link to it); the function is named apart from
# the service module it calls.
@bp.route(
    "/p/<int:partnership_id>/actions/<int:action_id>/screening",
    methods=["GET", "POST"],
    endpoint="screening",
)
@partnership_guard(Role.OBSERVER)
def screening_page(partnership_id: int, action_id: int):
    session = db.session()
    action = _action_or_404(session, action_id)
    shown = screening.standing(session, action=action)
    may_answer = screening.may_answer(session, g.membership, action)
    form = None
    if may_answer:
        answered = shown.screening
        data = {name: getattr(answered, name) for name in screening.ANSWERS} if answered else {}
        form = ScreeningForm(data=data)
        if form.validate_on_submit():
            try:
                screening.save_screening(
                    session,
                    actor=current_user,
                    membership=g.membership,
                    action=action,
                    answers=form.answers(),
                )
            except ServiceError as error:
                apply_error(form, error)
            else:
                flash(_("The do-no-harm screening is saved."), "success")
                return redirect(
                    url_for("actions.detail", partnership_id=partnership_id, action_id=action_id)
                )
    context = {
        "action": action,
        "action_title": translated(
            action.title, locale=str(get_locale()), fallback=g.partnership.default_locale
        ),
        "standing": shown,
        "state": shown.state(action),
        "recent_days": RECENT_DAYS,
        **LABELS,
    }
    if not may_answer:
        # Read only; a save from someone the charter does not let change the action is told
        # why, as the checklist tells them.
        refused = not_allowed_message(charter_rule(session, partnership_id))
        page = render_template("risks/screening.html", form=None, refused=refused, **context)
        return page, 403 if request.method == "POST" else 200
    return render_form("risks/screening.html", form, form=form, refused=None, **context)


def action_section(session: Session, *, action: Action, membership: Membership) -> dict | None:
    """The screening's box on the action's page (hsbp.actions.extras): its answers, or that
    they are owed; None (no box) for an action with neither. Three queries."""
    shown = screening.standing(session, action=action)
    state = shown.state(action)
    if state is None:
        return None
    return {
        **LABELS,
        "action": action,
        "standing": shown,
        "state": state,
        "may_answer": screening.may_answer(session, membership, action),
    }


def print_section(partnership_id: int) -> dict:
    """For the checklist's print view (the Jinja global `action_screenings`): the template to
    include and its rows [(action, standing, state)], the actions with answers or owing
    them, by id. Four queries, however many actions."""
    found = screening.standings(db.session(), partnership_id=partnership_id)
    return {
        **LABELS,
        "template": "risks/screening_print.html",
        "rows": [(action, shown, shown.state(action)) for action, shown in found.values()],
    }
