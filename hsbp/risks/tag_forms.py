"""The forms of the framework pages: choosing a framework and searching references (GET
forms, no CSRF token), the references of one item (checkboxes and a free code field), and
the report's choices (framework, partner, only references with something)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length, Optional

# A search or a list of typed codes longer than this is no search and no list of codes.
QUERY_MAX = 100
CODES_MAX = 400


class PickerForm(FlaskForm):
    """Which framework's references to list, and a search across every framework."""

    class Meta:
        csrf = False

    framework = SelectField(_l("Framework"), choices=[], default="")
    q = StringField(
        _l("Search the references"),
        validators=[Optional(), Length(max=QUERY_MAX)],
        description=_l("A word of a reference's title, or its code, such as “PS4”."),
    )

    def __init__(self, *args, frameworks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.framework.choices = [("", _l("Choose a framework")), *frameworks]

    def chosen(self) -> tuple[str, str]:
        """(framework key or "", search text or "") as asked, an unknown key as none."""
        keys = {key for key, _label in self.framework.choices}
        framework = self.framework.data if self.framework.data in keys else ""
        query = (self.q.data or "").strip()[:QUERY_MAX]
        return framework, query


class TagForm(FlaskForm):
    """The whole set of an item's references: the boxes checked (the service checks each
    code, so the choices are not limited here) and any codes typed by hand."""

    references = SelectMultipleField(_l("Framework references"), choices=[], validate_choice=False)
    code = StringField(
        _l("Add references by code"),
        validators=[Optional(), Length(max=CODES_MAX)],
        description=_l("Codes as the lists show them, separated by commas: “ifc:PS4, ungp:13”."),
    )
    # Where the page was (the framework listed, the search), to come back to it. No id: the
    # picker's own fields on the same page carry these names' ids.
    framework = HiddenField(render_kw={"id": False})
    q = HiddenField(render_kw={"id": False})


class ReportForm(FlaskForm):
    """The report's choices; a GET form."""

    class Meta:
        csrf = False

    framework = SelectField(_l("Framework"), choices=[], default="")
    partner = SelectField(_l("Partner"), choices=[], default="")
    everything = BooleanField(_l("Also show the references nothing answers yet"))

    def __init__(self, *args, frameworks=(), partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.framework.choices = list(frameworks)
        self.partner.choices = [("", _l("All partners")), *((str(p.id), p.name) for p in partners)]
