"""Results pages of a consultation: figures, common ground, print, themes and exports.

Members of every role read results (small groups are hidden for all of them); tagging
written answers and exporting identities are for facilitators.
"""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_percent, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db, spreadsheets
from hsbp.auth.reauth import fresh_auth_needed
from hsbp.consultations import charts, export, results, themes
from hsbp.consultations.views import bp, consultation_or_404
from hsbp.errors import ServiceError
from hsbp.i18n import translated
from hsbp.partnerships import identities
from hsbp.partnerships.forms import ConfirmForm
from hsbp.partnerships.guard import partnership_guard
from hsbp.security import Role
from hsbp.views import page_number

BASE = "/p/<int:partnership_id>/consultations/<int:consultation_id>"


def _locale() -> tuple[str, str]:
    return str(get_locale()), g.partnership.default_locale


def _results(consultation):
    locale, fallback = _locale()
    return results.results(
        db.session(), consultation=consultation, locale=locale, fallback=fallback
    )


def _page_context(consultation) -> dict:
    locale, fallback = _locale()
    return {
        "consultation": consultation,
        "title": translated(consultation.title, locale=locale, fallback=fallback),
        "percent": lambda share: format_percent(share, "#,##0%"),
        "charts": charts,
        "MIN_GROUP": results.MIN_GROUP,
        "DIVERGENCE_POINTS": results.DIVERGENCE_POINTS,
        "is_facilitator": g.membership.role == Role.FACILITATOR,
    }


@bp.get(f"{BASE}/results")
@partnership_guard(Role.OBSERVER)
def results_page(partnership_id: int, consultation_id: int):
    consultation = consultation_or_404(consultation_id)
    found = _results(consultation)
    theme_counts = themes.theme_counts(db.session(), consultation=consultation)
    return render_template(
        "consultations/results.html",
        results=found,
        theme_counts=theme_counts,
        **_page_context(consultation),
    )


@bp.get(f"{BASE}/results/common-ground")
@partnership_guard(Role.OBSERVER)
def results_common_ground(partnership_id: int, consultation_id: int):
    consultation = consultation_or_404(consultation_id)
    found = _results(consultation)
    return render_template(
        "consultations/results_common_ground.html",
        results=found,
        ground=results.common_ground(found),
        **_page_context(consultation),
    )


@bp.get(f"{BASE}/results/print")
@partnership_guard(Role.OBSERVER)
def results_print(partnership_id: int, consultation_id: int):
    consultation = consultation_or_404(consultation_id)
    found = _results(consultation)
    return render_template(
        "consultations/results_print.html",
        results=found,
        ground=results.common_ground(found),
        theme_counts=themes.theme_counts(db.session(), consultation=consultation),
        **_page_context(consultation),
    )


@bp.route(f"{BASE}/results/export", methods=["GET", "POST"])
@partnership_guard(Role.OBSERVER)
def results_export(partnership_id: int, consultation_id: int):
    """format=csv|xlsx. Names and phones (identity=1) only in a POST with its CSRF token, by a
    facilitator, of a consultation that is not anonymous: the download is written to the
    audit log, so a link, a prefetch or another site's page must not be able to cause one."""
    consultation = consultation_or_404(consultation_id)
    kind = "xlsx" if request.values.get("format") == "xlsx" else "csv"
    identity = (
        request.method == "POST"
        and request.form.get("identity") == "1"
        and identities.sees_identities(g.membership)
        and not consultation.anonymous
    )
    if request.method == "POST" and not ConfirmForm().validate_on_submit():
        abort(400)
    # A file with names leaves the audit log's sight: only after proving it is them again.
    refused = fresh_auth_needed() if identity else None
    if refused is not None:
        return refused
    session = db.session()
    if identity:
        export.record_identity_export(
            session, actor=current_user, consultation=consultation, kind=kind
        )
    locale, fallback = _locale()
    rows = export.export_rows(
        session, consultation=consultation, identity=identity, locale=locale, fallback=fallback
    )
    name = f"consultation-{consultation.id}-answers.{kind}"
    response = spreadsheets.download(rows, kind, sheet="answers", filename=name)
    if identity:
        # Neither the browser nor a proxy keeps a file that names people.
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route(f"{BASE}/themes", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def results_themes(partnership_id: int, consultation_id: int):
    consultation = consultation_or_404(consultation_id)
    session = db.session()
    confirm = ConfirmForm()
    errors = []
    if request.method == "POST" and confirm.validate_on_submit():
        try:
            themes.create_theme(
                session,
                actor=current_user,
                consultation=consultation,
                name=request.form.get("name", ""),
            )
        except ServiceError as error:
            errors.append(error.message)
        else:
            flash(_("The theme is added."), "success")
            return redirect(
                url_for(
                    "consultations.results_themes",
                    partnership_id=partnership_id,
                    consultation_id=consultation_id,
                )
            )
    page = page_number()
    answers, total = themes.text_answers(session, consultation=consultation, page=page)
    locale, fallback = _locale()
    questions = {
        q.id: translated(q.text, locale=locale, fallback=fallback) for q in consultation.questions
    }
    return render_template(
        "consultations/themes.html",
        answers=answers,
        total=total,
        page=page,
        per_page=themes.PER_PAGE,
        theme_counts=themes.theme_counts(session, consultation=consultation),
        questions=questions,
        confirm=confirm,
        errors=errors,
        **_page_context(consultation),
    ), 422 if errors else 200


@bp.post(f"{BASE}/themes/answers/<int:answer_id>")
@partnership_guard(Role.FACILITATOR)
def results_tag_answer(partnership_id: int, consultation_id: int, answer_id: int):
    consultation = consultation_or_404(consultation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        themes.set_theme(
            db.session(),
            actor=current_user,
            consultation=consultation,
            answer_id=answer_id,
            theme_id=request.form.get("theme_id", type=int) or 0,
            on=request.form.get("action") != "untag",
        )
    except ServiceError:
        abort(404)
    return redirect(
        url_for(
            "consultations.results_themes",
            partnership_id=partnership_id,
            consultation_id=consultation_id,
            page=request.form.get("page", 1, type=int),
            _anchor=f"answer-{answer_id}",
        )
    )
