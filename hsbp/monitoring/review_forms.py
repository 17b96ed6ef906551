"""The forms of reviews: scheduling one, attendance (a row per partner), minutes, and a
decision put to the vote with the follow-up actions its adoption would create. The services
check every value; these only carry them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, Optional

from hsbp.i18n import language_name
from hsbp.monitoring import reviews

FOLLOW_UP_ROWS = 3


def schedule_form(partnership) -> FlaskForm:
    class ScheduleForm(FlaskForm):
        scheduled_on = DateField(
            _l("Date"), validators=[InputRequired(_l("Give the date of the review."))]
        )
        scheduled_time = TimeField(_l("Time (optional)"), validators=[Optional()])
        place = StringField(_l("Place"), validators=[Length(max=reviews.PLACE_MAX)])

    for code in partnership.locales or [partnership.default_locale]:
        required = code == partnership.default_locale
        setattr(
            ScheduleForm,
            f"title_{code}",
            StringField(
                _l("Title (%(language)s)", language=language_name(code)),
                validators=[
                    InputRequired() if required else Optional(),
                    Length(max=reviews.TITLE_MAX),
                ],
                render_kw={"lang": code.replace("_", "-"), "dir": "auto"},
            ),
        )
    return ScheduleForm()


def attendance_form(partners, existing: dict, formdata=None) -> FlaskForm:
    """A checkbox "present" and a "who came" text per partner, filled from `existing`
    ({partner id: attendance})."""

    class AttendanceForm(FlaskForm):
        pass

    for partner in partners:
        setattr(AttendanceForm, f"present_{partner.id}", BooleanField(_l("Present")))
        setattr(
            AttendanceForm,
            f"names_{partner.id}",
            StringField(_l("Who came"), validators=[Length(max=reviews.TEXT_MAX)]),
        )
    data = {}
    for partner_id, row in existing.items():
        data[f"present_{partner_id}"] = row.present
        data[f"names_{partner_id}"] = row.names
    return AttendanceForm(formdata=formdata, data=data)


def attendance_of(form, partners) -> dict:
    return {
        p.id: {
            "present": form[f"present_{p.id}"].data,
            "names": form[f"names_{p.id}"].data or "",
        }
        for p in partners
    }


class MinutesForm(FlaskForm):
    minutes = TextAreaField(
        _l("Minutes"), validators=[Length(max=reviews.MINUTES_MAX)], render_kw={"rows": 10}
    )


def decision_form(*, partners, formdata=None) -> FlaskForm:
    """`partners`: those who may lead an action. The rule is not chosen here: the decision
    follows the charter in force's."""
    partner_choices = [(str(p.id), p.name) for p in partners]

    class FollowUpForm(Form):
        title = StringField(_l("Follow-up action"), validators=[Length(max=200)])
        lead_partner_id = SelectField(
            _l("Lead partner"), choices=[("", "—"), *partner_choices], validate_choice=False
        )
        # Checked by the service, which says what is wrong in the reader's language.
        due_on = StringField(_l("Due date"), render_kw={"type": "date"})

    class DecisionForm(FlaskForm):
        text = TextAreaField(
            _l("What is proposed for decision"),
            validators=[InputRequired(_l("Write what was decided.")), Length(max=5000)],
            render_kw={"rows": 3},
        )
        decided_by = StringField(
            _l("Proposed by"),
            description=_l("For example: the women's association, after item 2 of the agenda."),
            validators=[Length(max=5000)],
        )
        amend_charter = BooleanField(_l("If adopted, start a charter amendment draft"))

        def follow_ups(self) -> list:
            return [self[f"actions-{i}"] for i in range(FOLLOW_UP_ROWS)]

        def service_fields(self) -> dict:
            return {
                "text": self.text.data,
                "decided_by": self.decided_by.data,
                "actions": [
                    {
                        "title": entry.form.title.data or "",
                        "lead_partner_id": entry.form.lead_partner_id.data or None,
                        "due_on": (entry.form.due_on.data or "").strip(),
                    }
                    for entry in self.follow_ups()
                ],
                "amend_charter": bool(self.amend_charter.data),
            }

    # Fixed rows named like a FieldList's (`actions-1-due_on`), so the service's errors find
    # their field; a FieldList would renumber rows the browser sent with gaps.
    for index in range(FOLLOW_UP_ROWS):
        setattr(DecisionForm, f"actions-{index}", FormField(FollowUpForm))
    return DecisionForm(formdata=formdata)
