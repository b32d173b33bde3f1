"""The bridge between the database and the matching engine.

Rows become ``matching`` dataclasses here; the fitted ``Matcher`` is a versioned artefact in the
database, so every web process on every machine serves the same model and loads a newer one when
``flask match rebuild`` (or its background job) has made it. Saving one candidate or slot re-ranks
just that profile against the fitted model, in milliseconds, without refitting.
"""

from __future__ import annotations

import io
import logging
import threading
import uuid

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

import matching
from webapp.extensions import db
from webapp.models import (
    Candidate,
    CandidateStatus,
    ModelArtifact,
    Occupation,
    Organisation,
    Skill,
    Slot,
    SlotStatus,
    Suggestion,
    SuggestionStatus,
    utcnow,
)
from webapp.services.capacity import taken_places
from webapp.services.errors import DomainError

log = logging.getLogger("arbeidsbro.matching")

SUGGESTIONS_PER_PROFILE = 10
# Decisions the weights may learn from: approved or accepted pairs are good, the rest bad.
GOOD_DECISIONS = {SuggestionStatus.APPROVED, SuggestionStatus.PROPOSED, SuggestionStatus.ACCEPTED}
BAD_DECISIONS = {SuggestionStatus.REJECTED, SuggestionStatus.DECLINED}
FINAL_NO = BAD_DECISIONS
EXPIRED = "expired"


# --- rows → dataclasses ------------------------------------------------------------------------


def _slot_query():
    return select(Slot).options(
        selectinload(Slot.skills), selectinload(Slot.adaptations), selectinload(Slot.site)
    )


def _candidate_query():
    return select(Candidate).options(
        selectinload(Candidate.skills),
        selectinload(Candidate.kinds),
        selectinload(Candidate.occupations),
        selectinload(Candidate.adaptation_needs),
        selectinload(Candidate.home_place),
    )


def to_engine_slot(slot: Slot, taken: int = 0) -> matching.Slot:
    site = slot.site
    location = (site.latitude, site.longitude) if site and site.latitude is not None else None
    return matching.Slot(
        id=slot.id,
        kind=slot.kind,
        title=slot.title,
        description=" ".join([slot.description or "", *(slot.extra_skills or [])]),
        occupation=slot.occupation_code,
        skills=frozenset(s.code for s in slot.skills),
        norwegian_level=slot.norwegian_level or "none",
        location=location,
        hours_per_week=slot.hours_per_week,
        start_date=slot.start_date,
        free_capacity=max(slot.capacity - taken, 0),
        adaptations=frozenset(a.code for a in slot.adaptations),
        is_open=slot.status == SlotStatus.OPEN and slot.organisation.approved_at is not None,
    )


def to_engine_candidate(candidate: Candidate) -> matching.Candidate:
    place = candidate.home_place
    return matching.Candidate(
        id=candidate.id,
        kinds=frozenset(k.code for k in candidate.kinds),
        goals=candidate.goals or "",
        skills=frozenset(s.code for s in candidate.skills),
        experience=" ".join([candidate.experience or "", candidate.education or ""]),
        occupations=frozenset(o.code for o in candidate.occupations),
        norwegian_level=candidate.norwegian_level or "none",
        location=(place.latitude, place.longitude) if place else None,
        max_distance_km=candidate.max_commute_km,
        hours_per_week=candidate.hours_per_week,
        available_from=candidate.available_from,
        adaptation_needs=frozenset(a.code for a in candidate.adaptation_needs),
    )


def open_slots() -> list[Slot]:
    return db.session.scalars(
        _slot_query()
        .join(Slot.organisation)
        .where(Slot.status == SlotStatus.OPEN, Organisation.approved_at.is_not(None))
        .order_by(Slot.id)
    ).all()


def active_candidates() -> list[Candidate]:
    """Active candidates who want some kind of slot (without one nothing can match)."""
    return [
        c
        for c in db.session.scalars(
            _candidate_query()
            .where(Candidate.status == CandidateStatus.ACTIVE)
            .order_by(Candidate.id)
        )
        if c.kinds
    ]


def engine_slots(slots: list[Slot]) -> list[matching.Slot]:
    taken = taken_places(s.id for s in slots)
    return [to_engine_slot(slot, taken.get(slot.id, 0)) for slot in slots]


# --- the model artefact ------------------------------------------------------------------------

_cache_lock = threading.Lock()
_cache: dict[str, object] = {"version": None, "matcher": None}


def latest_version() -> str | None:
    return db.session.scalar(select(ModelArtifact.version).order_by(ModelArtifact.id.desc()))


