"""Allocation rounds: a team's candidates assigned to a chosen set of slots, under capacity.

An admin, or a caseworker organisation's admin, starts a round for a set of open slots (filters:
kind, start month, municipality) and one caseworker organisation's active candidates. The engine
(``matching.allocation``) proposes the assignment with the highest expected good outcome, placing
as many candidates as possible first; each assigned pair is stored as an ordinary suggestion
marked with the round, which caseworkers approve or reject one by one as today. Nothing goes to
an employer without a caseworker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from matching import allocation as engine
from webapp.extensions import db
from webapp.models import (
    AllocationRound,
    Candidate,
    CandidateStatus,
    Organisation,
    OrganisationKind,
    PostalPlace,
    Role,
    Site,
    Slot,
    Suggestion,
    User,
)
from webapp.services import audit, matchmaking
from webapp.services.errors import DomainError

CASEWORKER_KINDS = (OrganisationKind.NAV_OFFICE, OrganisationKind.REFUGEE_SERVICE)


#: Why a candidate was left without a slot, and notes about a whole round, for the pages.
UNPLACED_LABELS = {
    engine.NO_FEASIBLE_SLOT: _l("ingen plass i runden oppfyller kravene (type, norsknivå, "
                                "tilrettelegging, reisevei)"),
    engine.CAPACITY_TAKEN: _l("plassene som passet, gikk til andre med høyere forventet utfall"),
}  # fmt: skip
NOTE_LABELS = {
    engine.NO_SLOTS: _l("Runden hadde ingen plasser."),
    engine.NO_CANDIDATES: _l("Runden hadde ingen kandidater."),
    engine.ALL_FULL: _l("Alle plassene i runden var fulle."),
    engine.NO_FEASIBLE_PAIRS: _l("Ingen kandidat oppfylte kravene til noen plass i runden."),
}


class RoundNotFound(LookupError):
    """No such round, or one the user may not see (the view answers 404)."""


@dataclass(frozen=True)
class RoundFilters:
    """Which open slots a round covers; empty values mean "any"."""

    kind: str = ""
    start_month: date | None = None
    municipality: str = ""

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "start_month": self.start_month.strftime("%Y-%m") if self.start_month else "",
            "municipality": self.municipality,
        }


def may_start(user: User) -> bool:
    return user.role == Role.ADMIN or (user.role == Role.CASEWORKER and bool(user.is_admin))


def may_view(user: User) -> bool:
    return user.role in (Role.ADMIN, Role.CASEWORKER)


def caseworker_organisations() -> list[Organisation]:
    return db.session.scalars(
        select(Organisation)
        .where(Organisation.kind.in_(CASEWORKER_KINDS), Organisation.in_service)
        .order_by(Organisation.name)
    ).all()


def municipalities() -> list[str]:
    """Municipalities that have an open slot's site in them."""
    return [
        name
        for name in db.session.scalars(
            select(PostalPlace.municipality)
            .join(Site, Site.postal_code == PostalPlace.postal_code)
            .join(Slot, Slot.site_id == Site.id)
            .distinct()
            .order_by(PostalPlace.municipality)
        )
        if name
    ]


def rounds_for(user: User) -> list[AllocationRound]:
    stmt = select(AllocationRound).order_by(AllocationRound.id.desc()).limit(50)
    if user.role != Role.ADMIN:
        stmt = stmt.where(AllocationRound.organisation_id == user.organisation_id)
    return db.session.scalars(stmt).all()


def get_round(user: User, round_id: int) -> AllocationRound:
    """A round the user may see: admins all, caseworkers their own organisation's."""
    found = db.session.get(AllocationRound, round_id)
    if found is None or not may_view(user):
        raise RoundNotFound(round_id)
    if user.role != Role.ADMIN and found.organisation_id != user.organisation_id:
        raise RoundNotFound(round_id)
    return found


def round_suggestions(user: User, found: AllocationRound) -> list[Suggestion]:
    """The round's pairs, for the candidates' own caseworkers only (admins see totals)."""
    if user.role != Role.CASEWORKER or found.organisation_id != user.organisation_id:
        return []
    return db.session.scalars(
        select(Suggestion)
        .join(Suggestion.candidate)
        .where(
            Suggestion.allocation_round_id == found.id,
            Candidate.organisation_id == user.organisation_id,
        )
        .order_by(Suggestion.score.desc())
    ).all()


def unplaced_candidates(user: User, found: AllocationRound) -> list[tuple[Candidate, str]]:
    """Candidates the round left without a slot, with the reason; own caseworkers only."""
    if user.role != Role.CASEWORKER or found.organisation_id != user.organisation_id:
        return []
    reasons = {int(cid): reason for cid, reason in (found.totals or {}).get("unplaced", {}).items()}
    if not reasons:
        return []
    rows = db.session.scalars(
        select(Candidate)
        .where(Candidate.id.in_(reasons), Candidate.organisation_id == user.organisation_id)
        .order_by(Candidate.reference_code)
    ).all()
    return [(candidate, reasons[candidate.id]) for candidate in rows]


