"""The consent pages: a contact's or a participant's consent to each purpose, the form that
records an answer, and its history. Facilitators only, who keep consent: a representative
has no need to know who agreed to what."""

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db
from hsbp.consent import queries, services
from hsbp.consent.forms import ConsentForm
from hsbp.consent.models import Consent
from hsbp.errors import ServiceError, apply_to_form
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.identities import sees_identities
from hsbp.security import Role
from hsbp.sms.admin_forms import CONTACT_STATE_LABELS
from hsbp.sms.models import MembershipStatus
from hsbp.views import render_form

bp = Blueprint("consent", __name__)


@bp.route("/p/<int:partnership_id>/consent/contact/<int:contact_id>", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def contact(partnership_id: int, contact_id: int):
    session = db.session()
    found = queries.contact_in(session, partnership_id=partnership_id, contact_id=contact_id)
    if found is None:
        abort(404)
    form = _form()
    if form.validate_on_submit():
        saved = _record(form, contact=found.contact)
        if saved:
            return redirect(request.path)
    member = found.membership
    state = member.status
    if member.status == MembershipStatus.CONFIRMED:
        state = "stopped" if found.contact.opted_out else "confirmed"
    rows = queries.summary(session, partnership_id=partnership_id, contact_id=contact_id)
    phone = found.phone(masked=not sees_identities(g.membership))
    return _page(
        form,
        rows,
        contact=found,
        who=_("SMS contact %(phone)s", phone=phone) if phone else _("An erased SMS contact"),
        contact_state=CONTACT_STATE_LABELS.get(state, state),
        confirmed=state == "confirmed",
        erased=found.contact.erased_at is not None,
    )


@bp.route(
    "/p/<int:partnership_id>/consent/participant/<int:participant_id>", methods=["GET", "POST"]
)
@partnership_guard(Role.FACILITATOR)
def participant(partnership_id: int, participant_id: int):
    session = db.session()
    found = queries.participant_in(
        session, partnership_id=partnership_id, participant_id=participant_id
    )
    if found is None:
        abort(404)
    form = _form()
    if form.validate_on_submit():
        saved = _record(form, participant=found)
        if saved:
            return redirect(request.path)
    rows = queries.summary(session, partnership_id=partnership_id, participant_id=participant_id)
    return _page(
        form,
        rows,
        participant=found,
        who=found.display_name,
        erased=found.erased_at is not None,
    )


@bp.get("/p/<int:partnership_id>/consent/<int:consent_id>")
@partnership_guard(Role.FACILITATOR)
def open_consent(partnership_id: int, consent_id: int):
    """The page of the person a consent belongs to (where the activity log links to)."""
    found = db.session().get(Consent, consent_id)
    if found is None or found.partnership_id != partnership_id:
        abort(404)
    if found.contact_id is not None:
        return redirect(
            url_for("consent.contact", partnership_id=partnership_id, contact_id=found.contact_id)
        )
    return redirect(
        url_for(
            "consent.participant",
            partnership_id=partnership_id,
            participant_id=found.participant_id,
        )
    )


def _form() -> ConsentForm:
    form = ConsentForm()
    if request.method == "GET":
        form.given_on.data = services.today_in(g.partnership)
        if request.args.get("purpose") in dict(form.purpose.choices):
            form.purpose.data = request.args["purpose"]
    return form


def _record(form: ConsentForm, **person) -> bool:
    """Record the form's answer; True when saved (flashed), False with the refusal shown."""
    try:
        services.record(
            db.session(),
            actor=current_user,
            partnership=g.partnership,
            purpose=form.purpose.data,
            granted=form.granted,
            channel=form.channel.data,
            given_on=form.given_on.data,
            expires_on=form.expires_on.data,
            **person,
        )
    except ServiceError as error:
        apply_to_form(form, error)
        return False
    flash(_("The answer is recorded."), "success")
    return True


def _page(form: ConsentForm, rows, **context):
    return render_form(
        "consent/person.html",
        form,
        form=form,
        rows=rows,
        changes=queries.history(db.session(), partnership_id=g.partnership.id, rows=rows),
        **context,
    )
