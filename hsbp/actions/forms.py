"""Forms of the checklist: the list's filters, an action with its texts in every language of
the partnership, and a progress report. Each is built for the partnership's own partners,
members, goals and actions; the services check every value again."""

from __future__ import annotations

from babel.numbers import get_currency_name, get_territory_currencies
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from flask_wtf import FlaskForm
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
from wtforms.validators import Length, Optional

from hsbp import errors
from hsbp.actions import checks, form_sections, sdg
from hsbp.actions.models import Action, ActionStatus
from hsbp.errors import ServiceError, form_fields
from hsbp.i18n import language_name, translated
from hsbp.partnerships.forms import MultiCheckboxField
from hsbp.principles.labels import KIND_LABELS, PRINCIPLE_LABELS

STATUS_LABELS = {
    ActionStatus.PLANNED: _p("action status", "Planned"),
    ActionStatus.IN_PROGRESS: _p("action status", "In progress"),
    ActionStatus.DONE: _p("action status", "Done"),
    ActionStatus.BLOCKED: _p("action status", "Blocked"),
    ActionStatus.DROPPED: _p("action status", "Dropped"),
}
# Currencies of the places partnerships work in first; the partnership's own country's and
# any already chosen are added, so the list stays short on every row of the form.
COMMON_CURRENCIES = ("COP", "USD", "EUR", "BAM", "KES", "TZS", "UGX", "CDF", "XOF", "XAF")
COMMON_CURRENCIES += ("GHS", "ZAR", "MZN")
# Empty contribution rows under the existing ones: no script adds rows.
BLANK_CONTRIBUTIONS = 3
MAX_CONTRIBUTIONS = 50
SDG_LABEL_MAX = 80


