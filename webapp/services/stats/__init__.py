"""Aggregate figures for the admin dashboard. Counts only: never a list of people.

``figures(filters)`` gives every dashboard table; ``figure(key, filters)`` one of them (exports);
``headline()`` the few counts at the top of the page.
"""

from __future__ import annotations

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import (
    OCCUPYING_STATUSES,
    Candidate,
    CandidateStatus,
    Organisation,
    Placement,
    PostalPlace,
    Site,
    Slot,
    SlotKind,
    SlotStatus,
)
from webapp.services.stats.filters import Filters
from webapp.services.stats.kpis import FIGURES
from webapp.services.stats.scans import Scans, slot_places
from webapp.services.stats.tables import SUPPRESS_BELOW, Column, Table, suppress


class UnknownFigure(LookupError):
    pass


def figures(filters: Filters | None = None, *, scans: Scans | None = None) -> list[Table]:
    scans = scans or Scans(filters or Filters())  # the figures of one page share their scans
    return [build(scans) for build in FIGURES.values()]


def figure(key: str, filters: Filters | None = None) -> Table:
    if key not in FIGURES:
        raise UnknownFigure(key)
    return FIGURES[key](Scans(filters or Filters()))


def make_filters(
    *,
    date_from=None,
    date_to=None,
    organisation_id: int | None = None,
    slot_kind: str | None = None,
    municipality: str | None = None,
) -> Filters:
    """Filters for the dashboard; the organisation's kind decides which side of a match it names."""
    kind = db.session.scalar(select(Organisation.kind).where(Organisation.id == organisation_id))
    return Filters(
        date_from=date_from,
        date_to=date_to,
        organisation_id=organisation_id if kind else None,
        organisation_kind=kind,
        slot_kind=slot_kind or None,
        municipality=municipality or None,
    )


def filter_options() -> dict:
    """What the filters offer: organisations, slot kinds and municipalities with slots or users."""
    site_places = (
        select(PostalPlace.municipality)
        .join(Site, Site.postal_code == PostalPlace.postal_code)
        .distinct()
    )
    org_places = select(Organisation.municipality).where(Organisation.municipality != "").distinct()
    municipalities = sorted(
        set(db.session.scalars(site_places)) | set(db.session.scalars(org_places))
    )
    return {
        "organisations": db.session.execute(
            select(Organisation.id, Organisation.name).order_by(Organisation.name)
        ).all(),
        "slot_kinds": db.session.scalars(select(SlotKind).order_by(SlotKind.sort_order)).all(),
        "municipalities": municipalities,
    }


def headline(scans: Scans | None = None) -> dict:
    """Counts for the top of the dashboard, now (the filters do not apply).

    With the page's ``scans``, the open slots are added up from its scan of the slots when no
    filter chooses among them (the period does not change which slots are open now).
    """

    def count(stmt) -> int:
        return db.session.scalar(stmt) or 0

    if scans is not None and not scans.filters.slots(Slot.id):
        slots_open = sum(group[2] for group in scans.once(slot_places).values())
    else:
        slots_open = count(
            select(func.count()).select_from(Slot).where(Slot.status == SlotStatus.OPEN)
        )

    return {
        "organisations_pending": count(
            select(func.count())
            .select_from(Organisation)
            .where(Organisation.approved_at.is_(None), Organisation.rejected_at.is_(None))
        ),
        "slots_open": slots_open,
        "candidates_active": suppress(
            count(
                select(func.count())
                .select_from(Candidate)
                .where(Candidate.status == CandidateStatus.ACTIVE)
            )
        ),
        "placements_active": suppress(
            count(
                select(func.count())
                .select_from(Placement)
                .where(Placement.status.in_(OCCUPYING_STATUSES))
            )
        ),
    }


__all__ = [
    "SUPPRESS_BELOW",
    "Column",
    "Filters",
    "Scans",
    "Table",
    "UnknownFigure",
    "figure",
    "figures",
    "filter_options",
    "headline",
    "make_filters",
    "suppress",
]
