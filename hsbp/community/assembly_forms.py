"""The form that records a community assembly, built for its partnership's partners, groups
and the results the subject allows; and the names of the groups people are counted by."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from hsbp.actions import uploads
from hsbp.community.assembly_rules import MINUTES_MAX, PEOPLE_MAX, PLACE_MAX, RESULT_LABELS
from hsbp.mapping.labels import PARTICIPANT_SECTOR_LABELS, tag_label
from hsbp.mapping.models import GroupTag
from hsbp.partnerships.models import Partner
from hsbp.views import int_value

NUMBER = {"min": 0, "max": PEOPLE_MAX, "inputmode": "numeric"}


def group_labels(tags: list[GroupTag], *, locale: str, fallback: str) -> list[tuple[str, str]]:
    """(key, name) of each group people present are counted by, in the order of
    hsbp.community.assembly_rules.group_keys: the marginalised-group tags, then the sectors."""
    return [
        *((f"tag:{tag.key}", tag_label(tag, locale=locale, fallback=fallback)) for tag in tags),
        *((f"sector:{key}", str(label)) for key, label in PARTICIPANT_SECTOR_LABELS.items()),
    ]


def _count(form, field) -> None:
    if field.data is None:
        return
    if field.data < 0:
        raise ValidationError(_l("A count cannot be negative."))
    if field.data > PEOPLE_MAX:
        raise ValidationError(_l("Give a number up to %(max)d.", max=PEOPLE_MAX))


def _counter(label, *required) -> IntegerField:
    return IntegerField(
        label, validators=[*(required or [Optional()]), _count], render_kw=dict(NUMBER)
    )


def assembly_form(
    *,
    partners: list[Partner],
    unavailable: dict[int, str],
    witnesses: set[int],
    groups: list[tuple[str, str]],
    results: tuple[str, ...],
):
    """The form for one subject. `unavailable` names why a partner cannot be chosen as the
    assembly's (it answers on the web, it has answered); `witnesses` are the partners with a
    representative who can confirm on the web."""
    current = [p for p in partners if p.is_current]
    # Field names are positions: a group's key may hold characters a field name cannot.
    group_fields = {f"g{index}": _counter(label) for index, (_key, label) in enumerate(groups)}
    present_form = type("PresentForm", (Form,), group_fields)
    counts_form = type(
        "CountsForm", (Form,), {key: _counter(RESULT_LABELS[key]) for key in results}
    )

    class AssemblyForm(FlaskForm):
        partner_id = SelectField(
            _l("Partner whose assembly it was"),
            choices=[
                ("", _l("Choose a partner")),
                *(
                    (
                        str(p.id),
                        f"{p.name} ({unavailable[p.id]})" if p.id in unavailable else p.name,
                        {"disabled": True} if p.id in unavailable else {},
                    )
                    for p in current
                ),
            ],
            validate_choice=False,
            description=_l("A partner without web accounts, such as a community group."),
        )
        held_on = DateField(
            _l("Date of the assembly"), validators=[InputRequired(_l("Give the date."))]
        )
        place = StringField(
            _l("Place"),
            validators=[InputRequired(_l("Say where it was held.")), Length(max=PLACE_MAX)],
            render_kw={"maxlength": PLACE_MAX},
        )
        present_total = _counter(
            _l("People present in all"), InputRequired(_l("Give how many people took part."))
        )
        present = FormField(
            present_form,
            label=_l("People present by group (optional)"),
            description=_l(
                "Leave a group empty if it was not counted; a person may be in several."
            ),
        )
        result = RadioField(
            _l("Result"),
            choices=[(key, RESULT_LABELS[key]) for key in results],
            validate_choice=False,
        )
        counts = FormField(
            counts_form,
            label=_l("Hands raised (optional)"),
            description=_l("If the assembly counted, the number of people for each answer."),
        )
        minutes_file = FileField(
            _l("The minutes: a file"),
            description=uploads.accepted_text(),
            render_kw={"accept": uploads.ACCEPT},
        )
        minutes = TextAreaField(
            _l("The minutes: text"),
            validators=[Length(max=MINUTES_MAX)],
            description=_l("Kept encrypted. Shown to the partnership's members only."),
            render_kw={"rows": 6},
        )
        witness_partner_id = SelectField(
            _l("Witness partner"),
            choices=[
                ("", _l("Choose a partner")),
                *((str(p.id), p.name) for p in current if p.id in witnesses),
            ],
            validate_choice=False,
            description=_l(
                "Another partner, present at the assembly, whose representative confirms "
                "this record on the web. Until then it counts nowhere."
            ),
        )

        def service_fields(self) -> dict:
            return {
                "partner_id": int_value(self.partner_id.data, low=1),
                "witness_partner_id": int_value(self.witness_partner_id.data, low=1),
                "held_on": self.held_on.data,
                "place": self.place.data or "",
                "present_total": self.present_total.data,
                "present": {
                    key: self.present.form[f"g{index}"].data
                    for index, (key, _label) in enumerate(groups)
                },
                "result": self.result.data or "",
                "counts": {key: self.counts.form[key].data for key in results},
                "minutes": self.minutes.data or "",
            }

        def field_named(self, name: str):
            """The field a service's refusal names ("present:tag:women", "count:support")."""
            kind, _sep, key = name.partition(":")
            if kind == "present":
                keys = [k for k, _label in groups]
                return self.present.form[f"g{keys.index(key)}"] if key in keys else None
            if kind == "count":
                return self.counts.form[key] if key in results else None
            return getattr(self, name, None)

    return AssemblyForm()
