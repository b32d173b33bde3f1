"""Factories for the school side: schools with an address, needs, school profiles, requests."""

from __future__ import annotations

from datetime import date

from factories import make_organisation, make_site, make_user

from webapp.extensions import db
from webapp.models import (
    OrganisationKind,
    Partnership,
    PartnershipStatus,
    SchoolNeed,
    SchoolProfile,
)

PERIOD = (date(2027, 3, 8), date(2027, 3, 26))  # weeks 10–12


def make_school(name: str = "Testskolen vgs", postal_code: str = "1470"):
    school = make_organisation(OrganisationKind.SCHOOL, name=name)
    make_site(school, postal_code=postal_code, name=name)
    return school


def make_coordinator(school=None):
    return make_user(school or make_school(), kind=OrganisationKind.SCHOOL)


def make_need(school, **values) -> SchoolNeed:
    need = SchoolNeed(
        organisation_id=school.id,
        title=values.pop("title", "Utplassering Vg1 helse"),
        program_area_code=values.pop("program_area_code", "HO"),
        trades=values.pop("trades", ["helsearbeiderfaget"]),
        kind=values.pop("kind", "placement"),
        students=values.pop("students", 4),
        period_start=values.pop("period_start", PERIOD[0]),
        period_end=values.pop("period_end", PERIOD[1]),
        **values,
    )
    db.session.add(need)
    db.session.commit()
    return need


def make_open_employer(name: str = "Bedrift AS", *, postal_code: str = "1470", **profile):
    """An approved employer open to schools, with a site and a school profile."""
    employer = make_organisation(OrganisationKind.EMPLOYER, name=name, open_to_schools=True)
    make_site(employer, postal_code=postal_code)
    db.session.add(
        SchoolProfile(
            organisation_id=employer.id,
            program_areas=profile.pop("program_areas", ["HO"]),
            trades=profile.pop("trades", ["helsearbeiderfaget"]),
            kinds=profile.pop("kinds", ["placement"]),
            students_per_period=profile.pop("students_per_period", 4),
            blackouts=profile.pop("blackouts", []),
            description=profile.pop("description", ""),
        )
    )
    db.session.commit()
    return employer


def make_request(need, employer, *, status=PartnershipStatus.REQUESTED, requested_by=None, **v):
    p = Partnership(
        school_id=need.organisation_id,
        employer_id=employer.id,
        school_need_id=need.id,
        program_area_code=need.program_area_code,
        kind=need.kind,
        students=v.pop("students", need.students),
        period_start=v.pop("period_start", need.period_start),
        period_end=v.pop("period_end", need.period_end),
        status=status,
        requested_by_id=requested_by.id if requested_by else None,
        **v,
    )
    db.session.add(p)
    db.session.commit()
    return p
