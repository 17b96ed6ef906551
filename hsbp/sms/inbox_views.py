"""The facilitators' SMS inbox: a page of threads (one per contact), a thread with its
replies, linking and marking handled (the work: hsbp.sms.threads, hsbp.sms.inbox)."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db
from hsbp.errors import ServiceError, apply_to_form
from hsbp.mapping import picking
from hsbp.partnerships.forms import ConfirmForm
from hsbp.partnerships.guard import partnership_guard
from hsbp.security import Role
from hsbp.sms import contact_admin, contacts, threads
from hsbp.sms import inbox as inbox_admin
from hsbp.sms.admin_common import PER_PAGE, mask_for
from hsbp.sms.admin_forms import LinkForm, ReplyForm
from hsbp.sms.models import InboundMessage
from hsbp.sms.views import bp
from hsbp.views import page_number, render_form


def _sms_settings():
    return contacts.settings_of(db.session(), g.partnership.id)


def _reader_locale() -> str:
    return str(get_locale())


def _picked(name: str) -> list[int]:
    """The ids ticked in checkboxes `name` (anything that is no id is ignored)."""
    return [int(value) for value in request.form.getlist(name) if value.isdigit()][:500]


@bp.get("/p/<int:partnership_id>/sms")
@partnership_guard(Role.FACILITATOR)
def inbox(partnership_id: int):
    waiting_only = request.args.get("show") == "waiting"
    found = threads.inbox(
        db.session(),
        partnership_id=partnership_id,
        locale=_reader_locale(),
        page=page_number(),
        waiting_only=waiting_only,
    )
    return render_template(
        "sms/inbox.html",
        inbox=found,
        rows=mask_for(found.threads, g.membership),
        waiting_only=waiting_only,
        page=page_number(),
        per_page=PER_PAGE,
        sender=_sms_settings(),
        confirm=ConfirmForm(),
    )


@bp.post("/p/<int:partnership_id>/sms/handled")
@partnership_guard(Role.FACILITATOR)
def mark_threads_handled(partnership_id: int):
    """The inbox's ticked threads, every message of them nobody handled."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _flash_handled(
        threads.mark_handled(
            db.session(),
            actor=current_user,
            partnership_id=partnership_id,
            contact_ids=_picked("thread"),
        )
    )
    args = {"show": "waiting"} if request.form.get("show") == "waiting" else {}
    return redirect(url_for("sms.inbox", partnership_id=partnership_id, **args))


def _flash_handled(count: int) -> None:
    if count:
        flash(
            ngettext(
                "%(num)s message is marked handled.", "%(num)s messages are marked handled.", count
            ),
            "success",
        )
    else:
        flash(_("Tick the messages to mark handled first."), "info")


def _thread(contact_id: int):
    row = threads.get_thread(db.session(), partnership_id=g.partnership.id, contact_id=contact_id)
    return mask_for([row], g.membership)[0] if row else abort(404)


def _thread_page(row, *, reply_form=None, link_form=None):
    settings = _sms_settings()
    items, older = threads.messages(
        db.session(),
        partnership_id=g.partnership.id,
        thread=row,
        sender=settings.sender if settings else None,
        locale=_reader_locale(),
        page=page_number(),
    )
    reply_form, link_form = reply_form or ReplyForm(), link_form or LinkForm()
    if row.joined:
        link_form.target.suggestions = picking.participant_labels(
            db.session(), partnership_id=g.partnership.id
        )
    return render_form(
        "sms/message.html",
        reply_form,
        link_form,
        row=row,
        thread=items,
        older=older,
        page=page_number(),
        reply_form=reply_form,
        link_form=link_form,
        confirm=ConfirmForm(),
    )


def _to_thread(row, message_id: int | None = None):
    anchor = f"in-{message_id}" if message_id else None
    return redirect(
        url_for(
            "sms.thread",
            partnership_id=g.partnership.id,
            contact_id=row.contact.id,
            _anchor=anchor,
        )
    )


@bp.get("/p/<int:partnership_id>/sms/threads/<int:contact_id>")
@partnership_guard(Role.FACILITATOR)
def thread(partnership_id: int, contact_id: int):
    return _thread_page(_thread(contact_id))


@bp.post("/p/<int:partnership_id>/sms/threads/<int:contact_id>/handled")
@partnership_guard(Role.FACILITATOR)
def mark_thread_handled(partnership_id: int, contact_id: int):
    """The ticked messages of a thread, or all of them ("all")."""
    row = _thread(contact_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    whole = request.form.get("all") == "1"
    _flash_handled(
        threads.mark_handled(
            db.session(),
            actor=current_user,
            partnership_id=partnership_id,
            contact_ids=[row.contact.id] if whole else [],
            message_ids=[] if whole else _picked("message"),
        )
    )
    return _to_thread(row)


def _reply(row, message):
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            inbox_admin.reply(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                message=message,
                body=form.body.data,
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("The reply is on its way."), "success")
            return _to_thread(row)
    return _thread_page(row, reply_form=form)


@bp.post("/p/<int:partnership_id>/sms/threads/<int:contact_id>/reply")
@partnership_guard(Role.FACILITATOR)
def reply_in_thread(partnership_id: int, contact_id: int):
    row = _thread(contact_id)
    return _reply(row, row.latest)


def _link(row):
    form = LinkForm()
    if form.validate_on_submit():
        try:
            participant = contact_admin.link_participant(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                message=row.latest,
                name=form.target.data,
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("The contact is linked to %(name)s.", name=participant.display_name), "success")
            return _to_thread(row)
    return _thread_page(row, link_form=form)


@bp.post("/p/<int:partnership_id>/sms/threads/<int:contact_id>/link")
@partnership_guard(Role.FACILITATOR)
def link_in_thread(partnership_id: int, contact_id: int):
    return _link(_thread(contact_id))


# The addresses of one message, from before the inbox had threads: links in e-mails and
# bookmarks lead to the message's thread.


def _message_thread(message_id: int):
    contact_id = threads.thread_of_message(
        db.session(), partnership_id=g.partnership.id, message_id=message_id
    )
    return _thread(contact_id) if contact_id else abort(404)


@bp.get("/p/<int:partnership_id>/sms/inbox/<int:message_id>")
@partnership_guard(Role.FACILITATOR)
def inbox_message(partnership_id: int, message_id: int):
    return _to_thread(_message_thread(message_id), message_id)


@bp.post("/p/<int:partnership_id>/sms/inbox/<int:message_id>/reply")
@partnership_guard(Role.FACILITATOR)
def reply(partnership_id: int, message_id: int):
    row = _message_thread(message_id)
    return _reply(row, db.session().get(InboundMessage, message_id))


@bp.post("/p/<int:partnership_id>/sms/inbox/<int:message_id>/handled")
@partnership_guard(Role.FACILITATOR)
def mark_handled(partnership_id: int, message_id: int):
    _message_thread(message_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    threads.mark_handled(
        db.session(), actor=current_user, partnership_id=partnership_id, message_ids=[message_id]
    )
    flash(_("The message is marked handled."), "success")
    return redirect(url_for("sms.inbox", partnership_id=partnership_id))


@bp.post("/p/<int:partnership_id>/sms/inbox/<int:message_id>/link")
@partnership_guard(Role.FACILITATOR)
def link_contact(partnership_id: int, message_id: int):
    return _link(_message_thread(message_id))
