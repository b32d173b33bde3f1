from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import Email, InputRequired, Optional, ValidationError

from webapp.models import OrganisationKind
from webapp.services.orgnumber import is_valid_org_number
from webapp.ui.forms import BaseForm, max_length


def organisation_kind_choices():
    return [
        SelectChoice(OrganisationKind.EMPLOYER.value, _l("Arbeidsgiver")),
        SelectChoice(OrganisationKind.NAV_OFFICE.value, _l("NAV-kontor")),
        SelectChoice(OrganisationKind.REFUGEE_SERVICE.value, _l("Flyktningtjenesten")),
        SelectChoice(OrganisationKind.SCHOOL.value, _l("Skole")),
        SelectChoice(OrganisationKind.MUNICIPALITY.value, _l("Kommunen (administrasjon)")),
    ]


class InviteUserForm(BaseForm):
    organisation_id = SelectField(
        _l("Organisasjon"), coerce=int, validators=[InputRequired(_l("Velg en organisasjon."))]
    )
    name = StringField(
        _l("Navn"), validators=[InputRequired(_l("Skriv inn navnet.")), max_length(200)]
    )
    email = EmailField(
        _l("E-post"),
        validators=[
            InputRequired(_l("Skriv inn e-postadressen.")),
            max_length(254),
            Email(_l("Skriv inn en gyldig e-postadresse."), check_deliverability=False),
        ],
    )
    is_admin = BooleanField(_l("Kan invitere kolleger (organisasjonsadministrator)"))


class OrganisationForm(BaseForm):
    kind = SelectField(_l("Type"), choices=organisation_kind_choices, validate_choice=True)
    name = StringField(
        _l("Navn"), validators=[InputRequired(_l("Skriv inn navnet.")), max_length(200)]
    )
    org_number = StringField(
        _l("Organisasjonsnummer"),
        validators=[Optional(), max_length(20)],
        description=_l("Ni siffer. Kan stå tomt for offentlige enheter uten eget nummer."),
    )
    municipality = StringField(
        _l("Kommune"), validators=[InputRequired(_l("Skriv inn kommunen.")), max_length(100)]
    )
    contact_email = EmailField(
        _l("Kontakt-e-post"),
        validators=[
            Optional(),
            max_length(254),
            Email(_l("Skriv inn en gyldig e-postadresse."), check_deliverability=False),
        ],
    )
    description = TextAreaField(_l("Beskrivelse"), validators=[Optional(), max_length(2000)])

    def validate_org_number(self, field):
        if field.data and not is_valid_org_number(field.data):
            raise ValidationError(_l("Organisasjonsnummeret er ikke gyldig."))


def _optional_int(value):
    return int(value) if value not in (None, "") else None


def _within_reason(form, field):
    if field.data and not (2000 <= field.data.year <= 2100):
        raise ValidationError(_l("Velg en dato mellom år 2000 og 2100."))


class DashboardFilterForm(BaseForm):
    """The dashboard's filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    date_from = DateField(_l("Fra dato"), validators=[Optional(), _within_reason])
    date_to = DateField(_l("Til dato"), validators=[Optional(), _within_reason])
    organisation = SelectField(_l("Organisasjon"), coerce=_optional_int, default="")
    slot_kind = SelectField(_l("Type plass"), default="")
    municipality = SelectField(_l("Kommune"), default="")

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("Til-datoen kan ikke være før fra-datoen."))


class AuditFilterForm(BaseForm):
    """The audit log's filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    actor = StringField(
        _l("Hvem (navn eller e-post)"), validators=[Optional(), max_length(100)], default=""
    )
    organisation = SelectField(_l("Organisasjon"), coerce=_optional_int, default="")
    action = SelectField(_l("Handling"), default="")
    object_type = SelectField(_l("Objekt"), default="")
    date_from = DateField(_l("Fra dato"), validators=[Optional(), _within_reason])
    date_to = DateField(_l("Til dato"), validators=[Optional(), _within_reason])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("Til-datoen kan ikke være før fra-datoen."))


class RejectOrganisationForm(BaseForm):
    reason = TextAreaField(
        _l("Begrunnelse"),
        validators=[InputRequired(_l("Skriv hvorfor registreringen avvises.")), max_length(1000)],
        description=_l("Sendes til virksomhetens brukere på e-post og i appen."),
    )
