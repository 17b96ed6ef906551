"""Facilitators' SMS pages: broadcasts and the inbox (the sender and contacts: contact_views)."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db
from hsbp.errors import ServiceError, apply_to_form
from hsbp.i18n import translated
from hsbp.mapping.labels import PARTICIPANT_SECTOR_LABELS
from hsbp.mapping.tags import group_tags
from hsbp.mapping.views import label_of_tag
from hsbp.partnerships.forms import ConfirmForm
from hsbp.partnerships.guard import partnership_guard
from hsbp.security import Role
from hsbp.sms import broadcasts as broadcast_admin
from hsbp.sms import contact_admin, contacts
from hsbp.sms import inbox as inbox_admin
from hsbp.sms.admin_common import PER_PAGE, mask_for
from hsbp.sms.admin_forms import (
    CONSENT_CHANNEL_LABELS,
    CONSENT_EVENT_LABELS,
    CONTACT_STATE_LABELS,
    STATUS_LABELS,
    LinkForm,
    ReplyForm,
    broadcast_form,
)
from hsbp.sms.views import bp
from hsbp.views import page_number, render_form


@bp.context_processor
def _labels():
    return {
        "SMS_STATUS_LABELS": STATUS_LABELS,
        "CONSENT_EVENT_LABELS": CONSENT_EVENT_LABELS,
        "CONSENT_CHANNEL_LABELS": CONSENT_CHANNEL_LABELS,
        "CONTACT_STATE_LABELS": CONTACT_STATE_LABELS,
        "body_field": broadcast_admin.body_field,
    }


def _sms_settings():
    return contacts.settings_of(db.session(), g.partnership.id)


# Broadcasts


def audience_choices() -> dict:
    session = db.session()
    choices = {
        _("Everyone"): [("all", _("All contacts of the partnership"))],
        _("Sector"): [(f"sector:{k}", str(v)) for k, v in PARTICIPANT_SECTOR_LABELS.items()],
        _("Group"): [
            (f"tag:{tag.id}", label_of_tag(tag))
            for tag in group_tags(session, partnership_id=g.partnership.id)
        ],
    }
    localities = broadcast_admin.audience_localities(session, partnership_id=g.partnership.id)
    if localities:
        choices[_("Locality")] = [(f"locality:{name}", name) for name in localities]
    return choices


def audience_label(audience: dict, choices: dict) -> str:
    key = broadcast_admin.Audience(audience.get("kind", "all"), audience.get("value", "")).key
    for group, options in choices.items():
        for value, label in options:
            if value == key:
                return label if key == "all" else f"{group}: {label}"
    return audience.get("value") or key


def body_in_reader_language(broadcast) -> str:
    return translated(
        broadcast.bodies, locale=str(get_locale()), fallback=g.partnership.default_locale
    )


@bp.get("/p/<int:partnership_id>/sms/broadcasts")
@partnership_guard(Role.FACILITATOR)
def broadcasts(partnership_id: int):
    session = db.session()
    rows, total = broadcast_admin.list_broadcasts(
        session, partnership_id=partnership_id, page=page_number()
    )
    counts = broadcast_admin.progress(session, broadcast_ids=[b.id for b, _name in rows])
    return render_template(
        "sms/broadcasts.html",
        rows=rows,
        counts=counts,
        total=total,
        page=page_number(),
        per_page=PER_PAGE,
        choices=audience_choices(),
        audience_label=audience_label,
        body_of=body_in_reader_language,
    )


@bp.route("/p/<int:partnership_id>/sms/broadcasts/new", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def new_broadcast(partnership_id: int):
    choices = audience_choices()
    form = broadcast_form(g.partnership.locales, audience_choices=choices)
    sender = _sms_settings()
    if sender is not None and form.validate_on_submit() and "edit" not in request.form:
        try:
            audience = broadcast_admin.Audience.parse(form.audience.data)
            if request.form.get("confirm") == "1":
                broadcast = broadcast_admin.create_broadcast(
                    db.session(),
                    actor=current_user,
                    partnership=g.partnership,
                    bodies=form.bodies(),
                    audience=audience,
                )
                flash(_("The broadcast is on its way."), "success")
                return redirect(
                    url_for(
                        "sms.broadcast", partnership_id=partnership_id, broadcast_id=broadcast.id
                    )
                )
            preview = broadcast_admin.preview_broadcast(
                db.session(), partnership=g.partnership, bodies=form.bodies(), audience=audience
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            return render_template(
                "sms/broadcast_preview.html",
                form=form,
                preview=preview,
                audience=audience_label({"kind": audience.kind, "value": audience.value}, choices),
            )
    return render_form("sms/broadcast_form.html", form, form=form, sender=sender)


@bp.get("/p/<int:partnership_id>/sms/broadcasts/<int:broadcast_id>")
@partnership_guard(Role.FACILITATOR)
def broadcast(partnership_id: int, broadcast_id: int):
    session = db.session()
    found = broadcast_admin.get_broadcast(
        session, partnership_id=partnership_id, broadcast_id=broadcast_id
    )
    if found is None:
        abort(404)
    return render_template(
        "sms/broadcast.html",
        broadcast=found,
        progress=broadcast_admin.progress(session, broadcast_ids=[found.id])[found.id],
        problems=broadcast_admin.problems(session, broadcast_id=found.id),
        audience=audience_label(found.audience, audience_choices()),
    )


# The inbox


@bp.get("/p/<int:partnership_id>/sms")
@partnership_guard(Role.FACILITATOR)
def inbox(partnership_id: int):
    rows, total, unhandled = inbox_admin.inbox(
        db.session(), partnership_id=partnership_id, page=page_number()
    )
    return render_template(
        "sms/inbox.html",
        rows=mask_for(rows, g.membership),
        total=total,
        unhandled=unhandled,
        page=page_number(),
        per_page=PER_PAGE,
        sender=_sms_settings(),
        confirm=ConfirmForm(),
    )


def _message(message_id: int):
    row = inbox_admin.get_inbox_message(
        db.session(), partnership_id=g.partnership.id, message_id=message_id
    )
    return mask_for([row], g.membership)[0] if row else abort(404)


def _message_page(row, *, reply_form=None, link_form=None):
    settings = _sms_settings()
    thread = inbox_admin.conversation(
        db.session(),
        partnership_id=g.partnership.id,
        sender=settings.sender if settings else None,
        phone=row.message.from_phone,
        limit=30,
        confirmed=row.joined,
    )
    reply_form, link_form = reply_form or ReplyForm(), link_form or LinkForm()
    return render_form(
        "sms/message.html",
        reply_form,
        link_form,
        row=row,
        thread=thread,
        reply_form=reply_form,
        link_form=link_form,
        confirm=ConfirmForm(),
    )


@bp.get("/p/<int:partnership_id>/sms/inbox/<int:message_id>")
@partnership_guard(Role.FACILITATOR)
def inbox_message(partnership_id: int, message_id: int):
    return _message_page(_message(message_id))


@bp.post("/p/<int:partnership_id>/sms/inbox/<int:message_id>/reply")
@partnership_guard(Role.FACILITATOR)
def reply(partnership_id: int, message_id: int):
    row = _message(message_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            inbox_admin.reply(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                message=row.message,
                body=form.body.data,
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("The reply is on its way."), "success")
            return redirect(
                url_for("sms.inbox_message", partnership_id=partnership_id, message_id=message_id)
            )
    return _message_page(row, reply_form=form)


@bp.post("/p/<int:partnership_id>/sms/inbox/<int:message_id>/handled")
@partnership_guard(Role.FACILITATOR)
def mark_handled(partnership_id: int, message_id: int):
    row = _message(message_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    inbox_admin.mark_handled(db.session(), actor=current_user, message=row.message)
    flash(_("The message is marked handled."), "success")
    return redirect(url_for("sms.inbox", partnership_id=partnership_id))


@bp.post("/p/<int:partnership_id>/sms/inbox/<int:message_id>/link")
@partnership_guard(Role.FACILITATOR)
def link_contact(partnership_id: int, message_id: int):
    row = _message(message_id)
    form = LinkForm()
    if form.validate_on_submit():
        try:
            participant = contact_admin.link_participant(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                message=row.message,
                name=form.target.data,
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("The contact is linked to %(name)s.", name=participant.display_name), "success")
            return redirect(
                url_for("sms.inbox_message", partnership_id=partnership_id, message_id=message_id)
            )
    return _message_page(row, link_form=form)
