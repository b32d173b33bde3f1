"""The bridge between the database and the matching engine.

Rows become ``matching`` dataclasses here. The fitted ``Matcher`` is a signed, versioned
artefact in the database (``model_store``); every change of a slot or candidate is applied to the
loaded model of every process and to the stored suggestions it touches (``live_matching``). A
full refit (``rebuild``: new vocabulary, new learned weights) runs nightly and on demand, with
its progress in ``RefitRun``. Ranked suggestions are written by ``suggestion_store``.
"""

from __future__ import annotations

import logging
import uuid

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

import matching
from matching import semantic
from webapp.extensions import db
from webapp.models import (
    Candidate,
    CandidateStatus,
    Occupation,
    Organisation,
    RefitRun,
    Skill,
    Slot,
    SlotStatus,
    Suggestion,
    SuggestionStatus,
    utcnow,
)
from webapp.services import live_matching, model_store
from webapp.services.capacity import taken_places
from webapp.services.errors import DomainError
from webapp.services.suggestion_store import (  # noqa: F401 (re-exported for allocation.py)
    BATCH,
    REVIVABLE,
    store_one,
    store_pair,
    store_ranked,
)

log = logging.getLogger("arbeidsbro.matching")

SUGGESTIONS_PER_PROFILE = 10


# --- rows → dataclasses ------------------------------------------------------------------------


def slot_loads() -> tuple:
    """What ``to_engine_slot`` reads, loaded up front (also under another entity's options)."""
    return selectinload(Slot.skills), selectinload(Slot.adaptations), selectinload(Slot.site)


def candidate_loads() -> tuple:
    """What ``to_engine_candidate`` reads, loaded up front."""
    return (
        selectinload(Candidate.skills),
        selectinload(Candidate.kinds),
        selectinload(Candidate.occupations),
        selectinload(Candidate.adaptation_needs),
        selectinload(Candidate.home_place),
    )


def slot_query():
    return select(Slot).options(*slot_loads())


def candidate_query():
    return select(Candidate).options(*candidate_loads())


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
        is_open=slot.status == SlotStatus.OPEN and slot.organisation.in_service,
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
        slot_query()
        .join(Slot.organisation)
        .where(Slot.status == SlotStatus.OPEN, Organisation.in_service)
        .order_by(Slot.id)
    ).all()


def active_candidates() -> list[Candidate]:
    """Candidates the model holds: active, wanting some kind of slot, consent not withdrawn."""
    return [
        c
        for c in db.session.scalars(
            candidate_query()
            .where(Candidate.status == CandidateStatus.ACTIVE)
            .order_by(Candidate.id)
        )
        if candidate_is_indexed(c)
    ]


def slot_is_indexed(slot: Slot) -> bool:
    """Whether the model holds this slot (open and published; a full one too, never suggested)."""
    return slot.status == SlotStatus.OPEN and slot.organisation.in_service


def candidate_is_indexed(candidate: Candidate) -> bool:
    return (
        candidate.status == CandidateStatus.ACTIVE
        and bool(candidate.kinds)
        and not live_matching.consent_withdrawn(candidate)
    )


def engine_slots(slots: list[Slot]) -> list[matching.Slot]:
    taken = taken_places(s.id for s in slots)
    return [to_engine_slot(slot, taken.get(slot.id, 0)) for slot in slots]


# --- the model artefact ------------------------------------------------------------------------


def latest_version() -> str | None:
    return model_store.latest_version()


def current_matcher():
    """The loaded model, up to date with every logged change (see ``model_store``)."""
    return model_store.current_matcher()


def _labels(model) -> dict[str, str]:
    return {row.code: f"{row.name_nb} {row.name_en}" for row in db.session.scalars(select(model))}


def _encoder(previous):
    """The semantic encoder when configured, reusing the previous model's cached embeddings."""
    if not current_app.config.get("SEMANTIC_ENCODER"):
        return None
    reason = semantic.missing_reason()
    if reason:
        raise RuntimeError(f"ARBEIDSBRO_SEMANTIC is on, but {reason}")
    old = getattr(getattr(previous, "text_model_", None), "encoder", None)
    return old if isinstance(old, semantic.SentenceEncoder) else semantic.SentenceEncoder()


def rebuild(progress=None, trigger: str = "manual") -> dict:
    """Refit on every open slot and active candidate, store the model, refresh suggestions.

    Progress (started, candidates done of total, finished or failed with the error) is kept
    in a ``RefitRun`` row for the admin, and passed to ``progress(done, total)`` if given.
    Reads everything once with its relationships, converts it to engine objects before the
    first commit (so commits expire nothing that is used again), and writes suggestions in
    batches of ``BATCH``.
    """
    run = RefitRun(trigger=trigger, status="running")
    db.session.add(run)
    db.session.commit()
    run_id = run.id
    try:
        result = _rebuild(run, progress)
    except Exception as error:
        db.session.rollback()
        failed = db.session.get(RefitRun, run_id)
        failed.status, failed.error = "failed", f"{type(error).__name__}: {error}"[:2000]
        failed.finished_at = utcnow()
        db.session.commit()
        raise
    return result


