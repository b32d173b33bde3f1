"""Slots and sites: an employer's places and workplaces, and the slot state machine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import (
    Adaptation,
    Occupation,
    Organisation,
    Site,
    Skill,
    Slot,
    SlotStatus,
    Suggestion,
    SuggestionStatus,
    User,
)
from webapp.services import audit, matchmaking
from webapp.services.capacity import free_capacity, taken_places
from webapp.services.errors import DomainError, NotAllowed
from webapp.services.taxonomy import by_codes, postal_place

MIN_CAPACITY, MAX_CAPACITY = 1, 500
MIN_HOURS, MAX_HOURS = 1, 40

# action → (states it starts from, state it leads to); DESIGN.md §4: draft → open ⇄ paused → closed
TRANSITIONS = {
    "publish": ({SlotStatus.DRAFT}, SlotStatus.OPEN),
    "pause": ({SlotStatus.OPEN}, SlotStatus.PAUSED),
    "reopen": ({SlotStatus.PAUSED}, SlotStatus.OPEN),
    "close": ({SlotStatus.DRAFT, SlotStatus.OPEN, SlotStatus.PAUSED}, SlotStatus.CLOSED),
}


def is_visible_to_others(slot: Slot) -> bool:
    return slot.status == SlotStatus.OPEN and slot.organisation.in_service


def _require_employer_of(user: User, organisation_id: int) -> None:
    if user.organisation_id != organisation_id:
        raise NotAllowed(_("Du har ikke tilgang til denne plassen."))


# --- sites -----------------------------------------------------------------------------------


def save_site(user: User, site: Site | None, *, name: str, address: str, postal_code: str) -> Site:
    """Create or update a workplace; the postal code gives place and coordinates."""
    place = postal_place(postal_code)
    if place is None:
        raise DomainError(_("Ukjent postnummer."), "postal_code")
    if site is None:
        site = Site(organisation_id=user.organisation_id)
        db.session.add(site)
        action = "site.created"
    else:
        _require_employer_of(user, site.organisation_id)
        action = "site.updated"
    site.name = name.strip()
    site.address = address.strip()
    site.postal_code = place.postal_code
    site.latitude, site.longitude = place.latitude, place.longitude
    db.session.flush()
    audit.record(user, action, site)
    db.session.commit()
    return site


# --- slots -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotFields:
    """What an employer types into the slot form, already validated for shape by the form."""

    kind: str
    title: str
    occupation_code: str | None
    description: str
    skills: list[str]
    extra_skills: list[str]
    norwegian_level: str
    site_id: int | None
    hours_per_week: int | None
    start_date: date | None
    end_date: date | None
    capacity: int
    adaptations: list[str]
    contact_name: str


def _apply(slot: Slot, user: User, fields: SlotFields) -> None:
    if fields.site_id is not None:
        site = db.session.get(Site, fields.site_id)
        if site is None or site.organisation_id != user.organisation_id:
            raise DomainError(_("Velg et av virksomhetens arbeidssteder."), "site_id")
    if not MIN_CAPACITY <= fields.capacity <= MAX_CAPACITY:
        raise DomainError(
            _("Antall plasser må være mellom %(lo)d og %(hi)d.", lo=MIN_CAPACITY, hi=MAX_CAPACITY),
            "capacity",
        )
    if fields.start_date and fields.end_date and fields.end_date <= fields.start_date:
        raise DomainError(_("Sluttdato må være etter startdato."), "end_date")
    # A new or moved start date cannot be in the past; an old slot keeps the date it has.
    moved = fields.start_date and fields.start_date != slot.start_date
    if moved and fields.start_date < date.today():
        raise DomainError(_("Startdatoen kan ikke være passert."), "start_date")
    occupation_code = (fields.occupation_code or "").strip() or None
    if occupation_code is not None and db.session.get(Occupation, occupation_code) is None:
        raise DomainError(_("Velg et lærefag eller yrke fra listen."), "occupation_code")
    slot.kind = fields.kind
    slot.title = fields.title.strip()
    slot.occupation_code = occupation_code
    slot.description = fields.description.strip()
    slot.skills = by_codes(Skill, fields.skills)
    slot.extra_skills = fields.extra_skills
    slot.norwegian_level = fields.norwegian_level
    slot.site_id = fields.site_id
    slot.hours_per_week = fields.hours_per_week
    slot.start_date = fields.start_date
    slot.end_date = fields.end_date
    slot.capacity = fields.capacity
    slot.adaptations = by_codes(Adaptation, fields.adaptations)
    slot.contact_name = fields.contact_name.strip()


def create_slot(user: User, fields: SlotFields) -> Slot:
    """A new slot starts as a draft; publishing makes it visible once the employer is approved."""
    slot = Slot(
        organisation_id=user.organisation_id, created_by_id=user.id, status=SlotStatus.DRAFT
    )
    try:
        _apply(slot, user, fields)
    except DomainError:
        db.session.rollback()
        raise
    db.session.add(slot)
    db.session.flush()
    audit.record(user, "slot.created", slot)
    db.session.commit()
    matchmaking.refresh_after_save(slot=slot)
    return slot


def apply_fields(user: User, slot: Slot, fields: SlotFields) -> None:
    """Check and set a slot's fields without committing (an import saves many at once)."""
    if slot.id is not None:
        _require_employer_of(user, slot.organisation_id)
        if slot.status == SlotStatus.CLOSED:
            raise DomainError(_("En lukket plass kan ikke endres. Lag en kopi i stedet."))
        if fields.capacity < slot.capacity:
            taken = slot.capacity - free_capacity(slot)
            if fields.capacity < taken:
                raise DomainError(
                    _(
                        "%(n)d plasser er allerede i bruk; kapasiteten kan ikke bli lavere.",
                        n=taken,
                    ),
                    "capacity",
                )
    _apply(slot, user, fields)


