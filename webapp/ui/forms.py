"""Shared form pieces: the base of every form (input cleaning and bounds) and common fields."""

from __future__ import annotations

import math

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeField, IntegerField, PasswordField, SelectFieldBase
from wtforms.fields import DecimalField, FloatField, StringField, TextAreaField
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    StopValidation,
    ValidationError,
)

from webapp.services.passwords import MAX_LENGTH, password_problem
from webapp.ui.input import (
    DATE_MAX,
    DATE_MIN,
    DB_INT_MAX,
    DB_INT_MIN,
    clean_text,
    remove_controls,
)

# Length limits for text fields that do not name their own.
DEFAULT_TEXT_MAX = 255
DEFAULT_TEXTAREA_MAX = 10_000


def max_length(limit: int) -> Length:
    """A length limit with a message in the user's language."""
    return Length(max=limit, message=_l("Skriv høyst %(max)d tegn."))


INVALID_CHOICE = _l("Velg bare blant alternativene som vises.")

# Dates: the browser's date picker sends yyyy-mm-dd; a browser without one (or a person typing)
# may send the Norwegian dd.mm.yyyy, so both are read, and every date field says so.
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")
DATE_HINT = _l("Velg i kalenderen, eller skriv dd.mm.åååå (for eksempel 15.08.2027).")
INVALID_DATE = _l("Skriv en gyldig dato (dd.mm.åååå).")

# render_kw for long lists: they get a search box (static/js/filter-select.js).
FILTERABLE = {
    "data-filterable": "",
    "data-filter-label": _l("Søk i listen"),
    "data-filter-count": _l("{n} treff"),
}


def _keep_password(value):
    return remove_controls(value) if isinstance(value, str) else value


def _number_in_database_range(form, field) -> None:
    value = field.data
    if value is None:
        return
    if isinstance(value, float) and not math.isfinite(value):
        raise StopValidation(_l("Skriv et tall."))
    if not DB_INT_MIN <= value <= DB_INT_MAX:
        raise StopValidation(_l("Tallet er for stort."))


def _date_in_window(form, field) -> None:
    value = field.data
    if value is None:
        return
    day = value.date() if hasattr(value, "date") else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise StopValidation(
            _l(
                "Velg en dato mellom %(low)s og %(high)s.",
                low=DATE_MIN.strftime("%d.%m.%Y"),
                high=DATE_MAX.strftime("%d.%m.%Y"),
            )
        )


def _with_date_hint(description):
    if not description:
        return DATE_HINT
    return LazyString(lambda: f"{description} {DATE_HINT}")


def _has_range(field) -> bool:
    """A range of the field's own, narrower than the database's, says it better."""
    return any(
        isinstance(v, NumberRange) and v.min is not None and v.max is not None
        for v in field.validators
    )


def bounded(field):
    """Give a bound field the cleaning filter and the bounds that fit its kind (idempotent)."""
    if isinstance(field, PasswordField):
        field.filters = (_keep_password, *field.filters)
    elif isinstance(field, StringField | SelectFieldBase):
        field.filters = (clean_text, *field.filters)
    if isinstance(field, StringField) and not any(isinstance(v, Length) for v in field.validators):
        limit = DEFAULT_TEXTAREA_MAX if isinstance(field, TextAreaField) else DEFAULT_TEXT_MAX
        field.validators = [*field.validators, max_length(limit)]
    if isinstance(field, IntegerField | DecimalField | FloatField) and not _has_range(field):
        field.validators = [_number_in_database_range, *field.validators]
    if isinstance(field, DateField | DateTimeField):
        field.validators = [_date_in_window, *field.validators]
    if isinstance(field, DateField) and not getattr(field, "date_hint", False):
        field.strptime_format = list(DATE_FORMATS)
        field.invalid_value_message = field.invalid_value_message or INVALID_DATE
        field.description = _with_date_hint(field.description)
        field.date_hint = True
    return field


class BaseForm(FlaskForm):
    """The base of every form: typed values cleaned and bounded before any rule sees them.

    Every text and choice field loses control characters and surrounding blanks (passwords keep
    their blanks) and a text field without a length limit gets one; every number is bounded to
    what the database stores; every date to 2000–2100. A form's own, narrower rules still apply.
    See docs/input.md.
    """

    class Meta:
        def bind_field(self, form, unbound_field, options):
            return bounded(super().bind_field(form, unbound_field, options))


class WholeNumberField(IntegerField):
    """An integer with a message in the user's language when the text is not one."""

    def process_formdata(self, valuelist):
        if valuelist and (valuelist[0] or "").strip():
            valuelist = [valuelist[0].strip()]
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            self.data = None
            raise ValueError(_l("Skriv et helt tall, for eksempel 20.")) from error


class DayField(DateField):
    """A date from ``<input type="date">`` (YYYY-MM-DD), with a message in the user's language."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {"type": "date"})
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            self.data = None
            raise ValueError(INVALID_DATE) from error


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
        validators=[InputRequired(_l("Skriv passordet en gang til.")), max_length(MAX_LENGTH)],
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


class ConfirmForm(BaseForm):
    """An empty form: a CSRF-protected button for an action."""
