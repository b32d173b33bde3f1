"""Forms for caseworkers: a candidate's fields and consent (the lists' filters: filters.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.services import candidate_fields, taxonomy
from webapp.ui.forms import (
    FILTERABLE,
    INVALID_CHOICE,
    BaseForm,
    DayField,
    WholeNumberField,
    max_length,
)
from webapp.ui.input import clean_text
from webapp.ui.widgets import LongSelectMultipleField


class ColleagueField(SelectField):
    """A user of the organisation, chosen by id; bad input gets a message in the user's language."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", int)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not (valuelist[0] or "").strip():
            self.data = None  # InputRequired says what to do
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            self.data = None
            raise ValueError(_l("Velg en veileder.")) from error


def checkbox_list(label, choices, **kwargs) -> SelectMultipleField:
    """Several choices as checkboxes: better than a multi-select for a short list."""
    return SelectMultipleField(
        label,
        choices=choices,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        invalid_choice_message=INVALID_CHOICE,
        **kwargs,
    )


def multi_select(label, choices, **kwargs) -> SelectMultipleField:
    """Several choices from a long list."""
    return LongSelectMultipleField(
        label,
        choices=choices,
        invalid_choice_message=INVALID_CHOICE,
        render_kw={**FILTERABLE, "size": 10},
        **kwargs,
    )


def programme_choices() -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in candidate_fields.PROGRAMME_LABELS.items()]


def candidate_level_choices() -> list[SelectChoice]:
    """The CEFR levels; for a person "none" means not assessed rather than "no requirement"."""
    choices = taxonomy.level_choices()
    return [
        SelectChoice(c.value, _l("Ikke kartlagt / ingen norsk")) if c.value == "none" else c
        for c in choices
    ]


