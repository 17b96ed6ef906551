"""The form that puts a subject to the community by SMS, built for each partnership's
languages, and what it starts from: a title, the SMS question shortened to fit one segment,
and a ranked list's options from a consultation's outcome."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired

from hsbp.community.vote_replies import example_ranking, text
from hsbp.community.votes import MAX_OPTIONS, TITLE_MAX
from hsbp.consultations.models import Consultation
from hsbp.i18n import language_name
from hsbp.partnerships.models import Partnership
from hsbp.sms import encoding

# How short a title or an option gets in a prefilled question before it stops being useful.
SHORTENINGS = (60, 45, 32, 24, 16, 10)


def vote_form(partnership: Partnership, *, ranking: bool) -> FlaskForm:
    """Title, SMS question (and a ranking's options) in each language, who is asked, the
    closing day; "check the length" re-renders with the sizes, "put" starts the vote."""

    class VoteForm(FlaskForm):
        audience = SelectField(_l("Who is asked"), choices=[])
        closes_on = DateField(
            _l("Closes on"),
            validators=[InputRequired(message=_l("Give the day the vote closes."))],
            description=_l("Answers are taken until the end of this day, partnership time."),
        )
        check = SubmitField(_l("Check the length"))
        send = SubmitField(_l("Put to the community"))

    for code in partnership.locales or [partnership.default_locale]:
        language = language_name(code)
        attrs = {"lang": code.replace("_", "-"), "dir": "auto"}
        setattr(
            VoteForm,
            f"title_{code}",
            StringField(
                _l("Title in %(language)s", language=language),
                description=_l("Shown on the pages of the partnership."),
                render_kw={**attrs, "maxlength": TITLE_MAX},
            ),
        )
        setattr(
            VoteForm,
            f"question_{code}",
            TextAreaField(
                _l("SMS question in %(language)s", language=language),
                description=_l(
                    "One SMS: 160 plain characters, or 70 with letters such as Arabic ones. "
                    "Say how to reply."
                ),
                render_kw={**attrs, "rows": 3},
            ),
        )
        if ranking:
            setattr(
                VoteForm,
                f"options_{code}",
                TextAreaField(
                    _l("Options in %(language)s, one a line", language=language),
                    description=_l(
                        "2 to %(count)d options, numbered 1, 2, 3... in this order in every "
                        "language.",
                        count=MAX_OPTIONS,
                    ),
                    render_kw={**attrs, "rows": 5},
                ),
            )
    return VoteForm()


def fields_of(form: FlaskForm, partnership: Partnership, *, ranking: bool) -> dict:
    """The texts of the form per language, as votes.start_vote takes them."""
    codes = partnership.locales or [partnership.default_locale]
    fields = {
        "title": {code: form[f"title_{code}"].data or "" for code in codes},
        "question": {code: form[f"question_{code}"].data or "" for code in codes},
        "audience": form.audience.data,
    }
    if ranking:
        fields["options"] = {
            code: (form[f"options_{code}"].data or "").splitlines() for code in codes
        }
    return fields


def fill(form: FlaskForm, start: dict) -> None:
    """Put `prefill`'s texts into an empty form (a GET)."""
    for name in ("title", "question"):
        for code, value in start[name].items():
            if f"{name}_{code}" in form:
                form[f"{name}_{code}"].data = value
    for code, labels in start["options"].items():
        if f"options_{code}" in form:
            form[f"options_{code}"].data = "\n".join(labels)


def sizes(form: FlaskForm, partnership: Partnership) -> dict[str, encoding.SegmentCount]:
    """Each question's size as it will be sent (normalised), by language."""
    return {
        code: encoding.measure(encoding.normalise(form[f"question_{code}"].data or ""))
        for code in partnership.locales or [partnership.default_locale]
    }


def prefill(session: Session, *, partnership: Partnership, subject: dict) -> dict:
    """What the form starts from, in each of the partnership's languages: a title, the
    question (its title shortened until it fits one SMS where it can) and, for a ranked list
    from a consultation, the needs, risks and gaps of its outcome as options (in a language
    only when every item is written in it)."""
    default = partnership.default_locale
    codes = partnership.locales or [default]
    version = subject.get("charter_version")
    decision = subject.get("decision")
    consultation: Consultation | None = subject.get("consultation")
    options: dict[str, list[str]] = {code: [] for code in codes}
    if version is not None:
        title = {code: text(code, "charter", number=version.number) for code in codes}
    elif decision is not None:
        title = {default: " ".join(decision.text.split())[:TITLE_MAX]}
    elif consultation is not None:
        title = {code: (consultation.title or {}).get(code, "") for code in codes}
        items = _outcome_items(consultation)[:MAX_OPTIONS]
        for code in codes:
            labels = [
                " ".join(((item.get("text") or {}).get(code) or "").split()) for item in items
            ]
            options[code] = labels if all(labels) else []
    else:
        title = {}
    question = {}
    for code in codes:
        shown = title.get(code) or title.get(default) or ""
        labels = options.get(code) or options.get(default) or []
        question[code] = suggest_question(code, shown, labels) if shown else ""
    return {"title": title, "question": question, "options": options}


def _outcome_items(consultation: Consultation) -> list[dict]:
    outcome = consultation.outcome or {}
    return [item for section in ("needs", "risks", "gaps") for item in outcome.get(section) or []]


def suggest_question(locale: str, title: str, options: list[str]) -> str:
    """The question in `locale` naming `title` (and the numbered `options` of a ranking),
    shortened until it fits one SMS, or at its shortest if nothing fits."""
    for limit in SHORTENINGS:
        if options:
            numbered = " ".join(
                f"{n} {_short(label, max(6, limit // 3))}" for n, label in enumerate(options, 1)
            )
            written = text(
                locale,
                "ranking",
                title=_short(title, limit // 2),
                options=numbered,
                example=example_ranking(len(options)),
            )
        else:
            written = text(locale, "support", title=_short(title, limit))
        written = encoding.normalise(written)
        if encoding.fits_one_segment(written):
            break
    return written


def _short(value: str, limit: int) -> str:
    """`value` in at most `limit` characters, cut at a word when it can be."""
    value = " ".join(value.split())
    if len(value) <= limit:
        return value
    cut = value[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space >= limit // 2 else cut).rstrip(" -,.;:(")
