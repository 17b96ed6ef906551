"""The do-no-harm screening form: three short answers, each required."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from hsbp.risks.screening import ANSWER_MAX, HINTS, QUESTIONS


def _answer(name: str) -> TextAreaField:
    return TextAreaField(
        QUESTIONS[name],
        validators=[
            DataRequired(message=_l("Answer this question.")),
            Length(
                max=ANSWER_MAX,
                message=_l("Keep this answer under %(count)d characters.", count=ANSWER_MAX),
            ),
        ],
        description=HINTS[name],
        render_kw={"rows": 3, "maxlength": ANSWER_MAX},
    )


class ScreeningForm(FlaskForm):
    who_at_risk = _answer("who_at_risk")
    divider = _answer("divider")
    connector = _answer("connector")

    def answers(self) -> dict:
        return {
            "who_at_risk": self.who_at_risk.data,
            "divider": self.divider.data,
            "connector": self.connector.data,
        }
