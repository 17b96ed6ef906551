"""Forms of the register: its filters, a risk with its texts in every language of the
partnership, a change of status, and a partner's connection to a risk. Choice lists do not
check their own values: the services refuse a wrong one with a clearer message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from flask_wtf import FlaskForm
from wtforms import (
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length

from hsbp.human_security import DIMENSION_LABELS
from hsbp.i18n import language_name
from hsbp.partnerships.forms import MultiCheckboxField
from hsbp.risks import connections, queries, rights, salience, services
from hsbp.risks.models import Risk, RiskKind, RiskStatus
from hsbp.risks.responses import CONNECTION_LABELS
from hsbp.views import int_value

STATUS_LABELS = {
    RiskStatus.OPEN: _p("risk status", "Open"),
    RiskStatus.ADDRESSED: _p("risk status", "Addressed"),
    RiskStatus.CLOSED: _p("risk status", "Closed"),
}
KIND_LABELS = {
    RiskKind.POTENTIAL: _p("risk kind", "Potential"),
    RiskKind.ACTUAL: _p("risk kind", "Actual"),
}
KIND_HINTS = {
    RiskKind.POTENTIAL: _l("It could happen: prevent and mitigate it."),
    RiskKind.ACTUAL: _l("It has happened: cease it and remedy it too."),
}


class RegisterFilterForm(FlaskForm):
    """The register's filters; a GET form, so it needs no CSRF token."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=[], default="")
    kind = SelectField(_p("risk kind", "Kind"), choices=[], default="")
    dimension = SelectField(_l("Human-security dimension"), choices=[], default="")
    locality = SelectField(_l("Place"), choices=[], default="")
    partner = SelectField(_l("Partner connected"), choices=[], default="")

    def __init__(self, *args, places=(), partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = ("", _l("All"))
        self.status.choices = [everything, *STATUS_LABELS.items()]
        self.kind.choices = [everything, *KIND_LABELS.items()]
        self.dimension.choices = [everything, *DIMENSION_LABELS.items()]
        self.locality.choices = [everything, *((p, p) for p in places)]
        self.partner.choices = [everything, *((str(p.id), p.name) for p in partners)]

    def chosen(self) -> tuple[queries.Filters, bool]:
        """The filters that hold a value offered, and whether any value asked for was not
        (it is then ignored, and the page says so)."""
        self.validate()
        ignored = False
        picked = {}
        for name in ("status", "kind", "dimension", "locality", "partner"):
            if not self[name].raw_data or not self[name].raw_data[0]:
                continue
            if self[name].errors:
                ignored = True
            elif self[name].data:
                picked[name] = self[name].data
        if "partner" in picked:
            picked["partner"] = int_value(picked["partner"])
        for field in self:
            field.errors = []  # a filter shows no errors: it ignores what it cannot use
        return queries.Filters(**picked), ignored


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


def _levels(factor: str) -> list[tuple[str, str]]:
    return [
        (str(level), f"{level} · {label}") for level, label in salience.LEVEL_LABELS[factor].items()
    ]


def risk_form(*, partnership, places=(), risk: Risk | None = None) -> FlaskForm:
    """The risk's form, filled from `risk` (editing) and, on a POST, from the request;
    `places` are the localities the partnership knows (hsbp.risks.queries.known_places)."""
    locales = list(partnership.locales or [partnership.default_locale])

    class RiskForm(FlaskForm):
        title = FormField(
            _texts_form(locales, area=False, maxlength=services.TITLE_MAX),
            _l("What could happen, or has happened"),
        )
        description = FormField(
            _texts_form(locales, area=True, maxlength=services.TEXT_MAX), _l("Description")
        )
        kind = RadioField(
            _p("risk kind", "Kind"),
            choices=list(KIND_LABELS.items()),
            default=RiskKind.POTENTIAL,
            validate_choice=False,
        )
        affected_groups = TextAreaField(
            _l("Who is or could be harmed"),
            description=_l(
                "Groups, not names: women heads of household, day labourers, the Nasa "
                "indigenous reserve..."
            ),
            validators=[Length(max=services.GROUPS_MAX)],
            render_kw={"rows": 2, "dir": "auto"},
        )
        localities = MultiCheckboxField(
            _l("Places"), choices=[(p, p) for p in places], validate_choice=False
        )
        other_localities = TextAreaField(
            _l("Other places"),
            description=_l("One place per line, as people there name it."),
            validators=[Length(max=services.PLACE_MAX * services.PLACES_MAX)],
            render_kw={"rows": 2, "dir": "auto"},
        )
        rights = MultiCheckboxField(
            _l("Human rights it touches"),
            choices=list(rights.RIGHTS.items()),
            validate_choice=False,
        )
        dimensions = MultiCheckboxField(
            _l("Human-security dimensions"),
            choices=list(DIMENSION_LABELS.items()),
            validate_choice=False,
        )
        scale = RadioField(
            salience.FACTOR_LABELS["scale"], choices=_levels("scale"), validate_choice=False
        )
        scope = RadioField(
            salience.FACTOR_LABELS["scope"], choices=_levels("scope"), validate_choice=False
        )
        irremediability = RadioField(
            salience.FACTOR_LABELS["irremediability"],
            choices=_levels("irremediability"),
            validate_choice=False,
        )
        likelihood = RadioField(
            salience.FACTOR_LABELS["likelihood"],
            description=_l("An impact that has happened counts as almost certain."),
            choices=_levels("likelihood"),
            validate_choice=False,
        )
        source = HiddenField()

        def service_fields(self) -> dict:
            return {
                "title": self.title.data,
                "description": self.description.data,
                "kind": self.kind.data or "",
                "affected_groups": self.affected_groups.data or "",
                "localities": self.localities.data or [],
                "other_localities": self.other_localities.data or "",
                "rights": self.rights.data or [],
                "dimensions": self.dimensions.data or [],
                **{name: self[name].data or "" for name in salience.FACTORS},
            }

    if risk is None:
        return RiskForm()
    return RiskForm(
        data={
            "title": risk.title,
            "description": risk.description,
            "kind": risk.kind,
            "affected_groups": risk.affected_groups,
            "localities": list(risk.localities or []),
            "rights": list(risk.rights or []),
            "dimensions": list(risk.dimensions or []),
            **{name: str(getattr(risk, name)) for name in salience.FACTORS},
        }
    )


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=[], validate_choice=False)
    reason = TextAreaField(
        _l("Why"),
        description=_l(
            "Needed to mark it addressed or closed: what was done, or why it no longer applies."
        ),
        validators=[Length(max=services.REASON_MAX)],
        render_kw={"rows": 3},
    )

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [(k, v) for k, v in STATUS_LABELS.items() if k != current]


