"""The placement agreement: its content, its versions, the start rule and the reminders.

Made when the employer accepts a proposal (:func:`create_for`). The employer writes the work
(tasks, goals, hours, mentor, adaptations, workplace, period, insurance); the caseworker writes the
programme's terms, the follow-up plan, what the benefit covers and a plain-language summary for
the candidate. Every save is a new version. A save that changes an agreement somebody has signed
voids every signature, only when the editor has confirmed it. Signing: ``agreement_signing``.
"""

from __future__ import annotations

import difflib
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import (
    Agreement,
    AgreementLink,
    AgreementSignature,
    AgreementStatus,
    AgreementVersion,
    Party,
    Placement,
    PlacementStatus,
    Role,
    Slot,
    User,
    utcnow,
)
from webapp.services import audit
from webapp.services.agreement_notices import notify_caseworkers, notify_employer
from webapp.services.errors import DomainError, NotAllowed
from webapp.services.limits import DATE_MAX, DATE_MIN

LANGUAGES = {"nb": _l("Bokmål"), "en": _l("Engelsk")}

EMPLOYER_FIELDS = (
    "workplace",
    "start_date",
    "end_date",
    "hours_per_day",
    "hours_per_week",
    "tasks",
    "goals",
    "mentor_name",
    "mentor_contact",
    "adaptations",
    "insurance",
)
CASEWORKER_FIELDS = ("programme_terms", "follow_up_plan", "benefit", "language", "summary")
FIELDS = EMPLOYER_FIELDS + CASEWORKER_FIELDS
SIDE_FIELDS = {Party.EMPLOYER: EMPLOYER_FIELDS, Party.CASEWORKER: CASEWORKER_FIELDS}
LABELS = {
    "workplace": _l("Arbeidssted"),
    "start_date": _l("Startdato"),
    "end_date": _l("Sluttdato"),
    "hours_per_day": _l("Timer per dag"),
    "hours_per_week": _l("Timer per uke"),
    "tasks": _l("Arbeidsoppgaver"),
    "goals": _l("Mål for praksisplassen"),
    "mentor_name": _l("Veileder på arbeidsplassen (mentor)"),
    "mentor_contact": _l("Mentorens telefon eller e-post"),
    "adaptations": _l("Tilrettelegging"),
    "insurance": _l("Forsikring og sikkerhet"),
    "programme_terms": _l("Tiltaket og vilkårene"),
    "follow_up_plan": _l("Oppfølgingsplan med datoer"),
    "benefit": _l("Hva ytelsen dekker"),
    "language": _l("Kandidatens språk"),
    "summary": _l("Sammendrag på enkelt språk for kandidaten"),
}
#: What each party needs written before it can sign.
REQUIRED_BEFORE = {
    Party.EMPLOYER: ("workplace", "start_date", "end_date", "hours_per_week", "tasks", "goals")
    + ("mentor_name",),
    Party.CANDIDATE: ("summary",),
    Party.CASEWORKER: ("programme_terms", "follow_up_plan", "benefit", "summary"),
}
PARTY_LABELS = {
    Party.EMPLOYER: _l("arbeidsgiveren"),
    Party.CANDIDATE: _l("kandidaten"),
    Party.CASEWORKER: _l("veilederen"),
}
STATUS_LABELS = {
    AgreementStatus.DRAFT: _l("utkast, ikke signert"),
    AgreementStatus.SIGNING: _l("under signering"),
    AgreementStatus.APPROVED: _l("godkjent"),
}


# --- who may do what --------------------------------------------------------------------------


def side_of(user: User, agreement: Agreement) -> Party | None:
    """The party a logged-in user acts for on this agreement, or None."""
    placement = agreement.placement
    if user.role == Role.EMPLOYER and placement.slot.organisation_id == user.organisation_id:
        return Party.EMPLOYER
    if user.role == Role.CASEWORKER and placement.candidate.organisation_id == user.organisation_id:
        return Party.CASEWORKER
    return None


def require_side(user: User, agreement: Agreement, side: Party) -> None:
    if side_of(user, agreement) != side:
        raise NotAllowed(_("Du har ikke tilgang til denne delen av avtalen."))


def needs_agreement(kind: str) -> bool:
    """Slot kinds in ``AGREEMENT_OPTIONAL_KINDS`` (school placements) may start without one."""
    return kind not in current_app.config.get("AGREEMENT_OPTIONAL_KINDS", ())


