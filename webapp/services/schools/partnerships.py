"""Requests and partnerships between a school and an employer, and their lifecycle.

DESIGN.md §4: ``requested → accepted | declined | withdrawn``; ``accepted → ended``. The school
sends and withdraws; the employer accepts (confirming students and dates) or declines with a
reason; either side ends a partnership with a note; the school renews it for the next school
year. Every change is audited and the other side is told in the app and by e-mail.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import (
    NeedStatus,
    Organisation,
    OrganisationKind,
    Partnership,
    PartnershipMessage,
    PartnershipStatus,
    Role,
    SchoolNeed,
    SchoolProfile,
    User,
    utcnow,
)
from webapp.services import audit, notifications
from webapp.services.errors import DomainError, NotAllowed
from webapp.services.limits import DB_INT_MAX, DB_INT_MIN
from webapp.services.schools.common import MAX_YEAR, MIN_YEAR, clean, members
from webapp.services.schools.finder import accepted_students, free_capacity
from webapp.services.schools.needs import require_school_of

DECLINE_REASONS = {
    "no_capacity": _l("Ikke kapasitet"),
    "period_not_possible": _l("Perioden passer ikke"),
    "not_relevant": _l("Ikke relevant for oss"),
    "other": _l("Annet"),
}
OPEN_STATUSES = (PartnershipStatus.REQUESTED, PartnershipStatus.ACCEPTED)
#: A school year later: 52 weeks keeps the weekdays and (almost always) the week numbers.
NEXT_SCHOOL_YEAR = timedelta(weeks=52)
MAX_EMPLOYERS_PER_SEND = 20


def texts() -> dict[str, tuple[str, str]]:
    """Notification kind → (subject, body), for ``notifications.render``."""
    return {
        "school_request_new": (
            _("Forespørsel fra %(school)s"),
            _(
                "%(school)s spør om samarbeid for %(students)s elever %(period)s. "
                "Svar i Arbeidsbro."
            ),
        ),
        "school_request_reminder": (
            _("Påminnelse: forespørsel fra %(school)s"),
            _("%(school)s venter fortsatt på svar på forespørselen for perioden %(period)s."),
        ),
        "school_request_withdrawn": (
            _("%(school)s trakk tilbake en forespørsel"),
            _("Forespørselen for perioden %(period)s er trukket tilbake."),
        ),
        "school_request_accepted": (
            _("%(employer)s takket ja"),
            _("%(employer)s tar imot %(students)s elever %(period)s."),
        ),
        "school_request_declined": (
            _("%(employer)s takket nei"),
            _(
                "%(employer)s takket nei til forespørselen for perioden %(period)s. "
                "Se begrunnelsen i Arbeidsbro."
            ),
        ),
        "partnership_ended": (
            _("Samarbeidet med %(other)s er avsluttet"),
            _("%(other)s avsluttet samarbeidet. Merknad: %(note)s"),
        ),
        "partnership_renewed": (
            _("%(school)s vil fornye samarbeidet"),
            _("%(school)s spør om samarbeidet kan fortsette %(period)s. Svar i Arbeidsbro."),
        ),
    }


def period_text(start: date | None, end: date | None) -> str:
    if start is None:
        return ""
    return f"{start:%d.%m.%Y}–{end:%d.%m.%Y}" if end else f"{start:%d.%m.%Y}"


def _params(p: Partnership, **extra) -> dict:
    """Names, numbers and dates only: the text around them is rendered in each reader's
    language, so nothing translated goes into the parameters."""
    return {
        "school": p.school.name,
        "employer": p.employer.name,
        "students": p.students,
        "period": period_text(p.period_start, p.period_end),
        **extra,
    }


def _tell_employer(p: Partnership, kind: str, **extra) -> None:
    notifications.notify(
        members(p.employer_id),
        kind,
        link=notifications.link("employer.school_request", partnership_id=p.id),
        **_params(p, **extra),
    )


def _tell_school(p: Partnership, kind: str, **extra) -> None:
    requester = p.requested_by
    readers = [requester] if requester is not None and requester.active else members(p.school_id)
    notifications.notify(
        readers,
        kind,
        link=notifications.link("school.partnership", partnership_id=p.id),
        **_params(p, **extra),
    )


# --- who may act -----------------------------------------------------------------------------


def _require_school(user: User, p: Partnership) -> None:
    if user.role != Role.SCHOOL or p.school_id != user.organisation_id:
        raise NotAllowed(_("Du har ikke tilgang til denne forespørselen."))


def _require_employer(user: User, p: Partnership) -> None:
    if user.role != Role.EMPLOYER or p.employer_id != user.organisation_id:
        raise NotAllowed(_("Du har ikke tilgang til denne forespørselen."))


def _require_status(p: Partnership, *allowed: str) -> None:
    if p.status not in allowed:
        from webapp.services.schools.common import status_label

        raise DomainError(
            _(
                "Forespørselen har status «%(state)s» og kan ikke endres slik.",
                state=status_label(p.status),
            )
        )


# --- the school ------------------------------------------------------------------------------


def open_request_employers(need: SchoolNeed) -> set[int]:
    return set(
        db.session.scalars(
            select(Partnership.employer_id).where(
                Partnership.school_need_id == need.id, Partnership.status.in_(OPEN_STATUSES)
            )
        )
    )


def send_requests(
    user: User, need: SchoolNeed, employer_ids: list[int], message: str = ""
) -> list[Partnership]:
    """One request per employer for ``need``, all or none: each employer must be approved and
    open to schools, and none may already have an open request for this need."""
    require_school_of(user, need)
    if need.status != NeedStatus.OPEN:
        raise DomainError(_("Behovet er lukket. Åpne et nytt behov for å spørre bedrifter."))
    if not employer_ids:
        raise DomainError(_("Velg minst én bedrift."), "employers")
    if len(employer_ids) != len(set(employer_ids)):
        raise DomainError(_("Samme bedrift er valgt to ganger."), "employers")
    if len(employer_ids) > MAX_EMPLOYERS_PER_SEND:
        raise DomainError(_("Spør høyst 20 bedrifter om gangen."), "employers")
    if not all(DB_INT_MIN <= employer_id <= DB_INT_MAX for employer_id in employer_ids):
        raise DomainError(_("Ukjent bedrift."), "employers")  # no such id; the driver overflows
    already = open_request_employers(need)
    employers = []
    for employer_id in employer_ids:
        employer = db.session.get(Organisation, employer_id)
        if (
            employer is None
            or employer.kind != OrganisationKind.EMPLOYER
            or not employer.in_service
        ):
            raise DomainError(_("Ukjent bedrift."), "employers")
        if not employer.open_to_schools:
            raise DomainError(
                _("%(name)s tar ikke imot forespørsler fra skoler.", name=employer.name),
                "employers",
            )
        if employer.id in already:
            raise DomainError(
                _(
                    "Dere har allerede en åpen forespørsel til %(name)s for dette behovet.",
                    name=employer.name,
                ),
                "employers",
            )
        employers.append(employer)
    body = clean(message, 2000)
    created = []
    for employer in employers:
        p = Partnership(
            school_id=need.organisation_id,
            employer=employer,
            school_need_id=need.id,
            program_area_code=need.program_area_code,
            kind=need.kind,
            students=need.students,
            period_start=need.period_start,
            period_end=need.period_end,
            status=PartnershipStatus.REQUESTED,
            requested_by_id=user.id,
        )
        db.session.add(p)
        db.session.flush()
        if body:
            db.session.add(PartnershipMessage(partnership_id=p.id, author_id=user.id, body=body))
        audit.record(user, "partnership.requested", p, need=need.id, employer=employer.id)
        db.session.refresh(p)
        _tell_employer(p, "school_request_new")
        created.append(p)
    db.session.commit()
    return created


def withdraw(user: User, p: Partnership) -> None:
    _require_school(user, p)
    _require_status(p, PartnershipStatus.REQUESTED)
    p.status = PartnershipStatus.WITHDRAWN
    p.decided_at = utcnow()
    audit.record(user, "partnership.withdrawn", p)
    _tell_employer(p, "school_request_withdrawn")
    db.session.commit()


def renew(user: User, p: Partnership) -> Partnership:
    """Ask the same employer for the same cooperation one school year later (one click)."""
    _require_school(user, p)
    _require_status(p, PartnershipStatus.ACCEPTED, PartnershipStatus.ENDED)
    existing = db.session.scalar(
        select(Partnership.id).where(
            Partnership.renewed_from_id == p.id, Partnership.status.in_(OPEN_STATUSES)
        )
    )
    if existing is not None:
        raise DomainError(_("Samarbeidet er allerede fornyet for neste skoleår."))
    if not p.employer.open_to_schools:
        raise DomainError(
            _("%(name)s tar ikke imot forespørsler fra skoler.", name=p.employer.name)
        )
    shift = NEXT_SCHOOL_YEAR
    renewal = Partnership(
        school_id=p.school_id,
        employer_id=p.employer_id,
        program_area_code=p.program_area_code,
        kind=p.kind,
        students=p.students,
        period_start=p.period_start + shift if p.period_start else None,
        period_end=p.period_end + shift if p.period_end else None,
        status=PartnershipStatus.REQUESTED,
        requested_by_id=user.id,
        renewed_from_id=p.id,
    )
    db.session.add(renewal)
    db.session.flush()
    audit.record(user, "partnership.renewal_requested", renewal, renewed_from=p.id)
    db.session.refresh(renewal)
    _tell_employer(renewal, "partnership_renewed")
    db.session.commit()
    return renewal


# --- the employer ----------------------------------------------------------------------------


def _lock_employer(employer_id: int) -> None:
    """Serialise acceptances for one employer: a row lock on PostgreSQL, a write lock on SQLite."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(
            select(Organisation.id).where(Organisation.id == employer_id).with_for_update()
        )
    elif connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def accept(
    user: User, p: Partnership, students: int | None, start: date | None, end: date | None
) -> Partnership:
    """Accept with the students and dates confirmed: never more students than asked for, nor
    more than the school profile offers in the period (counting partnerships already agreed)."""
    _require_employer(user, p)
    try:
        _lock_employer(p.employer_id)
        db.session.refresh(p)
        _require_status(p, PartnershipStatus.REQUESTED)
        if students is None or students < 1:
            raise DomainError(_("Skriv inn hvor mange elever dere tar imot."), "students")
        if students > p.students:
            raise DomainError(
                _("Skolen spurte om %(n)d elever. Dere kan ikke ta imot flere.", n=p.students),
                "students",
            )
        for name, value in (("period_start", start), ("period_end", end)):
            if value is None:
                raise DomainError(_("Velg en dato."), name)
            if not MIN_YEAR <= value.year <= MAX_YEAR:
                raise DomainError(
                    _("Velg en dato mellom år %(min)d og %(max)d.", min=MIN_YEAR, max=MAX_YEAR),
                    name,
                )
        if end < start:
            raise DomainError(_("Perioden kan ikke slutte før den begynner."), "period_end")
        profile = db.session.scalar(
            select(SchoolProfile).where(SchoolProfile.organisation_id == p.employer_id)
        )
        taken = accepted_students([p.employer_id], start, end).get(p.employer_id, 0)
        free = free_capacity(profile, taken, start, end)
        if free is not None and students > free:
            raise DomainError(
                _(
                    "Skoleprofilen deres gir plass til %(n)d elever til i denne perioden.",
                    n=free,
                ),
                "students",
            )
        p.status = PartnershipStatus.ACCEPTED
        p.students, p.period_start, p.period_end = students, start, end
        p.answered_by_id, p.decided_at = user.id, utcnow()
        audit.record(
            user, "partnership.accepted", p, students=students, start=str(start), end=str(end)
        )
        _tell_school(p, "school_request_accepted")
        db.session.commit()
    except DomainError:
        db.session.rollback()
        raise
    return p


