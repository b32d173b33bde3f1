"""The dashboard's filters (period, organisation, slot kind, municipality) as SQL conditions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from webapp.models import Candidate, Organisation, OrganisationKind, PostalPlace, Site, Slot

# Which side of a match an organisation filter picks, by the organisation's kind.
SLOT_SIDE = {OrganisationKind.EMPLOYER, OrganisationKind.MUNICIPALITY}
CANDIDATE_SIDE = {OrganisationKind.NAV_OFFICE, OrganisationKind.REFUGEE_SERVICE}

PERIOD, ORGANISATION, SLOT_KIND, MUNICIPALITY = (
    "period",
    "organisation",
    "slot_kind",
    "municipality",
)


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    organisation_id: int | None = None
    organisation_kind: str | None = None
    slot_kind: str | None = None
    municipality: str | None = None

    @property
    def active(self) -> set[str]:
        names = set()
        if self.date_from or self.date_to:
            names.add(PERIOD)
        if self.organisation_id:
            names.add(ORGANISATION)
        if self.slot_kind:
            names.add(SLOT_KIND)
        if self.municipality:
            names.add(MUNICIPALITY)
        return names

    @property
    def on_slot_side(self) -> bool:
        return bool(self.organisation_id) and self.organisation_kind in SLOT_SIDE

    @property
    def on_candidate_side(self) -> bool:
        return bool(self.organisation_id) and self.organisation_kind in CANDIDATE_SIDE

    @property
    def on_school_side(self) -> bool:
        return bool(self.organisation_id) and self.organisation_kind == OrganisationKind.SCHOOL

    def period(self, column) -> list:
        """``column`` (a date or timestamp) inside the chosen period, both ends included."""
        conditions = []
        if self.date_from:
            conditions.append(column >= self.date_from)
        if self.date_to:
            conditions.append(column < self.date_to + timedelta(days=1))
        return conditions

    def slots(self, slot_id_column, *, use_organisation: bool = True) -> list:
        """``slot_id_column`` among the slots the filters keep (none when nothing filters slots)."""
        conditions = []
        if self.slot_kind:
            conditions.append(Slot.kind == self.slot_kind)
        if use_organisation and self.organisation_id and not self.on_candidate_side:
            # A school has no slots: filtering slots by it keeps none, which is the truth.
            conditions.append(Slot.organisation_id == self.organisation_id)
        if not conditions and not self.municipality:
            return []
        slot_ids = select(Slot.id).where(*conditions)
        if self.municipality:
            slot_ids = (
                slot_ids.join(Organisation, Organisation.id == Slot.organisation_id)
                .outerjoin(Site, Site.id == Slot.site_id)
                .outerjoin(PostalPlace, PostalPlace.postal_code == Site.postal_code)
                .where(
                    func.coalesce(PostalPlace.municipality, Organisation.municipality)
                    == self.municipality
                )
            )
        return [slot_id_column.in_(slot_ids)]

    def candidates(self, candidate_id_column) -> list:
        if not self.on_candidate_side:
            return []
        return [
            candidate_id_column.in_(
                select(Candidate.id).where(Candidate.organisation_id == self.organisation_id)
            )
        ]

    def matches(self, slot_id_column, candidate_id_column) -> list:
        """Both sides of a suggestion or placement."""
        return self.slots(slot_id_column) + self.candidates(candidate_id_column)
