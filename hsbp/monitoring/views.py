"""Monitoring pages: the partnership's indicators with their progress, adding one, and an
indicator's page with its values, their history and the form to report a value. Other
modules (pulses, importing) add their routes to `bp`."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date, format_percent, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_pgettext as _p
from flask_login import current_user
from sqlalchemy import select

from hsbp import db
from hsbp.actions import checks, uploads
from hsbp.errors import ServiceError, apply_error
from hsbp.i18n import missing_languages
from hsbp.monitoring import charter_indicators, charts, from_consultation, parts, queries, services
from hsbp.monitoring.display import amount, local_text
from hsbp.monitoring.forms import (
    DIRECTION_LABELS,
    DISAGGREGATION_LABELS,
    FREQUENCY_LABELS,
    KIND_LABELS,
    FilterForm,
    ValueForm,
    indicator_form,
    link_form,
)
from hsbp.monitoring.models import Indicator, Kind, Measurement, Method
from hsbp.monitoring.progress import Track
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.services import list_partners
from hsbp.security import Role
from hsbp.views import render_form

bp = Blueprint("monitoring", __name__)

TRACK_LABELS = {
    Track.ON: _p("indicator track", "On track"),
    Track.AT_RISK: _p("indicator track", "At risk"),
    Track.OFF: _p("indicator track", "Off track"),
    Track.UNKNOWN: _p("indicator track", "No value yet"),
}
METHOD_LABELS = {
    Method.WEB: _p("how a value was reported", "On the web"),
    Method.IMPORT: _p("how a value was reported", "Imported"),
    Method.CONSULTATION: _p("how a value was reported", "From a consultation"),
    Method.SMS: _p("how a value was reported", "By SMS"),
}


def share(value) -> str:
    return "" if value is None else format_percent(value)


def chart_of(standing: queries.Standing, chart_id: str, compact: bool = False):
    name = local_text(standing.indicator.name)
    return charts.indicator_chart(standing, name=name, chart_id=chart_id, compact=compact)


@bp.context_processor
def _monitoring_helpers():
    return {
        "local_text": local_text,
        "missing_languages": missing_languages,
        "amount": amount,
        "share": share,
        "format_date": format_date,
        "chart_of": chart_of,
        "TRACK_LABELS": TRACK_LABELS,
        "METHOD_LABELS": METHOD_LABELS,
        "KIND_LABELS": KIND_LABELS,
        "DIRECTION_LABELS": DIRECTION_LABELS,
        "FREQUENCY_LABELS": FREQUENCY_LABELS,
        "DISAGGREGATION_LABELS": DISAGGREGATION_LABELS,
    }


def _goal_titles(session) -> dict[str, str]:
    goals = checks.goals(session, partnership_id=g.partnership.id)
    return {key: local_text(title) for key, title in goals.items()}


def may_report(membership, indicator: Indicator) -> bool:
    """Facilitators, and the representatives of the partner responsible for reporting."""
    role = Role(membership.role)
    if role == Role.FACILITATOR:
        return True
    return (
        role == Role.REPRESENTATIVE
        and indicator.partner_id is not None
        and membership.partner_id == indicator.partner_id
    )


@bp.get("/p/<int:partnership_id>/monitoring")
@partnership_guard()
def index(partnership_id: int):
    session = db.session()
    form = FilterForm(request.args)
    standings = queries.standings(session, partnership_id=partnership_id)
    if form.off_track.data:
        standings = [s for s in standings if s.progress.track == Track.OFF]
    goals = _goal_titles(session)
    groups: dict[str, list] = {}
    for standing in standings:
        groups.setdefault(standing.indicator.goal_key or "", []).append(standing)
    # Goals in the charter's order, then indicators of no (or a since removed) goal.
    ordered = [(k, goals[k], groups[k]) for k in goals if k in groups]
    ordered += [(k, goals.get(k) or "", rows) for k, rows in groups.items() if k not in goals]
    return render_template(
        "monitoring/index.html",
        form=form,
        groups=ordered,
        filtered=bool(form.off_track.data),
        can_create=Role(g.membership.role) == Role.FACILITATOR,
        retired={
            indicator_id
            for indicator_id, link in charter_indicators.links(
                session, partnership_id=partnership_id
            ).items()
            if link.retired_at is not None
        },
        endorsed=charter_indicators.indicators_endorsed(session, partnership_id=partnership_id),
    )


@bp.route("/p/<int:partnership_id>/monitoring/new", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def new(partnership_id: int):
    session = db.session()
    form = indicator_form(
        partnership=g.partnership,
        goals=_goal_titles(session),
        partners=[p for p in list_partners(session, partnership_id=partnership_id) if p.is_current],
    )
    if form.validate_on_submit():
        try:
            outcome = charter_indicators.add_indicator(
                session, actor=current_user, partnership=g.partnership, fields=form.service_fields()
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            return after_change(outcome, _("The indicator is added."))
    return render_form(
        "monitoring/form.html",
        form,
        form=form,
        governed=charter_indicators.indicators_endorsed(session, partnership_id=partnership_id),
    )


def after_change(outcome: charter_indicators.Outcome, done: str):
    """Where a change of the indicator set leads: the indicator, or the charter's draft
    that now holds the amendment."""
    pid = g.partnership.id
    if outcome.amendment:
        message = _(
            "The change is in draft version %(number)d of the charter: it takes effect once "
            "the partners adopt it.",
            number=outcome.draft.number,
        )
        flash(message, "success")
        return redirect(url_for("principles.edit", partnership_id=pid, number=outcome.draft.number))
    flash(done, "success")
    return redirect(
        url_for("monitoring.detail", partnership_id=pid, indicator_id=outcome.indicator.id)
    )


def indicator_or_404(indicator_id: int) -> Indicator:
    found = db.session().scalar(
        select(Indicator).where(
            Indicator.id == indicator_id, Indicator.partnership_id == g.partnership.id
        )
    )
    return found or abort(404)


def _detail(indicator: Indicator, form: ValueForm | None):
    session = db.session()
    values = queries.in_force(
        session, partnership_id=indicator.partnership_id, indicator_ids=[indicator.id]
    )
    standing = queries.standing_of(indicator, values.get(indicator.id, []))
    history = queries.history(session, indicator=indicator)
    allowed = may_report(g.membership, indicator)
    retired = services.is_retired(session, indicator=indicator)
    reader = {"locale": str(get_locale()), "fallback": g.partnership.default_locale}
    part_options = parts.options(session, indicator=indicator, **reader)
    if form is not None:
        form.breakdown.choices = part_options
    linkable = Role(g.membership.role) == Role.FACILITATOR and indicator.kind == Kind.PERCENTAGE
    options = linkable and from_consultation.link_options(
        session, partnership_id=indicator.partnership_id, **reader
    )
    return render_form(
        "monitoring/detail.html",
        *([form] if form is not None else []),
        indicator=indicator,
        standing=standing,
        history=history,
        by_part=parts.by_part(history),
        part_labels=dict(part_options),
        goal=_goal_titles(session).get(indicator.goal_key, ""),
        form=form if allowed and not retired else None,
        link_form=link_form(indicator, options) if linkable else None,
        retired=retired,
        amendment=charter_indicators.amendment_of(session, indicator=indicator),
        can_edit=Role(g.membership.role) == Role.FACILITATOR and not retired,
    )


@bp.get("/p/<int:partnership_id>/monitoring/<int:indicator_id>")
@partnership_guard()
def detail(partnership_id: int, indicator_id: int):
    indicator = indicator_or_404(indicator_id)
    return _detail(indicator, ValueForm(formdata=None))


def _upload(upload) -> tuple[str, object] | None:
    return (upload.filename or "", upload.stream) if upload and upload.filename else None


@bp.post("/p/<int:partnership_id>/monitoring/<int:indicator_id>/values")
@partnership_guard(Role.REPRESENTATIVE)
def report(partnership_id: int, indicator_id: int):
    indicator = indicator_or_404(indicator_id)
    if not may_report(g.membership, indicator):
        abort(403)
    form = ValueForm()
    if form.validate_on_submit():
        try:
            services.record_value(
                db.session(),
                actor=current_user,
                indicator=indicator,
                period_on=form.period_on.data,
                value=form.value.data,
                note=form.note.data or "",
                method=Method.WEB,
                correction=bool(form.correction.data),
                breakdown=form.breakdown.data or "",
                evidence_url=form.evidence_url.data or "",
                evidence=_upload(form.evidence_file.data),
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(_("The value is recorded."), "success")
            return redirect(
                url_for(
                    "monitoring.detail", partnership_id=partnership_id, indicator_id=indicator_id
                )
            )
    return _detail(indicator, form)


@bp.get(
    "/p/<int:partnership_id>/monitoring/<int:indicator_id>/values/<int:measurement_id>/evidence"
)
@partnership_guard()
def evidence_file(partnership_id: int, indicator_id: int, measurement_id: int):
    row = db.session().scalar(
        select(Measurement).where(
            Measurement.id == measurement_id,
            Measurement.indicator_id == indicator_id,
            Measurement.partnership_id == partnership_id,
        )
    )
    if row is None or not row.evidence_stored:
        abort(404)
    return uploads.download_response(
        partnership_id=partnership_id,
        stored_name=row.evidence_stored,
        filename=row.evidence_filename or f"evidence-{row.id}",
        content_type=row.evidence_type,
        etag=row.evidence_sha256,
        last_modified=row.reported_at,
        fallback=f"evidence-{row.id}",
    )
