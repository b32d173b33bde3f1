from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import Optional, Regexp

from webapp.ui.forms import BaseForm, max_length

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class RoundForm(BaseForm):
    """Which slots a round covers, and (for admins) whose candidates."""

    organisation_id = SelectField(_l("Kandidater fra"), coerce=int, validate_choice=False)
    # Unknown values simply match no slot, and the round then says so.
    kind = SelectField(_l("Type plass"), validate_choice=False, validators=[max_length(40)])
    start_month = StringField(
        _l("Oppstartsmåned"),
        description=_l("Som ÅÅÅÅ-MM, for eksempel 2026-08. Tomt: alle måneder."),
        validators=[
            Optional(),
            max_length(7),
            Regexp(MONTH_PATTERN, message=_l("Skriv måneden som ÅÅÅÅ-MM, for eksempel 2026-08.")),
        ],
    )
    municipality = SelectField(_l("Kommune"), validate_choice=False, validators=[max_length(100)])

    def month(self) -> date | None:
        value = (self.start_month.data or "").strip()
        if not value:
            return None
        year, month = value.split("-")
        year = int(year)
        if year < 2000 or year > 2100:
            return None
        return date(year, int(month), 1)