def current_matcher() -> tuple[matching.Matcher | None, str | None]:
    """The newest fitted model, loaded once per process and again only when a newer one exists."""
    version = latest_version()
    if version is None:
        return None, None
    with _cache_lock:
        if _cache["version"] != version:
            payload = db.session.scalar(
                select(ModelArtifact.payload).where(ModelArtifact.version == version)
            )
            try:
                _cache["matcher"] = matching.Matcher.load(payload)
            except matching.ModelVersionError:
                log.warning("model %s was saved by another version; rebuild it", version)
                return None, None
            _cache["version"] = version
        return _cache["matcher"], version


def _labels(model) -> dict[str, str]:
    return {row.code: f"{row.name_nb} {row.name_en}" for row in db.session.scalars(select(model))}


def store_pair(candidate_id: int, suggestion, version: str | None) -> int:
    """Store one explained pair for a candidate, leaving their other suggestions alone."""
    return _store(candidate_id, [suggestion], version, by="candidate", keep_others=True)


def rebuild(progress=None) -> dict:
    """Fit a new model on every open slot and active candidate, store it, refresh suggestions."""
    slots, candidates = open_slots(), active_candidates()
    if not slots or not candidates:
        return {"slots": len(slots), "candidates": len(candidates), "version": None}
    decisions = [
        (cid, sid, status in GOOD_DECISIONS)
        for cid, sid, status, code in db.session.execute(
            select(
                Suggestion.candidate_id,
                Suggestion.slot_id,
                Suggestion.status,
                Suggestion.answer_reason_code,
            ).where(Suggestion.status.in_(GOOD_DECISIONS | BAD_DECISIONS))
        )
        if code != EXPIRED  # an employer who never answered did not decline
    ]
    matcher = matching.Matcher(
        occupation_labels=_labels(Occupation), skill_labels=_labels(Skill)
    ).fit(engine_slots(slots), [to_engine_candidate(c) for c in candidates], decisions or None)
    from webapp.services import learning  # it builds on this module's converters

    learning_report = learning.retrain(matcher, previous=current_matcher()[0])
    buffer = io.BytesIO()
    matcher.save(buffer)
    version = f"{utcnow():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"
    db.session.add(
        ModelArtifact(
            version=version,
            payload=buffer.getvalue(),
            summary={
                "engine": matcher.model_version_,
                "slots": len(slots),
                "candidates": len(candidates),
                "weights": matcher.weights_,
                "weights_source": matcher.weights_source_,
                "learning": learning_report,
            },
        )
    )
    db.session.commit()
    stored = refresh_for_candidates(candidates, matcher=matcher, version=version, progress=progress)
    return {
        "slots": len(slots),
        "candidates": len(candidates),
        "version": version,
        "suggestions": stored,
    }


# --- storing suggestions -----------------------------------------------------------------------


def refresh_for_candidates(
    candidates: list[Candidate], *, matcher=None, version=None, progress=None
) -> int:
    """Rank slots for these candidates and store the suggestions (one commit per batch)."""
    if matcher is None:
        matcher, version = current_matcher()
        if matcher is None:
            return 0
    candidates = [c for c in candidates if c.kinds]
    stored = 0
    batch = 500
    for start in range(0, len(candidates), batch):
        chunk = candidates[start : start + batch]
        ranked = matcher.suggest_slots(
            [to_engine_candidate(c) for c in chunk], k=SUGGESTIONS_PER_PROFILE
        )
        for candidate, suggestions in zip(chunk, ranked, strict=True):
            stored += _store(candidate.id, suggestions, version, by="candidate")
        db.session.commit()
        if progress:
            progress(min(start + batch, len(candidates)), len(candidates))
    return stored


def refresh_for_slot(slot: Slot) -> int:
    """Rank candidates for one changed or new slot and store the suggestions."""
    matcher, version = current_matcher()
    if matcher is None:
        return 0
    (suggestions,) = matcher.suggest_candidates(engine_slots([slot]), k=SUGGESTIONS_PER_PROFILE)
    stored = _store(slot.id, suggestions, version, by="slot")
    db.session.commit()
    return stored


def refresh_for_candidate(candidate: Candidate) -> int:
    return refresh_for_candidates([candidate])


def refresh_after_save(*, slot: Slot | None = None, candidate: Candidate | None = None) -> None:
    """Re-rank the one profile just saved. A failure here must never undo the user's save."""
    try:
        if slot is not None:
            refresh_for_slot(slot)
        if candidate is not None:
            refresh_for_candidate(candidate)
    except Exception:  # noqa: BLE001 - logged; the nightly rebuild catches up
        db.session.rollback()
        log.exception("re-ranking after save failed")


