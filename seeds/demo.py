"""The Lørenskog demo: real employers from the municipality's business plan, invented people.

The data is in ``seeds/data/demo/`` (YAML: slots, employers, candidate archetypes, logins); this
module turns it into rows. Deterministic (a fixed random seed and a fixed calendar anchor) and
idempotent (rows are found by their natural keys and left alone when they exist), so
``flask seed demo`` can run any number of times.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml
from sqlalchemy import select

from seeds.demo_history import seed_demo_history
from seeds.schools import seed_schools
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
    SlotStatus,
    User,
)
from webapp.services.passwords import hash_password

DEMO_DATA = Path(__file__).parent / "data" / "demo"
DEMO_PASSWORD = "arbeidsbro-demo"
DEMO_DOMAIN = "demo.arbeidsbro.no"
DEMO_ANCHOR = date(2027, 1, 4)  # slots start from here; fixed so every run gives the same data
DEMO_CONSENT_AT = datetime(2026, 10, 1, 9, 0)
RANDOM_SEED = 2026


def load_demo_file(name: str):
    """One YAML file of the demo data set."""
    with open(DEMO_DATA / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def valid_org_number(prefix: int) -> str:
    """The first valid nine-digit organisation number at or after ``prefix`` * 10 (mod-11)."""
    from webapp.services.orgnumber import is_valid_org_number

    number = prefix * 10
    while not is_valid_org_number(str(number)):
        number += 1
    return str(number)


@dataclass(frozen=True)
class SlotSpec:
    kind: str
    title: str
    occupation: str
    description: str
    skills: tuple[str, ...]
    level: str = "none"
    hours: int = 37
    adaptations: tuple[str, ...] = ()
    capacity: int = 1


@dataclass(frozen=True)
class EmployerSpec:
    name: str
    org_prefix: int
    site_name: str
    address: str
    postal_code: str
    slots: tuple[str, ...]
    open_to_schools: bool = True
    description: str = ""


@dataclass(frozen=True)
class Archetype:
    kinds: tuple[str, ...]
    goals: str
    skills: tuple[str, ...]
    occupations: tuple[str, ...]
    experience: str
    education: str
    levels: tuple[str, ...]
    programme: str


def _spec(cls, row: dict):
    """A frozen spec from a YAML mapping; lists become tuples."""
    return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in row.items()})


SLOTS = {key: _spec(SlotSpec, row) for key, row in load_demo_file("slots.yaml").items()}
_employers = load_demo_file("employers.yaml")
EMPLOYERS = [_spec(EmployerSpec, row) for row in _employers["employers"]]
PENDING_EMPLOYER = _spec(EmployerSpec, _employers["pending_employer"])
_people = load_demo_file("candidates.yaml")
ARCHETYPES = [_spec(Archetype, row) for row in _people["archetypes"]]
FIRST_NAMES = _people["first_names"]
POSTAL_CODES = _people["postal_codes"]
ADAPTATION_NEEDS = [tuple(needs) for needs in _people["adaptation_needs"]]
DEMO_LOGINS = {
    key: (f"{row['email']}@{DEMO_DOMAIN}", row["name"])
    for key, row in load_demo_file("logins.yaml").items()
}


def _get_or_create(model, lookup: dict, **values):
    obj = db.session.scalar(select(model).filter_by(**lookup))
    if obj is None:
        obj = model(**lookup, **values)
        db.session.add(obj)
        db.session.flush()
    return obj


def _organisation(kind, name, org_prefix=None, *, approved=True, **values) -> Organisation:
    org_number = valid_org_number(org_prefix) if org_prefix else None
    return _get_or_create(
        Organisation,
        {"name": name},
        kind=kind,
        org_number=org_number,
        municipality="Lørenskog",
        approved_at=DEMO_CONSENT_AT if approved else None,
        **values,
    )


def _user(organisation, key, *, is_admin=True) -> User:
    email, name = DEMO_LOGINS[key]
    existing = db.session.scalar(select(User).where(User.email == email))
    if existing is not None:
        return existing
    user = User(
        organisation=organisation,
        email=email,
        name=name,
        password_hash=hash_password(DEMO_PASSWORD),
        is_admin=is_admin,
    )
    db.session.add(user)
    db.session.flush()
    return user


def _site(organisation, spec: EmployerSpec) -> Site:
    place = db.session.get(PostalPlace, spec.postal_code)
    return _get_or_create(
        Site,
        {"organisation_id": organisation.id, "name": spec.site_name},
        address=spec.address,
        postal_code=spec.postal_code,
        latitude=place.latitude,
        longitude=place.longitude,
    )


def _slot(organisation, site, key, index, creator) -> Slot:
    spec = SLOTS[key]
    existing = db.session.scalar(
        select(Slot).where(
            Slot.organisation_id == organisation.id,
            Slot.title == spec.title,
            Slot.site_id == site.id,
        )
    )
    if existing is not None:
        return existing
    start = DEMO_ANCHOR + timedelta(weeks=2 * (index % 12))
    length = timedelta(weeks=104 if spec.kind == "apprenticeship" else 12)
    slot = Slot(
        organisation=organisation,
        site=site,
        kind=spec.kind,
        title=spec.title,
        occupation_code=spec.occupation,
        description=spec.description,
        norwegian_level=spec.level,
        hours_per_week=spec.hours,
        start_date=start,
        end_date=start + length,
        capacity=spec.capacity,
        status=SlotStatus.DRAFT if index % 15 == 14 else SlotStatus.OPEN,
        contact_name=creator.name if creator else "",
        created_by_id=creator.id if creator else None,
        skills=[db.session.get(Skill, code) for code in spec.skills],
        adaptations=[db.session.get(Adaptation, code) for code in spec.adaptations],
    )
    db.session.add(slot)
    return slot


def _candidates(
    owner: Organisation,
    caseworker: User,
    count: int,
    rng: random.Random,
    prefix: str,
    archetypes: list[Archetype],
) -> None:
    for number in range(1, count + 1):
        archetype = archetypes[(number - 1) % len(archetypes)]
        # Draw every value before looking the row up, so the sequence is the same on every run.
        first = rng.choice(FIRST_NAMES)
        initial = rng.choice("ABDEFHKLMNORST")
        level = rng.choice(archetype.levels)
        postal = rng.choice(POSTAL_CODES)
        commute = rng.choice([5, 10, 15, 20, 30, None])
        hours = rng.choice([20, 25, 30, 37])
        needs = rng.choice(ADAPTATION_NEEDS)
        consented = rng.random() < 0.85
        available = DEMO_ANCHOR + timedelta(weeks=rng.randint(0, 20))
        reference = f"{prefix}-{number:03d}"
        exists = db.session.scalar(
            select(Candidate.id).where(
                Candidate.organisation_id == owner.id, Candidate.reference_code == reference
            )
        )
        if exists:
            continue
        db.session.add(
            Candidate(
                organisation=owner,
                caseworker=caseworker,
                reference_code=reference,
                display_name=f"Demo {first} {initial}.",
                programme=archetype.programme,
                goals=archetype.goals,
                experience=archetype.experience,
                education=archetype.education,
                norwegian_level=level,
                home_postal_code=postal,
                max_commute_km=commute,
                hours_per_week=hours,
                available_from=available,
                notes="Oppfunnet demoperson.",
                consent_at=DEMO_CONSENT_AT if consented else None,
                consent_scope="Deling av profil med arbeidsgivere i Arbeidsbro"
                if consented
                else "",
                kinds=[db.session.get(SlotKind, k) for k in archetype.kinds],
                skills=[db.session.get(Skill, s) for s in archetype.skills],
                occupations=[db.session.get(Occupation, o) for o in archetype.occupations],
                adaptation_needs=[db.session.get(Adaptation, a) for a in needs],
            )
        )


def seed_demo() -> dict[str, int]:
    """Load taxonomies and the whole demo; return counts of what the demo now holds."""
    load_taxonomies()
    rng = random.Random(RANDOM_SEED)

    municipality = _organisation(OrganisationKind.MUNICIPALITY, "Lørenskog kommune", 97500000)
    _user(municipality, "admin")
    nav = _organisation(OrganisationKind.NAV_OFFICE, "NAV Lørenskog", None)
    nav_user = _user(nav, "caseworker")
    refugee = _organisation(
        OrganisationKind.REFUGEE_SERVICE, "Flyktning- og innvandrertjenesten Lørenskog", None
    )
    refugee_user = _user(refugee, "caseworker_refugee")
    school = _organisation(OrganisationKind.SCHOOL, "Lørenskog videregående skole", 97600000)
    _user(school, "school")
    _organisation(OrganisationKind.SCHOOL, "Mailand videregående skole", 97700000)

    slot_index = 0
    for number, spec in enumerate(EMPLOYERS):
        employer = _organisation(
            OrganisationKind.EMPLOYER,
            spec.name,
            spec.org_prefix,
            open_to_schools=spec.open_to_schools,
            description=spec.description,
        )
        creator = _user(employer, "employer") if number == 0 else None
        site = _site(employer, spec)
        for key in spec.slots:
            _slot(employer, site, key, slot_index, creator)
            slot_index += 1
    pending = _organisation(
        OrganisationKind.EMPLOYER,
        PENDING_EMPLOYER.name,
        PENDING_EMPLOYER.org_prefix,
        approved=False,
        description=PENDING_EMPLOYER.description,
    )
    _user(pending, "employer_pending")

    nav_archetypes = [a for a in ARCHETYPES if a.programme != "introduksjonsprogrammet"]
    refugee_archetypes = [a for a in ARCHETYPES if a.programme == "introduksjonsprogrammet"]
    _candidates(nav, nav_user, 50, rng, "NAV", nav_archetypes)
    _candidates(refugee, refugee_user, 30, rng, "FIT", refugee_archetypes)
    seed_schools()
    seed_demo_history()
    db.session.commit()
    return {
        "organisations": db.session.query(Organisation).count(),
        "users": db.session.query(User).count(),
        "slots": db.session.query(Slot).count(),
        "candidates": db.session.query(Candidate).count(),
    }
