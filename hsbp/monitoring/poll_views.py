"""Pages of the SMS polls of an indicator: starting one, its page (replies, the value so far,
how many were asked) and closing it into a measured value."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from hsbp import db
from hsbp.errors import ServiceError, apply_error
from hsbp.i18n import language_name
from hsbp.monitoring import polls
from hsbp.monitoring.models import Kind
from hsbp.monitoring.poll_models import Aggregate, SmsPoll
from hsbp.monitoring.views import bp, indicator_or_404
from hsbp.partnerships.guard import partnership_guard
from hsbp.security import Role
from hsbp.sms.admin_views import audience_choices, audience_label
from hsbp.sms.encoding import measure
from hsbp.views import render_form

AGGREGATE_LABELS = {
    Aggregate.MEAN: _l("The mean of the replies"),
    Aggregate.SUM: _l("The sum of the replies"),
    Aggregate.SHARE_AT_LEAST: _l("The share of replies at or above a number"),
}


@bp.app_template_global("sms_polls_of")
def sms_polls_of(indicator):
    """The indicator's polls, newest first, with (asked, replies) each: for its page."""
    session = db.session()
    found = polls.polls_of(session, indicator=indicator)
    counts = polls.summary(session, poll_ids=[p.id for p in found])
    return [(poll, *counts.get(poll.id, (0, 0))) for poll in found]


def poll_form(partnership, indicator):
    aggregates = [Aggregate.MEAN]
    if indicator.kind in (Kind.NUMBER, Kind.MONEY):
        aggregates.append(Aggregate.SUM)
    if indicator.kind == Kind.PERCENTAGE:
        aggregates.append(Aggregate.SHARE_AT_LEAST)

    class PollForm(FlaskForm):
        audience = SelectField(_l("Who is asked"), choices=[])
        period_on = DateField(
            _l("First day of the period"), validators=[InputRequired(_l("Give the period."))]
        )
        aggregate = SelectField(
            _l("How the replies become the value"),
            choices=[(a.value, AGGREGATE_LABELS[a]) for a in aggregates],
            description=_l(
                "A scale's mean is rounded to the nearest level. The share is the percentage "
                "of the replies at or above the number below."
            ),
        )
        threshold = StringField(_l("Number for the share (at or above)"), validators=[Optional()])
        closes_on = DateField(_l("Closes on"), validators=[InputRequired()])

    for code in partnership.locales or [partnership.default_locale]:
        setattr(
            PollForm,
            f"question_{code}",
            TextAreaField(
                _l("Question in %(language)s", language=language_name(code)),
                description=_l(
                    "One SMS: 160 plain characters, or 70 with letters such as Arabic ones. "
                    "Say that people reply with a number."
                ),
                render_kw={"lang": code.replace("_", "-"), "dir": "auto", "rows": 2},
            ),
        )
    form = PollForm()
    form.audience.choices = audience_choices()
    return form


def _poll_or_404(indicator, poll_id: int) -> SmsPoll:
    found = db.session().scalar(
        select(SmsPoll).where(
            SmsPoll.id == poll_id,
            SmsPoll.indicator_id == indicator.id,
            SmsPoll.partnership_id == g.partnership.id,
        )
    )
    return found or abort(404)


@bp.route(
    "/p/<int:partnership_id>/monitoring/<int:indicator_id>/polls/new", methods=["GET", "POST"]
)
@partnership_guard(Role.FACILITATOR)
def poll_new(partnership_id: int, indicator_id: int):
    indicator = indicator_or_404(indicator_id)
    form = poll_form(g.partnership, indicator)
    locales = g.partnership.locales or [g.partnership.default_locale]
    if form.validate_on_submit():
        zone = ZoneInfo(g.partnership.timezone)
        try:
            poll = polls.start_poll(
                db.session(),
                actor=current_user,
                indicator=indicator,
                fields={
                    "question": {c: form[f"question_{c}"].data or "" for c in locales},
                    "audience": form.audience.data,
                    "period_on": form.period_on.data,
                    "aggregate": form.aggregate.data,
                    "threshold": form.threshold.data,
                    # Open until the end of the chosen day where the partnership is.
                    "closes_at": datetime.combine(
                        form.closes_on.data + timedelta(days=1), time(), zone
                    ),
                },
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(_("The poll is sent."), "success")
            return redirect(
                url_for(
                    "monitoring.poll_page",
                    partnership_id=partnership_id,
                    indicator_id=indicator_id,
                    poll_id=poll.id,
                )
            )
    sizes = {c: measure(form[f"question_{c}"].data or "") for c in locales}
    return render_form(
        "monitoring/poll_form.html", form, form=form, indicator=indicator, sizes=sizes
    )


@bp.get("/p/<int:partnership_id>/monitoring/<int:indicator_id>/polls/<int:poll_id>")
@partnership_guard()
def poll_page(partnership_id: int, indicator_id: int, poll_id: int):
    indicator = indicator_or_404(indicator_id)
    poll = _poll_or_404(indicator, poll_id)
    session = db.session()
    asked, replies = polls.summary(session, poll_ids=[poll.id]).get(poll.id, (0, 0))
    values = polls.answered_values(session, poll)
    return render_template(
        "monitoring/poll.html",
        indicator=indicator,
        poll=poll,
        asked=asked,
        replies=replies,
        current=polls.aggregate(poll, indicator, values),
        audience=audience_label(poll.audience, audience_choices()),
        aggregate_label=AGGREGATE_LABELS[poll.aggregate],
        can_close=Role(g.membership.role) == Role.FACILITATOR,
    )


@bp.post("/p/<int:partnership_id>/monitoring/<int:indicator_id>/polls/<int:poll_id>/close")
@partnership_guard(Role.FACILITATOR)
def poll_close(partnership_id: int, indicator_id: int, poll_id: int):
    indicator = indicator_or_404(indicator_id)
    poll = _poll_or_404(indicator, poll_id)
    polls.close_poll(db.session(), poll=poll, actor=current_user)
    flash(_("The poll is closed."), "success")
    return redirect(
        url_for(
            "monitoring.poll_page",
            partnership_id=partnership_id,
            indicator_id=indicator_id,
            poll_id=poll_id,
        )
    )
