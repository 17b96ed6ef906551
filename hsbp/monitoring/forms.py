"""The indicator form and the "report a value" form; the services check every value."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from hsbp.actions import uploads
from hsbp.i18n import language_name
from hsbp.monitoring.models import Direction, Frequency, Kind
from hsbp.monitoring.parts import DISAGGREGATION_LABELS
from hsbp.partnerships.forms import MultiCheckboxField
from hsbp.principles.indicator_labels import (
    INDICATOR_DIRECTION_LABELS,
    INDICATOR_FREQUENCY_LABELS,
    INDICATOR_KIND_LABELS,
)

# The charter shows an indicator with the same words (hsbp.principles.indicator_labels).
KIND_LABELS = {Kind(k): label for k, label in INDICATOR_KIND_LABELS.items()}
DIRECTION_LABELS = {Direction(k): label for k, label in INDICATOR_DIRECTION_LABELS.items()}
FREQUENCY_LABELS = {Frequency(k): label for k, label in INDICATOR_FREQUENCY_LABELS.items()}
LEVEL_ROWS = 4  # a blank row more than the three a scale usually has


def _texts_form(locales: list[str], *, area: bool):
    """A sub-form with one field per language, named by its code (`name-es`)."""
    kind = TextAreaField if area else StringField
    fields = {
        code: kind(
            language_name(code),
            validators=[Length(max=5000 if area else 200)],
            render_kw={
                "lang": code.replace("_", "-"),
                "dir": "auto",
                **({"rows": 3} if area else {}),
            },
        )
        for code in locales
    }
    return type("TextsForm", (Form,), fields)


def _filled(texts: dict) -> dict:
    # A language the browser did not send arrives as None; the services want text.
    return {code: text or "" for code, text in (texts or {}).items()}


def _offered(message):
    """A validator: the value is one of the field's choices, else `message` (a tampered or
    stale form shows a sentence, never reaches the service as junk)."""

    def check(_form, field):
        if (field.data or "") not in {value for value, _label in field.choices}:
            raise ValidationError(message)

    return check


def indicator_form(
    *, partnership, goals: dict[str, str], partners, data: dict | None = None
) -> FlaskForm:
    """The form for a new indicator, or filled from an indicator's columns (`data`, as
    `form_data` gives them) to change one; `goals` are {key: title in the reader's
    language}."""
    locales = partnership.locales or [partnership.default_locale]

    class LevelForm(Form):
        label = FormField(_texts_form(locales, area=False), _l("Level"))

    class IndicatorForm(FlaskForm):
        name = FormField(_texts_form(locales, area=False), _l("Name"))
        definition = FormField(_texts_form(locales, area=True), _l("Definition"))
        goal_key = SelectField(
            _l("Charter goal it measures"),
            choices=[("", _l("None yet")), *goals.items()],
            default="",
        )
        kind = SelectField(_l("Kind"), choices=list(KIND_LABELS.items()), validate_choice=False)
        unit = StringField(_l("Unit"), validators=[Length(max=40)])
        currency = StringField(
            _l("Currency (for money)"), validators=[Length(max=3)], render_kw={"size": 4}
        )
        levels = FieldList(FormField(LevelForm), min_entries=LEVEL_ROWS, max_entries=12)
        baseline_value = StringField(_l("Baseline value"))
        baseline_on = DateField(_l("Baseline date"), validators=[Optional()])
        target_value = StringField(_l("Target value"))
        target_on = DateField(_l("Target date"), validators=[Optional()])
        direction = SelectField(
            _l("Direction"), choices=list(DIRECTION_LABELS.items()), validate_choice=False
        )
        source = TextAreaField(_l("Data source"), render_kw={"rows": 2})
        partner_id = SelectField(
            _l("Partner responsible for reporting"),
            choices=[("", "—"), *((str(p.id), p.name) for p in partners)],
            validators=[_offered(_l("Choose a partner of this partnership."))],
            validate_choice=False,
        )
        frequency = SelectField(
            _l("Reporting frequency"),
            choices=list(FREQUENCY_LABELS.items()),
            default=Frequency.QUARTERLY.value,
            validate_choice=False,
        )
        disaggregation = MultiCheckboxField(
            _l("Break the values down by"),
            choices=list(DISAGGREGATION_LABELS.items()),
            validate_choice=False,
        )

        def service_fields(self) -> dict:
            return {
                "name": _filled(self.name.data),
                "definition": _filled(self.definition.data),
                "goal_key": self.goal_key.data,
                "kind": self.kind.data,
                "unit": self.unit.data,
                "currency": self.currency.data,
                "levels": [
                    {"label": _filled(entry.form.label.data)} for entry in self.levels.entries
                ],
                "baseline_value": self.baseline_value.data,
                "baseline_on": self.baseline_on.data,
                "target_value": self.target_value.data,
                "target_on": self.target_on.data,
                "direction": self.direction.data,
                "source": self.source.data,
                "partner_id": int(self.partner_id.data) if self.partner_id.data else None,
                "frequency": self.frequency.data,
                "disaggregation": self.disaggregation.data,
            }

    return IndicatorForm(data=data)


def form_data(columns: dict) -> dict:
    """The indicator form's data from an indicator's columns (charter_indicators.definition)."""
    levels = [{"label": level["label"]} for level in columns["levels"] or []]
    return {
        **{k: columns[k] for k in ("name", "definition", "goal_key", "kind", "unit", "currency")},
        "levels": levels + [{}] * max(LEVEL_ROWS - len(levels), 1),
        "baseline_value": format(columns["baseline_value"].normalize(), "f"),
        "baseline_on": columns["baseline_on"],
        "target_value": format(columns["target_value"].normalize(), "f"),
        "target_on": columns["target_on"],
        "direction": columns["direction"],
        "source": columns["source"],
        "partner_id": str(columns["partner_id"] or ""),
        "frequency": columns["frequency"],
        "disaggregation": list(columns["disaggregation"] or []),
    }


class ValueForm(FlaskForm):
    period_on = DateField(
        _l("First day of the period"), validators=[InputRequired(_l("Give the period."))]
    )
    value = StringField(_l("Value"))
    note = TextAreaField(_l("Note"), validators=[Length(max=5000)], render_kw={"rows": 2})
    breakdown = SelectField(_l("Part"), choices=[("", "")], validate_choice=False)
    correction = BooleanField(_l("This corrects the value already given"))
    evidence_file = FileField(_l("Evidence: a file"), render_kw={"accept": uploads.ACCEPT})
    evidence_url = StringField(
        _l("Evidence: a web link"),
        validators=[Length(max=2000)],
        render_kw={"type": "url", "dir": "ltr"},
    )


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    off_track = BooleanField(_l("Off track only"))


class LinkForm(FlaskForm):
    # "question id:answer key", or "" to stop computing the indicator from a consultation.
    source = SelectField(_l("Computed from"), choices=[], validate_choice=False)


def link_form(indicator, options: list[tuple[str, str]]) -> LinkForm:
    """The form on an indicator's page; `options` are from_consultation.link_options."""
    form = LinkForm(formdata=None)
    form.source.choices = [("", _l("Not computed from a consultation")), *options]
    form.source.data = (
        f"{indicator.question_id}:{indicator.answer_key}" if indicator.question_id else ""
    )
    return form
