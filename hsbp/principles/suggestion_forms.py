"""Forms of suggestions on a draft charter: new wording for a clause, in each of the
partnership's languages, with a comment; and a facilitator's reason to decline one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from flask_wtf import FlaskForm
from wtforms import Form, FormField, HiddenField, TextAreaField
from wtforms.validators import Length

from hsbp.i18n import language_name
from hsbp.principles.content import TEXT_MAX
from hsbp.principles.services import COMMENT_MAX
from hsbp.principles.suggestion_models import SuggestionStatus

SUGGESTION_STATUS_LABELS = {
    SuggestionStatus.OPEN: _p("suggestion status", "Open"),
    SuggestionStatus.ACCEPTED: _p("suggestion status", "Accepted"),
    SuggestionStatus.DECLINED: _p("suggestion status", "Declined"),
    SuggestionStatus.WITHDRAWN: _p("suggestion status", "Withdrawn"),
    SuggestionStatus.LAPSED: _p("suggestion status", "Not decided"),
}


def suggestion_form(*, locales: list[str], **kwargs) -> FlaskForm:
    """The form for new wording: one text area per language of the partnership (the form's
    fields are `wording-es`, `wording-en`..., as the service names them in a refusal)."""
    texts = type(
        "WordingForm",
        (Form,),
        {
            code: TextAreaField(
                language_name(code),
                validators=[Length(max=TEXT_MAX)],
                render_kw={"rows": 4, "lang": code.replace("_", "-")},
            )
            for code in locales
        },
    )

    class SuggestionForm(FlaskForm):
        clause = HiddenField()
        wording = FormField(
            texts,
            _l("Your wording"),
            description=_l(
                "Change the languages you want to change; the others keep the draft's text."
            ),
        )
        comment = TextAreaField(
            _l("Why this wording"),
            validators=[Length(max=COMMENT_MAX)],
            description=_l("The facilitators read it when they decide."),
            render_kw={"rows": 3},
        )

    return SuggestionForm(**kwargs)


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Why it is declined"),
        validators=[Length(max=COMMENT_MAX)],
        description=_l("The partner who suggested it, and every member, read it."),
        render_kw={"rows": 3},
    )
