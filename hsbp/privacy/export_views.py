"""Privacy pages: the privacy desk (who is this number here, and what is held about them) and
a person's own data as a printable page, a PDF or JSON.

Lead facilitators only (a co-facilitator from the community side sees no numbers, so may
not look one up either); anyone else gets the guard's 404. An export shows a person's
identity, protected ones included, so it is asked for with a form (a POST: no link, prefetch
or crawler opens one), asks for a recent sign-in (`fresh_auth_required`) and is written to
the audit log; nothing here is kept by a browser or a proxy (`no-store`).
"""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db
from hsbp.auth.reauth import fresh_auth_required
from hsbp.db import utcnow
from hsbp.errors import ServiceError, apply_to_form
from hsbp.grievances import officers
from hsbp.i18n import UI_LOCALE_CODES, format_when, is_rtl, isolated
from hsbp.partnerships.guard import partnership_guard
from hsbp.privacy import (
    erasure_record,
    export_sections,
    holdings,
    subject_export,
    subject_pdf,
)
from hsbp.privacy.export_forms import ExportForm, LookupForm
from hsbp.privacy.export_labels import TITLES
from hsbp.privacy.forms import GROUND_LABELS, SUBJECT_LABELS
from hsbp.privacy.holdings import Subject
from hsbp.privacy.views import bp
from hsbp.security import Role
from hsbp.sms.admin_common import display_phone
from hsbp.views import query_int, render_form

BASE = "/p/<int:partnership_id>/privacy"


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


# The desk --------------------------------------------------------------------------------


@bp.route(BASE, methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR, lead=True)
def desk(partnership_id: int):
    """Look a person up by number (posted, then shown at the person's own address, which
    names them by id only), or open one from a participant's or a contact's page
    (?participant=, ?contact=); say what is held about them and offer the exports."""
    session = db.session()
    form = LookupForm()
    subject, searched = None, False
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                found = holdings.find_by_phone(
                    session, partnership=g.partnership, phone=form.phone.data
                )
            except ServiceError as error:
                apply_to_form(form, error)
            else:
                if found is not None:
                    return redirect(_desk_url(found), code=303)
                searched = True
    elif (participant_id := query_int("participant", low=1)) is not None:
        subject = holdings.for_participant(
            session, partnership_id=partnership_id, participant_id=participant_id
        )
        subject = subject or abort(404)
    elif (contact_id := query_int("contact", low=1)) is not None:
        subject = holdings.for_contact(
            session, partnership_id=partnership_id, contact_id=contact_id
        )
        subject = subject or abort(404)
    counts = None
    if subject is not None:
        counts = holdings.counts(
            session, subject=subject, with_grievances=_sees_grievances(session)
        )
    body, code = render_form(
        "privacy/desk.html",
        form,
        form=form,
        export_form=ExportForm(formdata=None, lang=_suggested_language(subject)),
        subject=subject,
        searched=searched,
        counts=counts,
        kinds=holdings.KINDS,
        shown_phones=_shown_phones(subject),
        export_urls=_export_urls(subject),
        erase_url=_erase_url(subject),
        erasures=erasure_record.recent(session, partnership_id=partnership_id),
        ground_labels=GROUND_LABELS,
        subject_labels=SUBJECT_LABELS,
    )
    return _no_store(current_app.make_response((body, code)))


def _sees_grievances(session) -> bool:
    return officers.is_officer(
        session, user_id=g.membership.user_id, partnership_id=g.partnership.id
    )


def _suggested_language(subject: Subject | None) -> str:
    """The person's own language when the export can be written in it, else the reader's."""
    for contact, member in subject.contacts if subject else ():
        if member.status == "confirmed" and contact.locale in UI_LOCALE_CODES:
            return contact.locale
    return str(get_locale())


def _shown_phones(subject: Subject | None) -> list[str]:
    """The numbers as the contact list shows them: a protected participant's masked, as they
    are seen only through the audited identity view or the export."""
    if subject is None:
        return []
    phones = [contact.phone for contact, _member in subject.contacts if contact.phone]
    mapped = subject.participant.phone if subject.participant else None
    if mapped and mapped not in phones:
        phones.append(mapped)
    return [display_phone(phone, hidden=subject.protected) for phone in phones]


def _export_urls(subject: Subject | None) -> dict[str, str]:
    if subject is None:
        return {}
    return {fmt: _export_url(subject, fmt) for fmt in subject_export.FORMATS}


