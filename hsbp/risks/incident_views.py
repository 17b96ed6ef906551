"""The incident pages: the list, an incident and its handling, recording one heard in person,
and the tension view by place and month.

Those who read incidents (facilitators, and representatives of the partners the charter
names: hsbp.risks.incidents.may_read) see the list and each incident's words; everyone else
is sent to the tension view, and an incident's page answers them 404, as for one that does
not exist. No page shows who sent an incident by SMS: a named one says it came from a joined
contact, an anonymous one only its day.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from hsbp import db
from hsbp.actions.checks import known_localities
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError, apply_to_form
from hsbp.i18n import translated
from hsbp.partnerships.guard import partnership_guard
from hsbp.risks import incidents, links, permissions, tension
from hsbp.risks.incident_forms import (
    CHANNEL_LABELS,
    STATUS_LABELS,
    AttachForm,
    FilterForm,
    LocalityForm,
    RecordForm,
)
from hsbp.risks.incident_models import Incident, IncidentStatus
from hsbp.risks.incident_texts import shown
from hsbp.risks.models import LinkKind, Risk
from hsbp.risks.views import bp
from hsbp.security import Role
from hsbp.views import page_number, render_form


@bp.context_processor
def _incident_helpers():
    return {
        "INCIDENT_STATUS_LABELS": STATUS_LABELS,
        "INCIDENT_CHANNEL_LABELS": CHANNEL_LABELS,
        "incident_number": shown,
    }


def _reads() -> bool:
    return incidents.may_read(db.session(), g.membership)


def _incident_or_404(incident_id: int) -> Incident:
    """The incident, for those who read incidents here; 404 for anyone else, as for an
    incident that does not exist: ids reveal nothing."""
    if not _reads():
        abort(404)
    found = incidents.incident_in(
        db.session(), partnership_id=g.partnership.id, incident_id=incident_id
    )
    if found is None:
        abort(404)
    return found


def _places(session, partnership_id: int) -> list[str]:
    """The places a form offers: those the partnership knows and those incidents name."""
    known = known_localities(session, partnership_id=partnership_id)
    seen = {place.casefold() for place in known}
    more = [
        p
        for p in incidents.localities(session, partnership_id=partnership_id)
        if p and p.casefold() not in seen
    ]
    return sorted([*known, *more], key=str.casefold)


@bp.get("/p/<int:partnership_id>/incidents", endpoint="incidents")
@partnership_guard(Role.OBSERVER)
def incidents_list(partnership_id: int):
    if not _reads():
        return redirect(url_for("risks.tension", partnership_id=partnership_id))
    session = db.session()
    form = FilterForm(
        request.args, localities=incidents.localities(session, partnership_id=partnership_id)
    )
    status, place = form.chosen()
    page = page_number()
    rows, total = incidents.incidents_page(
        session, partnership_id=partnership_id, status=status, locality=place, page=page
    )
    args = {k: v for k, v in request.args.items() if k in ("status", "locality") and v}
    return render_template(
        "risks/incidents.html",
        form=form,
        rows=rows,
        total=total,
        page=page,
        per_page=incidents.PER_PAGE,
        args=args,
        zone=g.partnership.zone,
    )


@bp.route("/p/<int:partnership_id>/incidents/new", methods=["GET", "POST"])
@partnership_guard(Role.OBSERVER)
def incident_new(partnership_id: int):
    if not _reads():
        abort(404)
    session = db.session()
    form = RecordForm()
    if form.validate_on_submit():
        try:
            incident = incidents.record(
                session,
                actor=current_user,
                partnership=g.partnership,
                description=form.description.data,
                locality=form.locality.data,
                anonymous=form.anonymous.data,
                locale=str(get_locale()),
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("Incident %(number)s is recorded.", number=shown(incident.number)), "success")
            return redirect(
                url_for("risks.incident", partnership_id=partnership_id, incident_id=incident.id)
            )
    return render_form(
        "risks/incident_new.html", form, form=form, places=_places(session, partnership_id)
    )


def _page(incident: Incident, *, locality_form=None, attach_form=None):
    session = db.session()
    membership = g.membership
    linked = links.risks_linked_to(
        session,
        partnership_id=incident.partnership_id,
        kind=LinkKind.INCIDENT,
        target_ids=[incident.id],
    )[incident.id]
    readable = set()
    if linked:
        readable = set(
            session.scalars(
                select(Risk.id).where(
                    Risk.id.in_([r.id for r in linked]),
                    permissions.visible_clause(session, membership),
                )
            )
        )
    recorder = (
        session.get(User, incident.recorded_by_id)
        if incident.recorded_by_id and not incident.anonymous
        else None
    )
    raise_url = None
    if permissions.can_record_risk(membership):
        raise_url = url_for(
            "risks.new",
            partnership_id=incident.partnership_id,
            source=f"incident:{incident.number}",
        )
    locale, fallback = str(get_locale()), g.partnership.default_locale
    return render_form(
        "risks/incident.html",
        *(f for f in (locality_form, attach_form) if f is not None),
        incident=incident,
        day=incidents.local_day(incident.received_at, incident.anonymous, g.partnership.zone),
        recorder=recorder,
        linked=[
            (risk, translated(risk.title, locale=locale, fallback=fallback))
            for risk in linked
            if risk.id in readable
        ],
        hidden_links=sum(1 for risk in linked if risk.id not in readable),
        locality_form=locality_form or LocalityForm(locality=incident.locality),
        attach_form=attach_form or AttachForm(),
        places=_places(session, incident.partnership_id),
        raise_url=raise_url,
        is_open=incident.status != IncidentStatus.CLOSED,
    )


@bp.get("/p/<int:partnership_id>/incidents/<int:incident_id>")
@partnership_guard(Role.OBSERVER)
def incident(partnership_id: int, incident_id: int):
    return _page(_incident_or_404(incident_id))


@bp.post("/p/<int:partnership_id>/incidents/<int:incident_id>/status")
@partnership_guard(Role.OBSERVER)
def incident_status(partnership_id: int, incident_id: int):
    found = _incident_or_404(incident_id)
    change = {"acknowledge": incidents.acknowledge, "close": incidents.close}.get(
        request.form.get("to", "")
    )
    if change is None:
        abort(400)
    try:
        change(db.session(), actor=current_user, incident=found)
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_("The incident's status is saved."), "success")
    return redirect(url_for("risks.incident", partnership_id=partnership_id, incident_id=found.id))


@bp.post("/p/<int:partnership_id>/incidents/<int:incident_id>/locality")
@partnership_guard(Role.OBSERVER)
def incident_locality(partnership_id: int, incident_id: int):
    found = _incident_or_404(incident_id)
    form = LocalityForm()
    if form.validate_on_submit():
        try:
            incidents.set_locality(
                db.session(), actor=current_user, incident=found, locality=form.locality.data
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("The incident's place is saved."), "success")
            return redirect(
                url_for("risks.incident", partnership_id=partnership_id, incident_id=found.id)
            )
    return _page(found, locality_form=form)


@bp.post("/p/<int:partnership_id>/incidents/<int:incident_id>/attach")
@partnership_guard(Role.OBSERVER)
def incident_attach(partnership_id: int, incident_id: int):
    found = _incident_or_404(incident_id)
    form = AttachForm()
    if form.validate_on_submit():
        try:
            risk = incidents.attach_to_risk(
                db.session(),
                actor=current_user,
                membership=g.membership,
                incident=found,
                typed=form.risk.data,
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(
                _("The incident is attached to risk R-%(number)s.", number=risk.number), "success"
            )
            return redirect(
                url_for("risks.incident", partnership_id=partnership_id, incident_id=found.id)
            )
    return _page(found, attach_form=form)


@bp.get("/p/<int:partnership_id>/incidents/tension", endpoint="tension")
@partnership_guard(Role.OBSERVER)
def tension_view(partnership_id: int):
    exact = _reads()
    view = tension.tension(db.session(), partnership=g.partnership, exact=exact, now=utcnow())
    return render_template("risks/tension.html", view=view, reads=exact)
