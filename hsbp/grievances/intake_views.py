"""Taking in grievances on the web: the public form (no account), members' own, and a
facilitator's record of one heard in person or by phone.

After filing, the browser is sent to a page showing the code (so a reload files nothing
twice); the code is kept in the signed session cookie for that page, never an identity. A
phone typed on the public form is never looked up nor attached to an SMS contact: anyone
may type anyone's number, and the contact would then get the receipt and every stage.
"""

from __future__ import annotations

from flask import abort, current_app, g, redirect, render_template, session, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.routing import BuildError

from hsbp import db
from hsbp.errors import ServiceError, apply_to_form
from hsbp.extensions import limiter
from hsbp.grievances import codes, officers, services
from hsbp.grievances.intake_forms import MemberForm, PublicForm, RecordForm
from hsbp.grievances.models import Channel, GrievanceSettings
from hsbp.grievances.views import bp
from hsbp.i18n import SESSION_KEY, UI_LOCALE_CODES, use_partnership_language
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.models import Partner, Partnership
from hsbp.phones import e164
from hsbp.security import Role
from hsbp.views import render_form

FILED_KEY = "grievance_filed"
ANONYMOUS_WITH_NAME = _l(
    "You chose to stay anonymous: clear your name, phone and e-mail, or choose to send it "
    "with your name."
)
RECORDED_ANONYMOUS_WITH_NAME = _l(
    "An anonymous grievance keeps no name or e-mail: clear them, or untick anonymous."
)
RECORDED_ANONYMOUS_WITH_PHONE = _l(
    "An anonymous grievance keeps a phone number only to send the SMS news: tick that box, "
    "or clear the number."
)


def _partners(partnership_id: int):
    return db.session().scalars(
        select(Partner).where(Partner.partnership_id == partnership_id).order_by(Partner.name)
    )


def _file_with_identity(form, partnership: Partnership, channel: str, *, refusal, recorded_by=None):
    """File what a form with name, phone and e-mail fields says (the public form, or one a
    facilitator records). The phone is kept as text for the officers; it reaches an SMS
    contact only when the recording facilitator chose so (`sms_updates`). Raises
    ServiceError: `refusal` when anonymous yet named, a phone that is not one, a number that
    cannot take SMS."""
    if form.is_anonymous and form.identity_given():
        raise ServiceError(refusal, field="anonymous")
    phone = _phone(form, partnership)
    contact = None
    if form.sends_sms():
        if not phone:
            raise ServiceError(_l("Give the number to send the SMS news to."), field="phone")
        contact = services.joined_contact(db.session(), partnership_id=partnership.id, phone=phone)
    elif phone and form.is_anonymous:
        raise ServiceError(RECORDED_ANONYMOUS_WITH_PHONE, field="phone")
    return services.file_grievance(
        db.session(),
        partnership=partnership,
        channel=channel,
        description=form.description.data,
        locale=form.language.data,
        complainant=services.Complainant(
            contact=contact,
            name=form.name.data or "",
            phone=phone,
            email=form.email.data or "",
        ),
        anonymous=form.is_anonymous,
        category=form.category.data,
        partner_id=form.partner_id.data,
        recorded_by=recorded_by,
    )


def _phone(form, partnership: Partnership) -> str:
    """The phone typed, in E.164 ("" when none); a refusal on the phone field when it is not
    a phone number. Never looked up: whose number it is, nobody is told."""
    typed = (form.phone.data or "").strip()
    if not typed:
        return ""
    number = e164(typed, region=partnership.country)
    if number is None:
        raise ServiceError(_l("This is not a phone number: %(value)s", value=typed), field="phone")
    return number


def _remember_filed(grievance) -> None:
    session[FILED_KEY] = {"code": grievance.code}


def _filed_page(partnership: Partnership, *, again: str):
    """The code, in the same words whoever filed and whatever number they gave: the page
    must not tell whether a number belongs to someone."""
    filed = session.get(FILED_KEY)
    if not filed:
        return redirect(again)
    return render_template(
        "grievances/filed.html",
        code=codes.shown(filed["code"]),
        again=again,
        partnership=partnership,
    )


