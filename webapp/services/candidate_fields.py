"""What a caseworker types about a candidate, and every rule on it.

The form, the API schema and the import read their limits here; :func:`check_values` is the one
place the rules run, so a form save, an API call and an imported row are refused alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import (
    Adaptation,
    Candidate,
    LanguageLevel,
    Occupation,
    Skill,
    SlotKind,
    User,
)
from webapp.services import taxonomy as taxonomies
from webapp.services.errors import DomainError

# Programmes a candidate may follow; the code is stored, the label is translated.
PROGRAMMES = (
    "introduksjonsprogrammet",
    "arbeidsavklaringspenger",
    "kvalifiseringsprogrammet",
    "ungdomsgaranti",
    "other",
)

REFERENCE_CODE_MAX = 40
DISPLAY_NAME_MAX = 100
CONSENT_SCOPE_MAX = 200
GOALS_MAX = 2000
EXPERIENCE_MAX = 2000
EDUCATION_MAX = 1000
NOTES_MAX = 4000
HOURS_MIN, HOURS_MAX = 1, 40
COMMUTE_MIN_KM, COMMUTE_MAX_KM = 1, 300
# "Available from" may lie a little in the past (available now) but not decades away.
AVAILABLE_FROM_PAST = timedelta(days=5 * 366)
AVAILABLE_FROM_FUTURE = timedelta(days=3 * 366)

REFERENCE_CODE_PATTERN = re.compile(r"^[0-9A-Za-zÆØÅæøå][0-9A-Za-zÆØÅæøå._/-]*$")
# Eleven digits in a row, optionally split after six: the shape of a national identity number,
# which Arbeidsbro never stores (DESIGN.md §3).
NATIONAL_ID_PATTERN = re.compile(r"(?<!\d)\d{6}\s?\d{5}(?!\d)")


# Lazy labels, so a form built at import time still speaks the user's language.
PROGRAMME_LABELS = {
    "introduksjonsprogrammet": _l("Introduksjonsprogrammet"),
    "arbeidsavklaringspenger": _l("Arbeidsavklaringspenger (AAP)"),
    "kvalifiseringsprogrammet": _l("Kvalifiseringsprogrammet (KVP)"),
    "ungdomsgaranti": _l("Ungdomsgarantien"),
    "other": _l("Annet"),
}


def programme_labels() -> dict[str, str]:
    """Programme code → label in the user's language."""
    return {code: str(label) for code, label in PROGRAMME_LABELS.items()}


def looks_like_national_id(text: str | None) -> bool:
    return bool(text) and NATIONAL_ID_PATTERN.search(text) is not None


@dataclass
class CandidateFields:
    """What a caseworker types about a candidate; the form fills it, the service checks it."""

    reference_code: str
    display_name: str
    caseworker_id: int | None = None
    programme: str = "other"
    kinds: list[str] = field(default_factory=list)
    goals: str = ""
    skills: list[str] = field(default_factory=list)
    experience: str = ""
    education: str = ""
    occupations: list[str] = field(default_factory=list)
    norwegian_level: str = "none"
    home_postal_code: str | None = None
    max_commute_km: int | None = None
    hours_per_week: int | None = None
    available_from: date | None = None
    adaptation_needs: list[str] = field(default_factory=list)
    notes: str = ""


# --- rules -------------------------------------------------------------------------------------


