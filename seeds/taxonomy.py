"""Load the taxonomy CSV files into their tables. Idempotent: rows are matched on their code.

The occupation table also gets every ESCO occupation (about 3,000, bokmål and English names),
read from the labels the matching engine ships in ``matching/data/esco`` (ESCO, © European
Union, CC BY 4.0), so the codes the forms store are the concepts the engine knows. Their code is
the ESCO concept's UUID; the Utdanningsdirektoratet trades keep their own codes and are mapped to
ESCO in ``matching/data/occupation_codes_esco.csv``.
"""

from __future__ import annotations

import csv
from importlib import resources

from sqlalchemy import select

from matching.occupations import concept_code, read_labels
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


#: Category of the occupations that come from ESCO (the CSV has "trade" and "occupation").
ESCO_CATEGORY = "esco"


def esco_occupation_rows() -> list[dict]:
    """One occupation row per ESCO concept, named by its preferred labels (nb, else en)."""
    names = {}
    for label in read_labels():
        if label.kind == "preferred":
            names.setdefault(label.uri, {}).setdefault(label.language, label.label)
    return [
        {
            "code": concept_code(uri),
            "category": ESCO_CATEGORY,
            "program_area_code": None,
            "name_nb": name.get("nb") or name["en"],
            "name_en": name.get("en") or name["nb"],
            "description_nb": "",
        }
        for uri, name in sorted(names.items())
    ]


def load_taxonomies() -> dict[str, int]:
    """Insert or update every taxonomy row; return how many rows each table now has from seed."""
    counts = {}
    for filename, model, converters in TAXONOMY_FILES:
        rows = [
            {key: converters.get(key, str)(value) for key, value in row.items()}
            for row in read_rows(filename)
        ]
        if model is Occupation:
            rows += esco_occupation_rows()
        # Load the table once, so merge() finds existing rows without a query per row.
        db.session.scalars(select(model)).all()
        for values in rows:
            db.session.merge(model(**values))
        counts[model.__tablename__] = len(rows)
        db.session.flush()
    db.session.commit()
    return counts
