"""The checklist's settings page, the public transparency page, and telling the community by
SMS that an action is done (the form is on the action's page: templates/actions/_community)."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import format_percent, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.routing import BuildError
from wtforms import BooleanField, IntegerField
from wtforms.validators import InputRequired, NumberRange

from hsbp import db
from hsbp.actions import community, public
from hsbp.actions.forms import STATUS_LABELS
from hsbp.actions.models import Action
from hsbp.actions.views import bp
from hsbp.db import utcnow
from hsbp.errors import ServiceError, apply_to_form
from hsbp.extensions import limiter
from hsbp.i18n import use_partnership_language
from hsbp.partnerships.guard import partnership_guard
from hsbp.paths import public_url
from hsbp.security import Role
from hsbp.views import render_form


class SettingsForm(FlaskForm):
    public_page = BooleanField(_l("Show the checklist on a public page"))
    new_address = BooleanField(
        _l("Give the public page a new address (the present link stops working)")
    )
    remind_days_before = IntegerField(
        _l("Remind the people responsible this many days before a due date"),
        validators=[InputRequired(), NumberRange(min=0, max=public.REMIND_DAYS_MAX)],
        description=_l(
            "0: no reminder before the due date. A reminder also goes out once "
            "when the date has passed."
        ),
    )
    due_soon_days = IntegerField(
        _l("Show actions as due soon this many days ahead"),
        validators=[InputRequired(), NumberRange(min=1, max=public.DUE_SOON_DAYS_MAX)],
        description=_l("On the dashboard and in the checklist."),
    )


def _public_link(settings) -> str | None:
    if not settings.public_token:
        return None
    return public_url("actions.public_checklist", token=settings.public_token)


@bp.route("/p/<int:partnership_id>/actions/settings", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def settings(partnership_id: int):
    current = public.settings_of(db.session(), partnership_id)
    form = SettingsForm(obj=current)
    if form.validate_on_submit():
        try:
            public.save_settings(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                public_page=form.public_page.data,
                remind_days_before=form.remind_days_before.data,
                due_soon_days=form.due_soon_days.data,
                new_address=form.new_address.data,
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("The checklist settings are saved."), "success")
            return redirect(url_for("actions.settings", partnership_id=partnership_id))
    form.new_address.data = False  # a new address is asked for each time, never kept ticked
    return render_form(
        "actions/settings.html", form, form=form, current=current, link=_public_link(current)
    )


# The public page, no account ------------------------------------------------------------


def _public_limit() -> str:
    return current_app.config.get("PUBLIC_PAGE_RATE_LIMIT", "60 per minute;2000 per day")


@bp.get("/public/actions/<token>")
@limiter.limit(_public_limit)
def public_checklist(token: str):
    """A partnership's checklist for anyone with the link: no names of people, ever."""
    session = db.session()
    partnership = public.published_partnership(session, token)
    if partnership is None:
        abort(404)
    use_partnership_language(partnership)
    checklist = public.public_checklist(
        session, partnership=partnership, locale=str(get_locale()), now=utcnow()
    )
    response = current_app.make_response(
        render_template(
            "actions/public.html",
            checklist=checklist,
            STATUS_LABELS=STATUS_LABELS,
            percent=lambda number: format_percent(number / 100),
        )
    )
    # The address is shared by hand; search engines are not the audience, and a page
    # switched off must not live on in a cache.
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


# Telling the community ------------------------------------------------------------------


@bp.context_processor
def _community_helpers():
    return {"community_state": _community_state, "community_field": community.body_field}


def _community_state(action: Action):
    """For the action's page: the community update sent, its draft, or None."""
    return community.state(db.session(), action=action, partnership=g.partnership)


def _action_page(partnership_id: int, action_id: int) -> str:
    try:
        return url_for("actions.detail", partnership_id=partnership_id, action_id=action_id)
    except BuildError:
        return f"/p/{partnership_id}/actions/{action_id}"


@bp.post("/p/<int:partnership_id>/actions/<int:action_id>/community-update")
@partnership_guard(Role.FACILITATOR)
def community_update(partnership_id: int, action_id: int):
    session = db.session()
    action = session.scalar(
        select(Action).where(Action.id == action_id, Action.partnership_id == partnership_id)
    )
    if action is None:
        abort(404)
    bodies = {
        code: request.form.get(community.body_field(code), "")
        for code in g.partnership.locales or [g.partnership.default_locale]
    }
    try:
        sent = community.send_update(
            session,
            actor=current_user,
            membership=g.membership,
            partnership=g.partnership,
            action=action,
            bodies=bodies,
        )
    except ServiceError as error:
        # Nothing was written before the refusal; the page shows why.
        flash(str(error.message), "error")
    else:
        flash(
            ngettext(
                "The news is on its way to %(num)d contact.",
                "The news is on its way to %(num)d contacts.",
                sent.recipients,
            ),
            "success",
        )
    return redirect(_action_page(partnership_id, action_id) + "#community-update")
