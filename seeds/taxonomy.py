"""Load the taxonomy CSV files into their tables. Idempotent: rows are matched on their code."""

from __future__ import annotations

import csv
from importlib import resources

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

# Order matters: occupations refer to programme areas.
TAXONOMY_FILES = [
    ("slot_kinds.csv", SlotKind, {"sort_order": int}),
    ("language_levels.csv", LanguageLevel, {"rank": int}),
    ("adaptations.csv", Adaptation, {}),
    ("program_areas.csv", ProgramArea, {}),
    ("occupations.csv", Occupation, {}),
    ("skills.csv", Skill, {}),
    ("postal_places.csv", PostalPlace, {"latitude": float, "longitude": float}),
]


def read_rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("seeds").joinpath("data", filename).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def load_taxonomies() -> dict[str, int]:
    """Insert or update every taxonomy row; return how many rows each table now has from seed."""
    counts = {}
    for filename, model, converters in TAXONOMY_FILES:
        rows = read_rows(filename)
        for row in rows:
            values = {key: converters.get(key, str)(value) for key, value in row.items()}
            db.session.merge(model(**values))
        counts[model.__tablename__] = len(rows)
        db.session.flush()
    db.session.commit()
    return counts
