"""The form that creates a personal API token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired

from webapp.services import api_tokens
from webapp.ui.forms import BaseForm, max_length


class TokenForm(BaseForm):
    name = StringField(
        _l("Navn på nøkkelen"),
        validators=[InputRequired(_l("Gi nøkkelen et navn.")), max_length(api_tokens.NAME_MAX)],
        description=_l("Hvilket system skal bruke den? For eksempel «Fagsystem NAV Lørenskog»."),
    )
    write = BooleanField(
        _l("Kan også endre (skrive)"),
        description=_l("Uten dette kan nøkkelen bare lese."),
    )
    days = SelectField(
        _l("Gyldig i"),
        coerce=int,
        default=90,
        choices=[SelectChoice(days, _l("%(n)d dager", n=days)) for days in api_tokens.EXPIRY_DAYS],
        validate_choice=True,
    )
