"""Proposing a partner, accepting it, and handing over a leaving partner's work.

Routes on the feature's blueprint; listed in ROUTE_MODULES. (The hand-over pages read
actions, grievances and the charter, so they live above the features, in
hsbp.governance.views.)"""

from __future__ import annotations

from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db
from hsbp.errors import ServiceError, apply_to_form
from hsbp.partnerships import entry, services
from hsbp.partnerships.entry_forms import (
    PROPOSAL_STATUS_LABELS,
    STANCE_LABELS,
    AnswerForm,
    ProposalForm,
)
from hsbp.partnerships.entry_models import ProposalStatus
from hsbp.partnerships.forms import ConfirmForm, InvitationForm
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.views import bp
from hsbp.security import Role
from hsbp.views import render_form


@bp.route("/p/<int:partnership_id>/partners/propose", methods=["GET", "POST"])
@partnership_guard(Role.REPRESENTATIVE)
def propose_partner(partnership_id: int):
    form = ProposalForm()
    if form.validate_on_submit():
        try:
            proposal = entry.propose(
                db.session(),
                actor=current_user,
                membership=g.membership,
                partnership=g.partnership,
                **form.service_fields(),
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("%(name)s is proposed to the partners.", name=proposal.name), "success")
            return redirect(
                url_for(
                    "partnerships.partner_proposal",
                    partnership_id=partnership_id,
                    proposal_id=proposal.id,
                )
            )
    rule = entry.charter_rule(db.session(), partnership_id=partnership_id)
    return render_form("partnerships/entry_form.html", form, form=form, rule=rule)


def _proposal_or_404(partnership_id: int, proposal_id: int):
    proposal = entry.get_proposal(
        db.session(), partnership_id=partnership_id, proposal_id=proposal_id
    )
    if proposal is None:
        abort(404)
    return proposal


def _proposal_page(proposal, answer_form: AnswerForm | None = None, confirm=None):
    session = db.session()
    partners = services.list_partners(session, partnership_id=proposal.partnership_id)
    mine = next((a for a in proposal.answers if a.partner_id == g.membership.partner_id), None)
    if answer_form is None and entry.may_answer(g.membership, proposal):
        answer_form = AnswerForm(formdata=None, obj=mine)
    invite = None
    if proposal.status == ProposalStatus.ACCEPTED and g.membership.role == Role.FACILITATOR:
        invite = InvitationForm(prefix="invite", formdata=None)
        invite.email.data = proposal.contact_email
    return render_form(
        "partnerships/entry.html",
        *([answer_form] if answer_form is not None else []),
        *([confirm] if confirm is not None else []),
        proposal=proposal,
        partners=partners,
        answers={a.partner_id: a for a in proposal.answers},
        mine=mine,
        tally=entry.tally(session, proposal=proposal, partners=partners),
        answer_form=answer_form,
        may_withdraw=entry.may_withdraw(g.membership, proposal),
        invite=invite,
        confirm=confirm or ConfirmForm(formdata=None),
        STANCE_LABELS=STANCE_LABELS,
        PROPOSAL_STATUS_LABELS=PROPOSAL_STATUS_LABELS,
    )


@bp.get("/p/<int:partnership_id>/partners/proposals/<int:proposal_id>")
@partnership_guard()
def partner_proposal(partnership_id: int, proposal_id: int):
    return _proposal_page(_proposal_or_404(partnership_id, proposal_id))


@bp.post("/p/<int:partnership_id>/partners/proposals/<int:proposal_id>/answer")
@partnership_guard(Role.REPRESENTATIVE)
def answer_proposal(partnership_id: int, proposal_id: int):
    proposal = _proposal_or_404(partnership_id, proposal_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            entry.answer(
                db.session(),
                actor=current_user,
                membership=g.membership,
                proposal=proposal,
                stance=form.stance.data,
                comment=form.comment.data or "",
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_answered_message(proposal), "success")
            return redirect(
                url_for(
                    "partnerships.partner_proposal",
                    partnership_id=partnership_id,
                    proposal_id=proposal_id,
                )
            )
    return _proposal_page(proposal, form)


def _answered_message(proposal) -> str:
    if proposal.status == ProposalStatus.ACCEPTED:
        return _("Your answer is recorded. %(name)s is accepted as a partner.", name=proposal.name)
    if proposal.status == ProposalStatus.REFUSED:
        return _(
            "Your answer is recorded. The proposal of %(name)s is refused.", name=proposal.name
        )
    return _("Your answer is recorded.")


@bp.post("/p/<int:partnership_id>/partners/proposals/<int:proposal_id>/withdraw")
@partnership_guard(Role.REPRESENTATIVE)
def withdraw_proposal(partnership_id: int, proposal_id: int):
    proposal = _proposal_or_404(partnership_id, proposal_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            entry.withdraw(
                db.session(), actor=current_user, membership=g.membership, proposal=proposal
            )
        except ServiceError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("The proposal is withdrawn."), "success")
            return redirect(url_for("partnerships.partners", partnership_id=partnership_id))
    return _proposal_page(proposal, None, form)
