"""Storing ranked suggestions: fresh pairs in, stale undecided ones out, decisions kept.

``matchmaking`` (refits, refreshes, the match card) and allocation rounds write suggestions
through here; the rules are those of DESIGN.md §4.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update

from webapp.extensions import db
from webapp.models import Candidate, Slot, Suggestion, SuggestionStatus, utcnow

# Decisions the weights may learn from: approved or accepted pairs are good, the rest bad.
FINAL_NO = {SuggestionStatus.REJECTED, SuggestionStatus.DECLINED}
#: Rows a fresh ranking may overwrite: undecided, or hidden by a hard rule that holds no more.
REVIVABLE = {SuggestionStatus.SUGGESTED, SuggestionStatus.OBSOLETE}
#: Suggestions written per statement (and candidates per progress step) in a refit.
BATCH = 1000


def store_pair(candidate_id: int, suggestion, version: str | None) -> int:
    """Store one explained pair for a candidate, leaving their other suggestions alone."""
    return store_ranked({candidate_id: [suggestion]}, version, keep_others=True)


def store_ranked(ranked: dict, version: str | None, *, keep_others: bool = False) -> int:
    """Store fresh suggestions for these candidates (id → ranked list) in bulk statements.

    Per candidate: fresh pairs are inserted or overwrite undecided ones; undecided pairs no
    longer ranked are deleted, except those an allocation round proposed; decided pairs stay as
    they are. A rejected or declined pair
    comes back only when the candidate or the slot has changed since the decision (DESIGN.md
    §4). Returns how many suggestions were written.
    """
    if not ranked:
        return 0
    existing = {
        (row.candidate_id, row.slot_id): row
        for row in db.session.execute(
            select(
                Suggestion.id,
                Suggestion.candidate_id,
                Suggestion.slot_id,
                Suggestion.status,
                Suggestion.candidate_changed_at,
                Suggestion.slot_changed_at,
                Suggestion.allocation_round_id,
            ).where(Suggestion.candidate_id.in_(list(ranked)))
        )
    }
    decided_no = [key for key, row in existing.items() if row.status in FINAL_NO]
    times = _change_times(decided_no) if decided_no else {}
    inserts, updates, fresh_keys = [], [], set()
    for candidate_id, suggestions in ranked.items():
        for suggestion in suggestions:
            key = (candidate_id, suggestion.slot_id)
            fresh_keys.add(key)
            row = existing.get(key)
            if row is not None and row.status in FINAL_NO and not _changed_since(row, times):
                continue
            if row is not None and row.status not in FINAL_NO | REVIVABLE:
                continue  # approved, proposed, accepted, withdrawn: the people decided already
            values = _values(suggestion, version)
            if row is None:
                inserts.append({"candidate_id": key[0], "slot_id": key[1], **values})
            else:
                updates.append({"id": row.id, **values})
    # An allocation round's pair stays until a caseworker decides it: the round chose it for
    # the team as a whole, not because it is among the candidate's own top ten.
    stale = [
        row.id
        for key, row in existing.items()
        if not keep_others
        and key not in fresh_keys
        and row.status == SuggestionStatus.SUGGESTED
        and row.allocation_round_id is None
    ]
    for start in range(0, len(stale), BATCH):
        db.session.execute(
            delete(Suggestion)
            .where(Suggestion.id.in_(stale[start : start + BATCH]))
            .execution_options(synchronize_session=False)
        )
    now = utcnow()
    for start in range(0, len(inserts), BATCH):
        chunk = [
            {**row, "created_at": now, "updated_at": now} for row in inserts[start : start + BATCH]
        ]
        db.session.execute(insert(Suggestion), chunk)
    for start in range(0, len(updates), BATCH):
        chunk = [{**row, "updated_at": now} for row in updates[start : start + BATCH]]
        db.session.execute(update(Suggestion), chunk)
    # Rows of these candidates already in the session were changed behind its back.
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Suggestion) and obj.candidate_id in ranked:
            db.session.expire(obj)
    return len(inserts) + len(updates)


def _values(ranked, version) -> dict:
    return {
        "status": SuggestionStatus.SUGGESTED,
        "score": round(float(ranked.score), 4),
        "factors": {name: round(float(v), 4) for name, v in ranked.factors.items()},
        "reasons": _reasons(ranked),
        "model_version": version or "",
        "decided_by_id": None,
        "decided_at": None,
        "reason_code": None,
        "reason": "",
    }


def _change_times(pairs) -> dict[tuple[str, int], object]:
    """When each candidate and slot in these pairs was last changed."""
    candidate_ids = list({c for c, _s in pairs})
    slot_ids = list({s for _c, s in pairs})
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


def _changed_since(row, times) -> bool:
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


def store_one(candidate_id: int, explained, version) -> None:
    """Add one explained pair to a candidate's suggestions, keeping the others."""
    db.session.add(
        Suggestion(
            candidate_id=candidate_id, slot_id=explained.slot_id, **_values(explained, version)
        )
    )
    db.session.flush()
