"""Forms of partnerships, partners, members and invitations."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from hsbp.auth.forms import NewPasswordMixin, language_choices
from hsbp.auth.models import EMAIL_MAX, NAME_MAX
from hsbp.i18n import UI_LOCALES, language_name
from hsbp.partnerships import languages
from hsbp.partnerships.models import Sector, Stage
from hsbp.partnerships.reference import country_choices, timezones
from hsbp.security import Role

STAGE_LABELS = {
    Stage.FORMING: _p("partnership stage", "Forming"),
    Stage.ACTIVE: _p("partnership stage", "Active"),
    Stage.UNDER_REVIEW: _p("partnership stage", "Under review"),
    Stage.CLOSED: _p("partnership stage", "Closed"),
}
SECTOR_LABELS = {
    Sector.COMPANY: _l("Company"),
    Sector.LOCAL_GOVERNMENT: _l("Local government"),
    Sector.NATIONAL_GOVERNMENT: _l("National government"),
    Sector.CIVIL_SOCIETY: _l("Civil society"),
    Sector.COMMUNITY_GROUP: _l("Community group"),
    Sector.INTERNATIONAL_ORGANISATION: _l("International organisation"),
    Sector.ACADEMIC: _l("Academic"),
}
ROLE_LABELS = {
    Role.FACILITATOR: _p("member role", "Facilitator"),
    Role.REPRESENTATIVE: _p("member role", "Partner representative"),
    Role.OBSERVER: _p("member role", "Observer"),
}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PartnershipForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    country = SelectField(_l("Country"), validators=[DataRequired()])
    locality = StringField(_l("Locality"), validators=[Length(max=200)])
    context_summary = TextAreaField(_l("Context summary"), validators=[Length(max=5000)])
    stage = SelectField(_l("Stage"), choices=list(STAGE_LABELS.items()))
    timezone = SelectField(_l("Time zone"), validators=[DataRequired()])
    default_locale = SelectField(_l("Default language"), validators=[DataRequired()])
    locales = MultiCheckboxField(_l("Languages of the partnership's content"))
    other_locales = StringField(
        _l("Other languages"),
        description=_l(
            "For local languages: type a language's name and pick it from the suggestions, "
            "or its ISO 639 code (for example: guc). Separate several with commas."
        ),
        validators=[Length(max=400)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        locale = str(get_locale())
        self.country.choices = [("", "—"), *country_choices(locale)]
        self.timezone.choices = [(z, z) for z in timezones()]
        ui = [loc.code for loc in UI_LOCALES]
        self.locales.choices = [(code, language_name(code)) for code in ui]
        self.default_locale.choices = self.locales.choices
        self.other_locales.suggestions = languages.suggestions(locale, leave_out=ui)

    def validate_other_locales(self, field) -> None:
        languages.refuse_unknown(field.data, str(get_locale()))

    def populate_extra(self, partnership) -> None:
        """Fill the two language fields from a partnership's list of content languages."""
        shipped = set(dict(self.locales.choices))
        self.locales.data = [c for c in partnership.locales if c in shipped]
        others = [c for c in partnership.locales if c not in shipped]
        self.other_locales.data = ", ".join(
            f"{name} ({code})" if name != code else code
            for code, name in languages.choices(others, str(get_locale()))
        )
        if partnership.default_locale not in shipped:
            self.default_locale.choices = [
                *self.default_locale.choices,
                (partnership.default_locale, language_name(partnership.default_locale)),
            ]

    def service_fields(self) -> dict:
        extra, _unknown = languages.read_typed(self.other_locales.data, str(get_locale()))
        return {
            "name": self.name.data.strip(),
            "country": self.country.data,
            "locality": (self.locality.data or "").strip(),
            "context_summary": (self.context_summary.data or "").strip(),
            "stage": self.stage.data,
            "timezone": self.timezone.data,
            "default_locale": self.default_locale.data,
            "locales": [*self.locales.data, *extra],
        }


class PartnershipSettingsForm(PartnershipForm):
    """The settings of a partnership that exists: its facilitators may also ask every
    member to sign in with a second factor."""

    require_two_factor = BooleanField(_l("Every member signs in with a second factor"))

    def service_fields(self) -> dict:
        return {**super().service_fields(), "require_two_factor": self.require_two_factor.data}


class NewPartnershipForm(PartnershipForm):
    facilitator_email = EmailField(
        _l("Invite a facilitator (e-mail address)"),
        validators=[Optional(), Email(), Length(max=EMAIL_MAX)],
    )


class PartnerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    sector = SelectField(_l("Sector"), choices=list(SECTOR_LABELS.items()))
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])
    joined_on = DateField(_l("Joined on"), validators=[Optional()])
    left_on = DateField(_l("Left on"), validators=[Optional()])

    def service_fields(self) -> dict:
        return {
            "name": self.name.data,
            "sector": self.sector.data,
            "description": (self.description.data or "").strip(),
            "joined_on": self.joined_on.data,
            "left_on": self.left_on.data,
        }


# Least power first, so a role is chosen upwards on purpose, never left at the top one.
ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in sorted(Role, key=lambda r: r.rank)]


class RoleFields:
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=Role.OBSERVER.value)
    partner_id = SelectField(
        _l("Partner (for partner representatives)"), coerce=int, validators=[Optional()]
    )

    def set_partner_choices(self, partners) -> None:
        self.partner_id.choices = [(0, "—"), *((p.id, p.name) for p in partners)]


class InvitationForm(RoleFields, FlaskForm):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(), Email(), Length(max=EMAIL_MAX)]
    )
    role = SelectField(
        _l("Role"),
        choices=ROLE_CHOICES,
        default=Role.OBSERVER.value,
        description=_l(
            "Give the least the person needs. Observers follow the partnership; partner "
            "representatives also speak for their partner; facilitators run it: its members, "
            "its SMS contacts and its grievances."
        ),
    )


class MembershipForm(RoleFields, FlaskForm):
    pass


class AcceptNewAccountForm(NewPasswordMixin, FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    locale = SelectField(_l("Interface language"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = language_choices(_l("Same as my browser"))


class TranslatorForm(FlaskForm):
    """The translator permission of a member: "1" gives it, "0" takes it back."""

    translator = SelectField(choices=[("1", "1"), ("0", "0")], validators=[DataRequired()])


class ConfirmForm(FlaskForm):
    """An empty form: a button that posts with a CSRF token."""
