"""The forms that link a risk to a row: one small form per kind, so each works without
JavaScript. Grievances and incidents are typed (a grievance code, an incident number, as
people read them out); actions, indicators, outcome items and pulse gaps are picked from
the partnership's own (hsbp.risks.link_choices). A linked action says what it does."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from hsbp.risks.link_choices import PICKED, Choices, all_choices
from hsbp.risks.models import LinkKind

REF_MAX = 60

REF_LABELS = {
    LinkKind.GRIEVANCE: _l("Grievance code"),
    LinkKind.INCIDENT: _l("Incident number"),
    LinkKind.OUTCOME_ITEM: _l("Item of a validated consultation outcome"),
    LinkKind.PULSE_GAP: _l("Gap between constituencies in a pulse round"),
    LinkKind.ACTION: _l("Action of the checklist"),
    LinkKind.INDICATOR: _l("Indicator"),
}
REF_HINTS = {
    LinkKind.GRIEVANCE: _l("Eight digits, as on the complainant's receipt: 4827 1936."),
    LinkKind.INCIDENT: _l("As the incident list shows it: I-7."),
}
REF_MISSING = {
    LinkKind.GRIEVANCE: _l("Write the grievance's code."),
    LinkKind.INCIDENT: _l("Write the incident's number."),
    LinkKind.OUTCOME_ITEM: _l("Choose an outcome item."),
    LinkKind.PULSE_GAP: _l("Choose a gap."),
    LinkKind.ACTION: _l("Choose an action."),
    LinkKind.INDICATOR: _l("Choose an indicator."),
}
# What the button of each form says.
SUBMIT_LABELS = {
    LinkKind.GRIEVANCE: _l("Link the grievance"),
    LinkKind.INCIDENT: _l("Link the incident"),
    LinkKind.OUTCOME_ITEM: _l("Link the outcome item"),
    LinkKind.PULSE_GAP: _l("Link the gap"),
    LinkKind.ACTION: _l("Link the action"),
    LinkKind.INDICATOR: _l("Link the indicator"),
}
ROLE_CHOICES = [
    ("mitigation", _l("Mitigation: it prevents the harm or lessens it")),
    ("remediation", _l("Remediation: it puts right a harm that has happened")),
]
# The order the forms come in on the page: where a risk was seen, then what answers it.
ORDER = (
    LinkKind.GRIEVANCE,
    LinkKind.INCIDENT,
    LinkKind.OUTCOME_ITEM,
    LinkKind.PULSE_GAP,
    LinkKind.ACTION,
    LinkKind.INDICATOR,
)


def _form_class(kind: LinkKind) -> type[FlaskForm]:
    required = InputRequired(message=REF_MISSING[kind])
    fields: dict = {}
    if kind in PICKED:
        # Any value is taken as typed and checked by hsbp.risks.targets, which refuses one of
        # another partnership exactly like one that does not exist.
        fields["ref"] = SelectField(REF_LABELS[kind], validators=[required], validate_choice=False)
    else:
        fields["ref"] = StringField(
            REF_LABELS[kind],
            validators=[required, Length(max=REF_MAX)],
            description=REF_HINTS.get(kind),
            filters=[lambda value: value.strip() if isinstance(value, str) else value],
        )
    if kind is LinkKind.ACTION:
        fields["role"] = RadioField(
            _l("What it does for the risk"),
            choices=ROLE_CHOICES,
            validators=[InputRequired(message=_l("Choose mitigation or remediation."))],
        )
    return type(f"Link{kind.title().replace('_', '')}Form", (FlaskForm,), fields)


_CLASSES = {kind: _form_class(kind) for kind in LinkKind}


def link_form(kind: str, *, choices: Choices | None = None, submitted: bool = False):
    """The form linking a row of `kind` (a LinkKind value), its fields prefixed with the kind
    so every form's ids differ on one page; `submitted` binds the request's form, else it is
    empty. A picked kind offers `choices` after an empty "choose" entry."""
    kind = LinkKind(kind)
    prefix = f"link-{kind}"
    form = (
        _CLASSES[kind](prefix=prefix) if submitted else _CLASSES[kind](formdata=None, prefix=prefix)
    )
    if kind in PICKED:
        form.ref.choices = [("", _l("Choose…")), *(choices or [])]
    return form


def forms_for(session: Session, *, partnership_id: int, failed=None) -> list[tuple[str, FlaskForm]]:
    """[(kind, its form)] in page order, the picked kinds with the partnership's choices;
    `failed`, a (kind, submitted form) pair, in place of its kind's empty form."""
    choices = all_choices(session, partnership_id=partnership_id)
    forms = []
    for kind in ORDER:
        if failed is not None and failed[0] == kind:
            form = failed[1]
            if kind in PICKED:
                form.ref.choices = [("", _l("Choose…")), *choices[kind]]
        else:
            form = link_form(kind, choices=choices.get(kind))
        forms.append((str(kind), form))
    return forms
