"""The form that adds a webhook receiver."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, URLField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.models.webhook import EVENTS
from webapp.services.webhooks import URL_MAX, event_labels
from webapp.ui.forms import INVALID_CHOICE, BaseForm, max_length


class EndpointForm(BaseForm):
    url = URLField(
        _l("Adresse (URL)"),
        validators=[InputRequired(_l("Skriv adressen.")), max_length(URL_MAX)],
        description=_l("Må begynne med https://. Vi sender en POST med JSON hit."),
    )
    events = SelectMultipleField(
        _l("Hendelser"),
        choices=[SelectChoice(name, name) for name in EVENTS],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        invalid_choice_message=INVALID_CHOICE,
        validators=[InputRequired(_l("Velg minst én hendelse."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = event_labels()
        self.events.choices = [SelectChoice(name, f"{labels[name]} ({name})") for name in EVENTS]
        self.events.default = list(EVENTS)