def check_text(value: str, limit: int, field_name: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(_("Skriv høyst %(max)d tegn.", max=limit), field_name)
    if "\x00" in value:
        raise DomainError(_("Teksten inneholder ugyldige tegn."), field_name)
    return value


def _check_codes(model, codes: list[str], field_name: str) -> list:
    codes = list(dict.fromkeys(codes or []))
    rows = taxonomies.by_codes(model, codes)
    if len(rows) != len(codes):
        raise DomainError(_("Velg bare blant alternativene som vises."), field_name)
    return rows


def _check_range(value: int | None, low: int, high: int, field_name: str) -> int | None:
    if value is not None and not low <= value <= high:
        raise DomainError(
            _("Skriv et tall fra %(min)s til %(max)s.", min=low, max=high), field_name
        )
    return value


def available_from_bounds(today: date | None = None) -> tuple[date, date]:
    today = today or date.today()
    return today - AVAILABLE_FROM_PAST, today + AVAILABLE_FROM_FUTURE


def check_values(
    actor: User, fields: CandidateFields, candidate: Candidate | None, codes_in_use=None
) -> dict:
    """Every rule on the typed values; returns the values to store.

    ``codes_in_use`` (lower-cased reference code → candidate id, the whole organisation's) lets
    an import check 10,000 rows against codes it loaded once instead of a query per row.
    """
    reference_code = check_text(fields.reference_code, REFERENCE_CODE_MAX, "reference_code")
    if not reference_code:
        raise DomainError(_("Skriv inn en referansekode."), "reference_code")
    if not REFERENCE_CODE_PATTERN.match(reference_code):
        raise DomainError(
            _("Bruk bare bokstaver, tall og tegnene . _ / -, uten mellomrom."), "reference_code"
        )
    display_name = check_text(fields.display_name, DISPLAY_NAME_MAX, "display_name")
    if not display_name:
        raise DomainError(_("Skriv inn et visningsnavn."), "display_name")
    for name, value in (
        ("reference_code", reference_code),
        ("display_name", display_name),
        ("notes", fields.notes),
    ):
        if looks_like_national_id(value):
            raise DomainError(_("Arbeidsbro skal ikke inneholde fødselsnumre."), name)
    own_id = candidate.id if candidate is not None else -1
    if codes_in_use is not None:
        taken = codes_in_use.get(reference_code.lower())
        taken = None if taken == own_id else taken
    else:
        taken = db.session.scalar(
            select(Candidate.id).where(
                Candidate.organisation_id == actor.organisation_id,
                func.lower(Candidate.reference_code) == reference_code.lower(),
                Candidate.id != own_id,
            )
        )
    if taken is not None:
        raise DomainError(
            _("Referansekoden er allerede brukt i organisasjonen din."), "reference_code"
        )

    caseworker = None
    if fields.caseworker_id is not None:
        caseworker = db.session.get(User, fields.caseworker_id)
        unchanged = candidate is not None and candidate.caseworker_id == fields.caseworker_id
        if (
            caseworker is None
            or caseworker.organisation_id != actor.organisation_id
            or not (caseworker.active or unchanged)
        ):
            raise DomainError(_("Velg en veileder i din organisasjon."), "caseworker_id")

    if fields.programme not in PROGRAMMES:
        raise DomainError(_("Velg et program fra listen."), "programme")
    if db.session.get(LanguageLevel, fields.norwegian_level or "") is None:
        raise DomainError(_("Velg et norsknivå fra listen."), "norwegian_level")

    postal_code = (fields.home_postal_code or "").strip() or None
    if postal_code is not None and taxonomies.postal_place(postal_code) is None:
        raise DomainError(_("Ukjent postnummer."), "home_postal_code")

    low, high = available_from_bounds()
    if fields.available_from is not None and not low <= fields.available_from <= high:
        raise DomainError(
            _(
                "Velg en dato mellom %(low)s og %(high)s.",
                low=low.strftime("%d.%m.%Y"),
                high=high.strftime("%d.%m.%Y"),
            ),
            "available_from",
        )
    return {
        "reference_code": reference_code,
        "display_name": display_name,
        "caseworker": caseworker,
        "programme": fields.programme,
        "kinds": _check_codes(SlotKind, fields.kinds, "kinds"),
        "goals": check_text(fields.goals, GOALS_MAX, "goals"),
        "skills": _check_codes(Skill, fields.skills, "skills"),
        "experience": check_text(fields.experience, EXPERIENCE_MAX, "experience"),
        "education": check_text(fields.education, EDUCATION_MAX, "education"),
        "occupations": _check_codes(Occupation, fields.occupations, "occupations"),
        "norwegian_level": fields.norwegian_level,
        "home_postal_code": postal_code,
        "max_commute_km": _check_range(
            fields.max_commute_km, COMMUTE_MIN_KM, COMMUTE_MAX_KM, "max_commute_km"
        ),
        "hours_per_week": _check_range(
            fields.hours_per_week, HOURS_MIN, HOURS_MAX, "hours_per_week"
        ),
        "available_from": fields.available_from,
        "adaptation_needs": _check_codes(Adaptation, fields.adaptation_needs, "adaptation_needs"),
        "notes": check_text(fields.notes, NOTES_MAX, "notes"),
    }