def update_slot(user: User, slot: Slot, fields: SlotFields) -> Slot:
    try:
        apply_fields(user, slot, fields)
    except DomainError:
        db.session.rollback()
        raise
    audit.record(user, "slot.updated", slot)
    db.session.commit()
    matchmaking.refresh_after_save(slot=slot)
    return slot


def duplicate_slot(user: User, slot: Slot) -> Slot:
    """A draft copy, for next year's intake or a similar place."""
    _require_employer_of(user, slot.organisation_id)
    copy = Slot(
        organisation_id=slot.organisation_id,
        site_id=slot.site_id,
        kind=slot.kind,
        title=_("%(title)s (kopi)", title=slot.title)[:200],
        occupation_code=slot.occupation_code,
        description=slot.description,
        extra_skills=list(slot.extra_skills or []),
        norwegian_level=slot.norwegian_level,
        hours_per_week=slot.hours_per_week,
        start_date=slot.start_date,
        end_date=slot.end_date,
        capacity=slot.capacity,
        contact_name=slot.contact_name,
        created_by_id=user.id,
        status=SlotStatus.DRAFT,
        skills=list(slot.skills),
        adaptations=list(slot.adaptations),
    )
    db.session.add(copy)
    db.session.flush()
    audit.record(user, "slot.duplicated", copy, source=slot.id)
    db.session.commit()
    return copy


def change_state(user: User, slot: Slot, action: str) -> Slot:
    """Move a slot through its state machine; an illegal move is a domain error, not a no-op."""
    _require_employer_of(user, slot.organisation_id)
    if action not in TRANSITIONS:
        raise DomainError(_("Ukjent handling."))
    sources, target = TRANSITIONS[action]
    if slot.status not in sources:
        raise DomainError(
            _(
                "Plassen er %(state)s og kan ikke %(action)s.",
                state=state_label(slot.status),
                action=action_label(action),
            )
        )
    before = slot.status
    slot.status = target
    audit.record(user, f"slot.{action}", slot, before=before, after=str(target))
    db.session.commit()
    matchmaking.refresh_after_save(slot=slot)
    return slot


def state_label(state: str) -> str:
    return {
        SlotStatus.DRAFT: _("utkast"),
        SlotStatus.OPEN: _("åpen"),
        SlotStatus.PAUSED: _("pauset"),
        SlotStatus.CLOSED: _("lukket"),
    }.get(state, state)


def action_label(action: str) -> str:
    return {
        "publish": _("publiseres"),
        "pause": _("pauses"),
        "reopen": _("åpnes igjen"),
        "close": _("lukkes"),
    }.get(action, action)


def allowed_actions(slot: Slot) -> list[str]:
    return [action for action, (sources, _target) in TRANSITIONS.items() if slot.status in sources]


# --- lists -----------------------------------------------------------------------------------


def employer_slots_query(organisation: Organisation, status: str = "", query: str = ""):
    """The employer's slots, newest first and closed ones last, for the slot list."""
    stmt = (
        select(Slot)
        .where(Slot.organisation_id == organisation.id)
        .order_by(Slot.status == SlotStatus.CLOSED, Slot.updated_at.desc(), Slot.id.desc())
    )
    if status:
        stmt = stmt.where(Slot.status == status)
    if query:
        stmt = stmt.where(Slot.title.ilike(f"%{query}%"))
    return stmt


@dataclass(frozen=True)
class SlotFigures:
    free: int
    waiting: int  # proposals waiting for the employer's answer


def slot_figures(slots: list[Slot]) -> dict[int, SlotFigures]:
    """Free capacity and proposals waiting for a page of slots, in two queries."""
    ids = [slot.id for slot in slots]
    taken = taken_places(ids)
    waiting = dict(
        db.session.execute(
            select(Suggestion.slot_id, func.count())
            .where(Suggestion.slot_id.in_(ids), Suggestion.status == SuggestionStatus.PROPOSED)
            .group_by(Suggestion.slot_id)
        ).all()
    )
    return {
        slot.id: SlotFigures(max(slot.capacity - taken.get(slot.id, 0), 0), waiting.get(slot.id, 0))
        for slot in slots
    }


def organisation_sites(organisation_id: int) -> list[Site]:
    return db.session.scalars(
        select(Site).where(Site.organisation_id == organisation_id).order_by(Site.name)
    ).all()


def update_profile(user: User, organisation: Organisation, **fields) -> None:
    if not (user.is_admin and user.organisation_id == organisation.id):
        raise NotAllowed(_("Bare virksomhetens administratorer kan endre profilen."))
    for name, value in fields.items():
        setattr(organisation, name, value.strip() if isinstance(value, str) else value)
    audit.record(user, "organisation.updated", organisation)
    db.session.commit()
