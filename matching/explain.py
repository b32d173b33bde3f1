"""Reasons: translatable keys with parameters, and the words both texts share.

A reason is ``{"key": str, "params": dict}``; the web app translates the key (nb first, en) and
fills in the parameters. Positive reasons come first, most important first; what is missing
comes last.
"""

from __future__ import annotations

import numpy as np

from .rules import LEVEL_RANK
from .scoring import NEUTRAL
from .types import LANGUAGE_SUPPORT

#: A factor value from which hours or start date are called a good fit.
GOOD_FIT = 0.8
#: Most shared terms and skills named in a reason.
MAX_LISTED = 5
#: Most shared terms ``explain`` returns.
MAX_SHARED_TERMS = 8
#: Character n-gram cosine from which two different words count as related ("kokk", "kokkfaget").
RELATED_WORD_MIN_SIMILARITY = 0.35
SIMILARITY_DECIMALS = 2
DISTANCE_DECIMALS = 1


def reason(key: str, **params) -> dict:
    return {"key": key, "params": params}


def reasons(candidate, slot, values, contributions, km, shared_skills, low, shared_terms=()):
    """Reasons for a scored pair (see the module docstring for the format)."""
    found = []  # (contribution, reason)
    if values["text_similarity"] > 0:
        params = {"similarity": round(values["text_similarity"], SIMILARITY_DECIMALS)}
        if shared_terms:
            params["terms"] = list(shared_terms[:MAX_LISTED])
        found.append((contributions["text_similarity"], reason("similar_text", **params)))
    if shared_skills:
        found.append(
            (
                contributions["skill_overlap"],
                reason(
                    "shared_skills",
                    skills=list(shared_skills[:MAX_LISTED]),
                    count=len(shared_skills),
                ),
            )
        )
    if slot.occupation is not None and slot.occupation in candidate.occupations:
        found.append(
            (
                contributions["occupation_match"],
                reason("occupation_match", occupation=slot.occupation),
            )
        )
    found.extend(_practical_reasons(candidate, slot, values, contributions, km))
    found.sort(key=lambda item: -item[0])
    out = [r for _, r in found]
    if _level_waived(candidate, slot):
        out.append(
            reason(
                "language_support_offered",
                required=slot.norwegian_level,
                candidate_level=candidate.norwegian_level,
            )
        )
    out.extend(_missing(candidate, slot, values))
    if low:
        out.insert(0, reason("low_confidence"))
    return tuple(out)


def _practical_reasons(candidate, slot, values, contributions, km):
    if values["hours_fit"] >= GOOD_FIT and slot.hours_per_week and candidate.hours_per_week:
        yield (
            contributions["hours_fit"],
            reason(
                "hours_fit",
                candidate_hours=candidate.hours_per_week,
                slot_hours=slot.hours_per_week,
            ),
        )
    if values["start_fit"] >= GOOD_FIT and slot.start_date and candidate.available_from:
        yield (
            contributions["start_fit"],
            reason(
                "start_fit",
                start_date=slot.start_date.isoformat(),
                available_from=candidate.available_from.isoformat(),
            ),
        )
    if not np.isnan(km):
        yield (
            contributions["distance_decay"],
            reason("distance", distance_km=round(float(km), DISTANCE_DECIMALS)),
        )


def _missing(candidate, slot, values):
    missing_skills = sorted(slot.skills - candidate.skills)
    if missing_skills:
        yield reason(
            "missing_skills", skills=missing_skills[:MAX_LISTED], count=len(missing_skills)
        )
    if values["hours_fit"] < GOOD_FIT and values["hours_fit"] != NEUTRAL:
        yield reason(
            "hours_differ", candidate_hours=candidate.hours_per_week, slot_hours=slot.hours_per_week
        )
    if values["start_fit"] < GOOD_FIT and values["start_fit"] != NEUTRAL:
        yield reason(
            "start_differs",
            start_date=slot.start_date.isoformat(),
            available_from=candidate.available_from.isoformat(),
        )


def _level_waived(candidate, slot) -> bool:
    below = LEVEL_RANK[candidate.norwegian_level] < LEVEL_RANK[slot.norwegian_level]
    return below and LANGUAGE_SUPPORT in slot.adaptations


def blocked_reasons(candidate, slot, blocked, km) -> tuple:
    """One ``blocked_<rule>`` reason per rule the pair breaks, with what it would need."""
    params = {
        "slot_open": {},
        "free_capacity": {"free_capacity": slot.free_capacity},
        "kind": {"kind": slot.kind, "kinds_wanted": sorted(candidate.kinds)},
        "norwegian_level": {
            "required": slot.norwegian_level,
            "candidate_level": candidate.norwegian_level,
        },
        "adaptations": {"missing": sorted(candidate.adaptation_needs - slot.adaptations)},
        "distance": {
            "distance_km": None if np.isnan(km) else round(float(km), DISTANCE_DECIMALS),
            "max_distance_km": candidate.max_distance_km,
        },
    }
    return tuple(reason(f"blocked_{rule}", **params[rule]) for rule in blocked)


def shared_terms(text_model, candidate_text: str, slot_text: str) -> tuple[str, ...]:
    """Slot words the candidate's text matched: shared words first, then related compounds."""
    cand = text_model.word_terms(candidate_text)
    slot = text_model.word_terms(slot_text)
    shared = sorted(set(cand) & set(slot), key=lambda w: (-cand[w] * slot[w], w))
    rest_c = sorted(set(cand) - set(slot))
    rest_s = sorted(set(slot) - set(cand))
    related = []
    if rest_c and rest_s:
        grams = text_model.char_vector(rest_c + rest_s)
        sims = (grams[: len(rest_c)] @ grams[len(rest_c) :].T).toarray()
        best = sims.max(axis=0)
        order = np.argsort(-best, kind="stable")
        related = [rest_s[j] for j in order if best[j] >= RELATED_WORD_MIN_SIMILARITY]
    return tuple((shared + related)[:MAX_SHARED_TERMS])