def connection_form(*, partners, row=None) -> FlaskForm:
    """A partner's connection to a risk: `partners` are those this member may speak for
    (hsbp.risks.permissions.connectable_partner_ids); editing (`row`), the partner is fixed."""

    class ConnectionForm(FlaskForm):
        partner_id = SelectField(
            _l("Partner"),
            choices=[("", "—"), *((str(p.id), p.name) for p in partners)],
            validate_choice=False,
        )
        connection = RadioField(
            _l("How the partner is connected to the harm"),
            choices=list(CONNECTION_LABELS.items()),
            validate_choice=False,
        )
        reasoning = TextAreaField(
            _l("Reasoning"),
            description=_l(
                "Why this connection and not another: what the partner does, or which business "
                "relationship ties it to the harm."
            ),
            validators=[Length(max=connections.REASONING_MAX)],
            render_kw={"rows": 5, "dir": "auto"},
        )
        relationship_with = StringField(
            _l("Business relationship"),
            description=_l(
                "Through whom the harm is linked, when it is: a supplier, a contractor, a "
                "public security force."
            ),
            validators=[Length(max=connections.RELATIONSHIP_MAX)],
            render_kw={"dir": "auto"},
        )

    if row is None:
        form = ConnectionForm()
        if len(partners) == 1 and not form.partner_id.data:
            form.partner_id.data = str(partners[0].id)
        return form
    form = ConnectionForm(
        data={
            "partner_id": str(row.partner_id),
            "connection": row.connection,
            "reasoning": row.reasoning,
            "relationship_with": row.relationship_with,
        }
    )
    del form.partner_id
    return form
