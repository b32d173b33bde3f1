"""The filters of the caseworker's lists: candidates, and slots to suggest a candidate for."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import Optional, Regexp, ValidationError

from webapp.caseworker.forms import candidate_level_choices, checkbox_list
from webapp.models import CandidateStatus
from webapp.services import candidate_search, slot_search, taxonomy
from webapp.ui.forms import FILTERABLE, BaseForm, DayField, max_length
from webapp.ui.input import clean_text
from webapp.ui.widgets import LongSelectField


def _any(label) -> SelectChoice:
    return SelectChoice("", label)


def candidate_status_choices() -> list[SelectChoice]:
    return [
        _any(_l("Aktive og på pause")),
        SelectChoice(CandidateStatus.ACTIVE.value, _l("Aktiv")),
        SelectChoice(CandidateStatus.PAUSED.value, _l("Pause")),
        SelectChoice(CandidateStatus.ARCHIVED.value, _l("Arkivert")),
        SelectChoice("all", _l("Alle")),
    ]


class CandidateFilterForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Søk i referanse, navn, yrke eller ferdighet"),
        filters=[clean_text],
        validators=[Optional(), max_length(100)],
    )
    status = SelectField(_l("Status"), choices=candidate_status_choices, default="")
    kind = SelectField(
        _l("Ønsker type plass"),
        choices=lambda: [_any(_l("Alle")), *taxonomy.kind_choices()],
        default="",
    )
    consent = SelectField(
        _l("Samtykke"),
        choices=lambda: [
            _any(_l("Alle")),
            SelectChoice("yes", _l("Har samtykket")),
            SelectChoice("no", _l("Mangler samtykke")),
        ],
        default="",
    )
    level = SelectField(
        _l("Norsknivå"),
        choices=lambda: [_any(_l("Alle")), *candidate_level_choices()],
        default="",
    )

    def filters(self) -> candidate_search.CandidateFilters:
        """The valid filters; a field with an error is left out instead of failing the page."""

        def ok(field) -> str:
            return (field.data or "") if not field.errors else ""

        return candidate_search.CandidateFilters(
            q=ok(self.q),
            status=ok(self.status),
            kind=ok(self.kind),
            consent=ok(self.consent),
            level=ok(self.level),
        )

    def url_args(self) -> dict:
        """The active filters as query arguments for the pagination links."""
        return {name: value for name, value in vars(self.filters()).items() if value}


def distance_choices() -> list[SelectChoice]:
    return [
        _any(_l("Alle avstander")),
        *(SelectChoice(str(km), _l("Innen %(km)d km", km=km)) for km in slot_search.DISTANCES_KM),
    ]


def sort_choices() -> list[SelectChoice]:
    return [
        SelectChoice("newest", _l("Nyeste først")),
        SelectChoice("start", _l("Tidligste oppstart")),
        SelectChoice("distance", _l("Nærmest (krever postnummer)")),
    ]


class SlotSearchForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(
        _l("Søk i tittel, beskrivelse, fag eller ferdigheter"),
        filters=[clean_text],
        validators=[Optional(), max_length(100)],
    )
    kind = SelectField(
        _l("Type plass"),
        choices=lambda: [_any(_l("Alle")), *taxonomy.kind_choices()],
        default="",
    )
    occupation = LongSelectField(
        _l("Lærefag eller yrke"),
        choices=lambda: [_any(_l("Alle")), *taxonomy.occupation_choices()],
        default="",
        render_kw=FILTERABLE,
    )
    postal_code = StringField(
        _l("Fra postnummer"),
        filters=[clean_text],
        validators=[Optional(), Regexp(r"^\d{4}$", message=_l("Postnummeret har fire sifre."))],
        render_kw={"inputmode": "numeric", "maxlength": 4, "autocomplete": "off"},
    )
    max_km = SelectField(_l("Avstand"), choices=distance_choices, default="")
    level = SelectField(
        _l("Kandidatens norsknivå"),
        choices=lambda: [_any(_l("Alle")), *candidate_level_choices()],
        default="",
        description=_l("Viser plasser som krever dette nivået eller lavere."),
    )
    adaptations = checkbox_list(_l("Tilrettelegging som må tilbys"), taxonomy.adaptation_choices)
    start_from = DayField(_l("Oppstart fra og med"), validators=[Optional()])
    free_only = BooleanField(_l("Bare plasser med ledig kapasitet"))
    sort = SelectField(_l("Sortering"), choices=sort_choices, default="newest")

    def validate_postal_code(self, field):
        if field.data and taxonomy.postal_place(field.data) is None:
            raise ValidationError(_l("Ukjent postnummer."))

    def validate_max_km(self, field):
        if field.data and not self.postal_code.data:
            raise ValidationError(_l("Skriv inn et postnummer for å søke etter avstand."))

    def validate_sort(self, field):
        if field.data == "distance" and not self.postal_code.data:
            raise ValidationError(_l("Skriv inn et postnummer for å sortere etter avstand."))

    def filters(self) -> slot_search.SlotFilters:
        """The valid filters; a field with an error is ignored, so the page still answers."""

        def ok(field, empty=""):
            return field.data if field.data not in (None, "") and not field.errors else empty

        postal_code = ok(self.postal_code, None)
        max_km = ok(self.max_km, None)
        return slot_search.SlotFilters(
            q=ok(self.q),
            kind=ok(self.kind),
            occupation=ok(self.occupation),
            postal_code=postal_code,
            max_km=int(max_km) if max_km and postal_code else None,
            level=ok(self.level),
            adaptations=list(ok(self.adaptations, [])),
            start_from=ok(self.start_from, None),
            free_only=bool(self.free_only.data),
            sort=ok(self.sort, "newest"),
        )

    def url_args(self) -> dict:
        f = self.filters()
        args = {
            "q": f.q,
            "kind": f.kind,
            "occupation": f.occupation,
            "postal_code": f.postal_code,
            "max_km": f.max_km,
            "level": f.level,
            "adaptations": f.adaptations,
            "start_from": f.start_from.isoformat() if f.start_from else None,
            "free_only": "y" if f.free_only else None,
            "sort": f.sort if f.sort != "newest" else None,
        }
        return {name: value for name, value in args.items() if value}