def _store(owner_id: int, suggestions, version: str, *, by: str, keep_others=False) -> int:
    """Upsert fresh suggestions for one profile; drop its stale undecided ones.

    Decided pairs are kept as they are. A rejected or declined pair comes back only when the
    candidate or the slot has changed since the decision (DESIGN.md §4).
    """
    column = Suggestion.candidate_id if by == "candidate" else Suggestion.slot_id
    existing = {
        (s.candidate_id, s.slot_id): s
        for s in db.session.scalars(select(Suggestion).where(column == owner_id))
    }
    fresh = {(s.candidate_id, s.slot_id): s for s in suggestions}
    times = _change_times(fresh) if fresh else {}
    stored = 0
    for key, ranked in fresh.items():
        row = existing.get(key)
        if row is not None and row.status in FINAL_NO and not _changed_since(row, times):
            continue
        if row is not None and row.status not in FINAL_NO | {SuggestionStatus.SUGGESTED}:
            continue  # approved, proposed, accepted, withdrawn: the people decided already
        if row is None:
            row = Suggestion(candidate_id=key[0], slot_id=key[1])
            db.session.add(row)
        row.status = SuggestionStatus.SUGGESTED
        row.score = round(float(ranked.score), 4)
        row.factors = {name: round(float(v), 4) for name, v in ranked.factors.items()}
        row.reasons = _reasons(ranked)
        row.model_version = version or ""
        row.decided_by_id = row.decided_at = row.reason_code = None
        row.reason = ""
        stored += 1
    for key, row in existing.items():
        if not keep_others and key not in fresh and row.status == SuggestionStatus.SUGGESTED:
            db.session.delete(row)
    return stored


def _change_times(pairs) -> dict[tuple[str, int], object]:
    """When each candidate and slot in these pairs was last changed."""
    candidate_ids = {c for c, _s in pairs}
    slot_ids = {s for _c, s in pairs}
    times = {
        ("candidate", cid): at
        for cid, at in db.session.execute(
            select(Candidate.id, Candidate.updated_at).where(Candidate.id.in_(candidate_ids))
        )
    }
    times.update(
        (("slot", sid), at)
        for sid, at in db.session.execute(
            select(Slot.id, Slot.updated_at).where(Slot.id.in_(slot_ids))
        )
    )
    return times


def _changed_since(row: Suggestion, times) -> bool:
    candidate_now = times.get(("candidate", row.candidate_id))
    slot_now = times.get(("slot", row.slot_id))
    return bool(
        (row.candidate_changed_at and candidate_now and candidate_now > row.candidate_changed_at)
        or (row.slot_changed_at and slot_now and slot_now > row.slot_changed_at)
    )


def _reasons(ranked) -> list:
    extra = {
        "shared_skills": list(ranked.shared_skills),
        "shared_terms": list(ranked.shared_terms),
        "low_confidence": bool(ranked.low_confidence),
        "rules_met": list(ranked.rules_met),
    }
    return [*[dict(r) for r in ranked.reasons], {"key": "_details", "params": extra}]


def explain_pair(candidate: Candidate, slot: Slot) -> matching.Suggestion | None:
    """The full breakdown of one pair with the current model, for the match card."""
    matcher, _version = current_matcher()
    if matcher is None:
        return None
    if not candidate.kinds:
        raise DomainError(_("Kandidaten har ikke valgt hvilken type plass hen ønsker."))
    return matcher.explain(to_engine_candidate(candidate), engine_slots([slot])[0])


def rank_own_candidates(slot: Slot, organisation_id: int, limit: int = 30):
    """Candidates of one organisation ranked for one slot, each with its full explanation."""
    matcher, _version = current_matcher()
    candidates = [
        c
        for c in db.session.scalars(
            _candidate_query().where(
                Candidate.organisation_id == organisation_id,
                Candidate.status == CandidateStatus.ACTIVE,
            )
        )
        if c.kinds
    ]
    if matcher is None or not candidates:
        return []
    engine_slot = engine_slots([slot])[0]
    explained = [(c, matcher.explain(to_engine_candidate(c), engine_slot)) for c in candidates]
    allowed = [(c, s) for c, s in explained if not s.blocked_by]
    allowed.sort(key=lambda pair: pair[1].score, reverse=True)
    return allowed[:limit]


def suggestion_for(candidate: Candidate, slot: Slot) -> Suggestion:
    """The stored suggestion for a pair, made from the model's explanation when there is none."""
    row = db.session.scalar(
        select(Suggestion).where(
            Suggestion.candidate_id == candidate.id, Suggestion.slot_id == slot.id
        )
    )
    if row is not None:
        return row
    explained = explain_pair(candidate, slot)
    if explained is None:
        raise DomainError(_("Matchmodellen er ikke bygget ennå. Be en administrator bygge den."))
    if explained.blocked_by:
        from webapp.match_text import explanation

        raise DomainError(" ".join(explanation(list(explained.reasons))))
    _matcher, version = current_matcher()
    _store(candidate.id, [explained], version, by="candidate", keep_others=True)
    db.session.commit()
    return db.session.scalar(
        select(Suggestion).where(
            Suggestion.candidate_id == candidate.id, Suggestion.slot_id == slot.id
        )
    )
