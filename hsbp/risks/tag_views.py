"""The page of one item's framework references (a charter goal, an action, an indicator or
a risk): what it is tagged with, and a picker that works without JavaScript: choose a
framework to list its references as checkboxes, or search them, or type codes by hand."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from hsbp import db
from hsbp.errors import ServiceError, apply_error
from hsbp.partnerships.guard import partnership_guard
from hsbp.risks import frameworks, tagging
from hsbp.risks.framework_hooks import reference_label
from hsbp.risks.tag_forms import PickerForm, TagForm
from hsbp.risks.views import bp
from hsbp.security import Role
from hsbp.views import render_form

# A search that finds more than this lists the first ones and asks for a narrower one.
MOST_FOUND = 60


def framework_choices(locale: str) -> list[tuple[str, str]]:
    return [(fw.key, frameworks.title(fw, locale).text) for fw in frameworks.frameworks()]


def subject_url(subject: tagging.Subject) -> str:
    """The page of the tagged item itself."""
    pid = g.partnership.id
    if subject.kind == tagging.ACTION:
        return url_for("actions.detail", partnership_id=pid, action_id=subject.row.id)
    if subject.kind == tagging.INDICATOR:
        return url_for("monitoring.detail", partnership_id=pid, indicator_id=subject.row.id)
    if subject.kind == tagging.RISK:
        return url_for("risks.risk", partnership_id=pid, risk_id=subject.row.id)
    return url_for("principles.charter", partnership_id=pid)


def _entry(code: str, locale: str) -> dict:
    key = code.split(":", 1)[0]
    short = frameworks.short(key, locale) if key in frameworks.ORDER else None
    return {"code": code, "short": short, "label": reference_label(code, locale)}


def _framework_groups(key: str, locale: str) -> list[tuple]:
    """[(group title or None, [entries])] of framework `key`, in the official order."""
    groups = {group.code: group for group in frameworks.groups(key)}
    out: list[tuple] = []
    for ref in frameworks.references(key):
        group = groups.get(ref.group) if ref.group else None
        heading = frameworks.title(group, locale) if group else None
        if not out or out[-1][0] != heading:
            out.append((heading, []))
        out[-1][1].append(_entry(ref.code, locale))
    return out


def _subject_or_404(session, kind: str, key: str) -> tagging.Subject:
    if kind not in tagging.KINDS or len(key) > 40:
        abort(404)
    subject = tagging.subject_of(session, partnership_id=g.partnership.id, kind=kind, key=key)
    if subject is None or not tagging.may_read(session, g.membership, subject):
        abort(404)
    return subject


@bp.route("/p/<int:partnership_id>/frameworks/tags/<kind>/<key>", methods=["GET", "POST"])
@partnership_guard(Role.OBSERVER)
def tags(partnership_id: int, kind: str, key: str):
    session = db.session()
    subject = _subject_or_404(session, kind, key)
    may_edit = tagging.may_tag(session, g.membership, subject)
    locale = str(get_locale())
    form = TagForm()
    typed: list[str] = []
    if request.method == "POST":
        if not may_edit:
            abort(403)
        typed = tagging.parse_codes(form.code.data or "")
        if form.validate_on_submit():
            try:
                tagging.set_tags(
                    session,
                    partnership_id=partnership_id,
                    kind=kind,
                    key=key,
                    references=[*(form.references.data or []), *typed],
                    actor_id=current_user.id,
                    membership=g.membership,
                )
            except ServiceError as error:
                apply_error(form, error)
            else:
                flash(_("The framework references are saved."), "success")
                return redirect(
                    url_for(
                        "risks.tags",
                        partnership_id=partnership_id,
                        kind=kind,
                        key=key,
                        framework=form.framework.data or None,
                        q=form.q.data or None,
                    )
                )
        asked = MultiDict({"framework": form.framework.data or "", "q": form.q.data or ""})
    else:
        asked = request.args
    picker = PickerForm(asked, frameworks=framework_choices(locale))
    chosen, query = picker.chosen()
    form.framework.data, form.q.data = chosen, query
    current = tagging.tags_of(session, partnership_id=partnership_id, kind=kind, keys=[key])[key]
    if request.method == "POST":
        # What the member checked and typed stays as it was, to correct and send again.
        given = [tagging.known_code(c) for c in [*form.references.data, *typed]]
        checked = {code for code in given if code}
        form.code.data = ", ".join(c for c in typed if not tagging.known_code(c))
    else:
        checked = set(current)
    groups = _framework_groups(chosen, locale) if chosen else []
    found = frameworks.search(query, locale) if query else []
    shown = {entry["code"] for _heading, entries in groups for entry in entries}
    # A reference the framework's list already holds is not offered twice: two boxes for one
    # code would send it while either stays checked.
    fresh = [ref for ref in found if ref.code not in shown]
    results = [_entry(ref.code, locale) for ref in fresh[:MOST_FOUND]]
    shown |= {entry["code"] for entry in results}
    others = sorted((checked | set(current)) - shown, key=frameworks.sort_key)
    partnership = g.partnership
    return render_form(
        "risks/tags.html",
        form,
        subject=subject,
        subject_title=subject.title(locale, partnership.default_locale),
        subject_url=subject_url(subject),
        may_edit=may_edit,
        picker=picker,
        form=form,
        chosen=chosen,
        chosen_framework=frameworks.framework(chosen) if chosen else None,
        chosen_title=frameworks.title(chosen, locale) if chosen else None,
        query=query,
        current=[_entry(code, locale) for code in current],
        groups=groups,
        results=results,
        more_found=max(len(fresh) - MOST_FOUND, 0),
        found_above=len(found) - len(fresh),
        others=[_entry(code, locale) for code in others],
        checked=checked,
    )
