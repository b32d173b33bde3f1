"""Live matching: every change of a slot or candidate reaches every process's loaded model and the
stored suggestions of the profiles it touches.

1. A service saves a slot or candidate, commits, and calls :func:`profile_changed`. That writes
   one :class:`MatchChange` row (the change log).
2. Without ``REDIS_URL`` the same request then applies it: its loaded matcher catches up with
   the log (``matchmaking.current_matcher``: ``Matcher.update`` / ``remove``, milliseconds), and
   the suggestions of the profiles the change touches are re-ranked and stored. With
   ``REDIS_URL`` an RQ job stores them, and the pages say "being updated" until the change's
   ``applied_at`` is set.
3. Every other process, the next time it uses the matcher, reads the log rows after the last
   one it applied (one indexed query) and applies them to its own copy. So no request ranks
   with a model older than the last committed change, and stored suggestions are shared
   through the database.

Hard rules are checked here for what people do with suggestions, too: :func:`pair_blockers`
names why a pair may not be proposed or accepted now.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from webapp.extensions import db
from webapp.models import (
    Candidate,
    CandidateStatus,
    MatchChange,
    Slot,
    SlotStatus,
    Suggestion,
    SuggestionStatus,
    utcnow,
)
from webapp.services.capacity import taken_places

log = logging.getLogger("arbeidsbro.matching")

#: A changed slot re-ranks the suggestion lists of at most this many best-fitting candidates
#: (besides every candidate who had it suggested).
TOUCH_CANDIDATES = 200
#: A change not applied within this many minutes no longer makes pages say "being updated".
PENDING_WINDOW_MINUTES = 10

BLOCKERS = {
    "slot_closed": _l("Plassen er stengt."),
    "slot_paused": _l("Plassen er satt på pause."),
    "slot_not_open": _l("Plassen er ikke åpen lenger."),
    "slot_full": _l("Plassen er full."),
    "candidate_archived": _l("Kandidaten er arkivert."),
    "candidate_paused": _l("Kandidaten er satt på pause."),
    "consent_withdrawn": _l("Kandidaten har trukket samtykket."),
}


# --- hard rules on what people do --------------------------------------------------------------


def slot_blockers(slot: Slot, taken: int | None = None) -> list[str]:
    """Why no one may be proposed to or accepted for this slot now (empty: nothing)."""
    if slot.status == SlotStatus.CLOSED:
        return ["slot_closed"]
    if slot.status == SlotStatus.PAUSED:
        return ["slot_paused"]
    if slot.status != SlotStatus.OPEN or not slot.organisation.in_service:
        return ["slot_not_open"]
    if taken is None:
        taken = taken_places([slot.id]).get(slot.id, 0)
    return ["slot_full"] if taken >= slot.capacity else []


def consent_withdrawn(candidate: Candidate) -> bool:
    return candidate.consent_withdrawn_at is not None and not candidate.has_consent


def candidate_blockers(candidate: Candidate) -> list[str]:
    """Why this candidate may not be proposed or matched now (empty: nothing)."""
    if candidate.status == CandidateStatus.ARCHIVED:
        return ["candidate_archived"]
    if candidate.status == CandidateStatus.PAUSED:
        return ["candidate_paused"]
    return ["consent_withdrawn"] if consent_withdrawn(candidate) else []


def pair_blockers(candidate: Candidate, slot: Slot, taken: int | None = None) -> list[str]:
    return candidate_blockers(candidate) + slot_blockers(slot, taken)


def blocker_text(codes) -> str:
    return " ".join(str(BLOCKERS[code]) for code in codes if code in BLOCKERS)


def blocked_suggestions(suggestions) -> dict[int, list[str]]:
    """Suggestion id → blocker codes, for the rows among ``suggestions`` blocked now."""
    taken = taken_places({s.slot_id for s in suggestions})
    blocked = {}
    for suggestion in suggestions:
        codes = pair_blockers(
            suggestion.candidate, suggestion.slot, taken.get(suggestion.slot_id, 0)
        )
        if codes:
            blocked[suggestion.id] = codes
    return blocked


# --- the change log ----------------------------------------------------------------------------


def profile_changed(*, slot: Slot | None = None, candidate: Candidate | None = None) -> None:
    """Log a saved slot or candidate and bring the model and the suggestions up to date.

    Call after the service's own commit. A failure here never undoes the user's save: it is
    logged, and the change stays in the log for the next process (or the nightly refit).
    """
    try:
        changes = []
        if slot is not None:
            changes.append(MatchChange(kind="slot", object_id=slot.id))
        if candidate is not None:
            changes.append(MatchChange(kind="candidate", object_id=candidate.id))
        db.session.add_all(changes)
        db.session.commit()
        ids = [change.id for change in changes]
        if current_app.config.get("REDIS_URL"):
            from webapp.scheduled import jobs

            jobs.enqueue(jobs.apply_changes, ids)
        else:
            apply_changes(ids)
    except Exception:  # noqa: BLE001 - logged; the user's save stands
        db.session.rollback()
        log.exception("bringing suggestions up to date after a change failed")


def apply_changes(change_ids) -> int:
    """Re-rank and store the suggestions the logged changes touch; mark them applied."""
    from webapp.services import matchmaking

    changes = db.session.scalars(
        select(MatchChange).where(MatchChange.id.in_(list(change_ids)))
    ).all()
    matcher, version = matchmaking.current_matcher()  # catches up with the log, these included
    stored = 0
    for change in changes:
        if matcher is not None:
            stored += _refresh_touched(change.kind, change.object_id, matcher, version)
        change.applied_at = utcnow()
    db.session.commit()
    return stored


def pending_change(kind: str, object_id: int) -> bool:
    """Whether a change of this profile still waits for its suggestions to be stored."""
    return (
        db.session.scalar(
            select(MatchChange.id).where(
                MatchChange.kind == kind,
                MatchChange.object_id == object_id,
                MatchChange.applied_at.is_(None),
            )
        )
        is not None
    )


def updating(window_minutes: int = PENDING_WINDOW_MINUTES) -> bool:
    """Whether some recent change still waits for its suggestions to be stored (any profile).

    A change that waits longer than the window is taken to have failed (it is in the log; the
    nightly refit catches up), so no page says "being updated" forever.
    """
    since = utcnow() - timedelta(minutes=window_minutes)
    return (
        db.session.scalar(
            select(MatchChange.id)
            .where(MatchChange.applied_at.is_(None), MatchChange.created_at >= since)
            .limit(1)
        )
        is not None
    )


def latest_change_id() -> int:
    return db.session.scalar(select(func.max(MatchChange.id))) or 0


# --- applying changes to a loaded matcher ------------------------------------------------------


def apply_to_matcher(matcher, changes) -> None:
    """Bring ``matcher``'s index in line with the database for these (kind, id) changes.

    State-based and idempotent: each profile is read as it is now and updated, or removed if
    it may no longer be matched, whatever the order of the changes.
    """
    from webapp.services import matchmaking

    slot_ids = sorted({oid for kind, oid in changes if kind == "slot"})
    candidate_ids = sorted({oid for kind, oid in changes if kind == "candidate"})
    if slot_ids:
        rows = {
            s.id: s
            for s in db.session.scalars(matchmaking.slot_query().where(Slot.id.in_(slot_ids)))
        }
        keep = [rows[i] for i in slot_ids if i in rows and matchmaking.slot_is_indexed(rows[i])]
        _update(matcher, "slots", matchmaking.engine_slots(keep))
        matcher.remove(slot_ids=[i for i in slot_ids if i not in {s.id for s in keep}])
    if candidate_ids:
        rows = {
            c.id: c
            for c in db.session.scalars(
                matchmaking.candidate_query().where(Candidate.id.in_(candidate_ids))
            )
        }
        keep = [
            rows[i]
            for i in candidate_ids
            if i in rows and matchmaking.candidate_is_indexed(rows[i])
        ]
        _update(matcher, "candidates", [matchmaking.to_engine_candidate(c) for c in keep])
        kept = {c.id for c in keep}
        matcher.remove(candidate_ids=[i for i in candidate_ids if i not in kept])


def _update(matcher, side: str, profiles) -> None:
    """``matcher.update``; a profile it refuses (nothing to match on) is removed instead."""
    try:
        matcher.update(**{side: profiles})
    except ValueError:
        for profile in profiles:
            try:
                matcher.update(**{side: [profile]})
            except ValueError as error:
                log.info("not indexed: %s", error)
                if side == "slots":
                    matcher.remove(slot_ids=[profile.id])
                else:
                    matcher.remove(candidate_ids=[profile.id])


# --- the suggestions a change touches ----------------------------------------------------------


def _refresh_touched(kind: str, object_id: int, matcher, version) -> int:
    from webapp.services import matchmaking

    if kind == "candidate":
        candidate = db.session.get(Candidate, object_id)
        if candidate is None:
            return 0
        codes = candidate_blockers(candidate)
        if codes:
            _make_obsolete(Suggestion.candidate_id == object_id, codes[0])
            return 0
        return matchmaking.refresh_for_candidates([candidate], matcher=matcher, version=version)
    slot = db.session.get(Slot, object_id)
    if slot is None:
        return 0
    holders = set(
        db.session.scalars(
            select(Suggestion.candidate_id).where(
                Suggestion.slot_id == object_id,
                Suggestion.status == SuggestionStatus.SUGGESTED,
            )
        )
    )
    codes = slot_blockers(slot)
    if codes:
        _make_obsolete(Suggestion.slot_id == object_id, codes[0])
    newcomers = set()
    position = matcher.slot_position_.get(object_id)
    if position is not None and not codes:
        indexed = matcher.slots_.objects[position]
        (ranked,) = matcher.suggest_candidates([indexed], k=TOUCH_CANDIDATES)
        newcomers = _would_enter(
            {s.candidate_id: s.score for s in ranked}, matchmaking.SUGGESTIONS_PER_PROFILE
        )
    touched = sorted(holders | newcomers)
    if not touched:
        return 0
    candidates = db.session.scalars(
        matchmaking.candidate_query().where(Candidate.id.in_(touched))
    ).all()
    candidates = [c for c in candidates if matchmaking.candidate_is_indexed(c)]
    return matchmaking.refresh_for_candidates(candidates, matcher=matcher, version=version)


def _would_enter(scores: dict, per_profile: int) -> set:
    """Candidates whose stored list this slot's score would enter (fewer rows, or beats one)."""
    if not scores:
        return set()
    lists = dict(
        (cid, (count, low))
        for cid, count, low in db.session.execute(
            select(Suggestion.candidate_id, func.count(), func.min(Suggestion.score))
            .where(
                Suggestion.candidate_id.in_(list(scores)),
                Suggestion.status == SuggestionStatus.SUGGESTED,
            )
            .group_by(Suggestion.candidate_id)
        )
    )
    return {
        cid
        for cid, score in scores.items()
        if cid not in lists or lists[cid][0] < per_profile or round(score, 4) >= lists[cid][1]
    }


def _make_obsolete(where, reason_code: str) -> None:
    """Hide suggested pairs a hard rule now blocks, keeping why (shown on the list)."""
    db.session.execute(
        update(Suggestion)
        .where(where, Suggestion.status == SuggestionStatus.SUGGESTED)
        .values(status=SuggestionStatus.OBSOLETE, reason_code=reason_code, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
