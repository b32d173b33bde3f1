"""The demo's school side: three schools of the region with an address and needs, school
profiles for the demo employers, two requests and the unmet demand of last autumn.

Everything comes from CSV files in ``seeds/data``; loading is idempotent (looked up by name).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import (
    Organisation,
    OrganisationKind,
    Partnership,
    PostalPlace,
    SchoolNeed,
    SchoolProfile,
    Site,
    utcnow,
)

DATA = Path(__file__).parent / "data"
#: Unmet demand is recorded as of this day, so the demo is the same on every run.
DEMO_UNMET_AS_OF = date(2026, 12, 1)


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _codes(value: str) -> list[str]:
    return [code for code in value.split(";") if code]


def _by_name(name: str, kind: str) -> Organisation | None:
    return db.session.scalar(
        select(Organisation).where(Organisation.name == name, Organisation.kind == kind)
    )


def _schools() -> dict[str, Organisation]:
    from seeds.demo import DEMO_CONSENT_AT, valid_org_number

    schools = {}
    for row in _rows("schools.csv"):
        school = _by_name(row["name"], OrganisationKind.SCHOOL)
        if school is None:
            school = Organisation(
                kind=OrganisationKind.SCHOOL,
                name=row["name"],
                org_number=valid_org_number(int(row["org_prefix"])),
                municipality="Lørenskog",
                approved_at=DEMO_CONSENT_AT,
            )
            db.session.add(school)
            db.session.flush()
        has_site = db.session.scalar(
            select(Site.id).where(Site.organisation_id == school.id, Site.name == row["site_name"])
        )
        if not has_site:
            place = db.session.get(PostalPlace, row["postal_code"])
            db.session.add(
                Site(
                    organisation_id=school.id,
                    name=row["site_name"],
                    address=row["address"],
                    postal_code=place.postal_code,
                    latitude=place.latitude,
                    longitude=place.longitude,
                )
            )
        schools[row["name"]] = school
    return schools


def _profiles() -> None:
    for row in _rows("school_profiles.csv"):
        employer = _by_name(row["employer"], OrganisationKind.EMPLOYER)
        if employer is None:  # the demo's employers are someone else's data: skip what is gone
            continue
        employer.open_to_schools = row["open_to_schools"] == "yes"
        exists = db.session.scalar(
            select(SchoolProfile.id).where(SchoolProfile.organisation_id == employer.id)
        )
        if exists:
            continue
        db.session.add(
            SchoolProfile(
                organisation_id=employer.id,
                program_areas=_codes(row["program_areas"]),
                trades=_codes(row["trades"]),
                kinds=_codes(row["kinds"]),
                students_per_period=int(row["students_per_period"]),
                blackouts=[period.split("/") for period in _codes(row["blackouts"])],
                description=row["description"],
                contact_name=row["contact_name"],
            )
        )


def _needs(schools: dict[str, Organisation]) -> dict[tuple[str, str], SchoolNeed]:
    needs = {}
    for row in _rows("school_needs.csv"):
        school = schools[row["school"]]
        need = db.session.scalar(
            select(SchoolNeed).where(
                SchoolNeed.organisation_id == school.id, SchoolNeed.title == row["title"]
            )
        )
        if need is None:
            need = SchoolNeed(
                organisation_id=school.id,
                title=row["title"],
                program_area_code=row["program_area"],
                trades=_codes(row["trades"]),
                kind=row["kind"],
                students=int(row["students"]),
                period_start=date.fromisoformat(row["period_start"]),
                period_end=date.fromisoformat(row["period_end"]),
                requirements=row["requirements"],
                description=row["notes"],
            )
            db.session.add(need)
            db.session.flush()
        needs[(row["school"], row["title"])] = need
    return needs


def _partnerships(needs) -> None:
    for row in _rows("school_partnerships.csv"):
        need = needs[(row["school"], row["need_title"])]
        employer = _by_name(row["employer"], OrganisationKind.EMPLOYER)
        if employer is None:
            continue
        exists = db.session.scalar(
            select(Partnership.id).where(
                Partnership.school_need_id == need.id, Partnership.employer_id == employer.id
            )
        )
        if exists:
            continue
        db.session.add(
            Partnership(
                school_id=need.organisation_id,
                employer_id=employer.id,
                school_need_id=need.id,
                program_area_code=need.program_area_code,
                kind=need.kind,
                students=int(row["students"]),
                period_start=need.period_start,
                period_end=need.period_end,
                status=row["status"],
                decided_at=utcnow() if row["status"] != "requested" else None,
            )
        )


def seed_schools() -> None:
    """Load the demo's school side and record last autumn's unmet needs (commits)."""
    from webapp.services.schools.demand import record_unmet

    schools = _schools()
    _profiles()
    needs = _needs(schools)
    _partnerships(needs)
    db.session.flush()
    record_unmet(DEMO_UNMET_AS_OF)