def _round_slots(filters: RoundFilters) -> list[Slot]:
    slots = matchmaking.open_slots()
    if filters.kind:
        slots = [s for s in slots if s.kind == filters.kind]
    if filters.start_month:
        month = (filters.start_month.year, filters.start_month.month)
        slots = [
            s for s in slots if s.start_date and (s.start_date.year, s.start_date.month) == month
        ]
    if filters.municipality:
        slots = [
            s
            for s in slots
            if s.site
            and s.site.postal_place
            and s.site.postal_place.municipality == filters.municipality
        ]
    return slots


def _team_candidates(organisation_id: int) -> list[Candidate]:
    """The team's candidates the matching may use now (active, a kind wanted, consent given)."""
    return [
        c
        for c in db.session.scalars(
            matchmaking.candidate_query()
            .where(
                Candidate.organisation_id == organisation_id,
                Candidate.status == CandidateStatus.ACTIVE,
            )
            .order_by(Candidate.id)
        )
        if matchmaking.candidate_is_indexed(c)
    ]


def _organisation_for(user: User, organisation_id: int | None) -> Organisation:
    if user.role == Role.ADMIN:
        organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
        if organisation is None or organisation.kind not in CASEWORKER_KINDS:
            raise DomainError(
                _("Velg et NAV-kontor eller en flyktningtjeneste."), field="organisation_id"
            )
        return organisation
    if not may_start(user):
        raise PermissionError("only admins and caseworker organisation admins start rounds")
    return user.organisation


def start_round(user: User, filters: RoundFilters, organisation_id: int | None = None):
    """Run a round and store its pairs as suggestions; return the stored round.

    Raises ``DomainError`` with a clear message when there is nothing to allocate (no model,
    no slots after the filters, every slot full, no active candidates), and stores nothing.
    """
    organisation = _organisation_for(user, organisation_id)
    matcher, version = matchmaking.current_matcher()
    if matcher is None:
        raise DomainError(_("Matchmodellen er ikke bygget ennå. Be en administrator bygge den."))
    slots = _round_slots(filters)
    if not slots:
        raise DomainError(_("Ingen åpne plasser passer filtrene. Velg andre filtre."))
    engine_slots = matchmaking.engine_slots(slots)
    capacity = np.array([s.free_capacity for s in engine_slots], dtype=np.int64)
    if capacity.sum() == 0:
        raise DomainError(_("Alle plassene som passer filtrene er fulle."))
    candidates = _team_candidates(organisation.id)
    if not candidates:
        raise DomainError(_("Teamet har ingen aktive kandidater med ønsket type plass."))
    engine_candidates = [matchmaking.to_engine_candidate(c) for c in candidates]
    pairs = matcher.allowed_pairs(engine_candidates, engine_slots)
    graph = (len(candidates), capacity, pairs["candidate"], pairs["slot"], pairs["expected_good"])
    greedy = engine.greedy_top1(*graph)
    result = engine.allocate(*graph, coverage=True)
    found = AllocationRound(
        organisation_id=organisation.id,
        started_by_id=user.id,
        filters=filters.as_dict(),
        model_version=version or "",
    )
    db.session.add(found)
    db.session.flush()
    stored, kept = _store_pairs(found, matcher, version, candidates, slots, engine_slots, result)
    found.totals = {
        "candidates": len(candidates),
        "slots": len(slots),
        "places": int(capacity.sum()),
        "round": result.totals(),
        "greedy": greedy.totals(),
        "notes": list(result.notes),
        "unplaced": {
            str(candidates[c].id): reason for c, reason in sorted(result.unplaced.items())
        },
        "stored": stored,
        "already_decided": kept,
        "scored_by": "learned" if getattr(matcher, "learned_", None) else "hand",
    }
    audit.record(
        user,
        "allocation_round.started",
        found,
        organisation_id=organisation.id,
        filters=found.filters,
        placed=result.placed,
        placed_greedy=greedy.placed,
    )
    db.session.commit()
    return found


def _store_pairs(found, matcher, version, candidates, slots, engine_slots, result):
    """Each assigned pair as a suggestion marked with the round; decided pairs are left alone."""
    stored = kept = 0
    for c, s in zip(result.candidate.tolist(), result.slot.tolist(), strict=True):
        candidate, slot = candidates[c], slots[s]
        existing = db.session.scalar(
            select(Suggestion).where(
                Suggestion.candidate_id == candidate.id, Suggestion.slot_id == slot.id
            )
        )
        if existing is not None and existing.status not in matchmaking.REVIVABLE:
            kept += 1  # the people decided already: a round never reopens a decision
            continue
        explained = matcher.explain(matchmaking.to_engine_candidate(candidate), engine_slots[s])
        if explained.blocked_by:  # cannot happen: the graph holds allowed pairs only
            continue
        matchmaking.store_pair(candidate.id, explained, version)
        db.session.flush()
        row = db.session.scalar(
            select(Suggestion).where(
                Suggestion.candidate_id == candidate.id, Suggestion.slot_id == slot.id
            )
        )
        row.allocation_round_id = found.id
        stored += 1
    return stored, kept
