"""Shared form pieces."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import InputRequired, Length, ValidationError

from webapp.services.passwords import MAX_LENGTH, password_problem


def max_length(limit: int) -> Length:
    """A length limit with a message in the user's language."""
    return Length(max=limit, message=_l("Skriv høyst %(max)d tegn."))


INVALID_CHOICE = _l("Velg bare blant alternativene som vises.")

# render_kw for long lists: they get a search box (static/js/filter-select.js).
FILTERABLE = {
    "data-filterable": "",
    "data-filter-label": _l("Søk i listen"),
    "data-filter-count": _l("{n} treff"),
}


class NewPasswordMixin:
    """A new password, typed twice, checked against the password policy."""

    password = PasswordField(
        _l("Nytt passord"),
        validators=[InputRequired(_l("Skriv inn et passord.")), max_length(MAX_LENGTH)],
        description=_l("Minst 10 tegn. Unngå vanlige passord."),
        render_kw={"autocomplete": "new-password"},
    )
    password_again = PasswordField(
        _l("Gjenta passordet"),
        validators=[InputRequired(_l("Skriv passordet en gang til."))],
        render_kw={"autocomplete": "new-password"},
    )

    def password_email(self) -> str:
        return ""

    def validate_password(self, field):
        problem = password_problem(field.data or "", email=self.password_email())
        if problem:
            raise ValidationError(problem)

    def validate_password_again(self, field):
        if field.data != self.password.data:
            raise ValidationError(_l("Passordene er ikke like."))


class ConfirmForm(FlaskForm):
    """An empty form: a CSRF-protected button for an action."""
