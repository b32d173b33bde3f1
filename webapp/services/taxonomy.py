"""The taxonomies as form choices and look-ups, labelled in the user's language."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms.fields import SelectChoice

from matching.occupations import label_search
from webapp.extensions import db
from webapp.models import (
    Adaptation,
    LanguageLevel,
    Occupation,
    PostalPlace,
    ProgramArea,
    Skill,
    SlotKind,
)


def _choices(rows, *, optgroup=None) -> list[SelectChoice]:
    return [
        SelectChoice(row.code, row.label, optgroup=optgroup(row) if optgroup else None)
        for row in rows
    ]


def kind_choices() -> list[SelectChoice]:
    return _choices(db.session.scalars(select(SlotKind).order_by(SlotKind.sort_order)))


def level_choices() -> list[SelectChoice]:
    return _choices(db.session.scalars(select(LanguageLevel).order_by(LanguageLevel.rank)))


def adaptation_choices() -> list[SelectChoice]:
    rows = db.session.scalars(select(Adaptation)).all()
    return _choices(sorted(rows, key=lambda row: row.label))


def skill_choices() -> list[SelectChoice]:
    rows = db.session.scalars(select(Skill)).all()
    return _choices(sorted(rows, key=lambda row: row.label))


#: Occupations from ESCO come after the trades, in a group of their own.
ESCO_CATEGORY = "esco"
ESCO_GROUP = _l("Andre yrker (ESCO)")
#: Most suggestions the occupation type-ahead returns.
MAX_OCCUPATION_SUGGESTIONS = 10
#: Longest query the type-ahead looks at.
MAX_OCCUPATION_QUERY = 100


#: Built occupation choices per (database, language, number of occupations): 3,000 ESCO
#: occupations took 200 ms to read, label and sort on every page with an occupation list.
_OCCUPATION_CHOICES: dict[tuple, list[SelectChoice]] = {}


#: Occupation labels by code, kept like the choices (the reasons of a ranked list name them).
_OCCUPATION_LABELS: dict[tuple, dict[str, str]] = {}


def _occupations_key() -> tuple:
    return (
        str(db.engine.url),
        str(get_locale()),
        db.session.scalar(select(func.count()).select_from(Occupation)),
    )


def occupation_choices() -> list[SelectChoice]:
    """Trades and occupations, grouped by programme area; then every ESCO occupation."""
    key = _occupations_key()
    if key not in _OCCUPATION_CHOICES:
        if len(_OCCUPATION_CHOICES) >= 8:  # old databases' and counts' lists
            _OCCUPATION_CHOICES.clear()
        _OCCUPATION_CHOICES[key] = _occupation_choices()
    return list(_OCCUPATION_CHOICES[key])


def occupation_labels() -> dict[str, str]:
    """Code → label of every occupation in the user's language. Not read per request: 3,000
    rows made 15 ms of every page that explains a match."""
    key = _occupations_key()
    if key not in _OCCUPATION_LABELS:
        if len(_OCCUPATION_LABELS) >= 8:
            _OCCUPATION_LABELS.clear()
        rows = db.session.execute(select(Occupation.code, Occupation.name_nb, Occupation.name_en))
        locale = get_locale()
        english = locale is not None and locale.language == "en"  # as Labelled.label
        _OCCUPATION_LABELS[key] = {
            code: name_en if english else name_nb for code, name_nb, name_en in rows
        }
    return _OCCUPATION_LABELS[key]


def _occupation_choices() -> list[SelectChoice]:
    areas = {area.code: area.label for area in db.session.scalars(select(ProgramArea))}

    def group(row):
        if row.category == ESCO_CATEGORY:
            return str(ESCO_GROUP)
        return areas.get(row.program_area_code)

    rows = sorted(
        db.session.scalars(select(Occupation)).all(),
        key=lambda row: (row.category == ESCO_CATEGORY, group(row) or "", row.label),
    )
    return _choices(rows, optgroup=group)


def occupation_suggestions(query: str, language: str = "nb") -> list[dict]:
    """Occupation labels for a type-ahead (ESCO, both languages, synonyms included).

    Each item is ``{"label", "code", "name"}``: the label that matched what was typed, the
    occupation code, and the occupation's name in ``language``.
    """
    query = (query or "").replace("\x00", "")[:MAX_OCCUPATION_QUERY]
    found = label_search().search(query, MAX_OCCUPATION_SUGGESTIONS)
    key = "preferred_en" if language == "en" else "preferred_nb"
    return [{"label": item["label"], "code": item["code"], "name": item[key]} for item in found]


def program_area_choices() -> list[SelectChoice]:
    rows = db.session.scalars(select(ProgramArea)).all()
    return _choices(sorted(rows, key=lambda row: row.label))


def level_rank(code: str) -> int:
    return db.session.scalar(select(LanguageLevel.rank).where(LanguageLevel.code == code)) or 0


def postal_place(code: str | None) -> PostalPlace | None:
    return db.session.get(PostalPlace, code.strip()) if code else None


def by_codes(model, codes) -> list:
    """The taxonomy rows for these codes, in the order given (unknown codes are skipped)."""
    if not codes:
        return []
    rows = {row.code: row for row in db.session.scalars(select(model).where(model.code.in_(codes)))}
    return [rows[code] for code in codes if code in rows]