# --- making it --------------------------------------------------------------------------------


def content_of(agreement: Agreement) -> dict:
    """The agreement's text as plain JSON values (dates as ISO strings)."""
    values = {name: getattr(agreement, name) for name in FIELDS}
    for name in ("start_date", "end_date"):
        values[name] = values[name].isoformat() if values[name] else None
    return values


def _prefill(agreement: Agreement, placement: Placement) -> None:
    slot: Slot = placement.slot
    site = slot.site
    if site is not None:
        place = site.postal_place.label if site.postal_place else ""
        agreement.workplace = ", ".join(p for p in (site.name, site.address, place) if p)[:300]
    agreement.start_date, agreement.end_date = placement.start_date, placement.end_date
    agreement.hours_per_week = float(slot.hours_per_week) if slot.hours_per_week else None
    agreement.tasks = slot.description or ""
    agreement.mentor_name = slot.contact_name or ""
    needed = {a.code for a in placement.candidate.adaptation_needs}
    agreement.adaptations = "\n".join(a.label for a in slot.adaptations if a.code in needed)


def create_for(placement: Placement, actor: User | None) -> Agreement:
    """A draft agreement for a new placement, filled in from the slot (the caller commits)."""
    agreement = Agreement(placement=placement, status=AgreementStatus.DRAFT, version=1)
    db.session.add(agreement)
    with db.session.no_autoflush:
        _prefill(agreement, placement)
    db.session.flush()
    db.session.add(
        AgreementVersion(
            agreement_id=agreement.id,
            number=1,
            created_by_id=getattr(actor, "id", None),
            side="system",
            content=content_of(agreement),
            changed=[],
        )
    )
    audit.record(actor, "agreement.created", agreement, placement=placement.id)
    if needs_agreement(placement.slot.kind):
        notify_employer(placement, "agreement_employer_turn")
    return agreement


def get_or_create(placement: Placement, actor: User) -> Agreement | None:
    """The placement's agreement. A planned placement from before agreements gets one now; one
    that had already started (the demo's history) keeps none: it was agreed outside Arbeidsbro."""
    if placement.agreement is None and placement.status == PlacementStatus.PLANNED:
        create_for(placement, actor)
        db.session.commit()
    return placement.agreement


# --- editing ----------------------------------------------------------------------------------


def _normalise(name: str, value):
    if name in ("start_date", "end_date"):
        return value or None
    if name in ("hours_per_day", "hours_per_week"):
        return float(value) if value is not None else None
    if name == "language":
        return value if value in LANGUAGES else "nb"
    return (value or "").strip()


def _check(agreement: Agreement, new: dict) -> None:
    """The period within the slot's, hours within the slot's: or a message for the field."""
    slot = agreement.placement.slot
    start, end = new.get("start_date"), new.get("end_date")
    for name, day in (("start_date", start), ("end_date", end)):
        if day is None:
            continue
        before = slot.start_date is not None and day < slot.start_date
        after = slot.end_date is not None and day > slot.end_date
        if before or after or not DATE_MIN <= day <= DATE_MAX:
            raise DomainError(
                _(
                    "Velg en dato i plassens periode, fra %(first)s til %(last)s.",
                    first=(slot.start_date or DATE_MIN).strftime("%d.%m.%Y"),
                    last=(slot.end_date or DATE_MAX).strftime("%d.%m.%Y"),
                ),
                name,
            )
    if start and end and end < start:
        raise DomainError(_("Sluttdatoen kan ikke være før startdatoen."), "end_date")
    per_day, per_week = new.get("hours_per_day"), new.get("hours_per_week")
    if per_day is not None and not 0 < per_day <= 24:
        raise DomainError(_("Skriv et antall timer mellom 0 og 24."), "hours_per_day")
    if per_week is not None and not 0 < per_week <= 168:
        raise DomainError(_("Skriv et antall timer mellom 0 og 168."), "hours_per_week")
    if per_week is not None and slot.hours_per_week and per_week > slot.hours_per_week:
        raise DomainError(
            _(
                "Plassen har %(hours)d timer i uka. Skriv høyst så mange.",
                hours=slot.hours_per_week,
            ),
            "hours_per_week",
        )
    if per_day is not None and per_week is not None and per_day > per_week:
        raise DomainError(
            _("Timer per dag kan ikke være flere enn timer per uke."), "hours_per_day"
        )


def active_signatures(agreement: Agreement) -> list[AgreementSignature]:
    return [s for s in agreement.signatures if s.voided_at is None]


