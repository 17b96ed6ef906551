"""Forms of sign-in, the second factor, re-authentication, password reset and the account
page."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from hsbp.auth.models import EMAIL_MAX, NAME_MAX
from hsbp.auth.services import PASSWORD_MAX
from hsbp.i18n import UI_LOCALES

# Longer than a code with spaces or dashes typed in it; what is longer is no code.
CODE_MAX = 20


def language_choices(blank_label=None):
    choices = [(loc.code, loc.native_name) for loc in UI_LOCALES]
    return [("", blank_label), *choices] if blank_label is not None else choices


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=EMAIL_MAX)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(), Email(), Length(max=EMAIL_MAX)]
    )


class NewPasswordMixin:
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    pass


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)]
    )


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    locale = SelectField(_l("Interface language"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = language_choices(_l("Same as my browser"))


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=language_choices())


class SecondFactorForm(FlaskForm):
    code = StringField(
        _l("Code"),
        description=_l("The 6 digits your authenticator app shows, or one of your recovery codes."),
        validators=[DataRequired(), Length(max=CODE_MAX)],
    )


class EnrolForm(FlaskForm):
    code = StringField(
        _l("Code from the app"),
        description=_l("The 6 digits the app shows once it has the key."),
        validators=[DataRequired(), Length(max=CODE_MAX)],
    )


class ReauthForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    code = StringField(
        _l("Code"),
        description=_l("The 6 digits your authenticator app shows, or one of your recovery codes."),
        validators=[DataRequired(), Length(max=CODE_MAX)],
    )
