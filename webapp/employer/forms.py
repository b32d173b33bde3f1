from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import Email, InputRequired, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.services import slots as slot_service
from webapp.services import taxonomy
from webapp.ui.forms import (
    FILTERABLE,
    INVALID_CHOICE,
    BaseForm,
    DayField,
    WholeNumberField,
    max_length,
)
from webapp.ui.widgets import LongSelectField

MAX_EXTRA_SKILLS = 10


class CheckboxListField(SelectMultipleField):
    """A multiple choice shown as checkboxes (the template wraps them in a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProfileForm(BaseForm):
    name = StringField(
        _l("Virksomhetens navn"),
        validators=[InputRequired(_l("Skriv inn navnet på virksomheten.")), max_length(200)],
    )
    contact_name = StringField(_l("Kontaktperson"), validators=[Optional(), max_length(200)])
    contact_email = EmailField(
        _l("Kontakt-e-post"),
        validators=[
            Optional(),
            max_length(254),
            Email(_l("Skriv inn en gyldig e-postadresse."), check_deliverability=False),
        ],
    )
    contact_phone = StringField(_l("Telefon"), validators=[Optional(), max_length(30)])
    description = TextAreaField(_l("Om virksomheten"), validators=[Optional(), max_length(2000)])
    open_to_schools = BooleanField(_l("Åpen for samarbeid med skoler (utplassering og besøk)"))


class SiteForm(BaseForm):
    name = StringField(
        _l("Navn på arbeidsstedet"),
        validators=[InputRequired(_l("Gi arbeidsstedet et navn.")), max_length(200)],
        description=_l("For eksempel «Lager Robsrud» eller «Avdeling B3»."),
    )
    address = StringField(
        _l("Adresse"), validators=[InputRequired(_l("Skriv inn adressen.")), max_length(200)]
    )
    postal_code = StringField(
        _l("Postnummer"),
        validators=[InputRequired(_l("Skriv inn postnummeret.")), max_length(4)],
        render_kw={"inputmode": "numeric", "autocomplete": "postal-code"},
    )

    def validate_postal_code(self, field):
        if taxonomy.postal_place(field.data) is None:
            raise ValidationError(_l("Ukjent postnummer."))


class SlotForm(BaseForm):
    kind = SelectField(_l("Type plass"), validate_choice=True)
    title = StringField(
        _l("Tittel"),
        validators=[InputRequired(_l("Gi plassen en tittel.")), max_length(200)],
        description=_l("For eksempel «Lærling i helsearbeiderfaget»."),
        render_kw={"data-occupation-typeahead": "", "autocomplete": "off"},
    )
    occupation_code = LongSelectField(
        _l("Lærefag eller yrke"),
        validators=[Optional()],
        validate_choice=True,
        render_kw=FILTERABLE,
    )
    description = TextAreaField(
        _l("Beskrivelse"),
        validators=[InputRequired(_l("Beskriv plassen.")), max_length(5000)],
        description=_l("Hva skal personen gjøre, og hva lærer hen?"),
    )
    skills = SelectMultipleField(
        _l("Ferdigheter"),
        validate_choice=True,
        invalid_choice_message=INVALID_CHOICE,
        description=_l("Hold inne Ctrl (Cmd på Mac) for å velge flere."),
        render_kw={**FILTERABLE, "size": 10},
    )
    extra_skills = StringField(
        _l("Andre ferdigheter"),
        validators=[Optional(), max_length(500)],
        description=_l("Skill med komma. Høyst 10."),
    )
    norwegian_level = SelectField(_l("Krav til norsknivå"), validate_choice=True)
    site_id = SelectField(_l("Arbeidssted"), coerce=int, validate_choice=True)
    hours_per_week = WholeNumberField(
        _l("Timer per uke"),
        validators=[
            InputRequired(_l("Skriv inn antall timer per uke.")),
            NumberRange(
                slot_service.MIN_HOURS,
                slot_service.MAX_HOURS,
                _l("Timer per uke må være mellom %(min)s og %(max)s."),
            ),
        ],
    )
    start_date = DayField(_l("Startdato"), validators=[InputRequired(_l("Velg en startdato."))])
    end_date = DayField(_l("Sluttdato"), validators=[Optional()])
    capacity = WholeNumberField(
        _l("Antall plasser"),
        default=1,
        validators=[
            InputRequired(_l("Skriv inn antall plasser.")),
            NumberRange(
                slot_service.MIN_CAPACITY,
                slot_service.MAX_CAPACITY,
                _l("Antall plasser må være mellom %(min)s og %(max)s."),
            ),
        ],
    )
    adaptations = CheckboxListField(
        _l("Tilrettelegging arbeidsplassen kan gi"),
        validate_choice=True,
        invalid_choice_message=INVALID_CHOICE,
    )
    contact_name = StringField(_l("Kontaktperson"), validators=[Optional(), max_length(200)])

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = taxonomy.kind_choices()
        self.occupation_code.choices = [
            SelectChoice("", _l("Velg …")),
            *taxonomy.occupation_choices(),
        ]
        self.skills.choices = taxonomy.skill_choices()
        self.norwegian_level.choices = taxonomy.level_choices()
        self.site_id.choices = [SelectChoice(site.id, site.name) for site in sites]
        self.adaptations.choices = taxonomy.adaptation_choices()

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data <= self.start_date.data:
            raise ValidationError(_l("Sluttdato må være etter startdato."))

    def validate_extra_skills(self, field):
        if len(self.extra_skill_list()) > MAX_EXTRA_SKILLS:
            raise ValidationError(_l("Høyst 10 andre ferdigheter."))

    def extra_skill_list(self) -> list[str]:
        tags = [tag.strip() for tag in (self.extra_skills.data or "").split(",")]
        return list(dict.fromkeys(tag[:60] for tag in tags if tag))

    def to_fields(self) -> slot_service.SlotFields:
        return slot_service.SlotFields(
            kind=self.kind.data,
            title=self.title.data,
            occupation_code=self.occupation_code.data or None,
            description=self.description.data or "",
            skills=list(self.skills.data or []),
            extra_skills=self.extra_skill_list(),
            norwegian_level=self.norwegian_level.data,
            site_id=self.site_id.data,
            hours_per_week=self.hours_per_week.data,
            start_date=self.start_date.data,
            end_date=self.end_date.data,
            capacity=self.capacity.data,
            adaptations=list(self.adaptations.data or []),
            contact_name=self.contact_name.data or "",
        )

    def fill_from(self, slot) -> None:
        """Show an existing slot in the form (GET of the edit page)."""
        self.process(
            obj=slot,
            skills=[skill.code for skill in slot.skills],
            adaptations=[a.code for a in slot.adaptations],
            extra_skills=", ".join(slot.extra_skills or []),
            occupation_code=slot.occupation_code or "",
        )
