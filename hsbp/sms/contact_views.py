"""Facilitators' SMS pages for the sender and the contacts: settings, the contact list with
each contact's state, adding by hand, importing from the register, asking to confirm."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from hsbp import db
from hsbp.errors import ServiceError, apply_to_form
from hsbp.mapping import picking
from hsbp.partnerships.forms import ConfirmForm
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.identities import sees_identities
from hsbp.security import Role
from hsbp.sms import confirmation, contact_admin, contact_import, contacts, router, switches
from hsbp.sms.admin_common import PER_PAGE, mask_for
from hsbp.sms.admin_forms import ContactFilterForm, ContactForm, KeywordsForm, SettingsForm
from hsbp.sms.views import bp
from hsbp.views import page_number, render_form

PREFIX = "keywords"  # the keywords' form shares the settings page with the sender's


def _sms_settings():
    return contacts.settings_of(db.session(), g.partnership.id)


def _asking(*, asked: bool) -> str:
    if asked:
        return _(
            "Each new contact is asked by SMS to confirm: until they answer YES they get nothing."
        )
    return _(
        "New contacts are asked by SMS to confirm once the SMS sender is set: until they "
        "answer YES they get nothing."
    )


@bp.route("/p/<int:partnership_id>/sms/settings", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def settings(partnership_id: int):
    current = _sms_settings()
    form = SettingsForm(obj=current)
    if form.validate_on_submit():
        try:
            contact_admin.save_settings(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                sender=form.sender.data,
                join_code=form.join_code.data,
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("The SMS settings are saved."), "success")
            return redirect(url_for("sms.settings", partnership_id=partnership_id))
    return _settings_page(form, current=current)


def _settings_page(form, *, current, keywords=None):
    session = db.session()
    shared = contact_admin.sender_shared_with(
        session, partnership_id=g.partnership.id, viewer=current_user
    )
    found = switches.switches(session, partnership=g.partnership)
    if keywords is None:
        keywords = KeywordsForm(formdata=None, prefix=PREFIX, switches=found)
        keywords.on.data = [s.name for s in found if s.on]
    return render_form(
        "sms/settings.html",
        form,
        keywords,
        form=form,
        current=current,
        shared=shared,
        keywords=keywords,
    )


@bp.post("/p/<int:partnership_id>/sms/settings/keywords")
@partnership_guard(Role.FACILITATOR)
def keywords(partnership_id: int):
    session = db.session()
    current = _sms_settings()
    found = switches.switches(session, partnership=g.partnership)
    form = KeywordsForm(prefix=PREFIX, switches=found)
    if form.validate_on_submit():
        try:
            switches.save_switches(
                session, actor=current_user, partnership=g.partnership, on=form.on.data or []
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("The keywords are saved."), "success")
            return redirect(url_for("sms.settings", partnership_id=partnership_id) + "#keywords")
    return _settings_page(SettingsForm(formdata=None, obj=current), current=current, keywords=form)


# Contacts


@bp.get("/p/<int:partnership_id>/sms/contacts")
@partnership_guard(Role.FACILITATOR)
def contacts_list(partnership_id: int):
    form = ContactFilterForm(request.args, locales=router.sms_locales(g.partnership))
    form.validate()
    chosen = contact_admin.ContactFilter(
        state="" if form.state.errors else form.state.data or "",
        locale="" if form.language.errors else form.language.data or "",
    )
    for field in form:
        field.errors = []  # a search form ignores what it cannot use...
    search_error = None
    # Who may not see numbers may not look one up either: the answer would name its owner.
    number = (form.q.data or "").strip()[:40] if sees_identities(g.membership) else ""
    if number:
        try:
            chosen.phone_hashes = contact_admin.phone_lookup(number, country=g.partnership.country)
        except ServiceError as error:
            search_error = error.message  # ...but says when a number is not one
    rows, total = [], 0
    if search_error is None:
        rows, total = contact_admin.list_contacts(
            db.session(),
            partnership_id=partnership_id,
            viewer_id=current_user.id,
            filters=chosen,
            page=page_number(),
        )
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "sms/contacts.html",
        form=form,
        rows=mask_for(rows, g.membership),
        total=total,
        search_error=search_error,
        page=page_number(),
        per_page=PER_PAGE,
        args=args,
        never_asked=confirmation.never_asked(db.session(), partnership_id=partnership_id),
        sender=_sms_settings(),
        confirm=ConfirmForm(),
        ask_limit=confirmation.MAX_ASKS,
        ask_days=confirmation.ASK_INTERVAL.days,
    )


@bp.route("/p/<int:partnership_id>/sms/contacts/new", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def add_contact(partnership_id: int):
    form = ContactForm(locales=router.sms_locales(g.partnership))
    form.participant.suggestions = picking.participant_labels(
        db.session(), partnership_id=partnership_id
    )
    if request.method == "GET":
        form.locale.data = g.partnership.default_locale
    if form.validate_on_submit():
        try:
            member = contact_admin.add_contact(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                phone=form.phone.data,
                locale=form.locale.data,
                consent_note=form.consent_note.data,
                participant_name=form.participant.data or "",
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(f"{_('The contact is added.')} {_asking(asked=member.asks > 0)}", "success")
            return redirect(url_for("sms.contacts_list", partnership_id=partnership_id))
    return render_form("sms/contact_form.html", form, form=form, sender=_sms_settings())


@bp.post("/p/<int:partnership_id>/sms/contacts/<int:membership_id>/ask")
@partnership_guard(Role.FACILITATOR)
def ask_contact(partnership_id: int, membership_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        asked = confirmation.ask_again(
            db.session(), actor=current_user, partnership=g.partnership, membership_id=membership_id
        )
    except ServiceError as error:
        flash(error.message, "error")
    else:
        if asked is None:
            abort(404)
        flash(_("The question is sent."), "success")
    return redirect(url_for("sms.contacts_list", partnership_id=partnership_id, state="pending"))


@bp.post("/p/<int:partnership_id>/sms/contacts/ask-all")
@partnership_guard(Role.FACILITATOR)
def ask_all_contacts(partnership_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        asked = confirmation.ask_all_pending(
            db.session(), actor=current_user, partnership=g.partnership
        )
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(
            ngettext(
                "%(num)d contact is asked to confirm.",
                "%(num)d contacts are asked to confirm.",
                asked,
            ),
            "success",
        )
    return redirect(url_for("sms.contacts_list", partnership_id=partnership_id, state="pending"))


@bp.route("/p/<int:partnership_id>/sms/contacts/import", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def import_contacts(partnership_id: int):
    confirm = ConfirmForm()
    session = db.session()
    if request.method == "POST":
        if not confirm.validate_on_submit():
            abort(400)
        done = contact_import.import_from_register(
            session, actor=current_user, partnership=g.partnership
        )
        added = ngettext(
            "%(num)d contact added from the register.",
            "%(num)d contacts added from the register.",
            len(done.new),
        )
        asking = _asking(asked=_sms_settings() is not None) if done.new else ""
        flash(f"{added} {asking}".strip(), "success")
        return redirect(url_for("sms.contacts_list", partnership_id=partnership_id))
    plan = contact_import.plan_import(session, partnership_id=partnership_id)
    return render_template("sms/import.html", plan=plan, confirm=confirm, sender=_sms_settings())
