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
    occupied_count,
    taken_places,
)
from webapp.services.paging import capped_paginate, chained_paginate, counted_paginate

KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180
# A slot exactly at the limit counts as within it, whatever the rounding.
DISTANCE_TOLERANCE_KM = 0.05
DISTANCES_KM = (5, 10, 20, 30, 50, 100)
SORTS = ("newest", "start", "distance")
PER_PAGE = 20
#: The browse page counts matches up to this many past its page; more show as "over 999".
COUNT_CAP = 999

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


def site_distances(origin: PostalPlace, max_km: int | None = None):
    """Per site with a place (its own or its postal code's), the squared degrees from ``origin``.

    A subquery (``site_id``, ``squared_degrees``) over the sites, not the slots: there are far
    fewer, and the slots join it through their site index. With ``max_km``, only the sites
    within it, found through a box of whole degrees before the distance is computed.
    """
    site_place = aliased(PostalPlace)
    latitude = func.coalesce(Site.latitude, site_place.latitude)
    longitude = func.coalesce(Site.longitude, site_place.longitude)
    # Degrees of latitude, and of longitude shrunk to the origin's latitude.
    shrink = math.cos(math.radians(origin.latitude))
    d_lat = latitude - literal(origin.latitude)
    d_lon = (longitude - literal(origin.longitude)) * literal(shrink)
    squared_degrees = d_lat * d_lat + d_lon * d_lon
    stmt = (
        select(Site.id.label("site_id"), squared_degrees.label("squared_degrees"))
        .outerjoin(site_place, site_place.postal_code == Site.postal_code)
        .where(latitude.is_not(None), longitude.is_not(None))
    )
    if max_km:
        limit = (max_km + DISTANCE_TOLERANCE_KM) / KM_PER_DEGREE
        stmt = stmt.where(squared_degrees <= literal(limit * limit))
    # Ordered, so a page within a distance can be read site by site, nearest first.
    return stmt.order_by(squared_degrees).subquery("near")


def _coordinates(site: Site | None) -> tuple[float, float] | None:
    """A site's ``(lat, lon)``, each from the site or else its postal code (as in the SQL)."""
    if site is None:
        return None
    place = site.postal_place
    latitude = site.latitude if site.latitude is not None else getattr(place, "latitude", None)
    longitude = site.longitude if site.longitude is not None else getattr(place, "longitude", None)
    if latitude is None or longitude is None:
        return None
    return latitude, longitude


def _matching(filters: SlotFilters):
    """The ids of the visible slots matching every filter but the place, and the relevance."""
    stmt = select(Slot.id).where(visible_condition())
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
        # Per row, through the placement index: a grouped count of every placement would be
        # computed whole before the first row could be returned.
        stmt = stmt.where(Slot.capacity > occupied_count(Slot.id))
    return text_search.apply(stmt, TARGET, filters.q)


def search(
    filters: SlotFilters, page: int = 1, per_page: int = PER_PAGE, *, count_cap: int | None = None
) -> SlotResults:
    """Visible slots matching every filter, one page of them, with free capacity and distance.

    ``count_cap`` bounds the count (see :mod:`webapp.services.paging`); None counts every match.
    """
    page = max(1, page)
    stmt, relevance = _matching(filters)
    origin = db.session.get(PostalPlace, filters.postal_code) if filters.postal_code else None
    near = None
    if origin is not None and (filters.max_km or filters.sort == "distance"):
        near = site_distances(origin, filters.max_km)
        if filters.max_km:
            stmt = stmt.join(near, near.c.site_id == Slot.site_id)

    # The page is chosen on ids alone; what its rows show is read for those rows only.
    if relevance is not None:
        # Ranking sees every match anyway, so counting them costs nothing more.
        if near is not None and not filters.max_km:
            stmt = stmt.outerjoin(near, near.c.site_id == Slot.site_id)
        stmt = stmt.order_by(*_order(filters, near, relevance))
        pagination = counted_paginate(stmt, page=page, per_page=per_page)
    elif filters.sort == "distance" and near is not None and not filters.max_km:
        # Slots with a place, nearest first, then those without one, each list read in its own
        # order (see below), so a page reads only its own rows of them.
        placed = stmt.join(near, near.c.site_id == Slot.site_id)
        unplaced = stmt.where(~exists().where(near.c.site_id == Slot.site_id))
        pagination = chained_paginate(
            placed.order_by(near.c.squared_degrees, Slot.id),
            unplaced.order_by(Slot.id),
            counted=stmt,
            page=page,
            per_page=per_page,
            cap=count_cap,
        )
    else:
        stmt = stmt.order_by(*_order(filters, near, relevance))
        pagination = capped_paginate(stmt, page=page, per_page=per_page, cap=count_cap)
    pagination.items = _load(pagination.items)
    return SlotResults(page=pagination, hits=_hits(pagination.items, origin), origin=origin)


def _order(filters: SlotFilters, near, relevance) -> list:
    if filters.sort == "distance" and near is not None:
        # Within a distance, the nearest sites come first and their slots are read site by
        # site until the page is full; without one, slots with no place come last.
        order = [near.c.squared_degrees, Slot.id]
        if not filters.max_km:
            order.insert(0, near.c.squared_degrees.is_(None))
        return order
    if filters.sort == "start":
        # Undated slots last, as the index on (status, start_date, id) keeps them.
        return [Slot.start_date.asc().nulls_last(), Slot.id]
    if relevance is not None:
        # "Newest" is the default order; with a text query the best match comes first.
        return [relevance.desc(), Slot.created_at.desc(), Slot.id.desc()]
    return [Slot.created_at.desc(), Slot.id.desc()]


def _load(slot_ids: list[int]) -> list[Slot]:
    """The slots of ``slot_ids`` in that order, with what a row shows (employer, trade, place)."""
    if not slot_ids:
        return []
    shown = (
        joinedload(Slot.organisation),
        joinedload(Slot.occupation),
        joinedload(Slot.site).joinedload(Site.postal_place),
    )
    found = db.session.scalars(select(Slot).where(Slot.id.in_(slot_ids)).options(*shown))
    by_id = {slot.id: slot for slot in found.unique()}
    return [by_id[slot_id] for slot_id in slot_ids]


def _hits(slots: list[Slot], origin: PostalPlace | None) -> list[SlotHit]:
    taken = taken_places(slot.id for slot in slots)
    hits = []
    for slot in slots:
        distance = None
        place = _coordinates(slot.site)
        if origin is not None and place is not None:
            distance = round(haversine_km((origin.latitude, origin.longitude), place), 1)
        free = max(0, slot.capacity - taken.get(slot.id, 0))
        hits.append(SlotHit(slot=slot, free_capacity=free, distance_km=distance))
    return hits
