"""The report by framework: for a chosen framework, each reference with what the partnership
did about it, as a page and as HTML, PDF and XLSX downloads. Every member reads it
(observers too); risks follow the register's rule for the reader, grievances are counts.
Nothing here changes data. The downloads are not audited: they hold the partnership's shared
work and counts, no one's identity, and reading the app writes nothing to the log."""

from __future__ import annotations

from flask import Response, abort, current_app, g, render_template, request
from flask_babel import force_locale, get_locale

from hsbp import db, spreadsheets
from hsbp.db import utcnow
from hsbp.i18n import UI_LOCALE_CODES
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.services import list_partners
from hsbp.risks import framework_export, framework_pdf, frameworks
from hsbp.risks import framework_report as reports
from hsbp.risks.tag_forms import ReportForm
from hsbp.risks.views import bp
from hsbp.security import Role

BASE = "/p/<int:partnership_id>/frameworks"
# The page lists this many items of each kind under a reference, with how many more there
# are: a framework's page stays light on a slow link however large the register; the
# downloads are files to keep and list every item.
PAGE_ITEMS = 10


def _choices(locale: str) -> list[tuple[str, str]]:
    return [(fw.key, frameworks.title(fw, locale).text) for fw in frameworks.frameworks()]


def _asked(session, locale: str):
    """(form, framework key or None if unknown, partner or None, every reference?)."""
    partners = list_partners(session, partnership_id=g.partnership.id)
    form = ReportForm(request.args, frameworks=_choices(locale), partners=partners)
    key = request.args.get("framework")
    if not key:
        with_tags = reports.framework_keys_with_tags(session, partnership_id=g.partnership.id)
        key = with_tags[0] if with_tags else frameworks.ORDER[0]
    if key not in frameworks.ORDER:
        key = None
    form.framework.data = key
    # An unknown partner (another partnership's, a typo) is no filter: the whole report.
    partner = next((p for p in partners if str(p.id) == request.args.get("partner")), None)
    form.partner.data = str(partner.id) if partner else ""
    return form, key, partner, bool(form.everything.data)


def _gather(session, key: str, partner, everything: bool, locale: str, limit=None):
    return reports.gather(
        session,
        partnership=g.partnership,
        membership=g.membership,
        key=key,
        locale=locale,
        now=utcnow(),
        partner=partner,
        everything=everything,
        limit=limit,
    )


def _links(key: str, partner, everything: bool) -> dict:
    """The query of the downloads: the same report as on the page."""
    return {
        "framework": key,
        "partner": partner.id if partner else None,
        "everything": "y" if everything else None,
    }


@bp.get(BASE)
@partnership_guard(Role.OBSERVER)
def framework_report(partnership_id: int):
    session = db.session()
    locale = str(get_locale())
    form, key, partner, everything = _asked(session, locale)
    if key is None:
        # The page says so and lists the frameworks, rather than a bare "not found".
        return render_template(
            "risks/framework.html",
            form=form,
            report=None,
            unknown=request.args.get("framework", "")[:40],
            frameworks_list=_choices(locale),
        ), 404
    report = _gather(session, key, partner, everything, locale, limit=PAGE_ITEMS)
    return render_template(
        "risks/framework.html",
        form=form,
        report=report,
        unknown=None,
        links=_links(key, partner, everything),
    )


def _export(fmt: str, locale: str) -> Response:
    session = db.session()
    _form, key, partner, everything = _asked(session, locale)
    if key is None:
        abort(404)
    report = _gather(session, key, partner, everything, locale)
    today = utcnow().astimezone(g.partnership.zone).date()
    name = framework_export.filename(g.partnership, key, fmt, today)
    if fmt == "xlsx":
        return spreadsheets.download(
            list(framework_export.rows(report)), "xlsx", sheet=key, filename=name
        )
    if fmt == "pdf":
        body, content_type = framework_pdf.build(report), "application/pdf"
    else:
        with force_locale(locale):
            body = render_template(
                "risks/framework_print.html", report=report, style=_print_style()
            )
        content_type = "text/html; charset=utf-8"
    return Response(
        body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _print_style() -> str:
    """The printable pages' style sheet, written into the file so it reads offline."""
    with current_app.open_resource("static/print.css", "r") as sheet:
        return sheet.read()


def _locale() -> str:
    """The language asked for (?lang=, any shipped one, so a facilitator can hand each
    constituency its own copy), else the reader's."""
    locale = request.args.get("lang") or str(get_locale())
    if locale not in UI_LOCALE_CODES:
        abort(404)
    return locale


@bp.get(f"{BASE}/report.html")
@partnership_guard(Role.OBSERVER)
def framework_report_html(partnership_id: int):
    return _export("html", _locale())


@bp.get(f"{BASE}/report.pdf")
@partnership_guard(Role.OBSERVER)
def framework_report_pdf(partnership_id: int):
    return _export("pdf", _locale())


@bp.get(f"{BASE}/report.xlsx")
@partnership_guard(Role.OBSERVER)
def framework_report_xlsx(partnership_id: int):
    return _export("xlsx", _locale())