def _export_url(subject: Subject, fmt: str) -> str:
    """Where the page (html) or the file (pdf, json) of the person's export is posted."""
    key = "participant_id" if subject.kind == "participant" else "contact_id"
    endpoint, args = f"privacy.export_{subject.kind}", {}
    if fmt != "html":
        endpoint, args = f"{endpoint}_file", {"fmt": fmt}
    return url_for(endpoint, partnership_id=subject.partnership_id, **{key: subject.id}, **args)


def _erase_url(subject: Subject | None) -> str | None:
    """The erasure page of this person, once erasure is part of the app."""
    if subject is None:
        return None
    endpoint = f"privacy.erase_{subject.kind}"
    if endpoint not in current_app.view_functions:
        return None
    key = "participant_id" if subject.kind == "participant" else "contact_id"
    return url_for(endpoint, partnership_id=subject.partnership_id, **{key: subject.id})


# The exports -----------------------------------------------------------------------------


@bp.post(f"{BASE}/contacts/<int:contact_id>/export")
@partnership_guard(Role.FACILITATOR, lead=True)
@fresh_auth_required
def export_contact(partnership_id: int, contact_id: int):
    return _export(_contact(partnership_id, contact_id), "html")


@bp.post(f"{BASE}/contacts/<int:contact_id>/export.<fmt>")
@partnership_guard(Role.FACILITATOR, lead=True)
@fresh_auth_required
def export_contact_file(partnership_id: int, contact_id: int, fmt: str):
    return _export(_contact(partnership_id, contact_id), _file_format(fmt))


@bp.post(f"{BASE}/participants/<int:participant_id>/export")
@partnership_guard(Role.FACILITATOR, lead=True)
@fresh_auth_required
def export_participant(partnership_id: int, participant_id: int):
    return _export(_participant(partnership_id, participant_id), "html")


@bp.post(f"{BASE}/participants/<int:participant_id>/export.<fmt>")
@partnership_guard(Role.FACILITATOR, lead=True)
@fresh_auth_required
def export_participant_file(partnership_id: int, participant_id: int, fmt: str):
    return _export(_participant(partnership_id, participant_id), _file_format(fmt))


def _file_format(fmt: str) -> str:
    # "<fmt>" takes any word (an `any` converter would refuse the values the tests' rule
    # walkers build), so the view says which it serves.
    return fmt if fmt in subject_export.FILE_FORMATS else abort(404)


def _contact(partnership_id: int, contact_id: int) -> Subject:
    subject = holdings.for_contact(
        db.session(), partnership_id=partnership_id, contact_id=contact_id
    )
    return subject or abort(404)


def _participant(partnership_id: int, participant_id: int) -> Subject:
    subject = holdings.for_participant(
        db.session(), partnership_id=partnership_id, participant_id=participant_id
    )
    return subject or abort(404)


def _export(subject: Subject, fmt: str) -> Response:
    # Any shipped language, so the facilitator can hand the person a copy they can read.
    form = ExportForm()
    if not form.validate_on_submit():
        abort(400)
    locale = form.lang.data
    session, now = db.session(), utcnow()
    data = subject_export.build(
        session,
        subject=subject,
        partnership=g.partnership,
        membership=g.membership,
        locale=locale,
        now=now,
    )
    subject_export.record_export(
        session, actor=current_user, subject=subject, fmt=fmt, locale=locale
    )
    name = subject_export.filename(fmt, now.astimezone(g.partnership.zone).date())
    download = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "json":
        body = subject_export.to_json(data)
        response = Response(body, content_type="application/json; charset=utf-8", headers=download)
        return _no_store(response)
    with force_locale(locale):
        found = export_sections.sections(data)
        title = str(TITLES["document"])
        made = _(
            "Made on %(when)s by %(who)s.",
            when=format_when(now),
            who=isolated(current_user.name),
        )
        if fmt == "pdf":
            body = subject_pdf.build(
                found,
                title=title,
                subtitle=made,
                partnership=g.partnership.name,
                locale=locale,
                rtl=is_rtl(locale),
            )
            response = Response(body, content_type="application/pdf", headers=download)
            return _no_store(response)
        page = render_template(
            "privacy/export.html",
            sections=found,
            title=title,
            made=made,
            lang=locale,
            direction="rtl" if is_rtl(locale) else "ltr",
            export_form=form,
            export_urls=_export_urls(subject),
            desk_url=_desk_url(subject),
        )
    return _no_store(current_app.make_response(page))


def _desk_url(subject: Subject) -> str:
    key = "participant" if subject.kind == "participant" else "contact"
    return url_for("privacy.desk", partnership_id=subject.partnership_id, **{key: subject.id})
