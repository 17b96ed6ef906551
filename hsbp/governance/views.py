"""Shared governance pages that read several features at once: a partner's departure and
the hand-over of its work (issue 16, item 6)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db
from hsbp.errors import ServiceError, apply_to_form
from hsbp.governance import departures, handover
from hsbp.governance.handover_forms import (
    WORK_ROLE_LABELS,
    DepartureForm,
    HandoverForm,
    SettleForm,
)
from hsbp.i18n import translated
from hsbp.partnerships import services as partnership_services
from hsbp.partnerships.entry_models import DepartureStatus
from hsbp.partnerships.forms import ConfirmForm
from hsbp.partnerships.guard import partnership_guard
from hsbp.security import Role
from hsbp.views import render_form

bp = Blueprint("governance", __name__)


@bp.route("/p/<int:partnership_id>/partners/<int:partner_id>/leave", methods=["GET", "POST"])
@partnership_guard(Role.REPRESENTATIVE)
def announce_departure(partnership_id: int, partner_id: int):
    session = db.session()
    partner = partnership_services.get_partner(
        session, partnership_id=partnership_id, partner_id=partner_id
    )
    if partner is None or not departures.may_announce(g.membership, partner):
        abort(404)
    form = DepartureForm()
    if form.validate_on_submit():
        try:
            departure = departures.announce(
                session,
                actor=current_user,
                membership=g.membership,
                partnership=g.partnership,
                partner_id=partner.id,
                leaving_on=form.leaving_on.data,
                reason=form.reason.data or "",
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            if departure.status == DepartureStatus.COMPLETED:
                flash(
                    _(
                        "Nothing was left in its name: %(partner)s leaves on %(date)s.",
                        partner=partner.name,
                        date=format_date(departure.leaving_on),
                    ),
                    "success",
                )
            else:
                flash(_("The departure is announced: hand over its work now."), "success")
            return redirect(_departure_url(departure))
    return render_form("governance/departure_form.html", form, form=form, partner=partner)


def _departure_url(departure) -> str:
    return url_for(
        "governance.departure",
        partnership_id=departure.partnership_id,
        departure_id=departure.id,
    )


def _departure_or_404(partnership_id: int, departure_id: int):
    departure = departures.get_departure(
        db.session(), partnership_id=partnership_id, departure_id=departure_id
    )
    if departure is None:
        abort(404)
    return departure


def _departure_page(departure, failed: dict | None = None):
    """The hand-over page; `failed` is {"item": (kind, item), "form": form} or
    {"settle": form}, the form refused and shown again with its messages."""
    session = db.session()
    failed = failed or {}
    open_ = departure.status == DepartureStatus.OPEN
    work = handover.work_of(session, departure=departure) if open_ else []
    partners = handover.receivers(session, departure=departure) if open_ else []
    forms = {}
    for w in work:
        if not handover.may_hand_over(g.membership, departure, w.kind):
            continue
        if failed.get("item") == (w.kind, w.item):
            form = failed["form"]
        else:
            form = HandoverForm(formdata=None, kind=w.kind, item=w.item)
        form.set_partners(partners)
        forms[(w.kind, w.item)] = form
    # A refused hand-over of an item no longer listed (or not this member's to hand over)
    # shows its message at the top.
    stray = failed.get("form") if failed.get("item") and failed["item"] not in forms else None
    settle = failed.get("settle") or SettleForm(formdata=None)
    shown = [f for f in (failed.get("form"), failed.get("settle")) if f is not None]
    return render_form(
        "governance/departure.html",
        *shown,
        departure=departure,
        work=work,
        forms=forms,
        handed=handover.handovers_of(session, departure=departure),
        title=lambda w: (
            translated(w.title, locale=str(get_locale()), fallback=g.partnership.default_locale)
            if isinstance(w.title, dict)
            else w.title
        ),
        ROLE_LABELS=WORK_ROLE_LABELS,
        facilitator=g.membership.role == Role.FACILITATOR,
        settle=settle,
        stray=stray,
        confirm=failed.get("confirm") or ConfirmForm(formdata=None),
        may_cancel=open_ and departures.may_announce(g.membership, departure.partner),
    )


@bp.get("/p/<int:partnership_id>/departures/<int:departure_id>")
@partnership_guard()
def departure(partnership_id: int, departure_id: int):
    return _departure_page(_departure_or_404(partnership_id, departure_id))


@bp.post("/p/<int:partnership_id>/departures/<int:departure_id>/handover")
@partnership_guard(Role.REPRESENTATIVE)
def hand_over(partnership_id: int, departure_id: int):
    departure = _departure_or_404(partnership_id, departure_id)
    form = HandoverForm()
    if form.validate_on_submit():
        try:
            departures.hand_over(
                db.session(),
                actor=current_user,
                membership=g.membership,
                departure=departure,
                kind=form.kind.data or "",
                item=form.item.data or "",
                to_partner_id=form.to_partner_id.data,
                note=form.note.data or "",
            )
        except ServiceError as error:
            if error.field != "to_partner_id":
                error.field = None
            apply_to_form(form, error)
        else:
            if departure.status == DepartureStatus.COMPLETED:
                flash(
                    _(
                        "Everything is handed over: %(partner)s leaves on %(date)s.",
                        partner=departure.partner.name,
                        date=format_date(departure.leaving_on),
                    ),
                    "success",
                )
            else:
                flash(_("Handed over."), "success")
            return redirect(_departure_url(departure))
    return _departure_page(departure, {"item": (form.kind.data, form.item.data), "form": form})


@bp.post("/p/<int:partnership_id>/departures/<int:departure_id>/settle")
@partnership_guard(Role.FACILITATOR)
def settle_departure(partnership_id: int, departure_id: int):
    departure = _departure_or_404(partnership_id, departure_id)
    form = SettleForm()
    if form.validate_on_submit():
        try:
            departures.settle(
                db.session(),
                actor=current_user,
                membership=g.membership,
                departure=departure,
                reason=form.reason.data or "",
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(
                _(
                    "%(partner)s leaves the partnership on %(date)s.",
                    partner=departure.partner.name,
                    date=format_date(departure.leaving_on),
                ),
                "success",
            )
            return redirect(_departure_url(departure))
    return _departure_page(departure, {"settle": form})


@bp.post("/p/<int:partnership_id>/departures/<int:departure_id>/cancel")
@partnership_guard(Role.REPRESENTATIVE)
def cancel_departure(partnership_id: int, departure_id: int):
    departure = _departure_or_404(partnership_id, departure_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            departures.cancel(
                db.session(), actor=current_user, membership=g.membership, departure=departure
            )
        except ServiceError as error:
            form.form_errors.append(error.message)
        else:
            flash(
                _("The departure is cancelled: %(partner)s stays.", partner=departure.partner.name),
                "success",
            )
            return redirect(url_for("partnerships.partners", partnership_id=partnership_id))
    return _departure_page(departure, {"confirm": form, "form": form})


@bp.get("/p/<int:partnership_id>/departures")
@partnership_guard()
def departure_list(partnership_id: int):
    rows = departures.list_departures(db.session(), partnership_id=partnership_id)
    return render_template("governance/departures.html", departures=rows)
