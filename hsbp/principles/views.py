"""Charter pages: the charter in force, drafts, endorsements, version comparison, print (the
draft editor and proposing a draft: hsbp.principles.section_views)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from hsbp import db
from hsbp.errors import ServiceError, apply_to_form
from hsbp.i18n import language_name, missing_languages, translated
from hsbp.partnerships.forms import ConfirmForm
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.services import list_partners
from hsbp.principles import changes as charter_changes
from hsbp.principles import content, indicator_labels, labels, services
from hsbp.principles.forms import (
    ANSWER_LABELS,
    CHANGE_LABELS,
    STATUS_LABELS,
    CompareForm,
    EndorseForm,
)
from hsbp.principles.models import CharterStatus, CharterVersion
from hsbp.security import Role
from hsbp.views import render_form

bp = Blueprint("principles", __name__)


def budget_totals(lines: list[dict]) -> list[tuple[str, Decimal, Decimal]]:
    """(currency, cash, in kind) for each currency of the budget, in order of first use."""
    totals: dict[str, dict[str, Decimal]] = {}
    for line in lines:
        sums = totals.setdefault(line["currency"], {kind: Decimal(0) for kind in content.KINDS})
        sums[line["kind"]] += Decimal(line["amount"])
    return [(currency, sums["cash"], sums["in_kind"]) for currency, sums in totals.items()]


def pick(values: dict | None, *, locale: str, fallback: str) -> tuple[str, str | None]:
    """The text to show a reader of `locale`, and the language it is actually in."""
    values = values or {}
    text = translated(values, locale=locale, fallback=fallback)
    code = next((c for c in (locale, fallback, *values) if text and values.get(c) == text), None)
    return text, code


def native_name(code: str) -> str:
    """A language's name in that language, capitalised as a tag ("Español")."""
    name = language_name(code, code)
    return name[:1].upper() + name[1:]


@bp.context_processor
def _charter_helpers():
    locale = str(get_locale())
    partnership = g.get("partnership")
    fallback = partnership.default_locale if partnership else locale
    return {
        "pick": lambda values: pick(values, locale=locale, fallback=fallback),
        "native_name": native_name,
        "missing_languages": missing_languages,
        "amount": lambda value: format_decimal(Decimal(value)),
        "percent": lambda value: format_percent(value / 100),
        "iso_date": lambda value: format_date(date.fromisoformat(value)) if value else "",
        "budget_totals": budget_totals,
        "LIFTS": content.LIFTS,
        "PROTOCOLS": content.PROTOCOLS,
        "PRINCIPLE_LABELS": labels.PRINCIPLE_LABELS,
        "PROTOCOL_LABELS": labels.PROTOCOL_LABELS,
        "RULE_LABELS": labels.RULE_LABELS,
        "ACTION_RULE_FIELD_LABEL": labels.ACTION_RULE_FIELD_LABEL,
        "ACTION_RULE_LABELS": labels.ACTION_RULE_LABELS,
        "ACTION_RULE_HINTS": labels.ACTION_RULE_HINTS,
        "ACTION_RULE_NOTE": labels.ACTION_RULE_NOTE,
        "action_rule_of": content.action_rule_of,
        "CHECK_RULE_FIELD_LABEL": labels.CHECK_RULE_FIELD_LABEL,
        "CHECK_RULE_LABELS": labels.CHECK_RULE_LABELS,
        "CHECK_RULE_HINTS": labels.CHECK_RULE_HINTS,
        "check_rule_of": content.check_rule_of,
        "COMMUNITY_MODE_LABELS": labels.COMMUNITY_MODE_LABELS,
        "COMMUNITY_MODE_HINTS": labels.COMMUNITY_MODE_HINTS,
        "COMMUNITY_RULE_FIELD_LABELS": labels.COMMUNITY_RULE_FIELD_LABELS,
        "community_rule_of": content.community_rule_of,
        "RISK_RULE_FIELD_LABEL": labels.RISK_RULE_FIELD_LABEL,
        "RISK_RULE_LABELS": labels.RISK_RULE_LABELS,
        "RISK_RULE_HINTS": labels.RISK_RULE_HINTS,
        "RISK_RULE_NOTE": labels.RISK_RULE_NOTE,
        "risk_rule_of": content.risk_rule_of,
        "INCIDENT_PARTNERS_FIELD_LABEL": labels.INCIDENT_PARTNERS_FIELD_LABEL,
        "INCIDENT_PARTNERS_HINT": labels.INCIDENT_PARTNERS_HINT,
        "incident_partners_of": content.incident_partners_of,
        "KIND_LABELS": labels.KIND_LABELS,
        "GOAL_FIELD_LABELS": labels.GOAL_FIELD_LABELS,
        "indicators_of": content.indicators_of,
        "INDICATOR_LABELS": indicator_labels,
        "STATUS_LABELS": STATUS_LABELS,
        "ANSWER_LABELS": ANSWER_LABELS,
        "CHANGE_LABELS": CHANGE_LABELS,
    }


def version_or_404(session, partnership_id: int, number: int) -> CharterVersion:
    version = services.get_version(session, partnership_id=partnership_id, number=number)
    if version is None:
        abort(404)
    return version


def _may_answer(version: CharterVersion | None, stances: dict) -> bool:
    """Whether the signed-in member can still give their partner's stance on `version`."""
    membership = g.membership
    return (
        version is not None
        and version.status in (CharterStatus.PROPOSED, CharterStatus.ADOPTED)
        and membership.role == Role.REPRESENTATIVE
        and membership.partner is not None
        and membership.partner.is_current
        and membership.partner_id not in stances[version.id]
    )


