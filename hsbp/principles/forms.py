"""Forms of the charter: the draft editor, built for each partnership's languages and partners,
the endorsement form and the choice of two versions to compare."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
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

from hsbp.errors import ServiceError
from hsbp.i18n import language_name
from hsbp.principles.content import (
    LIFTS,
    MIN_ANSWERS_MAX,
    PROTOCOLS,
    TEXT_MAX,
    action_rule_of,
    check_rule_of,
    community_rule_of,
    indicators_of,
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
    KIND_LABELS,
    PRINCIPLE_LABELS,
    PROTOCOL_LABELS,
    RULE_FIELD_LABELS,
    RULE_LABELS,
)
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


def editor_form(*, partnership, partners, content: dict) -> FlaskForm:
    """The one-page editor of a draft, filled from `content` and, on a POST, from the request.
    `partners` are all of the partnership's; those who left appear only where the draft
    already names them."""
    texts, short = _texts_form(partnership.locales, 3), _texts_form(partnership.locales, 2)
    named = {role["partner_id"] for role in content["roles"]}
    named |= {line["partner_id"] for line in content["budget"]}
    shown = [p for p in partners if p.is_current or p.id in named]

    principles_form = type(
        "PrinciplesForm",
        (Form,),
        {k: FormField(texts, PRINCIPLE_LABELS[k], description=PRINCIPLE_HINTS[k]) for k in LIFTS},
    )
    protocols_form = type(
        "ProtocolsForm", (Form,), {k: FormField(texts, PROTOCOL_LABELS[k]) for k in PROTOCOLS}
    )
    roles_form = type("RolesForm", (Form,), {f"p{p.id}": FormField(short, p.name) for p in shown})

    class BudgetLineForm(Form):
        key = HiddenField()
        description = FormField(short, BUDGET_FIELD_LABELS["description"])
        partner_id = SelectField(
            BUDGET_FIELD_LABELS["partner_id"],
            coerce=int,
            choices=[(0, "—"), *((p.id, p.name) for p in shown)],
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

    class GoalForm(Form):
        key = HiddenField()
        title = FormField(short, GOAL_FIELD_LABELS["title"])
        baseline = FormField(short, GOAL_FIELD_LABELS["baseline"])
        target = FormField(short, GOAL_FIELD_LABELS["target"])
        due = DateField(GOAL_FIELD_LABELS["due"], validators=[Optional()])
        remove = BooleanField(_l("Remove this goal"))

    # The indicator set is not edited here (hsbp.monitoring.charter_indicators writes it):
    # saving the editor keeps it as it is.
    indicator_set = indicators_of(content)
    budget_rows = len(content["budget"]) + BLANK_ROWS
    goal_rows = len(content["goals"]) + BLANK_ROWS

    class CharterForm(FlaskForm):
        principles = FormField(principles_form)
        protocols = FormField(protocols_form)
        roles = FormField(roles_form)
        rule = SelectField(RULE_FIELD_LABELS["rule"], choices=list(RULE_LABELS.items()))
        majority_percent = IntegerField(
            RULE_FIELD_LABELS["majority_percent"],
            validators=[InputRequired(), NumberRange(min=51, max=100)],
        )
        quorum_percent = IntegerField(
            RULE_FIELD_LABELS["quorum_percent"],
            validators=[InputRequired(), NumberRange(min=1, max=100)],
        )
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
        budget = FieldList(
            FormField(BudgetLineForm),
            min_entries=budget_rows,
            max_entries=MAX_ROWS,
        )
        goals = FieldList(
            FormField(GoalForm),
            min_entries=goal_rows,
            max_entries=MAX_ROWS,
        )

        def content(self) -> dict:
            """The document the form holds, in the shape content.normalise expects."""
            return {
                "principles": self.principles.data,
                "protocols": self.protocols.data,
                "roles": [
                    {"partner_id": int(name[1:]), "text": values}
                    for name, values in self.roles.data.items()
                ],
                "decision_rule": {
                    "rule": self.rule.data,
                    "majority_percent": self.majority_percent.data,
                    "quorum_percent": self.quorum_percent.data,
                },
                "action_rule": self.action_rule.data,
                "check_rule": self.check_rule.data,
                "community_rule": {
                    "mode": self.community_mode.data,
                    "min_answers": self.community_min_answers.data,
                },
                "budget": self.budget.data,
                "goals": self.goals.data,
                "indicators": indicator_set,
            }

    return CharterForm(data=_form_data(content))


def _form_data(content: dict) -> dict:
    goals = [
        {**goal, "due": date.fromisoformat(goal["due"]) if goal.get("due") else None}
        for goal in content["goals"]
    ]
    return {
        "principles": content["principles"],
        "protocols": content["protocols"],
        "roles": {f"p{role['partner_id']}": role["text"] for role in content["roles"]},
        **content["decision_rule"],
        "action_rule": action_rule_of(content),
        "check_rule": check_rule_of(content),
        "community_mode": community_rule_of(content)["mode"],
        "community_min_answers": community_rule_of(content)["min_answers"],
        "budget": content["budget"],
        "goals": goals,
    }


def _leaves(form):
    for field in form:
        if field.type == "FormField":
            yield from _leaves(field.form)
        elif field.type == "FieldList":
            for entry in field.entries:
                yield from _leaves(entry.form) if entry.type == "FormField" else (entry,)
        else:
            yield field


def apply_error(form, error: ServiceError) -> None:
    """Show a service's refusal beside the (possibly nested) field it names, with a summary
    at the top, so a long editor says where to look."""
    target = next((f for f in _leaves(form) if error.field and f.name == error.field), None)
    if target is None:
        form.form_errors.append(error.message)
        return
    target.errors = [*target.errors, error.message]
    form.form_errors.append(_l("Please correct the fields marked below."))


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
