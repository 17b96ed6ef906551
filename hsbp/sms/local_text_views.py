"""Pages to write the system SMS texts in the partnership's local languages: the languages
and their progress, every text of one language, and one text to write, check and save.

Facilitators and members given the translator permission use them, whatever their role;
other members get 403, and non-members the guard's 404.
"""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db
from hsbp.errors import ServiceError, apply_to_form
from hsbp.partnerships.forms import ConfirmForm
from hsbp.partnerships.guard import partnership_guard
from hsbp.sms import local_text_admin, local_texts
from hsbp.sms.local_text_checks import check, entries, entry_for, group_label, writing
from hsbp.sms.local_text_forms import LocalTextForm
from hsbp.sms.views import bp
from hsbp.views import render_form

SHOW_MISSING = "missing"


def _allowed(locale: str | None = None) -> None:
    if not local_text_admin.may_translate(g.membership):
        abort(403)
    if locale is not None and locale not in local_texts.local_locales(g.partnership):
        abort(404)


def _language_name(locale: str) -> str:
    return local_texts.language_names(db.session(), g.partnership).get(locale, locale)


@bp.get("/p/<int:partnership_id>/sms/texts")
@partnership_guard()
def texts_index(partnership_id: int):
    _allowed()
    languages = local_text_admin.progress(db.session(), partnership=g.partnership)
    return render_template("sms/texts.html", languages=languages)


@bp.get("/p/<int:partnership_id>/sms/texts/<locale>")
@partnership_guard()
def texts_language(partnership_id: int, locale: str):
    _allowed(locale)
    session = db.session()
    context, rows = local_text_admin.rows(session, partnership=g.partnership, locale=locale)
    progress = next(
        p
        for p in local_text_admin.progress(session, partnership=g.partnership)
        if p.locale == locale
    )
    missing_only = request.args.get("show") == SHOW_MISSING
    groups: dict[str, list] = {}
    for row in rows:
        if not (missing_only and row.text):
            groups.setdefault(row.entry.group, []).append(row)
    return render_template(
        "sms/texts_language.html",
        locale=locale,
        name=progress.name,
        progress=progress,
        groups=[(group_label(group), found) for group, found in groups.items()],
        missing_only=missing_only,
        fallback=context.fallback,
        outdated=local_text_admin.outdated(context),
    )


@bp.route("/p/<int:partnership_id>/sms/texts/<locale>/<text_id>", methods=["GET", "POST"])
@partnership_guard()
def texts_edit(partnership_id: int, locale: str, text_id: str):
    _allowed(locale)
    entry = entry_for(text_id) or abort(404)
    session = db.session()
    context = writing(session, partnership=g.partnership, locale=locale)
    saved = context.own.get(entry.key)
    form = LocalTextForm()
    if request.method == "GET":
        form.text.data = saved or ""
    posted = request.method == "POST"
    checked = check(context, entry, form.text.data or "") if posted or saved else None
    if posted and form.validate_on_submit():
        action = request.form.get("action", "save")
        if action == "check":
            if checked is not None:
                form.text.errors = [*form.text.errors, *checked.errors]
        else:
            try:
                local_text_admin.save(
                    session,
                    actor=current_user,
                    membership=g.membership,
                    partnership=g.partnership,
                    locale=locale,
                    entry=entry,
                    text=form.text.data or "",
                )
            except ServiceError as error:
                apply_to_form(form, error)
            else:
                flash(_("The text is saved: the next SMS in this language uses it."), "success")
                return redirect(_after_save(locale, entry, action == "save_next"))
    return render_form(
        "sms/texts_edit.html",
        form,
        form=form,
        locale=locale,
        name=_language_name(locale),
        entry=entry,
        saved=saved,
        reference=context.reference(entry),
        fallback=context.fallback,
        samples=context.values(entry),
        checked=checked,
        confirm=ConfirmForm(),
    )


def _after_save(locale: str, entry, to_next: bool) -> str:
    """The next text without a translation after `entry` (then from the start), or the list."""
    listing = url_for("sms.texts_language", partnership_id=g.partnership.id, locale=locale)
    if not to_next:
        return f"{listing}#t-{entry.id}"
    own = local_texts.written(db.session(), partnership_id=g.partnership.id, locales=[locale])
    every = entries()
    at = next(n for n, e in enumerate(every) if e.id == entry.id)
    for candidate in [*every[at + 1 :], *every[:at]]:
        if not own[locale].get(candidate.key):
            return url_for(
                "sms.texts_edit",
                partnership_id=g.partnership.id,
                locale=locale,
                text_id=candidate.id,
            )
    flash(_("Every text is translated into this language."), "success")
    return listing


@bp.post("/p/<int:partnership_id>/sms/texts/<locale>/<text_id>/remove")
@partnership_guard()
def texts_remove(partnership_id: int, locale: str, text_id: str):
    _allowed(locale)
    entry = entry_for(text_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        removed = local_text_admin.remove(
            db.session(),
            actor=current_user,
            membership=g.membership,
            partnership=g.partnership,
            locale=locale,
            entry=entry,
        )
    except ServiceError as error:
        flash(error.message, "error")
    else:
        if removed:
            flash(
                _("The translation is removed: contacts get the default language's text."),
                "success",
            )
    listing = url_for("sms.texts_language", partnership_id=partnership_id, locale=locale)
    return redirect(f"{listing}#t-{entry.id}")
