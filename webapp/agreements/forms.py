"""Forms of the agreement pages: each side's section, the candidate's confirmation, signing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from webapp.services.agreements import LABELS, LANGUAGES
from webapp.ui.forms import INVALID_CHOICE, BaseForm, DayField, max_length

TEXT_MAX = 5000


class HoursField(DecimalField):
    """Hours as a number; a decimal comma (7,5) is read like a point."""

    def process_formdata(self, valuelist):
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].strip().replace(",", ".")]
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            self.data = None
            raise ValueError(_l("Skriv et tall, for eksempel 7,5.")) from error


def _hours(name: str):
    return HoursField(
        LABELS[name],
        places=1,
        validators=[
            Optional(),
            NumberRange(min=0.5, max=168, message=_l("Skriv et antall timer mellom 0,5 og 168.")),
        ],
    )


def _text(name: str, description=None, limit: int = TEXT_MAX):
    return TextAreaField(
        LABELS[name], validators=[max_length(limit)], description=description or ""
    )


CONFIRM_VOID = _l(
    "Jeg forstår at endringen gjør alle signaturer ugyldige, og at avtalen må signeres på nytt."
)


class EmployerSectionForm(BaseForm):
    workplace = StringField(LABELS["workplace"], validators=[max_length(300)])
    start_date = DayField(LABELS["start_date"], validators=[Optional()])
    end_date = DayField(LABELS["end_date"], validators=[Optional()])
    hours_per_day = _hours("hours_per_day")
    hours_per_week = _hours("hours_per_week")
    tasks = _text("tasks")
    goals = _text("goals", _l("Hva skal kandidaten lære eller vise i løpet av perioden?"))
    mentor_name = StringField(LABELS["mentor_name"], validators=[max_length(200)])
    mentor_contact = StringField(LABELS["mentor_contact"], validators=[max_length(200)])
    adaptations = _text("adaptations")
    insurance = _text("insurance", _l("Yrkesskadeforsikring, verneutstyr, opplæring i HMS."))
    confirm_void = BooleanField(CONFIRM_VOID)


class CaseworkerSectionForm(BaseForm):
    programme_terms = _text("programme_terms")
    follow_up_plan = _text("follow_up_plan", _l("For eksempel: samtale etter to uker, 15.03."))
    benefit = _text("benefit")
    language = SelectField(
        LABELS["language"],
        choices=lambda: [SelectChoice(code, label) for code, label in LANGUAGES.items()],
        invalid_choice_message=INVALID_CHOICE,
        description=_l("Lenkesiden og dokumentet skrives på dette språket."),
    )
    summary = _text(
        "summary",
        _l("Det kandidaten ser på lenkesiden: korte setninger, uten forkortelser."),
        limit=3000,
    )
    confirm_void = BooleanField(CONFIRM_VOID)


class ConfirmationForm(BaseForm):
    method = RadioField(
        _l("Hvordan bekreftet kandidaten?"),
        choices=[
            SelectChoice("in_person", _l("Ved oppmøte")),
            SelectChoice("phone", _l("På telefon")),
        ],
        validators=[InputRequired(_l("Velg hvordan kandidaten bekreftet."))],
        invalid_choice_message=INVALID_CHOICE,
    )
    confirmed_on = DayField(
        _l("Dato for bekreftelsen"),
        validators=[InputRequired(_l("Velg dagen kandidaten bekreftet."))],
    )
    note = StringField(_l("Merknad (valgfritt)"), validators=[max_length(500)])
