""" "Why not this slot?": the engine's verdict on slots a caseworker searched for by name.

The suggestions list shows what the engine picked; a caseworker who expected another slot asks
why it is missing. The answer is the engine's own ``explain``: the hard rule that blocks the
pair, or the score it would have had.
"""

from __future__ import annotations

from dataclasses import dataclass

from webapp.models import Candidate, Slot
from webapp.services import matchmaking, slot_search

#: Most slots explained per search (each is one engine call).
MAX_SLOTS = 5


@dataclass(frozen=True)
class Verdict:
    slot: Slot
    blocked: bool
    score: float
    reasons: list

    @property
    def blockers(self) -> list:
        """The ``blocked_<rule>`` reasons: what stops the pair."""
        return [r for r in self.reasons if r.get("key", "").startswith("blocked_")]


def why_not(candidate: Candidate, query: str) -> list[Verdict] | None:
    """Verdicts on the visible slots whose text matches ``query``; None without a model."""
    if not query.strip():
        return []
    hits = slot_search.search(slot_search.SlotFilters(q=query), per_page=MAX_SLOTS).hits
    verdicts = []
    for hit in hits:
        explained = matchmaking.explain_pair(candidate, hit.slot)
        if explained is None:
            return None
        verdicts.append(
            Verdict(
                slot=hit.slot,
                blocked=bool(explained.blocked_by),
                score=float(explained.score),
                reasons=[dict(r) for r in explained.reasons],
            )
        )
    return verdicts
