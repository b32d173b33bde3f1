"""Forms for decisions on suggestions and placements, shared by caseworkers and employers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, Optional

from webapp.services.placements import OUTCOMES
from webapp.services.proposals import DECLINE_REASONS, EMPLOYER_NOTE_MAX, REJECT_REASONS
from webapp.ui.forms import INVALID_CHOICE, BaseForm, DayField, max_length


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in labels.items()]


def _reason_form(question, reasons: dict) -> type[BaseForm]:
    """A reason code from ``reasons``, and free text that "other" requires (see the services)."""

    class ReasonForm(BaseForm):
        reason_code = RadioField(
            question,
            choices=lambda: _choices(reasons),
            validators=[InputRequired(_l("Velg en begrunnelse."))],
            invalid_choice_message=INVALID_CHOICE,
        )
        reason = TextAreaField(
            _l("Utdyp (må fylles ut ved «Annet»)"), validators=[Optional(), max_length(1000)]
        )

    return ReasonForm


RejectForm = _reason_form(_l("Hvorfor passer ikke forslaget?"), REJECT_REASONS)
DeclineForm = _reason_form(_l("Hvorfor takker dere nei?"), DECLINE_REASONS)


class ProposeForm(BaseForm):
    """Sending a match to the employer, with a short note for them."""

    employer_note = TextAreaField(
        _l("Kort notat til arbeidsgiveren"),
        validators=[Optional(), max_length(EMPLOYER_NOTE_MAX)],
        description=_l(
            "Valgfritt. Hvorfor passer kandidaten? Ikke skriv navn, diagnoser eller annet "
            "arbeidsgiveren ikke trenger."
        ),
    )


class AcceptForm(BaseForm):
    start_date = DayField(
        _l("Ønsket startdato"),
        validators=[Optional()],
        description=_l("La stå tomt for å bruke plassens startdato."),
    )


class StartPlacementForm(BaseForm):
    early_start_reason = TextAreaField(
        _l("Hvorfor starter praksisplassen før startdatoen?"),
        validators=[Optional(), max_length(500)],
        description=_l("Må fylles ut når praksisplassen startes før den avtalte datoen."),
    )


class EndPlacementForm(BaseForm):
    outcome = SelectField(
        _l("Utfall"),
        choices=lambda: [SelectChoice("", _l("Velg …")), *_choices(OUTCOMES)],
        validators=[InputRequired(_l("Velg utfallet av praksisplassen."))],
        validate_choice=True,
    )
    notes = TextAreaField(_l("Merknad"), validators=[Optional(), max_length(2000)])


class FollowUpForm(BaseForm):
    follow_up_date = DayField(
        _l("Neste oppfølging"), validators=[InputRequired(_l("Velg en dato."))]
    )
