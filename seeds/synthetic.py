"""Large, realistic synthetic data for benchmarks: ``flask seed synthetic --candidates N``.

Rows are written with bulk inserts in batches, so a hundred thousand candidates take seconds, not
hours. Everything is drawn from the seeded taxonomies with a fixed random seed.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select

from seeds.taxonomy import load_taxonomies
from webapp.extensions import db
from webapp.models import (
    Adaptation,
    Candidate,
    Occupation,
    Organisation,
    OrganisationKind,
    PostalPlace,
    Site,
    Skill,
    Slot,
    SlotKind,
)
from webapp.models.candidate import (
    candidate_adaptation,
    candidate_kind,
    candidate_occupation,
    candidate_skill,
)
from webapp.models.slot import slot_adaptation, slot_skill

BATCH = 2000
LEVELS = ["none", "A1", "A2", "B1", "B2", "C1"]
GOAL_TEMPLATES = [
    "Vil jobbe som {occ} og lære mer om {skill}.",
    "Ønsker praksis innen {occ}, har erfaring med {skill}.",
    "Drømmer om fagbrev: {occ}. Liker {skill} og {skill2}.",
    "Looking for work as {occ_en}; experienced in {skill_en}.",
]


def _codes(model) -> list[str]:
    return list(db.session.scalars(select(model.code).order_by(model.code)))


def seed_synthetic(candidates: int, slots: int, seed: int = 7) -> dict[str, int]:
    load_taxonomies()
    rng = random.Random(seed)
    occupations = db.session.scalars(select(Occupation).order_by(Occupation.code)).all()
    skills = db.session.scalars(select(Skill).order_by(Skill.code)).all()
    kinds = _codes(SlotKind)
    adaptations = _codes(Adaptation)
    places = db.session.scalars(select(PostalPlace).order_by(PostalPlace.postal_code)).all()

    run = db.session.scalar(select(Organisation.id).order_by(Organisation.id.desc())) or 0
    employer = Organisation(
        kind=OrganisationKind.EMPLOYER,
        name=f"Syntetisk arbeidsgiver {run + 1}",
        approved_at=datetime(2026, 1, 1),
    )
    owner = Organisation(
        kind=OrganisationKind.NAV_OFFICE,
        name=f"Syntetisk NAV-kontor {run + 1}",
        approved_at=datetime(2026, 1, 1),
    )
    db.session.add_all([employer, owner])
    db.session.flush()
    site_rows = [
        {
            "organisation_id": employer.id,
            "name": p.label,
            "postal_code": p.postal_code,
            "latitude": p.latitude,
            "longitude": p.longitude,
        }
        for p in places
    ]
    site_ids = list(
        db.session.scalars(insert(Site).returning(Site.id, sort_by_parameter_order=True), site_rows)
    )

    def text_for(occ, picked):
        return rng.choice(GOAL_TEMPLATES).format(
            occ=occ.name_nb.lower(),
            occ_en=occ.name_en.lower(),
            skill=picked[0].name_nb.lower(),
            skill2=picked[-1].name_nb.lower(),
            skill_en=picked[0].name_en.lower(),
        )

    start = date(2027, 1, 4)
    for offset in range(0, slots, BATCH):
        rows, links = [], []
        for _ in range(min(BATCH, slots - offset)):
            occ = rng.choice(occupations)
            picked = rng.sample(skills, 4)
            rows.append(
                {
                    "organisation_id": employer.id,
                    "site_id": rng.choice(site_ids),
                    "kind": rng.choice(kinds),
                    "title": f"{occ.name_nb} ({rng.randint(1, 999)})",
                    "occupation_code": occ.code,
                    "description": occ.description_nb + " " + text_for(occ, picked),
                    "extra_skills": [],
                    "norwegian_level": rng.choice(LEVELS),
                    "hours_per_week": rng.choice([20, 30, 37]),
                    "start_date": start + timedelta(days=rng.randint(0, 300)),
                    "capacity": rng.randint(1, 4),
                    "status": "open",
                }
            )
            links.append(([s.code for s in picked], rng.sample(adaptations, rng.randint(0, 3))))
        ids = list(
            db.session.scalars(insert(Slot).returning(Slot.id, sort_by_parameter_order=True), rows)
        )
        _insert_links(slot_skill, "slot_id", "skill_code", ids, [x[0] for x in links])
        _insert_links(slot_adaptation, "slot_id", "adaptation_code", ids, [x[1] for x in links])
    for offset in range(0, candidates, BATCH):
        rows, links = [], []
        for number in range(offset, offset + min(BATCH, candidates - offset)):
            occ = rng.choice(occupations)
            picked = rng.sample(skills, 3)
            rows.append(
                {
                    "organisation_id": owner.id,
                    "reference_code": f"SYN-{run + 1}-{number:06d}",
                    "display_name": f"Syntetisk {number}",
                    "programme": "other",
                    "goals": text_for(occ, picked),
                    "experience": "",
                    "education": "",
                    "notes": "",
                    "norwegian_level": rng.choice(LEVELS),
                    "home_postal_code": rng.choice(places).postal_code,
                    "max_commute_km": rng.choice([10, 20, 40, None]),
                    "hours_per_week": rng.choice([20, 30, 37]),
                    "status": "active",
                    "consent_scope": "",
                }
            )
            links.append(
                (
                    [s.code for s in picked],
                    rng.sample(kinds, 2),
                    [occ.code],
                    rng.sample(adaptations, rng.randint(0, 1)),
                )
            )
        ids = list(
            db.session.scalars(
                insert(Candidate).returning(Candidate.id, sort_by_parameter_order=True), rows
            )
        )
        _insert_links(candidate_skill, "candidate_id", "skill_code", ids, [x[0] for x in links])
        _insert_links(candidate_kind, "candidate_id", "kind_code", ids, [x[1] for x in links])
        _insert_links(
            candidate_occupation, "candidate_id", "occupation_code", ids, [x[2] for x in links]
        )
        _insert_links(
            candidate_adaptation, "candidate_id", "adaptation_code", ids, [x[3] for x in links]
        )
    db.session.commit()
    return {"candidates": candidates, "slots": slots}


def _insert_links(table, owner_column, code_column, ids, code_lists) -> None:
    rows = [
        {owner_column: i, code_column: c}
        for i, codes in zip(ids, code_lists, strict=True)
        for c in codes
    ]
    if rows:
        db.session.execute(insert(table), rows)