def charter_page(partnership_id: int, failed=None, failed_version_id: int | None = None):
    data = services.overview(db.session(), partnership_id=partnership_id)
    endorse_forms = {}
    for version in (data["pending"], data["in_force"]):
        if _may_answer(version, data["stances"]):
            endorse_forms[version.id] = EndorseForm(prefix=f"v{version.number}", formdata=None)
    if isinstance(failed, EndorseForm) and failed_version_id in endorse_forms:
        endorse_forms[failed_version_id] = failed
    return render_form(
        "principles/charter.html",
        *([failed] if failed is not None else []),
        **data,
        failed=failed,
        endorse_forms=endorse_forms,
        confirm=ConfirmForm(formdata=None),
        partner_names={p.id: p.name for p in data["partners"]},
    )


@bp.get("/p/<int:partnership_id>/charter")
@partnership_guard()
def charter(partnership_id: int):
    return charter_page(partnership_id)


@bp.post("/p/<int:partnership_id>/charter/drafts")
@partnership_guard(Role.FACILITATOR)
def start_draft(partnership_id: int):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        version = services.start_draft(db.session(), actor=current_user, partnership=g.partnership)
    except ServiceError as error:
        form.form_errors.append(error.message)
        return charter_page(partnership_id, failed=form)
    flash(_("Version %(number)d is started as a draft.", number=version.number), "success")
    return redirect(
        url_for("principles.edit", partnership_id=partnership_id, number=version.number)
    )


def _act(partnership_id: int, number: int, action, message: str):
    """Run a one-button action on a version; a refusal shows on the charter page (422)."""
    session = db.session()
    version = version_or_404(session, partnership_id, number)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        action(session, version)
    except ServiceError as error:
        form.form_errors.append(error.message)
        return charter_page(partnership_id, failed=form)
    flash(message, "success")
    return redirect(url_for("principles.charter", partnership_id=partnership_id))


@bp.post("/p/<int:partnership_id>/charter/<int:number>/withdraw")
@partnership_guard(Role.FACILITATOR)
def withdraw(partnership_id: int, number: int):
    def action(session, version):
        services.withdraw(session, actor=current_user, version=version)

    message = _("Version %(number)d is a draft again: revise it.", number=number)
    return _act(partnership_id, number, action, message)


@bp.post("/p/<int:partnership_id>/charter/<int:number>/endorse")
@partnership_guard(Role.REPRESENTATIVE)
def endorse(partnership_id: int, number: int):
    session = db.session()
    version = version_or_404(session, partnership_id, number)
    was_proposed = version.status == CharterStatus.PROPOSED
    form = EndorseForm(prefix=f"v{number}")
    if form.validate_on_submit():
        try:
            services.endorse(
                session,
                actor=current_user,
                version=version,
                stance=form.stance.data,
                comment=form.comment.data or "",
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            if was_proposed and version.status == CharterStatus.ADOPTED:
                message = _("Version %(number)d is adopted: it is now in force.", number=number)
                flash(message, "success")
            else:
                flash(_("Your partner's answer is recorded."), "success")
            return redirect(url_for("principles.charter", partnership_id=partnership_id))
    return charter_page(partnership_id, failed=form, failed_version_id=version.id)


@bp.get("/p/<int:partnership_id>/charter/<int:number>")
@partnership_guard()
def version(partnership_id: int, number: int):
    session = db.session()
    shown = version_or_404(session, partnership_id, number)
    partners = list_partners(session, partnership_id=partnership_id)
    stances = services.answers(session, partnership_id=partnership_id, version_ids=[shown.id])
    based_on = None
    if shown.based_on_id:
        based_on = session.scalar(
            select(CharterVersion.number).where(
                CharterVersion.partnership_id == partnership_id,
                CharterVersion.id == shown.based_on_id,
            )
        )
    return render_template(
        "principles/version.html",
        version=shown,
        based_on=based_on,
        partners=partners,
        stances=stances[shown.id],
        partner_names={p.id: p.name for p in partners},
    )


@bp.get("/p/<int:partnership_id>/charter/compare")
@partnership_guard()
def compare(partnership_id: int):
    session = db.session()
    versions = services.list_versions(session, partnership_id=partnership_id)
    by_number = {v.number: v for v in versions}
    form = CompareForm(request.args)
    choices = [
        (v.number, f"{_('Version %(number)d', number=v.number)} · {STATUS_LABELS[v.status]}")
        for v in versions
    ]
    form.a.choices = form.b.choices = choices
    if "a" not in request.args and len(versions) >= 2:
        form.a.data, form.b.data = versions[1].number, versions[0].number
    rows = None
    older, newer = by_number.get(form.a.data), by_number.get(form.b.data)
    if older is not None and newer is not None and older.id != newer.id:
        locale = str(get_locale())
        found = charter_changes.diff(older.content, newer.content, locales=g.partnership.locales)
        rows = charter_changes.describe(
            found,
            old=older.content,
            new=newer.content,
            partner_names={
                p.id: p.name for p in list_partners(session, partnership_id=partnership_id)
            },
            locale=locale,
            fallback=g.partnership.default_locale,
        )
    return render_template(
        "principles/compare.html", form=form, rows=rows, older=older, newer=newer
    )


@bp.get("/p/<int:partnership_id>/charter/print")
@partnership_guard()
def print_view(partnership_id: int):
    session = db.session()
    current = services.in_force(session, partnership_id=partnership_id)
    partners = list_partners(session, partnership_id=partnership_id)
    stances = {}
    if current is not None:
        found = services.answers(session, partnership_id=partnership_id, version_ids=[current.id])
        stances = found[current.id]
    return render_template(
        "principles/print.html",
        version=current,
        stances=stances,
        partners=partners,
        partner_names={p.id: p.name for p in partners},
    )