# The public form, no account ----------------------------------------------------------------


def _public_limit() -> str:
    return current_app.config.get("GRIEVANCE_FORM_RATE_LIMIT", "10 per minute;100 per day")


def _public(token: str) -> Partnership:
    """The partnership whose public form this is; 404 for an unknown token or a form that is
    switched off, alike."""
    session_ = db.session()
    settings = session_.scalar(
        select(GrievanceSettings).where(GrievanceSettings.public_token == token)
    )
    if settings is None or not settings.public_form:
        abort(404)
    partnership = session_.get(Partnership, settings.partnership_id)
    use_partnership_language(partnership)
    return partnership


def _no_index(response):
    # The address is shared by hand; it is not for search engines or caches.
    response = current_app.make_response(response)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/g/<token>", methods=["GET", "POST"])
@limiter.limit(_public_limit, methods=["POST"])
def public_form(token: str):
    partnership = _public(token)
    locale = str(get_locale())
    form = PublicForm(partners=_partners(partnership.id), languages=partnership.locales)
    if not form.is_submitted():
        form.language.data = locale if locale in partnership.locales else partnership.default_locale
    if form.validate_on_submit():
        try:
            grievance = _file_with_identity(
                form, partnership, Channel.PUBLIC, refusal=ANONYMOUS_WITH_NAME
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            _remember_filed(grievance)
            if grievance.locale in UI_LOCALE_CODES:
                session[SESSION_KEY] = grievance.locale
            return redirect(url_for("grievances.public_filed", token=token))
    page, status = render_form(
        "grievances/public_form.html",
        form,
        form=form,
        partnership=partnership,
        settings=services.settings_of(db.session(), partnership.id),
    )
    return _no_index(page), status


@bp.get("/g/<token>/filed")
def public_filed(token: str):
    partnership = _public(token)
    return _no_index(_filed_page(partnership, again=url_for("grievances.public_form", token=token)))


# A member, signed in ------------------------------------------------------------------------


@bp.route("/p/<int:partnership_id>/grievances/new", methods=["GET", "POST"])
@partnership_guard(Role.OBSERVER)
def new(partnership_id: int):
    form = MemberForm(partners=_partners(partnership_id))
    if form.validate_on_submit():
        try:
            grievance = services.file_grievance(
                db.session(),
                partnership=g.partnership,
                channel=Channel.MEMBER,
                description=form.description.data,
                locale=str(get_locale()),
                complainant=services.Complainant(user=current_user._get_current_object()),
                anonymous=form.anonymous.data,
                category=form.category.data,
                partner_id=form.partner_id.data,
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            _remember_filed(grievance)
            return redirect(url_for("grievances.filed", partnership_id=partnership_id))
    return render_form("grievances/member_form.html", form, form=form)


@bp.get("/p/<int:partnership_id>/grievances/filed")
@partnership_guard(Role.OBSERVER)
def filed(partnership_id: int):
    return _filed_page(
        g.partnership, again=url_for("grievances.new", partnership_id=partnership_id)
    )


# A facilitator or grievance officer records one heard in person or by phone -----------------


@bp.route("/p/<int:partnership_id>/grievances/record", methods=["GET", "POST"])
@partnership_guard(Role.OBSERVER)
def record(partnership_id: int):
    if not officers.may_handle(db.session(), g.membership):
        abort(404)
    partnership = g.partnership
    form = RecordForm(partners=_partners(partnership_id), languages=partnership.locales)
    if not form.is_submitted():
        form.language.data = partnership.default_locale
    if form.validate_on_submit():
        try:
            grievance = _file_with_identity(
                form,
                partnership,
                form.channel.data,
                refusal=RECORDED_ANONYMOUS_WITH_NAME,
                recorded_by=current_user._get_current_object(),
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            return redirect(_grievance_page(partnership_id, grievance.id))
    return render_form("grievances/record_form.html", form, form=form)


def _grievance_page(partnership_id: int, grievance_id: int) -> str:
    try:
        return url_for(
            "grievances.detail", partnership_id=partnership_id, grievance_id=grievance_id
        )
    except BuildError:
        return f"/p/{partnership_id}/grievances/{grievance_id}"
