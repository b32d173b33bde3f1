"""Small pieces the school services share: labels, who is told, clean text, periods."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import CooperationKind, Organisation, PartnershipStatus, User

KIND_LABELS = {
    CooperationKind.PLACEMENT: _l("Utplassering (YFF)"),
    CooperationKind.COMPANY_VISIT: _l("Bedriftsbesøk"),
    CooperationKind.GUEST_LECTURE: _l("Gjesteforelesning"),
    CooperationKind.ENTREPRENEURSHIP: _l("Entreprenørskap (Ungt Entreprenørskap)"),
}
STATUS_LABELS = {
    PartnershipStatus.REQUESTED: _l("venter på svar"),
    PartnershipStatus.ACCEPTED: _l("avtalt"),
    PartnershipStatus.DECLINED: _l("takket nei"),
    PartnershipStatus.WITHDRAWN: _l("trukket tilbake"),
    PartnershipStatus.ENDED: _l("avsluttet"),
}
#: Dates outside these years are typing mistakes (and year 1 upsets some databases' clients).
MIN_YEAR, MAX_YEAR = 2000, 2100


def kind_label(code: str) -> str:
    return str(KIND_LABELS.get(code, code))


def status_label(code: str) -> str:
    return str(STATUS_LABELS.get(code, code))


def clean(text: str | None, limit: int) -> str:
    """Stripped text without NUL characters (PostgreSQL refuses them), cut to ``limit``."""
    return (text or "").replace("\x00", "").strip()[:limit]


def overlaps(a_start: date | None, a_end: date | None, b_start: date | None, b_end: date | None):
    """Whether two periods share a day; an open end counts as unbounded."""
    return (a_start is None or b_end is None or a_start <= b_end) and (
        b_start is None or a_end is None or b_start <= a_end
    )


def members(organisation_id: int) -> list[User]:
    return db.session.scalars(
        select(User).where(User.organisation_id == organisation_id, User.active.is_(True))
    ).all()


def school_site(school: Organisation):
    """The school's address (its first site), for distances; None when it has none."""
    return min(
        (s for s in school.sites if s.latitude is not None),
        key=lambda s: s.id,
        default=None,
    )


def trade_labels(codes) -> list[str]:
    from webapp.models import Occupation
    from webapp.services.taxonomy import by_codes

    return [row.label for row in by_codes(Occupation, list(codes or []))]


def program_area_label(code: str | None) -> str:
    from webapp.models import ProgramArea

    row = db.session.get(ProgramArea, code) if code else None
    return row.label if row else "–"


def employer_contact(partnership) -> tuple[str, str]:
    """The employer's person for this partnership: who answered, else the school profile's
    contact, else the company's contact; (name, e-mail), either may be empty."""
    from webapp.models import SchoolProfile

    if partnership.answered_by is not None:
        return partnership.answered_by.name, partnership.answered_by.email
    profile = db.session.scalar(
        select(SchoolProfile).where(SchoolProfile.organisation_id == partnership.employer_id)
    )
    if profile is not None and profile.contact_name:
        return profile.contact_name, profile.contact_email
    employer = partnership.employer
    return employer.contact_name, employer.contact_email
