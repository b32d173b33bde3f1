from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import Email, InputRequired, Optional, ValidationError

from webapp.forms import BaseForm, max_length
from webapp.models import OrganisationKind
from webapp.services.orgnumber import is_valid_org_number


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
