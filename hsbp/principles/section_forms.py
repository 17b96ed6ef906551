"""The forms of the charter editor, one per section (hsbp.principles.sections), built for each
partnership's languages and partners. Field names are those the document's cleaning names in
its refusals (`principles-trust-es`, `budget-2-amount`), so an error lands beside its field."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from hsbp.i18n import language_name
from hsbp.partnerships.forms import MultiCheckboxField
from hsbp.principles.content import (
    LIFTS,
    MIN_ANSWERS_MAX,
    PROTOCOLS,
    TEXT_MAX,
    action_rule_of,
    check_rule_of,
    community_rule_of,
    incident_partners_of,
    risk_rule_of,
)
from hsbp.principles.labels import (
    ACTION_RULE_FIELD_LABEL,
    ACTION_RULE_LABELS,
    ACTION_RULE_NOTE,
    BUDGET_FIELD_LABELS,
    CHECK_RULE_FIELD_LABEL,
    CHECK_RULE_LABELS,
    COMMUNITY_MODE_LABELS,
    COMMUNITY_RULE_FIELD_LABELS,
    GOAL_FIELD_LABELS,
    INCIDENT_PARTNERS_FIELD_LABEL,
    INCIDENT_PARTNERS_HINT,
    KIND_LABELS,
    PRINCIPLE_LABELS,
    PROTOCOL_LABELS,
    RISK_RULE_FIELD_LABEL,
    RISK_RULE_LABELS,
    RISK_RULE_NOTE,
    RULE_FIELD_LABELS,
    RULE_LABELS,
)

PRINCIPLE_HINTS = {
    "locally_driven": _l("Built on local needs, capacities and resources; conflict-sensitive."),
    "inclusive": _l("Every part of local society takes part, with an equal voice."),
    "forward_looking": _l("A common future: goals that lead to real change."),
    "trust": _l("Confidence built through accountability, joint commitments and transparency."),
    "sharing": _l("Benefits, risks and responsibilities shared equitably between partners."),
}
# Empty rows offered under the budget and the goals: fill one to add a line, no script needed.
BLANK_ROWS = 2
MAX_ROWS = 100


def _texts_form(locales: list[str], rows: int) -> type[Form]:
    fields = {
        code: TextAreaField(
            language_name(code),
            validators=[Length(max=TEXT_MAX)],
            render_kw={"rows": rows, "lang": code.replace("_", "-")},
        )
        for code in locales
    }
    return type("TextsForm", (Form,), fields)


class SectionForm(FlaskForm):
    def content(self) -> dict:
        """The section's part of the document, in the shape content.normalise expects."""
        raise NotImplementedError


def _principles(locales, _partners, _content) -> type[SectionForm]:
    texts = _texts_form(locales, 3)
    fields = {
        k: FormField(texts, PRINCIPLE_LABELS[k], description=PRINCIPLE_HINTS[k]) for k in LIFTS
    }

    class PrinciplesForm(SectionForm):
        principles = FormField(type("Principles", (Form,), fields))

        def content(self) -> dict:
            return {"principles": self.principles.data}

    return PrinciplesForm


def _protocols(locales, _partners, _content) -> type[SectionForm]:
    texts = _texts_form(locales, 3)
    fields = {k: FormField(texts, PROTOCOL_LABELS[k]) for k in PROTOCOLS}

    class ProtocolsForm(SectionForm):
        protocols = FormField(type("Protocols", (Form,), fields))

        def content(self) -> dict:
            return {"protocols": self.protocols.data}

    return ProtocolsForm


def _decisions(_locales, _partners, _content) -> type[SectionForm]:
    class DecisionsForm(SectionForm):
        rule = SelectField(RULE_FIELD_LABELS["rule"], choices=list(RULE_LABELS.items()))
        majority_percent = IntegerField(
            RULE_FIELD_LABELS["majority_percent"],
            validators=[InputRequired(), NumberRange(min=51, max=100)],
        )
        quorum_percent = IntegerField(
            RULE_FIELD_LABELS["quorum_percent"],
            validators=[InputRequired(), NumberRange(min=1, max=100)],
        )
        # The service refuses an unknown mode with its own message, beside this field.
        community_mode = RadioField(
            COMMUNITY_RULE_FIELD_LABELS["mode"],
            choices=list(COMMUNITY_MODE_LABELS.items()),
            validate_choice=False,
        )
        community_min_answers = IntegerField(
            COMMUNITY_RULE_FIELD_LABELS["min_answers"],
            validators=[InputRequired(), NumberRange(min=1, max=MIN_ANSWERS_MAX)],
            description=_l("Counted only when community support is required."),
        )

        def content(self) -> dict:
            return {
                "decision_rule": {
                    "rule": self.rule.data,
                    "majority_percent": self.majority_percent.data,
                    "quorum_percent": self.quorum_percent.data,
                },
                "community_rule": {
                    "mode": self.community_mode.data,
                    "min_answers": self.community_min_answers.data,
                },
            }

    return DecisionsForm


def _actions(_locales, _partners, _content) -> type[SectionForm]:
    class ActionsForm(SectionForm):
        # The service refuses an unknown rule with its own message, beside this field.
        action_rule = RadioField(
            ACTION_RULE_FIELD_LABEL,
            choices=list(ACTION_RULE_LABELS.items()),
            validate_choice=False,
            description=ACTION_RULE_NOTE,
        )
        check_rule = RadioField(
            CHECK_RULE_FIELD_LABEL, choices=list(CHECK_RULE_LABELS.items()), validate_choice=False
        )

        def content(self) -> dict:
            return {"action_rule": self.action_rule.data, "check_rule": self.check_rule.data}

    return ActionsForm


