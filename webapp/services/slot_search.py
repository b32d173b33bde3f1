"""Browsing open slots: what caseworkers may see, searched, filtered, sorted and paged.

A slot is visible to others only when it is open and its organisation is approved; drafts,
paused and closed slots and every slot of an unapproved organisation stay with the employer.

Distance filtering and sorting run in the database on an equirectangular approximation (plain
arithmetic, the same on SQLite and PostgreSQL, within metres at commuting distances); the
distance shown is the exact great-circle distance, computed for the page's rows only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, exists, func, literal, select
from sqlalchemy.orm import aliased, joinedload

from matching.rules import EARTH_RADIUS_KM
from matching.rules import haversine_km as matching_haversine_km
from webapp.extensions import db
from webapp.models import (
    LanguageLevel,
    Occupation,
    Organisation,
    PostalPlace,
    Site,
    Skill,
    Slot,
    SlotStatus,
)
from webapp.models.search_index import SLOT_INDEX
from webapp.models.slot import slot_adaptation, slot_skill
from webapp.services import search as text_search
from webapp.services.capacity import (  # noqa: F401 - free_capacity is part of this API
    free_capacity,
    occupied_subquery,
)

KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180
# A slot exactly at the limit counts as within it, whatever the rounding.
DISTANCE_TOLERANCE_KM = 0.05
DISTANCES_KM = (5, 10, 20, 30, 50, 100)
SORTS = ("newest", "start", "distance")
PER_PAGE = 20

_BY_OCCUPATION = Slot.__table__.alias("slot_by_occupation")
TARGET = text_search.Target(
    index=SLOT_INDEX,
    id_column=Slot.__table__.c.id,
    links=(
        text_search.CodeLink(
            Skill,
            lambda codes: select(slot_skill.c.slot_id).where(slot_skill.c.skill_code.in_(codes)),
        ),
        text_search.CodeLink(
            Occupation,
            lambda codes: select(_BY_OCCUPATION.c.id).where(
                _BY_OCCUPATION.c.occupation_code.in_(codes)
            ),
        ),
    ),
)


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two ``(lat, lon)`` points (the engine's formula)."""
    return float(matching_haversine_km(a, b))


def visible_condition():
    """Open slots of approved, active organisations: the only slots anyone but the employer sees."""
    return and_(
        Slot.status == SlotStatus.OPEN,
        exists().where(Organisation.id == Slot.organisation_id, Organisation.in_service),
    )


def get_visible(slot_id: int) -> Slot | None:
    return db.session.scalar(select(Slot).where(Slot.id == slot_id, visible_condition()))


@dataclass
class SlotFilters:
    q: str = ""
    kind: str = ""
    occupation: str = ""
    postal_code: str | None = None
    max_km: int | None = None
    level: str = ""  # the candidate's level: slots requiring at most this
    adaptations: list[str] = field(default_factory=list)  # every one must be offered
    start_from: date | None = None
    free_only: bool = False
    sort: str = "newest"


@dataclass(frozen=True)
class SlotHit:
    slot: Slot
    free_capacity: int
    distance_km: float | None


@dataclass
class SlotResults:
    """One page of slots (Flask-SQLAlchemy's Pagination) and, per slot, what the list shows."""

    page: object
    hits: list[SlotHit]
    origin: PostalPlace | None = None


def search(filters: SlotFilters, page: int = 1, per_page: int = PER_PAGE) -> SlotResults:
    """Visible slots matching every filter, one page of them, with free capacity and distance."""
    page = max(1, page)
    occupied = occupied_subquery()
    site_place = aliased(PostalPlace)
    latitude = func.coalesce(Site.latitude, site_place.latitude)
    longitude = func.coalesce(Site.longitude, site_place.longitude)
    free = Slot.capacity - func.coalesce(occupied.c.occupied, 0)

    stmt = (
        select(Slot)
        .outerjoin(occupied, occupied.c.slot_id == Slot.id)
        .outerjoin(Site, Site.id == Slot.site_id)
        .outerjoin(site_place, site_place.postal_code == Site.postal_code)
        .where(visible_condition())
    )
    if filters.kind:
        stmt = stmt.where(Slot.kind == filters.kind)
    if filters.occupation:
        stmt = stmt.where(Slot.occupation_code == filters.occupation)
    if filters.level:
        rank = select(LanguageLevel.rank).where(LanguageLevel.code == filters.level)
        required = select(LanguageLevel.rank).where(LanguageLevel.code == Slot.norwegian_level)
        stmt = stmt.where(required.scalar_subquery() <= rank.scalar_subquery())
    for code in dict.fromkeys(filters.adaptations):
        stmt = stmt.where(
            exists().where(
                slot_adaptation.c.slot_id == Slot.id, slot_adaptation.c.adaptation_code == code
            )
        )
    if filters.start_from is not None:
        stmt = stmt.where(Slot.start_date >= filters.start_from)
    if filters.free_only:
        stmt = stmt.where(free > 0)
    stmt, relevance = text_search.apply(stmt, TARGET, filters.q)

    origin = db.session.get(PostalPlace, filters.postal_code) if filters.postal_code else None
    squared_degrees = None
    if origin is not None:
        # Degrees of latitude, and of longitude shrunk to the origin's latitude.
        shrink = math.cos(math.radians(origin.latitude))
        d_lat = latitude - literal(origin.latitude)
        d_lon = (longitude - literal(origin.longitude)) * literal(shrink)
        squared_degrees = d_lat * d_lat + d_lon * d_lon
        if filters.max_km:
            limit = (filters.max_km + DISTANCE_TOLERANCE_KM) / KM_PER_DEGREE
            stmt = stmt.where(latitude.is_not(None), squared_degrees <= literal(limit * limit))

    if filters.sort == "distance" and squared_degrees is not None:
        order = [latitude.is_(None), squared_degrees, Slot.id]
    elif filters.sort == "start":
        order = [Slot.start_date.is_(None), Slot.start_date, Slot.id]
    elif relevance is not None:
        # "Newest" is the default order; with a text query the best match comes first.
        order = [relevance.desc(), Slot.created_at.desc(), Slot.id.desc()]
    else:
        order = [Slot.created_at.desc(), Slot.id.desc()]

    # What each row shows (employer, trade, place) comes with the page, not one row at a time.
    shown = (
        joinedload(Slot.organisation),
        joinedload(Slot.occupation),
        joinedload(Slot.site).joinedload(Site.postal_place),
    )
    pagination = db.paginate(
        stmt.order_by(*order).options(*shown),
        page=page,
        per_page=per_page,
        error_out=False,
        count=True,
    )
    slots = list(pagination.items)
    figures = {}
    if slots:
        figures = {
            row.id: row
            for row in db.session.execute(
                select(Slot.id, free.label("free"), latitude.label("lat"), longitude.label("lon"))
                .outerjoin(occupied, occupied.c.slot_id == Slot.id)
                .outerjoin(Site, Site.id == Slot.site_id)
                .outerjoin(site_place, site_place.postal_code == Site.postal_code)
                .where(Slot.id.in_([slot.id for slot in slots]))
            )
        }
    hits = []
    for slot in slots:
        row = figures[slot.id]
        distance = None
        if origin is not None and row.lat is not None and row.lon is not None:
            distance = round(
                haversine_km((origin.latitude, origin.longitude), (row.lat, row.lon)), 1
            )
        hits.append(SlotHit(slot=slot, free_capacity=max(0, row.free), distance_km=distance))
    return SlotResults(page=pagination, hits=hits, origin=origin)
