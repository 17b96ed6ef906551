"""Member pages: the member list, invitations, role changes, and accepting an invitation."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hsbp import db
from hsbp.auth.browser import sign_in
from hsbp.auth.services import find_user_by_email
from hsbp.confirmation import ask, confirmed
from hsbp.errors import ServiceError, apply_to_form
from hsbp.partnerships import members, services
from hsbp.partnerships.forms import (
    AcceptNewAccountForm,
    ConfirmForm,
    InvitationForm,
    MembershipForm,
    TranslatorForm,
)
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.models import Partnership
from hsbp.partnerships.views import bp
from hsbp.security import Role, site_admin_required
from hsbp.views import render_form


def _members_page(partnership_id: int, invite: InvitationForm | None = None):
    session = db.session()
    partners = services.list_partners(session, partnership_id=partnership_id)
    invite = invite or InvitationForm(prefix="invite")
    invite.set_partner_choices(partners)
    rows = members.list_members(session, partnership_id=partnership_id)
    forms = {}
    for membership in rows:
        form = MembershipForm(prefix=f"m{membership.id}", obj=membership, formdata=None)
        form.set_partner_choices(partners)
        form.partner_id.data = membership.partner_id or 0
        forms[membership.id] = form
    invitations = members.pending_invitations(session, partnership_id=partnership_id)
    return render_form(
        "partnerships/members.html",
        invite,
        memberships=rows,
        member_forms=forms,
        invite=invite,
        invitations=invitations,
        confirm=ConfirmForm(),
    )


@bp.get("/p/<int:partnership_id>/members")
@partnership_guard()
def member_list(partnership_id: int):
    return _members_page(partnership_id)


@bp.post("/p/<int:partnership_id>/members/invite")
@partnership_guard(Role.FACILITATOR, lead=True)
def invite(partnership_id: int):
    form = InvitationForm(prefix="invite")
    form.set_partner_choices(services.list_partners(db.session(), partnership_id=partnership_id))
    if form.validate_on_submit():
        try:
            members.invite_member(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                email=form.email.data,
                role=form.role.data,
                partner_id=form.partner_id.data or None,
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("An invitation is sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("partnerships.member_list", partnership_id=partnership_id))
    return _members_page(partnership_id, invite=form)


@bp.post("/p/<int:partnership_id>/members/<int:membership_id>")
@partnership_guard(Role.FACILITATOR, lead=True)
def change_member(partnership_id: int, membership_id: int):
    session = db.session()
    membership = members.get_membership(
        session, partnership_id=partnership_id, membership_id=membership_id
    )
    if membership is None:
        abort(404)
    form = MembershipForm(prefix=f"m{membership.id}")
    form.set_partner_choices(services.list_partners(session, partnership_id=partnership_id))
    if not form.validate_on_submit():
        flash(_("The change could not be saved. Check the role and the partner."), "error")
        return redirect(url_for("partnerships.member_list", partnership_id=partnership_id))
    try:
        notices = members.change_member(
            session,
            actor=current_user,
            membership=membership,
            role=form.role.data,
            partner_id=form.partner_id.data or None,
        )
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("partnerships.member_list", partnership_id=partnership_id))
    flash(_("The role of %(name)s is saved.", name=membership.user.name), "success")
    for notice in notices:
        flash(notice, "info")
    return redirect(url_for("partnerships.member_list", partnership_id=partnership_id))


@bp.post("/p/<int:partnership_id>/members/<int:membership_id>/translator")
@partnership_guard(Role.FACILITATOR, lead=True)
def set_translator(partnership_id: int, membership_id: int):
    session = db.session()
    membership = members.get_membership(
        session, partnership_id=partnership_id, membership_id=membership_id
    )
    form = TranslatorForm()
    if membership is None or not form.validate_on_submit():
        abort(404 if membership is None else 400)
    allowed = form.translator.data == "1"
    members.set_translator(session, actor=current_user, membership=membership, translator=allowed)
    name = membership.user.name
    if allowed:
        flash(_("%(name)s may now write the SMS texts in local languages.", name=name), "success")
    else:
        flash(_("%(name)s may no longer write the SMS texts.", name=name), "success")
    return redirect(url_for("partnerships.member_list", partnership_id=partnership_id))


@bp.post("/p/<int:partnership_id>/members/<int:membership_id>/remove")
@partnership_guard(Role.FACILITATOR, lead=True)
def remove_member(partnership_id: int, membership_id: int):
    session = db.session()
    membership = members.get_membership(
        session, partnership_id=partnership_id, membership_id=membership_id
    )
    if membership is None or not ConfirmForm().validate_on_submit():
        abort(404 if membership is None else 400)
    back = url_for("partnerships.member_list", partnership_id=partnership_id)
    if not confirmed():
        return ask("partnerships/confirm_remove_member.html", cancel=back, membership=membership)
    name = membership.user.name
    try:
        notices = members.remove_member(session, actor=current_user, membership=membership)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("%(name)s is no longer a member.", name=name), "success")
        for notice in notices:
            flash(notice, "info")
    return redirect(back)


@bp.post("/p/<int:partnership_id>/invitations/<int:invitation_id>/revoke")
@partnership_guard(Role.FACILITATOR, lead=True)
def revoke_invitation(partnership_id: int, invitation_id: int):
    session = db.session()
    invitation = members.get_pending_invitation(
        session, partnership_id=partnership_id, invitation_id=invitation_id
    )
    if invitation is None or not ConfirmForm().validate_on_submit():
        abort(404 if invitation is None else 400)
    members.revoke_invitation(session, actor=current_user, invitation=invitation)
    flash(_("The invitation to %(email)s is withdrawn.", email=invitation.email), "success")
    return redirect(url_for("partnerships.member_list", partnership_id=partnership_id))


@bp.route("/admin/partnerships/<int:pid>/invite", methods=["GET", "POST"])
@login_required
@site_admin_required
def admin_invite(pid: int):
    session = db.session()
    partnership = session.get(Partnership, pid) or abort(404)
    form = InvitationForm()
    form.set_partner_choices(services.list_partners(session, partnership_id=pid))
    if form.validate_on_submit():
        try:
            members.invite_member(
                session,
                actor=current_user,
                partnership=partnership,
                email=form.email.data,
                role=form.role.data,
                partner_id=form.partner_id.data or None,
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("An invitation is sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("partnerships.admin_index"))
    return render_form("partnerships/admin_invite.html", form, form=form, partnership=partnership)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    session = db.session()
    try:
        invitation = members.invitation_for_token(session, token)
    except ServiceError as error:
        return render_template("partnerships/invitation_invalid.html", message=error.message), 404
    if current_user.is_authenticated:
        return _accept_signed_in(token, invitation)
    if find_user_by_email(session, invitation.email) is not None:
        flash(_("Sign in as %(email)s to accept the invitation.", email=invitation.email), "info")
        return redirect(url_for("auth.login", next=request.path))
    form = AcceptNewAccountForm()
    if form.validate_on_submit():
        try:
            user = members.accept_invitation_new_account(
                session,
                token=token,
                name=form.name.data,
                password=form.password.data,
                locale=form.locale.data or None,
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            sign_in(user)
            flash(_("Welcome to %(name)s.", name=invitation.partnership.name), "success")
            return redirect(
                url_for("partnerships.dashboard", partnership_id=invitation.partnership_id)
            )
    return render_form(
        "partnerships/invitation_accept.html", form, form=form, invitation=invitation
    )


def _accept_signed_in(token: str, invitation):
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            members.accept_invitation(db.session(), token=token, user=current_user)
        except ServiceError as error:
            form.form_errors.append(error.message)
        else:
            flash(_("Welcome to %(name)s.", name=invitation.partnership.name), "success")
            return redirect(
                url_for("partnerships.dashboard", partnership_id=invitation.partnership_id)
            )
    return render_form(
        "partnerships/invitation_accept.html", form, form=form, invitation=invitation
    )
