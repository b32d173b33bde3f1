"""Large, realistic synthetic data for benchmarks: ``flask seed synthetic --candidates N``.

Rows are written with bulk inserts in batches, so a hundred thousand candidates take seconds, not
hours. Everything is drawn from the seeded taxonomies with a fixed random seed.

The data is spread the way a county's is: one NAV office per ``CASELOAD`` candidates and one
employer per ``SLOTS_PER_EMPLOYER`` slots, the first of each being the demo's (or the run's own,
with logins). Ten times the data is then ten times the offices, not one office ten times the size,
so the benchmark shows how a page grows with the tables rather than with one office's caseload.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select, text

from seeds.taxonomy import load_taxonomies
from webapp.extensions import db
from webapp.models import (
    Adaptation,
    Candidate,
    Occupation,
    Organisation,
    OrganisationKind,
    Placement,
    PlacementStatus,
    PostalPlace,
    Site,
    Skill,
    Slot,
    SlotKind,
    Suggestion,
    SuggestionStatus,
    User,
)
from webapp.models.candidate import (
    candidate_adaptation,
    candidate_kind,
    candidate_occupation,
    candidate_skill,
)
from webapp.models.slot import slot_adaptation, slot_skill
from webapp.services.passwords import hash_password

BATCH = 2000
CASELOAD = 2000  # candidates per NAV office: a large office's active follow-up caseload
SLOTS_PER_EMPLOYER = 250  # a large employer's open apprenticeships and placements
SITES_PER_EMPLOYER = 5
LEVELS = ["none", "A1", "A2", "B1", "B2", "C1"]
GOAL_TEMPLATES = [
    "Vil jobbe som {occ} og lære mer om {skill}.",
    "Ønsker praksis innen {occ}, har erfaring med {skill}.",
    "Drømmer om fagbrev: {occ}. Liker {skill} og {skill2}.",
    "Looking for work as {occ_en}; experienced in {skill_en}.",
]


def _codes(model) -> list[str]:
    return list(db.session.scalars(select(model.code).order_by(model.code)))


def seed_synthetic(
    candidates: int, slots: int, seed: int = 7, *, suggestions: int = 0, placements: int = 0
) -> dict:
    load_taxonomies()
    rng = random.Random(seed)
    occupations = db.session.scalars(select(Occupation).order_by(Occupation.code)).all()
    skills = db.session.scalars(select(Skill).order_by(Skill.code)).all()
    kinds = _codes(SlotKind)
    adaptations = _codes(Adaptation)
    places = db.session.scalars(select(PostalPlace).order_by(PostalPlace.postal_code)).all()

    run = db.session.scalar(select(Organisation.id).order_by(Organisation.id.desc())) or 0
    owners = _owners(run + 1)
    offices = _offices(owners.caseworker, -(-candidates // CASELOAD), run + 1)
    employers = _employers(owners.employer, -(-slots // SLOTS_PER_EMPLOYER), run + 1)
    sites = _sites(rng, employers, places)

    def text_for(occ, picked):
        return rng.choice(GOAL_TEMPLATES).format(
            occ=occ.name_nb.lower(),
            occ_en=occ.name_en.lower(),
            skill=picked[0].name_nb.lower(),
            skill2=picked[-1].name_nb.lower(),
            skill_en=picked[0].name_en.lower(),
        )

    start = date(2027, 1, 4)
    slot_ids: list[int] = []
    for offset in range(0, slots, BATCH):
        rows, links = [], []
        for number in range(offset, offset + min(BATCH, slots - offset)):
            occ = rng.choice(occupations)
            picked = rng.sample(skills, 4)
            employer_id = employers[number // SLOTS_PER_EMPLOYER]
            rows.append(
                {
                    "organisation_id": employer_id,
                    "site_id": rng.choice(sites[employer_id]),
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
        slot_ids += ids
        _insert_links(slot_skill, "slot_id", "skill_code", ids, [x[0] for x in links])
        _insert_links(slot_adaptation, "slot_id", "adaptation_code", ids, [x[1] for x in links])
    candidate_ids: list[int] = []
    for offset in range(0, candidates, BATCH):
        rows, links = [], []
        for number in range(offset, offset + min(BATCH, candidates - offset)):
            occ = rng.choice(occupations)
            picked = rng.sample(skills, 3)
            office_id, caseworker_id = offices[number // CASELOAD]
            rows.append(
                {
                    "organisation_id": office_id,
                    "caseworker_id": caseworker_id,
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
        candidate_ids += ids
    added = _suggestions_and_placements(rng, candidate_ids, slot_ids, suggestions, placements)
    db.session.commit()
    analyze()
    return {
        "candidates": candidates,
        "slots": slots,
        "offices": len(offices),
        "employers": len(employers),
        **added,
        "logins": owners.logins,
        "attached_to_demo": owners.attached_to_demo,
    }


def analyze() -> None:
    """Fresh planner statistics (this machine's PostgreSQL runs without autovacuum)."""
    db.session.execute(text("ANALYZE"))
    db.session.commit()


@dataclass
class Owners:
    employer: Organisation
    caseworker: User
    logins: list[str]
    attached_to_demo: bool


def _owners(run: int) -> Owners:
    """The demo's employer and caseworker when the demo is loaded, so the large data set can be
    tried in the browser with the demo logins; otherwise organisations of its own, with logins
    (the demo password) for every role."""
    from seeds.demo import DEMO_DOMAIN, DEMO_LOGINS, DEMO_PASSWORD

    demo = {
        key: db.session.scalar(select(User).where(User.email == DEMO_LOGINS[key][0]))
        for key in ("employer", "caseworker")
    }
    if all(demo.values()):
        logins = [DEMO_LOGINS[key][0] for key in ("caseworker", "employer", "admin", "school")]
        return Owners(demo["employer"].organisation, demo["caseworker"], logins, True)
    password_hash = hash_password(DEMO_PASSWORD)
    users = {}
    for role, kind, name in (
        ("caseworker", OrganisationKind.NAV_OFFICE, f"Syntetisk NAV-kontor {run}"),
        ("employer", OrganisationKind.EMPLOYER, f"Syntetisk arbeidsgiver {run}"),
        ("admin", OrganisationKind.MUNICIPALITY, f"Syntetisk kommune {run}"),
        ("school", OrganisationKind.SCHOOL, f"Syntetisk skole {run}"),
    ):
        organisation = Organisation(kind=kind, name=name, approved_at=datetime(2026, 1, 1))
        users[role] = User(
            organisation=organisation,
            email=f"syntetisk.{role}.{run}@{DEMO_DOMAIN}",
            name=f"Syntetisk {role} {run}",
            password_hash=password_hash,
            is_admin=True,
        )
        db.session.add(users[role])
    db.session.flush()
    logins = [user.email for user in users.values()]
    return Owners(users["employer"].organisation, users["caseworker"], logins, False)


def _offices(caseworker: User, count: int, run: int) -> list[tuple[int, int]]:
    """(office id, caseworker id) for ``count`` NAV offices, the owners' first. The other offices'
    caseworkers have no password: the data is theirs, the logins are the first office's."""
    offices = [(caseworker.organisation_id, caseworker.id)]
    for number in range(2, count + 1):
        user = User(
            organisation=Organisation(
                kind=OrganisationKind.NAV_OFFICE,
                name=f"Syntetisk NAV-kontor {run}-{number}",
                approved_at=datetime(2026, 1, 1),
            ),
            email=f"veileder.{run}.{number}@{_domain()}",
            name=f"Syntetisk veileder {run}-{number}",
        )
        db.session.add(user)
        db.session.flush()
        offices.append((user.organisation_id, user.id))
    return offices


def _employers(first: Organisation, count: int, run: int) -> list[int]:
    others = [
        Organisation(
            kind=OrganisationKind.EMPLOYER,
            name=f"Syntetisk arbeidsgiver {run}-{number}",
            approved_at=datetime(2026, 1, 1),
        )
        for number in range(2, count + 1)
    ]
    db.session.add_all(others)
    db.session.flush()
    return [first.id, *(o.id for o in others)]


def _sites(rng, employers: list[int], places) -> dict[int, list[int]]:
    """A few sites per employer, in places drawn from the postal register."""
    rows = [
        {
            "organisation_id": employer_id,
            "name": p.label,
            "postal_code": p.postal_code,
            "latitude": p.latitude,
            "longitude": p.longitude,
        }
        for employer_id in employers
        for p in rng.sample(places, min(SITES_PER_EMPLOYER, len(places)))
    ]
    sites: dict[int, list[int]] = {}
    for row, site_id in zip(
        rows,
        db.session.scalars(insert(Site).returning(Site.id, sort_by_parameter_order=True), rows),
        strict=True,
    ):
        sites.setdefault(row["organisation_id"], []).append(site_id)
    return sites


def _domain() -> str:
    from seeds.demo import DEMO_DOMAIN

    return DEMO_DOMAIN


SUGGESTION_STATUSES = [
    (SuggestionStatus.SUGGESTED, 0.7),
    (SuggestionStatus.APPROVED, 0.1),
    (SuggestionStatus.PROPOSED, 0.1),
    (SuggestionStatus.REJECTED, 0.05),
    (SuggestionStatus.DECLINED, 0.05),
]
PLACEMENT_STATUSES = [
    PlacementStatus.PLANNED,
    PlacementStatus.ACTIVE,
    PlacementStatus.ACTIVE,
    PlacementStatus.COMPLETED,
]


def _suggestions_and_placements(rng, candidate_ids, slot_ids, suggestions, placements):
    """``suggestions`` distinct pairs in every state; ``placements`` of them accepted and placed,
    at most one per slot so no slot goes over capacity."""
    if not candidate_ids or not slot_ids:
        return {"suggestions": 0, "placements": 0}
    suggestions = min(suggestions, len(candidate_ids) * len(slot_ids))
    placements = min(placements, suggestions, len(slot_ids), len(candidate_ids))
    placed_slots = rng.sample(slot_ids, placements)
    placed_candidates = rng.sample(candidate_ids, placements)
    pairs = dict.fromkeys(zip(placed_candidates, placed_slots, strict=True))
    while len(pairs) < suggestions:
        pairs.setdefault((rng.choice(candidate_ids), rng.choice(slot_ids)))
    statuses, weights = zip(*SUGGESTION_STATUSES, strict=True)
    now = datetime(2026, 12, 1, 9, 0)
    today = date(2026, 12, 1)
    rows = []
    for number, (candidate_id, slot_id) in enumerate(pairs):
        status = (
            SuggestionStatus.ACCEPTED if number < placements else rng.choices(statuses, weights)[0]
        )
        score = round(rng.uniform(0.3, 0.95), 3)
        rows.append(
            {
                "candidate_id": candidate_id,
                "slot_id": slot_id,
                "score": score,
                "factors": {"text_similarity": round(score * 0.5, 3), "skill_overlap": 0.2},
                "reasons": [{"key": "shared_skills", "params": {"skills": []}}],
                "model_version": "synthetic",
                "status": status,
                "proposed_at": now if status in PROPOSED_OR_LATER else None,
                "answer_due": today + timedelta(days=rng.randint(-3, 14))
                if status in PROPOSED_OR_LATER
                else None,
                "answered_at": now if status in ANSWERED else None,
            }
        )
    suggestion_ids = []
    for offset in range(0, len(rows), BATCH):
        suggestion_ids += db.session.scalars(
            insert(Suggestion).returning(Suggestion.id, sort_by_parameter_order=True),
            rows[offset : offset + BATCH],
        )
    placement_rows = []
    for number in range(placements):
        status = PLACEMENT_STATUSES[number % len(PLACEMENT_STATUSES)]
        start = today + timedelta(days=rng.randint(-60, 30))
        placement_rows.append(
            {
                "suggestion_id": suggestion_ids[number],
                "candidate_id": rows[number]["candidate_id"],
                "slot_id": rows[number]["slot_id"],
                "start_date": start,
                "end_date": start + timedelta(days=90),
                "follow_up_date": start + timedelta(days=14),
                "status": status,
                "outcome": "employment" if status == PlacementStatus.COMPLETED else None,
            }
        )
    for offset in range(0, len(placement_rows), BATCH):
        db.session.execute(insert(Placement), placement_rows[offset : offset + BATCH])
    return {"suggestions": len(rows), "placements": len(placement_rows)}


PROPOSED_OR_LATER = {
    SuggestionStatus.PROPOSED,
    SuggestionStatus.ACCEPTED,
    SuggestionStatus.DECLINED,
}
ANSWERED = {SuggestionStatus.ACCEPTED, SuggestionStatus.DECLINED}


def _insert_links(table, owner_column, code_column, ids, code_lists) -> None:
    rows = [
        {owner_column: i, code_column: c}
        for i, codes in zip(ids, code_lists, strict=True)
        for c in codes
    ]
    if rows:
        db.session.execute(insert(table), rows)
