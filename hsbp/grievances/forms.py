"""Forms of the officers' pages: the list's filters, a move to the next stage, the handling,
naming officers and the settings; and the labels of stages, categories, severities,
channels and officers. The services check every value again."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from hsbp.grievances.models import NEXT_STAGES, Channel, Severity, Stage
from hsbp.grievances.services import as_id
from hsbp.security import Role

ACKNOWLEDGE_DAYS_MAX, RESPOND_DAYS_MAX = 90, 365
NOTE_MAX = 2000

STAGE_LABELS = {
    Stage.RECEIVED: _p("grievance stage", "Received"),
    Stage.ACKNOWLEDGED: _p("grievance stage", "Acknowledged"),
    Stage.ASSESSING: _p("grievance stage", "Being assessed"),
    Stage.RESPONSE_PROPOSED: _p("grievance stage", "Response proposed"),
    Stage.ACCEPTED: _p("grievance stage", "Accepted"),
    Stage.APPEALED: _p("grievance stage", "Appealed"),
    Stage.REFERRED: _p("grievance stage", "Referred to another forum"),
    Stage.CLOSED: _p("grievance stage", "Closed"),
}
CATEGORY_LABELS = {
    "land": _p("grievance category", "Land"),
    "water": _p("grievance category", "Water"),
    "environment": _p("grievance category", "Environment"),
    "employment": _p("grievance category", "Employment"),
    "security": _p("grievance category", "Security"),
    "conduct": _p("grievance category", "Conduct of staff"),
    "consultation": _p("grievance category", "Consultation"),
    "community_relations": _p("grievance category", "Community relations"),
    "other": _p("grievance category", "Other"),
}
SEVERITY_LABELS = {
    Severity.LOW: _p("grievance severity", "Minor"),
    Severity.MEDIUM: _p("grievance severity", "Moderate"),
    Severity.HIGH: _p("grievance severity", "Serious"),
    Severity.CRITICAL: _p("grievance severity", "Critical"),
}
CHANNEL_LABELS = {
    Channel.SMS: _p("grievance channel", "SMS"),
    Channel.PUBLIC: _p("grievance channel", "Public web form"),
    Channel.MEMBER: _p("grievance channel", "A member on the web"),
    Channel.IN_PERSON: _p("grievance channel", "In person"),
    Channel.PHONE: _p("grievance channel", "By phone"),
}


class FilterForm(FlaskForm):
    """The list's filters; a GET form, so it needs no CSRF token."""

    class Meta:
        csrf = False

    stage = SelectField(_l("Stage"), choices=[], default="")
    category = SelectField(_l("Category"), choices=[], default="")
    partner = SelectField(_l("Partner concerned"), choices=[], default="")
    overdue = BooleanField(_l("Overdue only"))

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = ("", _l("All"))
        self.stage.choices = [everything, *STAGE_LABELS.items()]
        self.category.choices = [everything, *CATEGORY_LABELS.items()]
        self.partner.choices = [everything, *((str(p.id), p.name) for p in partners)]

    def chosen(self) -> dict:
        """The filters that hold a value offered; anything else filters nothing."""
        self.validate()
        picked = {
            name: self[name].data
            for name in ("stage", "category", "partner")
            if self[name].data and not self[name].errors
        }
        if "partner" in picked:
            picked["partner"] = int(picked["partner"])
        picked["overdue"] = bool(self.overdue.data)
        for field in self:
            field.errors = []  # a filter shows no errors: it ignores what it cannot use
        return picked


class StageForm(FlaskForm):
    """A move to one of the stages the workflow allows from `stage`."""

    to = SelectField(_l("Move to"), choices=[], validate_choice=False)
    note = TextAreaField(
        _l("Note for the history"),
        description=_l("Seen by facilitators and grievance officers only."),
        validators=[Length(max=NOTE_MAX)],
        render_kw={"rows": 3},
    )
    referred_to = TextAreaField(
        _l("Referred to (when referring)"),
        description=_l("The forum that takes the grievance up: a court, an ombudsperson…"),
        validators=[Length(max=NOTE_MAX)],
        render_kw={"rows": 2},
    )

    def __init__(self, *args, stage: str, **kwargs):
        super().__init__(*args, **kwargs)
        # The service refuses any other stage with its own message (out of order).
        self.to.choices = [(s, STAGE_LABELS[s]) for s in NEXT_STAGES.get(stage, ())]


NOT_ASSESSED = _l("Not assessed yet")


def category_assessed(grievance) -> bool:
    """The category says more than the default: an officer chose it, or the complainant
    did when filing (an SMS, or "I do not know", leaves "other")."""
    return grievance.assessed_at is not None or grievance.category != "other"


class HandlingForm(FlaskForm):
    """`officers`: (user id, label) of the officers who may be assigned. `unassessed`: the
    fields that still hold the filing defaults; they start on "Not assessed yet", which the
    service refuses, so the first save is a deliberate choice."""

    category = SelectField(
        _l("Category"), choices=list(CATEGORY_LABELS.items()), validate_choice=False
    )
    severity = SelectField(
        _l("Severity"), choices=list(SEVERITY_LABELS.items()), validate_choice=False
    )
    partner_id = SelectField(_l("Partner concerned"), choices=[], validate_choice=False)
    officer_id = SelectField(_l("Grievance officer"), choices=[], validate_choice=False)

    def __init__(self, *args, partners=(), officers=(), unassessed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.partner_id.choices = [("", _l("None")), *((str(p.id), p.name) for p in partners)]
        self.officer_id.choices = [("", _l("None")), *officers]
        for name in unassessed:
            self[name].choices = [("", NOT_ASSESSED), *self[name].choices]


def officer_label(membership) -> str:
    """A member as the officers' forms name them: with their role, or their partner."""
    name = membership.user.name
    if membership.role == Role.REPRESENTATIVE and membership.partner is not None:
        return _("%(name)s · represents %(partner)s", name=name, partner=membership.partner.name)
    if membership.role == Role.OBSERVER:
        return _("%(name)s · independent officer (observer)", name=name)
    return _("%(name)s · facilitator", name=name)


class OfficerForm(FlaskForm):
    user_id = SelectField(
        _l("Member"),
        choices=[],
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose a member."))],
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Nothing chosen in advance: naming someone who sees complainants is a deliberate act.
        self.user_id.choices = [
            ("", _l("Choose a member")),
            *((str(m.user_id), officer_label(m)) for m in candidates),
        ]

    def chosen_user_id(self) -> int | None:
        return as_id(self.user_id.data)


class SettingsForm(FlaskForm):
    acknowledge_days = IntegerField(
        _l("Acknowledge a grievance within (days of receipt)"),
        validators=[InputRequired(), NumberRange(min=1, max=ACKNOWLEDGE_DAYS_MAX)],
    )
    respond_days = IntegerField(
        _l("Propose a response within (days of receipt)"),
        validators=[InputRequired(), NumberRange(min=1, max=RESPOND_DAYS_MAX)],
    )
    public_form = BooleanField(_l("Take grievances on a public web form (no account needed)"))
    new_address = BooleanField(
        _l("Give the public form a new address (the present link stops working)")
    )
