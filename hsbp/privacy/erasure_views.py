"""Privacy pages: erasing a contact, a participant or a complainant, and what was erased.

Lead facilitators only (a co-facilitator from the community side sees no identities, so
erases none), after proving it is them again; anyone else gets the guard's 404. The page
shows how many rows of each kind would go and nothing of their content, and never tells
whether the number also belongs to another partnership."""

from flask import abort, g, redirect, render_template, url_for
from flask_login import current_user

from hsbp import db
from hsbp.auth.reauth import fresh_auth_required
from hsbp.grievances.models import Grievance
from hsbp.mapping.models import Participant
from hsbp.partnerships.guard import partnership_guard
from hsbp.privacy import erasure, erasure_record
from hsbp.privacy.forms import GROUND_LABELS, EraseForm, EraseParticipantForm, removed_rows
from hsbp.privacy.models import SubjectKind
from hsbp.privacy.views import bp
from hsbp.security import Role
from hsbp.sms.admin_common import display_phone
from hsbp.views import render_form

LEAD = {"lead": True}


def _page(kind: str, subject: str, plan: erasure.Plan, form):
    return render_form(
        "privacy/erase.html",
        form,
        kind=kind,
        subject=subject,
        rows=removed_rows(plan.counts),
        contact_rows=removed_rows(plan.with_contacts),
        form=form,
        erased_on=plan.erased_on,
    )


def _done(erasure_row):
    return redirect(
        url_for("privacy.erasure_done", partnership_id=g.partnership.id, erasure_id=erasure_row.id)
    )


@bp.route("/p/<int:partnership_id>/privacy/erase/contact/<int:contact_id>", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR, **LEAD)
@fresh_auth_required
def erase_contact(partnership_id: int, contact_id: int):
    session = db.session()
    contact = erasure.contact_of(session, partnership_id=partnership_id, contact_id=contact_id)
    if contact is None:
        abort(404)
    plan = erasure.contact_plan(session, partnership=g.partnership, contact=contact)
    # Its last digits: enough to tell it is the number meant, no more than the lists show.
    subject = display_phone(contact.phone, hidden=True)
    form = EraseForm()
    if plan.erased_on is None and form.validate_on_submit():
        done = erasure.erase_contact(
            session,
            actor=current_user,
            partnership=g.partnership,
            contact=contact,
            grounds=form.grounds.data,
        )
        return _done(done)
    return _page(SubjectKind.CONTACT, subject, plan, form)


@bp.route(
    "/p/<int:partnership_id>/privacy/erase/participant/<int:participant_id>",
    methods=["GET", "POST"],
)
@partnership_guard(Role.FACILITATOR, **LEAD)
@fresh_auth_required
def erase_participant(partnership_id: int, participant_id: int):
    session = db.session()
    participant = session.get(Participant, participant_id)
    if participant is None or participant.partnership_id != partnership_id:
        abort(404)
    plan = erasure.participant_plan(session, partnership=g.partnership, participant=participant)
    form = EraseParticipantForm()
    if plan.erased_on is None and form.validate_on_submit():
        done = erasure.erase_participant(
            session,
            actor=current_user,
            partnership=g.partnership,
            participant=participant,
            grounds=form.grounds.data,
            with_contacts=bool(form.with_contacts.data),
        )
        return _done(done)
    if plan.erased_on is None and not plan.with_contacts:
        del form.with_contacts  # no contact is linked: nothing to tick
    return _page(SubjectKind.PARTICIPANT, participant.display_name, plan, form)


@bp.route(
    "/p/<int:partnership_id>/privacy/erase/complainant/<int:grievance_id>",
    methods=["GET", "POST"],
)
@partnership_guard(Role.FACILITATOR, **LEAD)
@fresh_auth_required
def erase_complainant(partnership_id: int, grievance_id: int):
    session = db.session()
    grievance = session.get(Grievance, grievance_id)
    if grievance is None or grievance.partnership_id != partnership_id:
        abort(404)
    plan = erasure.complainant_plan(session, grievance=grievance)
    form = EraseForm()
    if plan.erased_on is None and form.validate_on_submit():
        done = erasure.erase_complainant(
            session,
            actor=current_user,
            partnership=g.partnership,
            grievance=grievance,
            grounds=form.grounds.data,
        )
        return _done(done)
    return _page(SubjectKind.COMPLAINANT, grievance.code, plan, form)


@bp.get("/p/<int:partnership_id>/privacy/erasures/<int:erasure_id>")
@partnership_guard(Role.FACILITATOR, **LEAD)
def erasure_done(partnership_id: int, erasure_id: int):
    found = erasure_record.erasure_of(
        db.session(), partnership_id=partnership_id, erasure_id=erasure_id
    )
    if found is None:
        abort(404)
    return render_template(
        "privacy/erase_done.html",
        erasure=found,
        rows=removed_rows(found.removed or {}),
        grounds=GROUND_LABELS.get(found.grounds, found.grounds),
    )