def _rebuild(run: RefitRun, progress) -> dict:
    changes_upto = live_matching.latest_change_id()  # later changes are replayed on top
    slots, candidates = open_slots(), active_candidates()
    if not slots or not candidates:
        run.status, run.finished_at = "finished", utcnow()
        db.session.commit()
        return {"slots": len(slots), "candidates": len(candidates), "version": None}
    engine_slot_list = engine_slots(slots)
    engine_candidates = [to_engine_candidate(c) for c in candidates]
    run.total = len(engine_candidates)
    db.session.commit()
    previous = current_matcher()[0]
    matcher = matching.Matcher(
        occupation_labels=_labels(Occupation),
        skill_labels=_labels(Skill),
        encoder=_encoder(previous),
    ).fit(engine_slot_list, engine_candidates)
    # The factor weights stay the hand weights: what the people decided is learned by
    # learning.retrain with a time-ordered split (the engine's own weight learning splits at
    # random, which lets a model see the future it is judged on).
    from webapp.services import learning  # it builds on this module's converters

    learning_report = learning.retrain(matcher, previous=previous)
    version = f"{utcnow():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"
    summary = {
        "engine": matcher.model_version_,
        "slots": len(slots),
        "candidates": len(candidates),
        "weights": matcher.weights_,
        "weights_source": matcher.weights_source_,
        # The semantic encoder's name, or None (the model card says which one reads the texts).
        "encoder": getattr(getattr(matcher.text_model_, "encoder", None), "name", None),
        "learning": learning_report,
    }
    model_store.store(matcher, version, summary, changes_upto)
    db.session.commit()
    model_store.install(matcher, version, changes_upto)
    stored, batch = 0, {}
    for done, row in enumerate(
        matcher.iter_suggest_slots(engine_candidates, k=SUGGESTIONS_PER_PROFILE), start=1
    ):
        batch[engine_candidates[done - 1].id] = row
        if len(batch) == BATCH or done == len(engine_candidates):
            stored += store_ranked(batch, version)
            batch = {}
            run.done = done
            db.session.commit()
            if progress:
                progress(done, len(engine_candidates))
    model_store.prune()
    run.status, run.version, run.finished_at = "finished", version, utcnow()
    db.session.commit()
    return {
        "slots": len(slots),
        "candidates": len(candidates),
        "version": version,
        "suggestions": stored,
    }


def latest_refit() -> RefitRun | None:
    return db.session.scalar(select(RefitRun).order_by(RefitRun.id.desc()).limit(1))


# --- refreshing suggestions (``suggestion_store`` writes them) ------------------------------------


def refresh_for_candidates(
    candidates: list[Candidate], *, matcher=None, version=None, progress=None
) -> int:
    """Rank slots for these candidates and store their suggestions (in batches)."""
    if matcher is None:
        matcher, version = current_matcher()
        if matcher is None:
            return 0
    candidates = [c for c in candidates if candidate_is_indexed(c)]
    stored = 0
    for start in range(0, len(candidates), BATCH):
        chunk = [to_engine_candidate(c) for c in candidates[start : start + BATCH]]
        ranked = matcher.suggest_slots(chunk, k=SUGGESTIONS_PER_PROFILE)
        stored += store_ranked({c.id: row for c, row in zip(chunk, ranked, strict=True)}, version)
        db.session.commit()
        if progress:
            progress(min(start + BATCH, len(candidates)), len(candidates))
    return stored


def refresh_for_candidate(candidate: Candidate) -> int:
    """Re-rank one candidate now (the "Oppdater forslag" button)."""
    live_matching.profile_changed(candidate=candidate)
    return db.session.scalar(
        select(func.count()).where(
            Suggestion.candidate_id == candidate.id,
            Suggestion.status == SuggestionStatus.SUGGESTED,
        )
    )


def refresh_after_save(*, slot: Slot | None = None, candidate: Candidate | None = None) -> None:
    """A slot or candidate was saved or changed state: apply it everywhere (``live_matching``)."""
    live_matching.profile_changed(slot=slot, candidate=candidate)


def explain_pair(candidate: Candidate, slot: Slot) -> matching.Suggestion | None:
    """The full breakdown of one pair with the current model, for the match card."""
    matcher, _version = current_matcher()
    if matcher is None:
        return None
    if not candidate.kinds:
        raise DomainError(_("Kandidaten har ikke valgt hvilken type plass hen ønsker."))
    return matcher.explain(to_engine_candidate(candidate), engine_slots([slot])[0])


def rank_own_candidates(slot: Slot, organisation_id: int, limit: int = 30):
    """One organisation's active candidates ranked for one slot, the best ``limit`` explained.

    The engine scores the slot against the organisation's own caseload in one batch call
    (``suggest_candidates_among``), so the list is as full in a county of fifty offices as in
    one office's demo; only the rows shown are loaded.
    """
    matcher, _version = current_matcher()
    if matcher is None:
        return []
    own = db.session.scalars(
        select(Candidate.id).where(
            Candidate.organisation_id == organisation_id,
            Candidate.status == CandidateStatus.ACTIVE,
        )
    ).all()
    ranked = matcher.suggest_candidates_among(engine_slots([slot])[0], own, k=limit)
    shown = [s.candidate_id for s in ranked]
    rows = {c.id: c for c in db.session.scalars(candidate_query().where(Candidate.id.in_(shown)))}
    return [(rows[match.candidate_id], match) for match in ranked if match.candidate_id in rows]


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
        from webapp.ui.match_text import explanation

        raise DomainError(" ".join(explanation(list(explained.reasons))))
    codes = live_matching.pair_blockers(candidate, slot)
    if codes:
        raise DomainError(live_matching.blocker_text(codes))
    _matcher, version = current_matcher()
    store_one(candidate.id, explained, version)
    db.session.commit()
    return db.session.scalar(
        select(Suggestion).where(
            Suggestion.candidate_id == candidate.id, Suggestion.slot_id == slot.id
        )
    )
