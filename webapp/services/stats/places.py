"""The places figures: offered and filled by slot kind and by month, and free capacity now.

Places and slots are not people, so only the filled counts (placements) are suppressed.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import OCCUPYING_STATUSES, Placement, Slot, SlotKind, SlotStatus
from webapp.services.stats.filters import ORGANISATION, PERIOD
from webapp.services.stats.scans import Scans, filled, offered, totals
from webapp.services.stats.sql import dialect
from webapp.services.stats.tables import Column, Table, share, suppress


def kinds() -> list[SlotKind]:
    return db.session.scalars(select(SlotKind).order_by(SlotKind.sort_order)).all()


def _places_columns(first: Column) -> list[Column]:
    return [
        first,
        Column("offered", _l("Plasser tilbudt"), "places"),
        Column("filled", _l("Plasser fylt"), "count"),
        Column("fill_rate", _l("Andel fylt (%)"), "rate"),
    ]


def places_by_kind(scans: Scans) -> Table:
    filters = scans.filters
    offered_by_kind = totals(scans.once(offered), 0)
    filled_by_kind = totals(scans.once(filled), 0)
    rows = []
    for kind in kinds():
        if filters.slot_kind and kind.code != filters.slot_kind:
            continue
        places = offered_by_kind.get(kind.code, 0)
        people = suppress(filled_by_kind.get(kind.code, 0))
        rows.append([kind.label, places, people, share(people, places)])
    return Table(
        "places_by_kind",
        _l("Plasser tilbudt og fylt, etter type plass"),
        _l(
            "Tilbudt: kapasiteten til publiserte plasser som starter i perioden. Fylt: "
            "praksisplasser som starter i perioden."
        ),
        _places_columns(Column("kind", _l("Type plass"), "label")),
        rows,
        chart=["offered", "filled"],
        ignores=[ORGANISATION] if filters.on_candidate_side else [],
    )


def places_by_month(scans: Scans) -> Table:
    offered_by_month = totals(scans.once(offered), 1)
    filled_by_month = totals(scans.once(filled), 1)
    rows = []
    for month in sorted(set(offered_by_month) | set(filled_by_month)):
        places = offered_by_month.get(month, 0)
        people = suppress(filled_by_month.get(month, 0))
        rows.append([month, places, people, share(people, places)])
    return Table(
        "places_by_month",
        _l("Plasser tilbudt og fylt, etter måned"),
        _l("Måneden plassen eller praksisplassen starter."),
        _places_columns(Column("month", _l("Måned"), "label")),
        rows,
        chart=["offered", "filled"],
        ignores=[ORGANISATION] if scans.filters.on_candidate_side else [],
    )


def free_capacity(scans: Scans) -> Table:
    filters = scans.filters
    taken = (
        select(Placement.slot_id, func.count().label("taken"))
        .where(Placement.status.in_(OCCUPYING_STATUSES))
        .group_by(Placement.slot_id)
        .subquery()
    )
    free = func.max(Slot.capacity - func.coalesce(taken.c.taken, 0), 0)
    if dialect() == "postgresql":
        free = func.greatest(Slot.capacity - func.coalesce(taken.c.taken, 0), 0)
    stmt = (
        select(Slot.kind, func.count(Slot.id), func.coalesce(func.sum(free), 0))
        .outerjoin(taken, taken.c.slot_id == Slot.id)
        .where(Slot.status == SlotStatus.OPEN, *filters.slots(Slot.id))
        .group_by(Slot.kind)
    )
    found = {kind: (slots, int(places)) for kind, slots, places in db.session.execute(stmt)}
    rows = []
    for kind in kinds():
        if filters.slot_kind and kind.code != filters.slot_kind:
            continue
        slots, places = found.get(kind.code, (0, 0))
        rows.append([kind.label, slots, places])
    return Table(
        "free_capacity",
        _l("Ledig kapasitet nå"),
        _l("Åpne plasser og hvor mange ledige plasser de har i dag."),
        [
            Column("kind", _l("Type plass"), "label"),
            Column("open_slots", _l("Åpne utlysninger"), "places"),
            Column("free_places", _l("Ledige plasser"), "places"),
        ],
        rows,
        chart=["free_places"],
        ignores=sorted({PERIOD} | ({ORGANISATION} if filters.on_candidate_side else set())),
    )