def decline(user: User, p: Partnership, reason_code: str | None, reason: str = "") -> None:
    _require_employer(user, p)
    _require_status(p, PartnershipStatus.REQUESTED)
    if reason_code not in DECLINE_REASONS:
        raise DomainError(_("Velg en begrunnelse."), "reason_code")
    text = clean(reason, 1000)
    if reason_code == "other" and not text:
        raise DomainError(_("Skriv en begrunnelse når du velger «Annet»."), "reason")
    p.status = PartnershipStatus.DECLINED
    p.answer_reason_code, p.answer_reason = reason_code, text
    p.answered_by_id, p.decided_at = user.id, utcnow()
    audit.record(user, "partnership.declined", p, reason_code=reason_code, reason=text)
    _tell_school(p, "school_request_declined")
    db.session.commit()


# --- either side -----------------------------------------------------------------------------


def end(user: User, p: Partnership, note: str) -> None:
    """End an agreed partnership with a note; the other side is told."""
    if user.organisation_id not in (p.school_id, p.employer_id) or user.role not in (
        Role.SCHOOL,
        Role.EMPLOYER,
    ):
        raise NotAllowed(_("Du har ikke tilgang til denne forespørselen."))
    _require_status(p, PartnershipStatus.ACCEPTED)
    note = clean(note, 1000)
    if not note:
        raise DomainError(_("Skriv en kort merknad om hvorfor samarbeidet avsluttes."), "note")
    p.status = PartnershipStatus.ENDED
    p.ended_at, p.ended_by_id, p.end_note = utcnow(), user.id, note
    audit.record(user, "partnership.ended", p, note=note)
    if user.organisation_id == p.school_id:
        _tell_employer(p, "partnership_ended", other=p.school.name, note=note)
    else:
        _tell_school(p, "partnership_ended", other=p.employer.name, note=note)
    db.session.commit()


def may_see(user: User, p: Partnership) -> bool:
    """Schools see their own requests; employers only those sent to them."""
    if user.role == Role.SCHOOL:
        return p.school_id == user.organisation_id
    if user.role == Role.EMPLOYER:
        return p.employer_id == user.organisation_id
    return False