class CandidateForm(BaseForm):
    """Everything a caseworker records about a candidate (consent has its own buttons)."""

    reference_code = StringField(
        _l("Referansekode"),
        filters=[clean_text],
        validators=[
            InputRequired(_l("Skriv inn en referansekode.")),
            max_length(candidate_fields.REFERENCE_CODE_MAX),
            Regexp(
                candidate_fields.REFERENCE_CODE_PATTERN,
                message=_l("Bruk bare bokstaver, tall og tegnene . _ / -, uten mellomrom."),
            ),
        ],
        description=_l("Din egen kode for kandidaten, unik i organisasjonen. Aldri fødselsnummer."),
    )
    display_name = StringField(
        _l("Visningsnavn"),
        filters=[clean_text],
        validators=[
            InputRequired(_l("Skriv inn et visningsnavn.")),
            max_length(candidate_fields.DISPLAY_NAME_MAX),
        ],
        description=_l("For eksempel fornavn og første bokstav i etternavnet."),
    )
    caseworker_id = ColleagueField(
        _l("Ansvarlig veileder"),
        validators=[InputRequired(_l("Velg en veileder."))],
    )
    programme = SelectField(_l("Program"), choices=programme_choices, default="other")
    kinds = checkbox_list(_l("Ønsker plass av typen"), taxonomy.kind_choices)
    goals = TextAreaField(
        _l("Mål"),
        filters=[clean_text],
        validators=[Optional(), max_length(candidate_fields.GOALS_MAX)],
        description=_l("Hva kandidaten vil oppnå, med kandidatens egne ord."),
    )
    skills = multi_select(
        _l("Ferdigheter"),
        taxonomy.skill_choices,
        description=_l("Hold Ctrl (Cmd på Mac) nede for å velge flere."),
    )
    experience = TextAreaField(
        _l("Arbeidserfaring"),
        filters=[clean_text],
        validators=[Optional(), max_length(candidate_fields.EXPERIENCE_MAX)],
    )
    education = TextAreaField(
        _l("Utdanning"),
        filters=[clean_text],
        validators=[Optional(), max_length(candidate_fields.EDUCATION_MAX)],
    )
    occupations = multi_select(
        _l("Ønskede lærefag og yrker"),
        taxonomy.occupation_choices,
        description=_l("Hold Ctrl (Cmd på Mac) nede for å velge flere."),
    )
    norwegian_level = SelectField(_l("Norsknivå"), choices=candidate_level_choices, default="none")
    home_postal_code = StringField(
        _l("Postnummer hjemme"),
        filters=[clean_text],
        validators=[
            Optional(),
            Regexp(r"^\d{4}$", message=_l("Postnummeret har fire sifre.")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 4},
    )
    max_commute_km = WholeNumberField(
        _l("Lengste reisevei (km)"),
        validators=[
            Optional(),
            NumberRange(
                candidate_fields.COMMUTE_MIN_KM,
                candidate_fields.COMMUTE_MAX_KM,
                message=_l("Skriv et tall fra %(min)s til %(max)s."),
            ),
        ],
        render_kw={"inputmode": "numeric"},
    )
    hours_per_week = WholeNumberField(
        _l("Timer per uke"),
        validators=[
            Optional(),
            NumberRange(
                candidate_fields.HOURS_MIN,
                candidate_fields.HOURS_MAX,
                message=_l("Skriv et tall fra %(min)s til %(max)s."),
            ),
        ],
        render_kw={"inputmode": "numeric"},
    )
    available_from = DayField(_l("Tilgjengelig fra"), validators=[Optional()])
    adaptation_needs = checkbox_list(_l("Behov for tilrettelegging"), taxonomy.adaptation_choices)
    notes = TextAreaField(
        _l("Interne notater"),
        filters=[clean_text],
        validators=[Optional(), max_length(candidate_fields.NOTES_MAX)],
        description=_l("Bare for veiledere i din organisasjon. Vises aldri for arbeidsgivere."),
    )

    def __init__(self, *args, caseworkers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.caseworker_id.choices = [SelectChoice(u.id, u.name) for u in caseworkers]

    def validate_home_postal_code(self, field):
        if field.data and taxonomy.postal_place(field.data) is None:
            raise ValidationError(_l("Ukjent postnummer."))

    def validate_available_from(self, field):
        if field.data is None:
            return
        low, high = candidate_fields.available_from_bounds()
        if not low <= field.data <= high:
            raise ValidationError(
                _l(
                    "Velg en dato mellom %(low)s og %(high)s.",
                    low=low.strftime("%d.%m.%Y"),
                    high=high.strftime("%d.%m.%Y"),
                )
            )

    def fields_for_service(self) -> candidate_fields.CandidateFields:
        return candidate_fields.CandidateFields(
            reference_code=self.reference_code.data or "",
            display_name=self.display_name.data or "",
            caseworker_id=self.caseworker_id.data,
            programme=self.programme.data,
            kinds=list(self.kinds.data or []),
            goals=self.goals.data or "",
            skills=list(self.skills.data or []),
            experience=self.experience.data or "",
            education=self.education.data or "",
            occupations=list(self.occupations.data or []),
            norwegian_level=self.norwegian_level.data,
            home_postal_code=self.home_postal_code.data or None,
            max_commute_km=self.max_commute_km.data,
            hours_per_week=self.hours_per_week.data,
            available_from=self.available_from.data,
            adaptation_needs=list(self.adaptation_needs.data or []),
            notes=self.notes.data or "",
        )

    def fill_from(self, candidate) -> None:
        """Show a stored candidate in the form (on GET only)."""
        self.reference_code.data = candidate.reference_code
        self.display_name.data = candidate.display_name
        self.caseworker_id.data = candidate.caseworker_id
        self.programme.data = candidate.programme
        self.kinds.data = [k.code for k in candidate.kinds]
        self.goals.data = candidate.goals
        self.skills.data = [s.code for s in candidate.skills]
        self.experience.data = candidate.experience
        self.education.data = candidate.education
        self.occupations.data = [o.code for o in candidate.occupations]
        self.norwegian_level.data = candidate.norwegian_level
        self.home_postal_code.data = candidate.home_postal_code
        self.max_commute_km.data = candidate.max_commute_km
        self.hours_per_week.data = candidate.hours_per_week
        self.available_from.data = candidate.available_from
        self.adaptation_needs.data = [a.code for a in candidate.adaptation_needs]
        self.notes.data = candidate.notes


class ConsentFieldsMixin:
    consent_scope = StringField(
        _l("Hva samtykket gjelder"),
        filters=[clean_text],
        validators=[Optional(), max_length(candidate_fields.CONSENT_SCOPE_MAX)],
        description=_l("For eksempel: Deling av profil med arbeidsgivere i Arbeidsbro."),
    )


class NewCandidateForm(ConsentFieldsMixin, CandidateForm):
    """Registration: the candidate form plus consent, which is never ticked in advance."""

    consent = BooleanField(
        _l("Kandidaten har gitt samtykke til at profilen kan deles med arbeidsgivere"),
        default=False,
    )

    def validate_consent_scope(self, field):
        if self.consent.data and not field.data:
            raise ValidationError(_l("Beskriv hva kandidaten har samtykket til."))
        if field.data and not self.consent.data:
            raise ValidationError(_l("Kryss av for samtykke, eller la omfanget stå tomt."))


class GiveConsentForm(ConsentFieldsMixin, BaseForm):
    """Consent given (again) from the candidate's page."""

    def validate_consent_scope(self, field):
        if not field.data:
            raise ValidationError(_l("Beskriv hva kandidaten har samtykket til."))


# --- filters (GET forms, no CSRF: they change nothing) ----------------------------------------
