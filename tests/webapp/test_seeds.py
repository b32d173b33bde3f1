"""Seed data: complete taxonomies, and a demo that is idempotent and deterministic."""

from __future__ import annotations

from sqlalchemy import func, select
from support import TAXONOMY_TABLES

from matching import ADAPTATIONS, SLOT_KINDS
from matching import NORWEGIAN_LEVELS as LEVELS
from seeds.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
from seeds.synthetic import seed_synthetic
from seeds.taxonomy import load_taxonomies
from webapp.models import (
    Adaptation,
    Candidate,
    LanguageLevel,
    Occupation,
    Organisation,
    PostalPlace,
    ProgramArea,
    Skill,
    Slot,
    SlotKind,
    User,
)
from webapp.services.passwords import verify_password


def _count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_taxonomies_are_complete(db):
    assert {k.code for k in db.session.scalars(select(SlotKind))} == set(SLOT_KINDS)
    assert {a.code for a in db.session.scalars(select(Adaptation))} == set(ADAPTATIONS)
    assert {lvl.code for lvl in db.session.scalars(select(LanguageLevel))} == set(LEVELS)
    assert _count(db, Occupation, Occupation.category == "trade") >= 40
    assert _count(db, ProgramArea) >= 9
    assert _count(db, Skill) >= 150
    assert all(s.name_nb and s.name_en for s in db.session.scalars(select(Skill)))
    lorenskog = _count(db, PostalPlace, PostalPlace.municipality == "Lørenskog")
    assert lorenskog >= 5
    assert _count(db, PostalPlace, PostalPlace.municipality != "Lørenskog") >= 10


def test_levels_are_ranked_in_cefr_order(db):
    ranked = db.session.scalars(select(LanguageLevel.code).order_by(LanguageLevel.rank)).all()
    assert ranked == list(LEVELS)


def test_loading_taxonomies_twice_changes_nothing(db):
    before = _count(db, Skill)
    load_taxonomies()
    assert _count(db, Skill) == before


def _snapshot(db):
    candidates = db.session.scalars(select(Candidate).order_by(Candidate.reference_code)).all()
    slots = db.session.scalars(select(Slot)).all()
    return (
        [
            (
                c.reference_code,
                c.display_name,
                c.norwegian_level,
                c.home_postal_code,
                c.max_commute_km,
                [s.code for s in c.skills],
                [a.code for a in c.adaptation_needs],
            )
            for c in candidates
        ],
        # Sorted by what the slot is, not by ids, which a fresh database hands out anew.
        sorted(
            (s.organisation.name, s.title, s.kind, s.capacity, s.start_date, s.status)
            for s in slots
        ),
    )


def test_demo_seed_is_idempotent_and_deterministic(db):
    counts = seed_demo()
    assert counts["slots"] >= 55
    assert counts["candidates"] >= 80
    first = _snapshot(db)
    assert seed_demo() == counts
    assert _snapshot(db) == first
    # Deterministic: a fresh run on an empty database gives the same people and slots. Every
    # table but the taxonomies is emptied, children first (the demo history refers to people).
    for table in reversed(db.metadata.sorted_tables):
        if table.name not in TAXONOMY_TABLES:
            db.session.execute(table.delete())
    db.session.commit()
    seed_demo()
    assert _snapshot(db) == first


def test_demo_has_a_login_for_every_role_and_real_employers(db):
    seed_demo()
    roles = set()
    for email, _name in DEMO_LOGINS.values():
        user = db.session.scalar(select(User).where(User.email == email))
        assert verify_password(user.password_hash, DEMO_PASSWORD)
        roles.add(user.role.value)
    assert roles == {"admin", "employer", "caseworker", "school"}
    names = set(db.session.scalars(select(Organisation.name)))
    assert {"Akershus universitetssykehus (Ahus)", "Elkjøp Nordic", "NAV Lørenskog"} <= names
    assert _count(db, Organisation, Organisation.approved_at.is_(None)) == 1
    people = db.session.scalars(select(Candidate.display_name)).all()
    assert all(name.startswith("Demo ") for name in people)


def test_synthetic_seed_makes_the_rows_it_promises(db):
    seed_synthetic(candidates=300, slots=120)
    assert _count(db, Candidate) == 300
    assert _count(db, Slot) == 120
    first = db.session.scalars(select(Candidate).order_by(Candidate.id)).first()
    assert first.skills and first.kinds and first.goals


def test_seed_commands_run_from_the_command_line(runner, db):
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    assert "admin@demo.arbeidsbro.no" in result.output
    result = runner.invoke(args=["seed", "synthetic", "--candidates", "20", "--slots", "10"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["seed", "synthetic", "--candidates", "-1"])
    assert result.exit_code != 0