class FilterForm(FlaskForm):
    """The checklist's filters; a GET form, so it needs no CSRF token."""

    class Meta:
        csrf = False

    partner = SelectField(_l("Partner"), choices=[], default="")
    status = SelectField(_l("Status"), choices=[], default="")
    principle = SelectField(_l("Principle"), choices=[], default="")
    goal = SelectField(_l("Charter goal"), choices=[], default="")
    place = SelectField(_l("Place"), choices=[], default="")
    overdue = BooleanField(_l("Overdue only"))

    def __init__(self, *args, partners=(), goals=None, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = ("", _l("All"))
        self.partner.choices = [everything, *((str(p.id), p.name) for p in partners)]
        self.status.choices = [everything, *STATUS_LABELS.items()]
        self.principle.choices = [everything, *PRINCIPLE_LABELS.items()]
        self.goal.choices = [everything, *(goals or {}).items()]
        self.place.choices = [everything, *((p, p) for p in places)]

    def chosen(self) -> dict:
        """The filters that hold a value offered; anything else filters nothing."""
        self.validate()
        picked = {
            name: self[name].data
            for name in ("partner", "status", "principle", "goal", "place")
            if self[name].data and not self[name].errors
        }
        if "partner" in picked:
            picked["partner"] = int(picked["partner"])
        picked["overdue"] = bool(self.overdue.data)
        for field in self:
            field.errors = []  # a filter shows no errors: it ignores what it cannot use
        return picked


def currency_choices(country: str, *chosen: str) -> list[tuple[str, str]]:
    locale = str(get_locale())
    codes = list(COMMON_CURRENCIES)
    for code in (*get_territory_currencies(country or "ZZ"), *chosen):
        if code and code not in codes:
            codes.append(code)
    return [("", "—"), *((c, f"{c} · {get_currency_name(c, locale=locale)}") for c in codes)]


def _short(text: str, limit: int = SDG_LABEL_MAX) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _sdg_goals(locale: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The 17 goals, each with its targets as (code, label). The 169 targets' full texts
    would make the page heavy (Arabic most): the start of each is enough to pick it, and the
    action's page shows it whole."""
    return [
        (label, [(code, _short(text)) for code, text in targets])
        for label, targets in sdg.grouped_choices(locale)
    ]


def _texts_form(locales: list[str], *, area: bool, maxlength: int):
    """A sub-form with one field per language, named by its code (`title-es`)."""
    kind = TextAreaField if area else StringField
    fields = {
        code: kind(
            language_name(code),
            validators=[Length(max=maxlength)],
            render_kw={
                "lang": code.replace("_", "-"),
                "dir": "auto",
                **({"rows": 3} if area else {}),
            },
        )
        for code in locales
    }
    return type("TextsForm", (Form,), fields)


def _contribution_form(partners, currencies):
    # The services check every value of a row (and skip an empty one) with their messages.
    class ContributionForm(Form):
        partner_id = SelectField(
            _l("Partner"),
            choices=[("", "—"), *((str(p.id), p.name) for p in partners)],
            validate_choice=False,
        )
        kind = SelectField(_l("Kind"), choices=list(KIND_LABELS.items()), validate_choice=False)
        amount = StringField(_l("Amount"), render_kw={"inputmode": "decimal"})
        currency = SelectField(_l("Currency"), choices=currencies, validate_choice=False)
        description = StringField(_l("Description"), validators=[Length(max=checks.TEXT_MAX)])

    return ContributionForm


def action_form(
    *,
    partnership,
    goals: dict,
    partners,
    leads,
    members,
    others,
    places=(),
    action: Action | None = None,
) -> FlaskForm:
    """The action's form, filled from `action` (editing) and, on a POST, from the request.

    `leads` are the partners this member may name as lead, `members` the partnership's
    memberships (people who can be responsible), `others` the actions it may depend on,
    `places` the localities the partnership knows (its register's and its actions')."""
    locale = str(get_locale())
    fallback = partnership.default_locale
    chosen = (action.currency, *(c.currency for c in action.contributions)) if action else ()
    currencies = currency_choices(partnership.country, *chosen)
    people = [
        (m.user_id, f"{m.user.name} · {m.partner.name}" if m.partner else m.user.name)
        for m in members
    ]
    goal_choices = [
        (key, translated(t, locale=locale, fallback=fallback)) for key, t in goals.items()
    ]
    sdg_goals = _sdg_goals(locale)

    class ActionForm(FlaskForm):
        title = FormField(
            _texts_form(partnership.locales, area=False, maxlength=checks.TITLE_MAX), _l("Title")
        )
        description = FormField(
            _texts_form(partnership.locales, area=True, maxlength=checks.TEXT_MAX),
            _l("Description"),
        )
        goal_key = SelectField(
            _l("Charter goal it serves"), choices=[("", _l("None yet")), *goal_choices]
        )
        # The services refuse a lead or a person outside the partnership with a clearer
        # message than a choice list can, so the lists do not check their own choices.
        lead_partner_id = SelectField(
            _l("Lead partner"),
            choices=[("", "—"), *((str(p.id), p.name) for p in leads)],
            validate_choice=False,
        )
        supporter_ids = MultiCheckboxField(
            _l("Supporting partners"),
            choices=[(str(p.id), p.name) for p in partners],
            validate_choice=False,
        )
        responsible_ids = MultiCheckboxField(
            _l("People responsible"),
            description=_l("They are reminded by e-mail before the due date and when it passes."),
            choices=[(str(user_id), name) for user_id, name in people],
            validate_choice=False,
        )
        start_on = DateField(_l("Start date"), validators=[Optional()])
        due_on = DateField(_l("Due date"), validators=[Optional()])
        status = SelectField(
            _l("Status"), choices=list(STATUS_LABELS.items()), validate_choice=False
        )
        status_reason = TextAreaField(
            _l("Reason"),
            description=_l("Needed when the action is blocked or dropped."),
            validators=[Length(max=checks.TEXT_MAX)],
            render_kw={"rows": 2},
        )
        progress = StringField(
            _l("Progress (%)"),
            default="0",
            render_kw={"type": "number", "min": 0, "max": 100, "inputmode": "numeric"},
        )
        principles = MultiCheckboxField(
            _l("LIFTS principles it advances"), choices=list(PRINCIPLE_LABELS.items())
        )
        # The service keeps a place it no longer knows (its register entry gone, say).
        localities = MultiCheckboxField(
            _l("Places it serves"), choices=[(p, p) for p in places], validate_choice=False
        )
        other_localities = TextAreaField(
            _l("Other places"),
            description=_l("One place per line, as people there name it."),
            validators=[Length(max=checks.LOCALITY_MAX * checks.LOCALITIES_MAX)],
            render_kw={"rows": 2, "dir": "auto"},
        )
        # Checkboxes grouped by goal (templates/macros/pickers.html), not a multi-select
        # one must Ctrl-click through 169 targets.
        sdg_targets = MultiCheckboxField(
            _l("Targets of the Sustainable Development Goals"),
            description=_l("Open a goal to choose among its targets."),
            choices=[(code, label) for _goal, targets in sdg_goals for code, label in targets],
            validate_choice=False,
        )
        budget = StringField(_l("Budget"), render_kw={"inputmode": "decimal"})
        budget_currency = SelectField(_l("Currency"), choices=currencies, validate_choice=False)
        contributions = FieldList(
            FormField(_contribution_form(partners, currencies)),
            min_entries=(len(action.contributions) if action else 0) + BLANK_CONTRIBUTIONS,
            max_entries=MAX_CONTRIBUTIONS,
        )
        depends_on_ids = MultiCheckboxField(
            _l("It cannot be done before"),
            choices=[
                (str(a.id), translated(a.title, locale=locale, fallback=fallback)) for a in others
            ],
            validate_choice=False,
        )
        comment = TextAreaField(
            _l("Comment for the history"),
            description=_l("Why it changes, for the partners who read the history."),
            validators=[Length(max=checks.COMMENT_MAX)],
            render_kw={"rows": 2},
        )

        def open_sections(self) -> set[str]:
            return form_sections.open_sections(self)

        def service_fields(self) -> dict:
            return {
                "title": self.title.data,
                "description": self.description.data,
                "goal_key": self.goal_key.data or "",
                "lead_partner_id": self.lead_partner_id.data,
                "supporter_ids": self.supporter_ids.data or [],
                "responsible_ids": self.responsible_ids.data or [],
                "start_on": self.start_on.data,
                "due_on": self.due_on.data,
                "status": self.status.data,
                "status_reason": self.status_reason.data or "",
                "progress": (self.progress.data or "").strip() or 0,
                "principles": self.principles.data or [],
                "sdg_targets": self.sdg_targets.data or [],
                "budget": self.budget.data or "",
                "currency": self.budget_currency.data or "",
                "contributions": [
                    {**row, "kind": row["kind"] or "cash"} for row in self.contributions.data
                ],
                "depends_on_ids": self.depends_on_ids.data or [],
                "localities": self.localities.data or [],
                "other_localities": self.other_localities.data or "",
                "comment": self.comment.data or "",
            }

    ActionForm.sdg_goals = sdg_goals
    ActionForm.sections = form_sections.SECTIONS
    if action is None:
        return ActionForm()
    return ActionForm(
        data={
            "title": action.title,
            "description": action.description,
            "goal_key": action.goal_key,
            "lead_partner_id": str(action.lead_partner_id),
            "supporter_ids": [str(p.id) for p in action.supporters],
            "responsible_ids": [str(u.id) for u in action.responsibles],
            "start_on": action.start_on,
            "due_on": action.due_on,
            "status": action.status,
            "status_reason": action.status_reason,
            "progress": str(action.progress),
            "principles": action.principles,
            "sdg_targets": action.sdg_targets,
            "budget": "" if action.budget is None else str(action.budget),
            "budget_currency": action.currency,
            "contributions": [
                {
                    "partner_id": str(c.partner_id),
                    "kind": c.kind,
                    "amount": "" if c.amount is None else str(c.amount),
                    "currency": c.currency,
                    "description": c.description,
                }
                for c in action.contributions
            ],
            "depends_on_ids": [str(a.id) for a in action.depends_on],
            "localities": list(action.localities or []),
        }
    )


class ProgressForm(FlaskForm):
    status = SelectField(_l("Status"), choices=list(STATUS_LABELS.items()), validate_choice=False)
    progress = StringField(
        _l("Progress (%)"),
        render_kw={"type": "number", "min": 0, "max": 100, "inputmode": "numeric"},
    )
    status_reason = TextAreaField(
        _l("Reason"),
        description=_l("Needed when the action is blocked or dropped."),
        validators=[Length(max=checks.TEXT_MAX)],
        render_kw={"rows": 2},
    )
    comment = TextAreaField(
        _l("Comment"), validators=[Length(max=checks.COMMENT_MAX)], render_kw={"rows": 3}
    )


def _named(form, name: str):
    """The field a service's error names. Contribution rows are named by their place in the
    list the service was given (`contributions-<i>-amount`), which is the i-th row of the
    form whatever number the browser sent it under."""
    parts = name.split("-")
    if parts[0] == "contributions" and len(parts) == 3 and parts[1].isdigit():
        entries = form.contributions.entries if "contributions" in form else []
        index, sub = int(parts[1]), parts[2]
        if index < len(entries) and sub in entries[index].form:
            return entries[index].form[sub]
        return None
    return next((f for f in form_fields(form) if f.name == name), None)


def apply_error(form, error: ServiceError) -> None:
    """hsbp.errors.apply_error, contribution rows found by their place in the list."""
    errors.apply_error(form, error, find=_named)