def save_section(
    user: User, agreement: Agreement, side: Party, values: dict, *, confirm_void: bool = False
) -> bool:
    """Save one side's section as a new version; False when nothing changed.

    Refused without a trace (nothing saved) when a value breaks a rule, or when the agreement is
    signed and the editor has not confirmed that the signatures will be voided.
    """
    require_side(user, agreement, side)
    placement = agreement.placement
    if placement.status not in (PlacementStatus.PLANNED, PlacementStatus.ACTIVE):
        raise DomainError(_("Praksisplassen er avsluttet. Avtalen kan ikke endres."))
    fields = SIDE_FIELDS[side]
    new = {name: _normalise(name, values.get(name)) for name in fields}
    changed = [name for name in fields if getattr(agreement, name) != new[name]]
    if not changed:
        return False
    _check(agreement, {**{n: getattr(agreement, n) for n in FIELDS}, **new})
    signed = active_signatures(agreement)
    if signed and not confirm_void:
        raise DomainError(
            _(
                "Avtalen er signert. Bekreft at du vil endre den: alle signaturer blir da "
                "ugyldige og må gis på nytt."
            ),
            "confirm_void",
        )
    try:
        _apply(user, agreement, side, new, changed, signed)
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    return True


def _apply(user, agreement, side, new, changed, signed) -> None:
    for name in changed:
        setattr(agreement, name, new[name])
    agreement.version += 1
    db.session.add(
        AgreementVersion(
            agreement_id=agreement.id,
            number=agreement.version,
            created_by_id=user.id,
            side=str(side),
            content=content_of(agreement),
            changed=changed,
            voided_signatures=bool(signed),
        )
    )
    audit.record(user, "agreement.edited", agreement, version=agreement.version, fields=changed)
    revoke_links(agreement)  # a link confirms the version it was sent for only
    placement = agreement.placement
    if placement.status == PlacementStatus.PLANNED:  # the agreed period is the placement's
        placement.start_date, placement.end_date = agreement.start_date, agreement.end_date
    if signed:
        now = utcnow()
        for signature in signed:
            signature.voided_at = now
        agreement.status, agreement.approved_at = AgreementStatus.DRAFT, None
        audit.record(
            user,
            "agreement.voided",
            agreement,
            version=agreement.version,
            parties=[s.party for s in signed],
        )
        notify_employer(placement, "agreement_voided", exclude=user)
        notify_caseworkers(placement, "agreement_voided", exclude=user)


def revoke_links(agreement: Agreement) -> None:
    now = utcnow()
    for link in db.session.scalars(
        select(AgreementLink).where(
            AgreementLink.agreement_id == agreement.id,
            AgreementLink.used_at.is_(None),
            AgreementLink.revoked_at.is_(None),
        )
    ):
        link.revoked_at = now


# --- versions ---------------------------------------------------------------------------------


def display_value(name: str, value) -> str:
    if value in (None, ""):
        return ""
    if name in ("start_date", "end_date"):
        return date.fromisoformat(value).strftime("%d.%m.%Y") if isinstance(value, str) else ""
    if name in ("hours_per_day", "hours_per_week"):
        return f"{value:g}"
    if name == "language":
        return str(LANGUAGES.get(value, value))
    return str(value)


def diff(older: AgreementVersion, newer: AgreementVersion) -> list[dict]:
    """Each field that differs: its label and the lines taken out and put in (difflib)."""
    changes = []
    for name in FIELDS:
        before = display_value(name, older.content.get(name)).splitlines()
        after = display_value(name, newer.content.get(name)).splitlines()
        if before == after:
            continue
        lines = [
            (line[0], line[2:])
            for line in difflib.ndiff(before, after)
            if line[:1] in ("-", "+") and line[2:].strip()
        ]
        changes.append({"field": name, "label": LABELS[name], "lines": lines})
    return changes


# --- the start rule ------------------------------------------------------------------------------


def check_start(placement: Placement) -> None:
    """A placement whose slot kind needs an agreement starts only once it is approved."""
    if not needs_agreement(placement.slot.kind):
        return
    agreement = placement.agreement
    if agreement is None or agreement.status != AgreementStatus.APPROVED:
        raise DomainError(
            _(
                "Praksisplassen kan ikke starte før avtalen er signert av arbeidsgiveren og "
                "kandidaten og godkjent av veilederen."
            )
        )
