"""Forms of facilitation: a facilitator's profile, built for the partnership's languages, and
the choice of a co-facilitator."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from hsbp.db import id_or_none
from hsbp.i18n import language_name
from hsbp.partnerships.profiles import ORGANISATION_MAX, TEXT_MAX


def _texts_form(locales: list[str]) -> type[Form]:
    """One text area per language, named by its code (`neutrality-es`)."""
    fields = {
        code: TextAreaField(
            language_name(code),
            validators=[Length(max=TEXT_MAX)],
            render_kw={"rows": 4, "lang": code.replace("_", "-"), "dir": "auto"},
        )
        for code in locales
    }
    return type("TextsForm", (Form,), fields)


def profile_form(*, partnership, profile=None) -> FlaskForm:
    """The profile editor, filled from `profile` and, on a POST, from the request."""
    locales = partnership.locales or [partnership.default_locale]
    texts = _texts_form(locales)

    class ProfileForm(FlaskForm):
        organisation = StringField(
            _l("Organisation"),
            validators=[Length(max=ORGANISATION_MAX)],
            description=_l("The organisation you facilitate for, for example a UN agency."),
        )
        neutrality = FormField(
            texts,
            _l("Neutrality statement"),
            description=_l("Why partners can trust you to hold no side in the partnership."),
        )
        interests = FormField(
            texts,
            _l("Declared interests"),
            description=_l(
                "Ties to any partner, funding, family or business links in the place; "
                "write that you have none if so."
            ),
        )

    data = {}
    if profile is not None:
        data = {
            "organisation": profile.organisation,
            "neutrality": profile.neutrality or {},
            "interests": profile.interests or {},
        }
    return ProfileForm(data=data)


def _member_id(value) -> int:
    # Whatever is posted names a row or none: the service then refuses with its message.
    return value if isinstance(value, int) else id_or_none(value) or 0


class CoFacilitatorForm(FlaskForm):
    membership_id = SelectField(_l("Member"), coerce=_member_id, validate_choice=False)

    def set_choices(self, memberships) -> None:
        self.membership_id.choices = [
            (0, "—"),
            *((m.id, f"{m.user.name} ({m.partner.name})") for m in memberships),
        ]
