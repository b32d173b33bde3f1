from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import Email, InputRequired, Optional, ValidationError

from webapp.services.orgnumber import is_valid_org_number
from webapp.services.passwords import MAX_LENGTH
from webapp.ui.forms import BaseForm, NewPasswordMixin, max_length

EMAIL_MAX = 254


class LoginForm(BaseForm):
    email = EmailField(
        _l("E-post"),
        validators=[InputRequired(_l("Skriv inn e-postadressen din.")), max_length(EMAIL_MAX)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Passord"),
        validators=[InputRequired(_l("Skriv inn passordet ditt.")), max_length(MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class AcceptInviteForm(NewPasswordMixin, BaseForm):
    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._email = email

    def password_email(self) -> str:
        return self._email


class ChangePasswordForm(NewPasswordMixin, BaseForm):
    current_password = PasswordField(
        _l("Nåværende passord"),
        validators=[InputRequired(_l("Skriv inn passordet du har nå.")), max_length(MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._email = email

    def password_email(self) -> str:
        return self._email


class RegisterEmployerForm(NewPasswordMixin, BaseForm):
    company_name = StringField(
        _l("Virksomhetens navn"),
        validators=[InputRequired(_l("Skriv inn navnet på virksomheten.")), max_length(200)],
        render_kw={"autocomplete": "organization"},
    )
    org_number = StringField(
        _l("Organisasjonsnummer"),
        validators=[InputRequired(_l("Skriv inn organisasjonsnummeret.")), max_length(20)],
        description=_l("Ni siffer, for eksempel 974 760 673."),
        render_kw={"inputmode": "numeric"},
    )
    municipality = StringField(
        _l("Kommune"),
        validators=[InputRequired(_l("Skriv inn kommunen.")), max_length(100)],
    )
    contact_name = StringField(
        _l("Ditt navn"),
        validators=[InputRequired(_l("Skriv inn navnet ditt.")), max_length(200)],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        _l("E-post"),
        validators=[
            InputRequired(_l("Skriv inn e-postadressen din.")),
            max_length(EMAIL_MAX),
            Email(_l("Skriv inn en gyldig e-postadresse."), check_deliverability=False),
        ],
        render_kw={"autocomplete": "email"},
    )
    phone = StringField(
        _l("Telefon"),
        validators=[Optional(), max_length(30)],
        render_kw={"autocomplete": "tel"},
    )

    def password_email(self) -> str:
        return self.email.data or ""

    def validate_org_number(self, field):
        if not is_valid_org_number(field.data or ""):
            raise ValidationError(_l("Organisasjonsnummeret er ikke gyldig."))


class LanguageForm(BaseForm):
    language = SelectField(
        _l("Språk"),
        choices=[SelectChoice("nb", "Norsk (bokmål)"), SelectChoice("en", "English")],
        validate_choice=True,
    )


class ForgotPasswordForm(BaseForm):
    email = EmailField(
        _l("E-post"),
        validators=[
            InputRequired(_l("Skriv inn e-postadressen din.")),
            max_length(EMAIL_MAX),
            Email(_l("Skriv inn en gyldig e-postadresse."), check_deliverability=False),
        ],
        render_kw={"autocomplete": "username"},
    )


class ResetPasswordForm(AcceptInviteForm):
    """A new password through a reset link (the same rules as for a first password)."""
