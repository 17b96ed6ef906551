"""Pages of the partnership-health pulses: the rounds, opening one, the answer form and the
results with the gaps between constituencies."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import select
from wtforms import BooleanField, DateField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from hsbp import db
from hsbp.chart_svg import bar_chart
from hsbp.errors import ServiceError, apply_to_form
from hsbp.i18n import is_rtl
from hsbp.monitoring import pulses, sms_pulses
from hsbp.monitoring.display import local_text
from hsbp.monitoring.pulse_models import COMMUNITY, DIMENSIONS, SCORE_MAX, PulseRound
from hsbp.monitoring.views import bp
from hsbp.partnerships.forms import SECTOR_LABELS
from hsbp.partnerships.guard import partnership_guard
from hsbp.principles.labels import PRINCIPLE_LABELS
from hsbp.security import Role
from hsbp.views import render_form

DIMENSION_LABELS = {
    **PRINCIPLE_LABELS,
    "mutual_trust": _l("Trust between partners"),
    "equity": _l("Equity"),
    "inclusivity": _p("partnership health dimension", "Inclusivity"),
}
CONSTITUENCY_LABELS = {
    **SECTOR_LABELS,
    COMMUNITY: _l("Community (by SMS)"),
    pulses.POOLED: _l("Other constituencies (pooled)"),
}
SCORES = [(str(n), str(n)) for n in range(1, SCORE_MAX + 1)]


@bp.context_processor
def _pulse_helpers():
    return {
        "DIMENSION_LABELS": DIMENSION_LABELS,
        "CONSTITUENCY_LABELS": CONSTITUENCY_LABELS,
        "pulse_title": local_text,
        "score": lambda value: format_decimal(value, format="0.0"),
        "closing_day": closing_day,
    }


def closing_day(pulse_round: PulseRound):
    """The last day a round is open, where the partnership is (it closes at the next midnight)."""
    local = pulse_round.closes_at.astimezone(ZoneInfo(g.partnership.timezone))
    return (local - timedelta(microseconds=1)).date()


def round_or_404(round_id: int) -> PulseRound:
    found = db.session().scalar(
        select(PulseRound).where(
            PulseRound.id == round_id, PulseRound.partnership_id == g.partnership.id
        )
    )
    return found or abort(404)


def open_form(partnership):
    class OpenForm(FlaskForm):
        closes_on = DateField(_l("Closes on"), validators=[InputRequired()])
        include_sms = BooleanField(_l("Also ask community contacts by SMS"))

    for locale in partnership.locales or [partnership.default_locale]:
        required = locale == partnership.default_locale
        setattr(
            OpenForm,
            f"title_{locale}",
            StringField(
                _l("Title (%(language)s)", language=locale),
                validators=[
                    InputRequired() if required else Optional(),
                    Length(max=pulses.TITLE_MAX),
                ],
            ),
        )
    return OpenForm()


def answer_form():
    class AnswerForm(FlaskForm):
        comment = TextAreaField(
            _l("Comment (optional)"), validators=[Optional(), Length(max=pulses.COMMENT_MAX)]
        )

    for dimension in DIMENSIONS:
        setattr(
            AnswerForm,
            dimension,
            RadioField(DIMENSION_LABELS[dimension], choices=SCORES, validators=[InputRequired()]),
        )
    return AnswerForm()


def _list_page(form, status=200):
    session = db.session()
    points = pulses.trends(session, partnership_id=g.partnership.id)
    answered = pulses.answered_rounds(session, partnership_id=g.partnership.id, user=current_user)
    page = render_template(
        "monitoring/pulses.html",
        points=list(reversed(points)),
        answered=answered,
        may_answer=pulses.constituency_of(
            session, partnership_id=g.partnership.id, user=current_user
        )
        is not None,
        is_open=pulses.is_open,
        sms_counts=sms_pulses.counts(session, round_ids=[p.pulse_round.id for p in points]),
        form=form,
        dimensions=DIMENSIONS,
    )
    return page, status


@bp.get("/p/<int:partnership_id>/pulses")
@partnership_guard()
def pulses_index(partnership_id: int):
    form = open_form(g.partnership) if g.membership.role == Role.FACILITATOR else None
    return _list_page(form)


@bp.post("/p/<int:partnership_id>/pulses")
@partnership_guard(Role.FACILITATOR)
def pulses_open(partnership_id: int):
    form = open_form(g.partnership)
    if form.validate_on_submit():
        zone = ZoneInfo(g.partnership.timezone)
        # Open until the end of the chosen day where the partnership is.
        closes_at = datetime.combine(form.closes_on.data + timedelta(days=1), time(), zone)
        title = {
            locale: getattr(form, f"title_{locale}").data or ""
            for locale in g.partnership.locales or [g.partnership.default_locale]
        }
        try:
            pulses.open_round(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                fields={
                    "title": title,
                    "closes_at": closes_at,
                    "include_sms": form.include_sms.data,
                },
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("The pulse round is open."), "success")
            return redirect(url_for("monitoring.pulses_index", partnership_id=partnership_id))
    return _list_page(form, 422)


@bp.post("/p/<int:partnership_id>/pulses/<int:round_id>/close")
@partnership_guard(Role.FACILITATOR)
def pulse_close(partnership_id: int, round_id: int):
    pulses.close_round(db.session(), round_or_404(round_id), actor=current_user)
    flash(_("The pulse round is closed."), "success")
    return redirect(url_for("monitoring.pulses_index", partnership_id=partnership_id))


@bp.route("/p/<int:partnership_id>/pulses/<int:round_id>/answer", methods=["GET", "POST"])
@partnership_guard()
def pulse_answer(partnership_id: int, round_id: int):
    pulse_round = round_or_404(round_id)
    form = answer_form()
    if form.validate_on_submit():
        try:
            pulses.record_scores(
                db.session(),
                pulse_round,
                current_user,
                {d: getattr(form, d).data for d in DIMENSIONS},
                form.comment.data,
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("Thank you: your scores are recorded."), "success")
            return redirect(url_for("monitoring.pulses_index", partnership_id=partnership_id))
    return render_form(
        "monitoring/pulse_answer.html",
        form,
        form=form,
        pulse_round=pulse_round,
        dimensions=DIMENSIONS,
        is_open=pulses.is_open(pulse_round),
    )


def score_bars(groups, dimension: str, *, chart_id: str) -> Markup:
    """Horizontal bars, one per constituency shown, on a fixed scale of 0 to 5, laid out for
    the reader's language."""
    rows = [
        (str(CONSTITUENCY_LABELS.get(g.constituency, g.constituency)), g.means[dimension])
        for g in groups
        if dimension in g.means
    ]
    summary = "; ".join(f"{label}: {format_decimal(mean, format='0.0')}" for label, mean in rows)
    return bar_chart(
        [
            (label, float(mean) / SCORE_MAX, format_decimal(mean, format="0.0"))
            for label, mean in rows
        ],
        chart_id=chart_id,
        title=str(DIMENSION_LABELS[dimension]),
        summary=summary,
        rtl=is_rtl(),
    )


@bp.get("/p/<int:partnership_id>/pulses/<int:round_id>/results")
@partnership_guard()
def pulse_results(partnership_id: int, round_id: int):
    pulse_round = round_or_404(round_id)
    found = pulses.results(db.session(), pulse_round)
    charts = {
        d: score_bars(found.groups, d, chart_id=f"pulse-{d}")
        for d in DIMENSIONS
        if len(found.groups) > 0
    }
    return render_template(
        "monitoring/pulse_results.html",
        pulse_round=pulse_round,
        results=found,
        charts=charts,
        dimensions=DIMENSIONS,
        gaps={gap.dimension: gap for gap in found.gaps},
        min_group=pulses.MIN_GROUP,
        show=request.args.get("show"),
    )
