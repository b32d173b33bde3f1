"""The upload form of the import pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField

from webapp.ui.forms import BaseForm


class ImportForm(BaseForm):
    file = FileField(
        _l("Fil (CSV eller XLSX)"),
        validators=[FileRequired(_l("Velg en fil."))],
        description=_l("Bruk malen. Kolonnene kan ha norske eller engelske overskrifter."),
        render_kw={"accept": ".csv,.xlsx,text/csv"},
    )
    all_or_nothing = BooleanField(
        _l("Lagre ingenting hvis en rad har feil"),
        description=_l("Ellers lagres alle gyldige rader, og radene med feil hoppes over."),
    )