def _risks(_locales, partners, _content) -> type[SectionForm]:
    class RisksForm(SectionForm):
        # Unknown rules and partners are refused by the service, with its message, beside
        # the field: the choices here only draw the form.
        risk_rule = RadioField(
            RISK_RULE_FIELD_LABEL,
            choices=list(RISK_RULE_LABELS.items()),
            validate_choice=False,
            description=RISK_RULE_NOTE,
        )
        incident_partners = MultiCheckboxField(
            INCIDENT_PARTNERS_FIELD_LABEL,
            choices=[(str(p.id), p.name) for p in partners],
            validate_choice=False,
            description=INCIDENT_PARTNERS_HINT,
        )

        def content(self) -> dict:
            return {
                "risk_rule": self.risk_rule.data,
                "incident_partners": list(self.incident_partners.data or []),
            }

    return RisksForm


def _roles(locales, partners, _content) -> type[SectionForm]:
    texts = _texts_form(locales, 2)
    fields = {f"p{p.id}": FormField(texts, p.name) for p in partners}

    class RolesForm(SectionForm):
        roles = FormField(type("Roles", (Form,), fields))

        def content(self) -> dict:
            return {
                "roles": [
                    {"partner_id": int(name[1:]), "text": values}
                    for name, values in self.roles.data.items()
                ]
            }

    return RolesForm


def _budget(locales, partners, document) -> type[SectionForm]:
    short = _texts_form(locales, 2)

    class BudgetLineForm(Form):
        key = HiddenField()
        description = FormField(short, BUDGET_FIELD_LABELS["description"])
        partner_id = SelectField(
            BUDGET_FIELD_LABELS["partner_id"],
            coerce=int,
            choices=[(0, "—"), *((p.id, p.name) for p in partners)],
        )
        kind = SelectField(BUDGET_FIELD_LABELS["kind"], choices=list(KIND_LABELS.items()))
        amount = StringField(
            BUDGET_FIELD_LABELS["amount"],
            validators=[Length(max=40)],
            render_kw={"inputmode": "decimal"},
        )
        currency = StringField(
            BUDGET_FIELD_LABELS["currency"],
            validators=[Length(max=3)],
            description=_l("ISO 4217 code, for example COP"),
        )
        remove = BooleanField(_l("Remove this line"))

    class BudgetForm(SectionForm):
        budget = FieldList(
            FormField(BudgetLineForm),
            min_entries=len(document.get("budget") or []) + BLANK_ROWS,
            max_entries=MAX_ROWS,
        )

        def content(self) -> dict:
            return {"budget": self.budget.data}

    return BudgetForm


def _goals(locales, _partners, document) -> type[SectionForm]:
    short = _texts_form(locales, 2)

    class GoalForm(Form):
        key = HiddenField()
        title = FormField(short, GOAL_FIELD_LABELS["title"])
        baseline = FormField(short, GOAL_FIELD_LABELS["baseline"])
        target = FormField(short, GOAL_FIELD_LABELS["target"])
        due = DateField(GOAL_FIELD_LABELS["due"], validators=[Optional()])
        remove = BooleanField(_l("Remove this goal"))

    class GoalsForm(SectionForm):
        goals = FieldList(
            FormField(GoalForm),
            min_entries=len(document.get("goals") or []) + BLANK_ROWS,
            max_entries=MAX_ROWS,
        )

        def content(self) -> dict:
            return {"goals": self.goals.data}

    return GoalsForm


_BUILDERS = {
    "principles": _principles,
    "protocols": _protocols,
    "decisions": _decisions,
    "actions": _actions,
    "risks": _risks,
    "roles": _roles,
    "budget": _budget,
    "goals": _goals,
}


def _form_data(content: dict) -> dict:
    goals = [
        {**goal, "due": date.fromisoformat(goal["due"]) if goal.get("due") else None}
        for goal in content.get("goals") or []
    ]
    community = community_rule_of(content)
    return {
        "principles": content.get("principles") or {},
        "protocols": content.get("protocols") or {},
        "roles": {f"p{role['partner_id']}": role["text"] for role in content.get("roles") or []},
        **(content.get("decision_rule") or {}),
        "action_rule": action_rule_of(content),
        "check_rule": check_rule_of(content),
        "risk_rule": risk_rule_of(content),
        "incident_partners": [str(p) for p in incident_partners_of(content)],
        "community_mode": community["mode"],
        "community_min_answers": community["min_answers"],
        "budget": content.get("budget") or [],
        "goals": goals,
    }


def section_form(section: str, *, partnership, partners, content: dict) -> SectionForm:
    """The form of one section of a draft, filled from `content` and, on a POST, from the
    request. `partners` are all of the partnership's; those who left appear only where the
    draft already names them. KeyError for a section without a form (the indicator set)."""
    build = _BUILDERS[section]
    named = {role["partner_id"] for role in content.get("roles") or []}
    named |= {line["partner_id"] for line in content.get("budget") or []}
    named |= set(incident_partners_of(content))
    shown = [p for p in partners if p.is_current or p.id in named]
    # Keys of other sections in `data` are ignored: the form has no field of theirs.
    return build(partnership.locales, shown, content)(data=_form_data(content))
