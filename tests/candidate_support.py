"""Shared by the caseworker candidate page tests (tests/webapp/test_candidate_*.py)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from factories import PASSWORD, make_user
from sqlalchemy import func, select

from webapp.models import AuditEvent, Candidate, OrganisationKind

NEW = "/veileder/kandidater/ny"


def url(candidate, suffix: str = "") -> str:
    return f"/veileder/kandidater/{candidate.id}{suffix}"


def login_caseworker(auth):
    """A logged-in caseworker at a NAV office."""
    user = make_user(kind=OrganisationKind.NAV_OFFICE, name="Vera Veileder")
    auth.login(user.email, PASSWORD)
    return user


def other_caseworker(kind=OrganisationKind.REFUGEE_SERVICE):
    return make_user(kind=kind)


def form_data(user, **overrides) -> dict:
    data = {
        "reference_code": "NAV-001",
        "display_name": "Amina K.",
        "caseworker_id": str(user.id),
        "programme": "introduksjonsprogrammet",
        "kinds": ["work_practice", "language_practice"],
        "goals": "Vil jobbe på kjøkken.",
        "skills": ["matlaging", "oppvask"],
        "experience": "Kokk i fem år.",
        "education": "Fagutdanning kokk",
        "occupations": ["kokkfaget"],
        "norwegian_level": "A2",
        "home_postal_code": "1470",
        "max_commute_km": "15",
        "hours_per_week": "30",
        "available_from": (date.today() + timedelta(days=30)).isoformat(),
        "adaptation_needs": ["language_support"],
        "notes": "Ønsker formiddag.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def candidate_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Candidate))


def events(db, action: str, candidate=None) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.action == action)
    if candidate is not None:
        stmt = stmt.where(
            AuditEvent.object_type == "candidate", AuditEvent.object_id == str(candidate.id)
        )
    return list(db.session.scalars(stmt))


def field_error(page: str, field: str) -> str:
    match = re.search(rf'id="{field}-error">([^<]*)<', page)
    return match.group(1) if match else ""
