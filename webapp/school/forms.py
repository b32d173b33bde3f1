"""Forms of the school side: needs, the finder's filters, requests, answers and the employer's
school profile. Shapes are checked here; the rules themselves live in services/schools."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import (
    Email,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.services import taxonomy
from webapp.services.schools import needs as need_service
from webapp.services.schools import profiles as profile_service
from webapp.services.schools.common import KIND_LABELS
from webapp.services.schools.partnerships import DECLINE_REASONS
from webapp.ui.forms import FILTERABLE, INVALID_CHOICE, BaseForm, max_length
from webapp.ui.widgets import LongSelectField, LongSelectMultipleField

MAX_INT = 2_000_000_000  # anything above is a typing mistake, and would overflow the database


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def kind_choices() -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in KIND_LABELS.items()]


def _bounded(low: int, high: int, message) -> NumberRange:
    return NumberRange(low, high, message)


class NeedForm(BaseForm):
    title = StringField(
        _l("Tittel"),
        validators=[InputRequired(_l("Gi behovet en tittel.")), max_length(200)],
        description=_l("For eksempel «Utplassering Vg1 helse, uke 10–12»."),
    )
    program_area_code = SelectField(
        _l("Utdanningsprogram"),
        validators=[InputRequired(_l("Velg et utdanningsprogram."))],
        validate_choice=True,
        invalid_choice_message=_l("Ukjent utdanningsprogram. Velg et fra listen."),
    )
    trades = LongSelectMultipleField(
        _l("Lærefag"),
        validate_choice=True,
        invalid_choice_message=_l("Ukjent lærefag. Velg fra listen."),
        description=_l("Valgfritt. Hold inne Ctrl (Cmd på Mac) for å velge flere."),
        render_kw={**FILTERABLE, "size": 8},
    )
    kind = RadioField(
        _l("Type samarbeid"),
        choices=kind_choices,
        default="placement",
        validators=[InputRequired(_l("Velg en type samarbeid."))],
        invalid_choice_message=INVALID_CHOICE,
    )
    students = IntegerField(
        _l("Antall elever"),
        validators=[
            InputRequired(_l("Skriv inn antall elever.")),
            _bounded(
                need_service.MIN_STUDENTS,
                need_service.MAX_STUDENTS,
                _l("Antall elever må være mellom %(min)s og %(max)s."),
            ),
        ],
    )
    period_start = DateField(_l("Fra dato"), validators=[InputRequired(_l("Velg en dato."))])
    period_end = DateField(_l("Til dato"), validators=[InputRequired(_l("Velg en dato."))])
    requirements = TextAreaField(
        _l("Krav og behov"),
        validators=[Optional(), max_length(2000)],
        description=_l("For eksempel verneutstyr, transport eller tilrettelegging."),
    )
    description = TextAreaField(_l("Notater"), validators=[Optional(), max_length(5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.program_area_code.choices = [
            SelectChoice("", _l("Velg …")),
            *taxonomy.program_area_choices(),
        ]
        self.trades.choices = taxonomy.occupation_choices()

    def validate_program_area_code(self, field):
        if field.data == "":
            raise ValidationError(_l("Velg et utdanningsprogram."))

    def validate_period_end(self, field):
        if field.data and self.period_start.data and field.data < self.period_start.data:
            raise ValidationError(_l("Perioden kan ikke slutte før den begynner."))

    def to_fields(self) -> need_service.NeedFields:
        return need_service.NeedFields(
            title=self.title.data or "",
            program_area_code=self.program_area_code.data or None,
            trades=list(self.trades.data or []),
            kind=self.kind.data,
            students=self.students.data,
            period_start=self.period_start.data,
            period_end=self.period_end.data,
            requirements=self.requirements.data or "",
            description=self.description.data or "",
        )


class FinderForm(BaseForm):
    """The finder's filters: a GET form (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    program_area = SelectField(_l("Utdanningsprogram"), validators=[Optional()])
    trade = LongSelectField(_l("Lærefag"), validators=[Optional()], render_kw=FILTERABLE)
    municipality = SelectField(_l("Kommune"), validators=[Optional()])
    max_km = IntegerField(
        _l("Høyst km fra skolen"),
        validators=[Optional(), NumberRange(1, 500, _l("Velg mellom %(min)s og %(max)s km."))],
    )
    only_free = BooleanField(_l("Bare bedrifter med ledig kapasitet i perioden"))

    def __init__(self, *args, municipalities=(), **kwargs):
        super().__init__(*args, **kwargs)
        anything = SelectChoice("", _l("Alle"))
        self.program_area.choices = [anything, *taxonomy.program_area_choices()]
        self.trade.choices = [anything, *taxonomy.occupation_choices()]
        self.municipality.choices = [anything, *[SelectChoice(m, m) for m in municipalities]]


class RequestForm(BaseForm):
    employers = SelectMultipleField(_l("Bedrifter"), coerce=int, validate_choice=False)
    message = TextAreaField(
        _l("Melding til bedriftene"),
        validators=[Optional(), max_length(2000)],
        description=_l(
            "Hver bedrift får sin egen forespørsel med denne meldingen og din kontaktinformasjon."
        ),
    )


