"""The places figures: offered and filled by slot kind and by month, and free capacity now.

Places and slots are not people, so only the filled counts (placements) are suppressed.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import SlotKind
from webapp.services.stats.filters import ORGANISATION, PERIOD
from webapp.services.stats.scans import Scans, placed, slot_places, totals
from webapp.services.stats.tables import Column, Table, share, suppress

OFFERED_NONE = (0, 0, 0, 0)  # a slot_places group with no slots
PLACED_NONE = (0, 0, 0, 0)  # a placed group with no placements


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
    offered = totals(scans.once(slot_places), 0)
    filled = totals(scans.once(placed).counts, 0)
    rows = []
    for kind in kinds():
        if filters.slot_kind and kind.code != filters.slot_kind:
            continue
        places = offered.get(kind.code, OFFERED_NONE)[1]
        people = suppress(filled.get(kind.code, PLACED_NONE)[0])
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
    # A month is shown when a slot or a placement starts in it.
    offered = {m: n for m, n in totals(scans.once(slot_places), 1).items() if n[0]}
    filled = {m: n for m, n in totals(scans.once(placed).counts, 2).items() if n[0]}
    rows = []
    for month in sorted(set(offered) | set(filled)):
        places = offered.get(month, OFFERED_NONE)[1]
        people = suppress(filled.get(month, PLACED_NONE)[0])
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
    found = totals(scans.once(slot_places), 0)
    rows = []
    for kind in kinds():
        if filters.slot_kind and kind.code != filters.slot_kind:
            continue
        _slots, _places, slots, places = found.get(kind.code, OFFERED_NONE)
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
