"""The accounts pages: site administrators list accounts, deactivate and reactivate them, and
reset a lost second factor. Anyone else gets 404. A change to an account asks a browser that
has not proved it is its person lately to do so first: a stolen administrator's cookie, or an
unattended laptop, changes no account."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hsbp import db
from hsbp.accounts import queries, services
from hsbp.accounts.forms import (
    SECOND_FACTOR_LABELS,
    STATE_LABELS,
    AccountFilterForm,
    DeactivateForm,
    ReactivateForm,
    ResetSecondFactorForm,
)
from hsbp.accounts.services import DEACTIVATION_REASONS
from hsbp.audit_text import sentence
from hsbp.auth.models import User
from hsbp.auth.reauth import fresh_auth_required
from hsbp.errors import ServiceError, apply_to_form
from hsbp.security import site_admin_required
from hsbp.views import page_number, render_form

bp = Blueprint("accounts", __name__)


@bp.app_context_processor
def _labels():
    return {
        "ACCOUNT_STATE_LABELS": STATE_LABELS,
        "SECOND_FACTOR_LABELS": SECOND_FACTOR_LABELS,
    }


@bp.get("/admin/accounts")
@login_required
@site_admin_required
def index():
    form = AccountFilterForm(request.args)
    form.validate()
    # A search form uses what it can and ignores the rest.
    chosen = queries.AccountFilter(
        q="" if form.q.errors else form.q.data or "",
        state="" if form.state.errors else form.state.data or "",
        second_factor="" if form.second_factor.errors else form.second_factor.data or "",
    )
    for field in form:
        field.errors = []
    rows, total = queries.list_accounts(db.session(), filters=chosen, page=page_number())
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "accounts/index.html",
        form=form,
        rows=rows,
        total=total,
        page=page_number(),
        per_page=queries.PER_PAGE,
        args=args,
    )


def _account_or_404(user_id: int) -> User:
    return db.session().get(User, user_id) or abort(404)


def _account_page(
    user_id: int,
    *,
    deactivate: DeactivateForm | None = None,
    reset: ResetSecondFactorForm | None = None,
    blocking: list[tuple[int, str]] = (),
):
    session = db.session()
    row = queries.account(session, user_id=user_id) or abort(404)
    deactivate = deactivate if deactivate is not None else DeactivateForm()
    reset = reset if reset is not None else ResetSecondFactorForm()
    entries = queries.history(session, user_id=user_id)
    labels = {"User": {row.user.id: row.user.name}}
    locale = str(get_locale())
    return render_form(
        "accounts/detail.html",
        deactivate,
        reset,
        row=row,
        open_sessions=queries.open_session_count(session, user_id=user_id),
        history=[
            (entry, sentence(entry, labels=labels, partnership_id=0, role=None, locale=locale))
            for entry in entries
        ],
        reasons=DEACTIVATION_REASONS,
        deactivate=deactivate,
        reactivate=ReactivateForm(),
        reset=reset,
        blocking=blocking,
        # The partnerships named below whose members page the administrator may open.
        openable=queries.member_of(
            session, user_id=current_user.id, partnership_ids=[pid for pid, _name in blocking]
        ),
    )


@bp.get("/admin/accounts/<int:user_id>")
@login_required
@site_admin_required
def detail(user_id: int):
    return _account_page(user_id)


@bp.post("/admin/accounts/<int:user_id>/deactivate")
@login_required
@site_admin_required
@fresh_auth_required
def deactivate(user_id: int):
    user = _account_or_404(user_id)
    form = DeactivateForm()
    if not form.validate_on_submit():
        return _account_page(user_id, deactivate=form)
    try:
        services.deactivate(
            db.session(), actor=current_user, user=user, reason=form.reason.data or ""
        )
    except services.LastFacilitatorError as error:
        apply_to_form(form, error)
        return _account_page(user_id, deactivate=form, blocking=error.partnerships)
    except ServiceError as error:
        apply_to_form(form, error)
        return _account_page(user_id, deactivate=form)
    flash(
        _("The account of %(name)s is deactivated and signed out everywhere.", name=user.name),
        "success",
    )
    return redirect(url_for("accounts.detail", user_id=user_id))


@bp.post("/admin/accounts/<int:user_id>/reactivate")
@login_required
@site_admin_required
@fresh_auth_required
def reactivate(user_id: int):
    user = _account_or_404(user_id)
    if not ReactivateForm().validate_on_submit():
        abort(400)
    try:
        services.reactivate(db.session(), actor=current_user, user=user)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("The account of %(name)s is active again.", name=user.name), "success")
    return redirect(url_for("accounts.detail", user_id=user_id))


@bp.post("/admin/accounts/<int:user_id>/second-factor/reset")
@login_required
@site_admin_required
@fresh_auth_required
def reset_second_factor(user_id: int):
    user = _account_or_404(user_id)
    form = ResetSecondFactorForm()
    if not form.validate_on_submit():
        return _account_page(user_id, reset=form)
    try:
        services.reset_second_factor(
            db.session(), actor=current_user, user=user, reason=form.reason.data
        )
    except ServiceError as error:
        apply_to_form(form, error)
        return _account_page(user_id, reset=form)
    flash(
        _(
            "The second factor of %(name)s is removed and they are signed out everywhere. "
            "They will set up a new one at their next sign-in.",
            name=user.name,
        ),
        "success",
    )
    return redirect(url_for("accounts.detail", user_id=user_id))
