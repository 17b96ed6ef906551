"""The retention pages: the schedule every member may read (it is the partnership's promise
about the data it holds) with what will go when, and its form, for facilitators only."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db
from hsbp.db import utcnow
from hsbp.errors import ServiceError, apply_to_form
from hsbp.partnerships.guard import partnership_guard
from hsbp.retention import forecast, services
from hsbp.retention.descriptions import DESCRIPTIONS, Description, period
from hsbp.retention.forms import ScheduleForm
from hsbp.retention.rules import RULES
from hsbp.security import Role
from hsbp.views import render_form

bp = Blueprint("retention", __name__)


@dataclass(frozen=True)
class RuleRow:
    name: str
    text: Description
    period: str
    default: str
    last_removed: int | None
    at_next_run: int
    within_window: int


@bp.get("/p/<int:partnership_id>/retention")
@partnership_guard(Role.OBSERVER)
def schedule(partnership_id: int):
    session = db.session()
    current = services.schedule_of(session, partnership_id)
    last = services.last_run(session, partnership_id)
    coming = forecast.forecast(session, schedule=current, now=utcnow())
    rows = []
    for rule in RULES:
        text = DESCRIPTIONS[rule.name]
        rows.append(
            RuleRow(
                name=rule.name,
                text=text,
                period=period(text.unit, getattr(current, rule.setting)),
                default=period(text.unit, services.DEFAULTS[rule.setting]),
                last_removed=(last.removed or {}).get(rule.name, 0) if last else None,
                at_next_run=coming.at_next_run[rule.name],
                within_window=coming.within_window[rule.name],
            )
        )
    return render_template(
        "retention/schedule.html",
        rows=rows,
        last=last,
        coming=coming,
        may_edit=g.membership.role == Role.FACILITATOR,
    )


@bp.route("/p/<int:partnership_id>/retention/edit", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def edit(partnership_id: int):
    session = db.session()
    current = services.schedule_of(session, partnership_id)
    form = ScheduleForm(obj=current)
    if form.validate_on_submit():
        try:
            services.save_schedule(
                session,
                actor=current_user,
                partnership=g.partnership,
                values={name: getattr(form, name).data for name in services.FIELDS},
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("The retention schedule is saved."), "success")
            return redirect(url_for("retention.schedule", partnership_id=partnership_id))
    return render_form("retention/edit.html", form, form=form)