class NoteForm(BaseForm):
    note = TextAreaField(
        _l("Merknad"),
        validators=[InputRequired(_l("Skriv en kort merknad.")), max_length(1000)],
    )


class AcceptRequestForm(BaseForm):
    students = IntegerField(
        _l("Antall elever dere tar imot"),
        validators=[
            InputRequired(_l("Skriv inn hvor mange elever dere tar imot.")),
            NumberRange(1, MAX_INT, _l("Skriv inn hvor mange elever dere tar imot.")),
        ],
    )
    period_start = DateField(_l("Fra dato"), validators=[InputRequired(_l("Velg en dato."))])
    period_end = DateField(_l("Til dato"), validators=[InputRequired(_l("Velg en dato."))])


class DeclineRequestForm(BaseForm):
    reason_code = RadioField(
        _l("Hvorfor takker dere nei?"),
        choices=lambda: [SelectChoice(c, label) for c, label in DECLINE_REASONS.items()],
        validators=[InputRequired(_l("Velg en begrunnelse."))],
        invalid_choice_message=INVALID_CHOICE,
    )
    reason = TextAreaField(
        _l("Utdyp (må fylles ut ved «Annet»)"), validators=[Optional(), max_length(1000)]
    )


class PeriodForm(Form):
    start = DateField(_l("Fra"), validators=[Optional()])
    end = DateField(_l("Til"), validators=[Optional()])


class SchoolProfileForm(BaseForm):
    open_to_schools = BooleanField(_l("Vi tar imot forespørsler fra skoler"))
    program_areas = CheckboxListField(
        _l("Utdanningsprogram dere kan ta imot elever fra"),
        validate_choice=True,
        invalid_choice_message=INVALID_CHOICE,
    )
    trades = LongSelectMultipleField(
        _l("Lærefag"),
        validate_choice=True,
        invalid_choice_message=INVALID_CHOICE,
        description=_l("Hold inne Ctrl (Cmd på Mac) for å velge flere."),
        render_kw={**FILTERABLE, "size": 8},
    )
    kinds = CheckboxListField(
        _l("Samarbeid dere tilbyr"),
        choices=kind_choices,
        validate_choice=True,
        invalid_choice_message=INVALID_CHOICE,
    )
    students_per_period = IntegerField(
        _l("Elever dere kan ta imot samtidig"),
        default=2,
        validators=[
            InputRequired(_l("Skriv inn et antall.")),
            NumberRange(
                profile_service.MIN_STUDENTS,
                profile_service.MAX_STUDENTS,
                _l("Antall elever må være mellom %(min)s og %(max)s."),
            ),
        ],
    )
    blackouts = FieldList(FormField(PeriodForm), min_entries=3, max_entries=3)
    description = TextAreaField(
        _l("Hva elevene får se og gjøre"), validators=[Optional(), max_length(2000)]
    )
    contact_name = StringField(
        _l("Kontaktperson for skoler"), validators=[Optional(), max_length(200)]
    )
    contact_email = EmailField(
        _l("E-post"),
        validators=[
            Optional(),
            max_length(254),
            Email(_l("Skriv inn en gyldig e-postadresse."), check_deliverability=False),
        ],
    )
    contact_phone = StringField(_l("Telefon"), validators=[Optional(), max_length(30)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.program_areas.choices = taxonomy.program_area_choices()
        self.trades.choices = taxonomy.occupation_choices()

    def fill_from(self, organisation, profile) -> None:
        """Show the saved profile (GET). Values go as keywords, not ``obj``: WTForms prefers
        an object's attribute to a keyword, and the stored blackouts are ISO strings."""
        from datetime import date

        empty = {"start": None, "end": None}
        values = {"open_to_schools": organisation.open_to_schools, "blackouts": [empty] * 3}
        if profile is not None:
            given = [
                {"start": date.fromisoformat(s), "end": date.fromisoformat(e)}
                for s, e in profile.blackouts or []
            ]
            values.update(
                program_areas=profile.program_areas,
                trades=profile.trades,
                kinds=profile.kinds,
                students_per_period=profile.students_per_period,
                blackouts=(given + [empty] * 3)[:3],
                description=profile.description,
                contact_name=profile.contact_name,
                contact_email=profile.contact_email,
                contact_phone=profile.contact_phone,
            )
        self.process(**values)

    def to_fields(self) -> profile_service.ProfileFields:
        return profile_service.ProfileFields(
            open_to_schools=bool(self.open_to_schools.data),
            program_areas=list(self.program_areas.data or []),
            trades=list(self.trades.data or []),
            kinds=list(self.kinds.data or []),
            students_per_period=self.students_per_period.data,
            blackouts=[(entry.start.data, entry.end.data) for entry in self.blackouts],
            description=self.description.data or "",
            contact_name=self.contact_name.data or "",
            contact_email=self.contact_email.data or "",
            contact_phone=self.contact_phone.data or "",
        )
