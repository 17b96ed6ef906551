"""Forms of the charter: the labels of its states, the endorsement form and the choice of two
versions to compare (the draft editor's forms, one per section: hsbp.principles.section_forms)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from flask_wtf import FlaskForm
from wtforms import Form, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from hsbp.principles.models import CharterStatus, Stance
from hsbp.principles.services import COMMENT_MAX

STATUS_LABELS = {
    CharterStatus.DRAFT: _p("charter status", "Draft"),
    CharterStatus.PROPOSED: _p("charter status", "Proposed"),
    CharterStatus.ADOPTED: _p("charter status", "Adopted"),
    CharterStatus.SUPERSEDED: _p("charter status", "Superseded"),
}
STANCE_LABELS = {
    Stance.ENDORSE: _p("charter stance", "Endorse"),
    Stance.OBJECT: _p("charter stance", "Object"),
}
ANSWER_LABELS = {
    Stance.ENDORSE: _p("charter answer", "Endorsed"),
    Stance.OBJECT: _p("charter answer", "Objected"),
}
CHANGE_LABELS = {
    "added": _p("charter change", "Added"),
    "removed": _p("charter change", "Removed"),
    "changed": _p("charter change", "Changed"),
}


class EndorseForm(FlaskForm):
    stance = RadioField(
        _l("Your partner's answer"),
        choices=list(STANCE_LABELS.items()),
        validators=[InputRequired(message=_l("Choose to endorse or to object."))],
    )
    comment = TextAreaField(
        _l("Comment"),
        validators=[Length(max=COMMENT_MAX)],
        description=_l("Required when you object: say what should change."),
    )


class CompareForm(Form):
    """Read from the query string: comparing changes nothing, so it needs no CSRF token."""

    a = SelectField(_l("Older version"), coerce=int)
    b = SelectField(_l("Newer version"), coerce=int)
