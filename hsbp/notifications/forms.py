"""The notification settings forms: one choice per registered kind, the digest's hour and
time zone, SMS with immediate e-mails; the phone number and its code. Values are checked by
hsbp.notifications.preferences and .phones, which say what is wrong."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField

from hsbp.notifications.models import Mode
from hsbp.notifications.preferences import modes_for, time_zones

MODE_LABELS = {
    Mode.OFF: _p("notifications", "Off"),
    Mode.IMMEDIATE: _l("At once, by e-mail"),
    Mode.DIGEST: _l("In the daily digest"),
}


class SettingsForm(FlaskForm):
    digest_hour = SelectField(
        _l("Hour of the daily digest"),
        choices=[(str(hour), f"{hour:02d}:00") for hour in range(24)],
        validate_choice=False,
    )
    timezone = SelectField(_l("Your time zone"), choices=[], validate_choice=False)
    sms_immediate = BooleanField(_l("Also tell me by SMS when something comes up at once"))


class PhoneForm(FlaskForm):
    phone = StringField(
        _l("Mobile number"),
        description=_l("In international form: + and the country code, e.g. +57 310 456 7821."),
        render_kw={"autocomplete": "tel", "inputmode": "tel", "dir": "ltr"},
    )


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code from the SMS"),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "dir": "ltr"},
    )


class ActionForm(FlaskForm):
    """A button that changes something: resend the code, cancel a number, remove it."""


def settings_form(registered: dict, *, partnership_zone: str, **kwargs) -> SettingsForm:
    """A SettingsForm with a `mode_<kind>` radio group for each of `registered`."""

    class Form(SettingsForm):
        pass

    for name, kind in registered.items():
        field = RadioField(
            kind.label,
            choices=[(mode.value, MODE_LABELS[mode]) for mode in modes_for(kind)],
            validate_choice=False,
        )
        setattr(Form, f"mode_{name}", field)
    form = Form(**kwargs)
    form.timezone.choices = [
        ("", _l("My partnership's time zone (%(zone)s)", zone=partnership_zone)),
        *((zone, zone) for zone in time_zones()),
    ]
    return form
