"""A school's needs: what it looks for (programme area, trades, students, period, kind)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from webapp.extensions import db
from webapp.models import (
    CooperationKind,
    NeedStatus,
    Occupation,
    Partnership,
    PartnershipStatus,
    ProgramArea,
    Role,
    SchoolNeed,
    User,
)
from webapp.services import audit
from webapp.services.errors import DomainError, NotAllowed
from webapp.services.schools.common import MAX_YEAR, MIN_YEAR, clean

MIN_STUDENTS, MAX_STUDENTS = 1, 200
MAX_TRADES = 10


@dataclass(frozen=True)
class NeedFields:
    """What a coordinator types into the need form."""

    title: str
    program_area_code: str | None
    trades: list[str]
    kind: str
    students: int | None
    period_start: date | None
    period_end: date | None
    requirements: str = ""
    description: str = ""


def require_school_of(user: User, need: SchoolNeed) -> None:
    if user.role != Role.SCHOOL or need.organisation_id != user.organisation_id:
        raise NotAllowed(_("Du har ikke tilgang til dette behovet."))


def check(fields: NeedFields) -> None:
    """Every rule of a need; the first broken one is raised with the field it belongs to."""
    if not clean(fields.title, 200):
        raise DomainError(_("Gi behovet en tittel."), "title")
    if (
        not fields.program_area_code
        or db.session.get(ProgramArea, fields.program_area_code) is None
    ):
        raise DomainError(_("Ukjent utdanningsprogram. Velg et fra listen."), "program_area_code")
    if len(fields.trades) > MAX_TRADES:
        raise DomainError(_("Velg høyst 10 lærefag."), "trades")
    known = set(
        db.session.scalars(select(Occupation.code).where(Occupation.code.in_(fields.trades)))
    )
    if set(fields.trades) - known:
        raise DomainError(_("Ukjent lærefag. Velg fra listen."), "trades")
    if fields.kind not in set(CooperationKind):
        raise DomainError(_("Velg en type samarbeid."), "kind")
    if fields.students is None or not MIN_STUDENTS <= fields.students <= MAX_STUDENTS:
        raise DomainError(
            _(
                "Antall elever må være mellom %(min)d og %(max)d.",
                min=MIN_STUDENTS,
                max=MAX_STUDENTS,
            ),
            "students",
        )
    for name, value in (("period_start", fields.period_start), ("period_end", fields.period_end)):
        if value is None:
            raise DomainError(_("Velg en dato."), name)
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise DomainError(
                _("Velg en dato mellom år %(min)d og %(max)d.", min=MIN_YEAR, max=MAX_YEAR), name
            )
    if fields.period_end < fields.period_start:
        raise DomainError(_("Perioden kan ikke slutte før den begynner."), "period_end")


def _apply(need: SchoolNeed, fields: NeedFields) -> dict:
    values = {
        "title": clean(fields.title, 200),
        "program_area_code": fields.program_area_code,
        "trades": list(dict.fromkeys(fields.trades)),
        "kind": str(fields.kind),
        "students": fields.students,
        "period_start": fields.period_start,
        "period_end": fields.period_end,
        "requirements": clean(fields.requirements, 2000),
        "description": clean(fields.description, 5000),
    }
    changed = {k: str(v) for k, v in values.items() if getattr(need, k, None) != v}
    for key, value in values.items():
        setattr(need, key, value)
    return changed


def create(user: User, fields: NeedFields) -> SchoolNeed:
    if user.role != Role.SCHOOL:
        raise NotAllowed(_("Bare skoler kan melde behov."))
    check(fields)
    need = SchoolNeed(organisation_id=user.organisation_id, created_by_id=user.id)
    _apply(need, fields)
    db.session.add(need)
    db.session.flush()
    audit.record(user, "school_need.created", need)
    db.session.commit()
    return need


def update(user: User, need: SchoolNeed, fields: NeedFields) -> SchoolNeed:
    require_school_of(user, need)
    if need.status != NeedStatus.OPEN:
        raise DomainError(_("Behovet er lukket og kan ikke endres."))
    check(fields)
    changed = _apply(need, fields)
    audit.record(user, "school_need.updated", need, changed=sorted(changed))
    db.session.commit()
    return need


def close(user: User, need: SchoolNeed) -> None:
    require_school_of(user, need)
    if need.status != NeedStatus.OPEN:
        raise DomainError(_("Behovet er allerede lukket."))
    need.status = NeedStatus.CLOSED
    audit.record(user, "school_need.closed", need)
    db.session.commit()


# --- reading ---------------------------------------------------------------------------------


def covered_students(need_ids) -> dict[int, int]:
    """Students covered by accepted partnerships, per need id (needs with none are absent)."""
    ids = list(need_ids)
    if not ids:
        return {}
    return dict(
        db.session.execute(
            select(Partnership.school_need_id, func.sum(Partnership.students))
            .where(
                Partnership.school_need_id.in_(ids),
                Partnership.status == PartnershipStatus.ACCEPTED,
            )
            .group_by(Partnership.school_need_id)
        ).all()
    )


def school_needs_query(
    school_id: int, *, status: str = "", program_area: str = "", kind: str = "", q: str = ""
):
    """A school's own needs, newest period first, filtered as the list page asks."""
    stmt = select(SchoolNeed).where(SchoolNeed.organisation_id == school_id)
    if status in set(NeedStatus):
        stmt = stmt.where(SchoolNeed.status == status)
    if program_area:
        stmt = stmt.where(SchoolNeed.program_area_code == program_area)
    if kind in set(CooperationKind):
        stmt = stmt.where(SchoolNeed.kind == kind)
    if q:
        pattern = f"%{q}%"
        stmt = stmt.where(
            or_(SchoolNeed.title.ilike(pattern), SchoolNeed.description.ilike(pattern))
        )
    return stmt.order_by(SchoolNeed.period_start.desc(), SchoolNeed.id.desc())
