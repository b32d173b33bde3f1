"""An employer's school profile: whether and how it takes students from schools."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import (
    CooperationKind,
    Occupation,
    Organisation,
    ProgramArea,
    Role,
    SchoolProfile,
    User,
)
from webapp.services import audit
from webapp.services.errors import DomainError, NotAllowed
from webapp.services.schools.common import MAX_YEAR, MIN_YEAR, clean

MIN_STUDENTS, MAX_STUDENTS = 0, 200


@dataclass(frozen=True)
class ProfileFields:
    open_to_schools: bool
    program_areas: list[str]
    trades: list[str]
    kinds: list[str]
    students_per_period: int | None
    blackouts: list[tuple[date | None, date | None]]
    description: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""


def profile_of(organisation: Organisation) -> SchoolProfile | None:
    return db.session.scalar(
        select(SchoolProfile).where(SchoolProfile.organisation_id == organisation.id)
    )


def _check(fields: ProfileFields) -> list[list[str]]:
    areas = set(db.session.scalars(select(ProgramArea.code)))
    if set(fields.program_areas) - areas:
        raise DomainError(_("Ukjent utdanningsprogram. Velg fra listen."), "program_areas")
    known = set(
        db.session.scalars(select(Occupation.code).where(Occupation.code.in_(fields.trades)))
    )
    if set(fields.trades) - known:
        raise DomainError(_("Ukjent lærefag. Velg fra listen."), "trades")
    if set(fields.kinds) - set(CooperationKind):
        raise DomainError(_("Velg bare blant alternativene som vises."), "kinds")
    n = fields.students_per_period
    if n is None or not MIN_STUDENTS <= n <= MAX_STUDENTS:
        raise DomainError(
            _(
                "Antall elever må være mellom %(min)d og %(max)d.",
                min=MIN_STUDENTS,
                max=MAX_STUDENTS,
            ),
            "students_per_period",
        )
    blackouts = []
    for start, end in fields.blackouts:
        if start is None and end is None:
            continue
        if start is None or end is None:
            raise DomainError(_("En stengt periode trenger både fra- og til-dato."), "blackouts")
        if not (MIN_YEAR <= start.year <= MAX_YEAR and MIN_YEAR <= end.year <= MAX_YEAR):
            raise DomainError(
                _("Velg en dato mellom år %(min)d og %(max)d.", min=MIN_YEAR, max=MAX_YEAR),
                "blackouts",
            )
        if end < start:
            raise DomainError(_("Perioden kan ikke slutte før den begynner."), "blackouts")
        blackouts.append([start.isoformat(), end.isoformat()])
    return blackouts


def require_editor(user: User, organisation: Organisation) -> None:
    """Only the employer's organisation admins change its school profile."""
    if user.role != Role.EMPLOYER or user.organisation_id != organisation.id or not user.is_admin:
        raise NotAllowed(_("Bare administratorer i virksomheten kan endre skoleprofilen."))


def save(user: User, organisation: Organisation, fields: ProfileFields) -> SchoolProfile:
    """Create or update the school profile; organisation admins of the employer only."""
    require_editor(user, organisation)
    blackouts = _check(fields)
    profile = profile_of(organisation)
    if profile is None:
        profile = SchoolProfile(organisation_id=organisation.id)
        db.session.add(profile)
    organisation.open_to_schools = bool(fields.open_to_schools)
    profile.program_areas = list(dict.fromkeys(fields.program_areas))
    profile.trades = list(dict.fromkeys(fields.trades))
    profile.kinds = [k for k in CooperationKind if k in set(fields.kinds)]
    profile.students_per_period = fields.students_per_period
    profile.blackouts = blackouts
    profile.description = clean(fields.description, 2000)
    profile.contact_name = clean(fields.contact_name, 200)
    profile.contact_email = clean(fields.contact_email, 254)
    profile.contact_phone = clean(fields.contact_phone, 30)
    db.session.flush()
    audit.record(
        user, "school_profile.saved", profile, open_to_schools=organisation.open_to_schools
    )
    db.session.commit()
    return profile
