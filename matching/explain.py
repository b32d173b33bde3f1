"""Reasons: translatable keys with parameters, the words both texts share, and ``explain``.

A reason is ``{"key": str, "params": dict}``; the web app translates the key (nb first, en) and
fills in the parameters. Positive reasons come first, most important first; what is missing
comes last. The keys and their parameters:

==========================  ==========================================================
low_confidence              (none) — always first when present
similar_text                similarity (0–1), terms (list; from ``explain`` only)
shared_skills               skills (list, at most 5), count
occupation_match            occupation (code)
occupation_concept          code, label_nb, label_en, confidence — both sides name the same
                            ESCO occupation ("both are *helsefagarbeider*")
hours_fit / hours_differ    candidate_hours, slot_hours
start_fit / start_differs   start_date, available_from (ISO dates)
distance                    distance_km
language_support_offered    required, candidate_level
missing_skills              skills (list, at most 5), count
blocked_slot_open           (none)
blocked_free_capacity       free_capacity
blocked_kind                kind, kinds_wanted (list)
blocked_norwegian_level     required, candidate_level
blocked_adaptations         missing (list)
blocked_distance            distance_km (or None), max_distance_km
==========================  ==========================================================
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from sklearn.utils.validation import check_is_fitted

from . import occupations as occupation_layer
from .encoding import _check_profiles, _take
from .rules import LEVEL_RANK, RULES, distance_applies, pair_rule_masks
from .scoring import FACTORS, distance_km
from .types import LANGUAGE_SUPPORT, Candidate, Slot, Suggestion

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


# Positions of the factors in the value and contribution sequences.
TEXT, SKILLS, OCCUPATION, HOURS, START, DISTANCE = (
    FACTORS.index(name)
    for name in (
        "text_similarity",
        "skill_overlap",
        "occupation_match",
        "hours_fit",
        "start_fit",
        "distance_decay",
    )
)


def reasons(
    candidate, slot, values, contributions, km, shared_skills, low, shared_terms=(), concept=None
):
    """Reasons for a scored pair (see the module docstring for the format).

    ``values`` and ``contributions`` are sequences in :data:`matching.scoring.FACTORS` order.
    Written flat because a full re-match calls it a million times.
    """
    found = []  # (contribution, reason)
    if values[TEXT] > 0:
        params = {"similarity": round(values[TEXT], SIMILARITY_DECIMALS)}
        if shared_terms:
            params["terms"] = list(shared_terms[:MAX_LISTED])
        found.append((contributions[TEXT], {"key": "similar_text", "params": params}))
    if shared_skills:
        params = {"skills": list(shared_skills[:MAX_LISTED]), "count": len(shared_skills)}
        found.append((contributions[SKILLS], {"key": "shared_skills", "params": params}))
    if values[OCCUPATION] == 1.0 and slot.occupation in candidate.occupations:
        params = {"occupation": slot.occupation}
        found.append((contributions[OCCUPATION], {"key": "occupation_match", "params": params}))
    elif concept is not None:
        found.append((contributions[OCCUPATION], {"key": "occupation_concept", "params": concept}))
    hours_known = candidate.hours_per_week is not None and slot.hours_per_week is not None
    if hours_known and values[HOURS] >= GOOD_FIT:
        params = {"candidate_hours": candidate.hours_per_week, "slot_hours": slot.hours_per_week}
        found.append((contributions[HOURS], {"key": "hours_fit", "params": params}))
    dates_known = candidate.available_from is not None and slot.start_date is not None
    if dates_known and values[START] >= GOOD_FIT:
        params = {
            "start_date": slot.start_date.isoformat(),
            "available_from": candidate.available_from.isoformat(),
        }
        found.append((contributions[START], {"key": "start_fit", "params": params}))
    if km == km:  # not nan: both locations known
        params = {"distance_km": round(km, DISTANCE_DECIMALS)}
        found.append((contributions[DISTANCE], {"key": "distance", "params": params}))
    found.sort(key=_first, reverse=True)
    out = [r for _, r in found]
    if low:
        out.insert(0, {"key": "low_confidence", "params": {}})
    if slot.norwegian_level != "none" and _level_waived(candidate, slot):
        out.append(
            reason(
                "language_support_offered",
                required=slot.norwegian_level,
                candidate_level=candidate.norwegian_level,
            )
        )
    if slot.skills and len(shared_skills) < len(slot.skills):
        missing = sorted(slot.skills - candidate.skills)
        out.append(reason("missing_skills", skills=missing[:MAX_LISTED], count=len(missing)))
    if hours_known and values[HOURS] < GOOD_FIT:
        out.append(
            reason(
                "hours_differ",
                candidate_hours=candidate.hours_per_week,
                slot_hours=slot.hours_per_week,
            )
        )
    if dates_known and values[START] < GOOD_FIT:
        out.append(
            reason(
                "start_differs",
                start_date=slot.start_date.isoformat(),
                available_from=candidate.available_from.isoformat(),
            )
        )
    return tuple(out)


def _first(item):
    return item[0]


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
    shared = sorted(set(cand) & set(slot), key=lambda w: (-cand[w][1] * slot[w][1], w))
    rest_c = sorted(set(cand) - set(slot))
    rest_s = sorted(set(slot) - set(cand))
    related = []
    if rest_c and rest_s:
        grams = text_model.char_vectors(rest_c + rest_s)
        sims = (grams[: len(rest_c)] @ grams[len(rest_c) :].T).toarray()
        best = sims.max(axis=0)
        order = np.argsort(-best, kind="stable")
        related = [rest_s[j] for j in order if best[j] >= RELATED_WORD_MIN_SIMILARITY]
    return tuple(slot[w][0] for w in (shared + related)[:MAX_SHARED_TERMS])


class Explaining:
    """Methods of ``Matcher`` that build suggestions with their reasons, and ``explain``."""

    def _shared_concepts(self, cand_features, slot_features, c_sel, s_sel) -> list:
        """Reason parameters of the best concept each selected pair shares (or None)."""
        index = getattr(self, "occupation_index_", None)
        if index is None or cand_features.concepts is None or slot_features.concepts is None:
            return [None] * len(c_sel)
        return occupation_layer.shared_concepts(
            self.occupation_index_,
            cand_features.concepts[c_sel],
            slot_features.concepts[s_sel],
        )

    def _suggestion(
        self, candidate, slot, contributions, values, km, low, concept=None, **extra
    ) -> Suggestion:
        """Build one Suggestion from a scored pair (lists of factor contributions and values)."""
        if candidate.skills and slot.skills:
            shared_skills = tuple(sorted(candidate.skills & slot.skills))
        else:
            shared_skills = ()
        score = sum(contributions)
        fields = {
            "candidate_id": candidate.id,
            "slot_id": slot.id,
            "score": 1.0 if score > 1.0 else max(0.0, score),
            "factors": dict(zip(FACTORS, contributions, strict=True)),
            "reasons": reasons(
                candidate,
                slot,
                values,
                contributions,
                km,
                shared_skills,
                low,
                extra.get("shared_terms", ()),
                concept,
            ),
            "blocked_by": (),
            "rules_met": (),
            "shared_terms": (),
            "shared_skills": shared_skills,
            "low_confidence": low,
            "model_version": self.model_version_,
            **extra,
        }
        return _new_suggestion(fields)

    def _shared_terms(self, candidate, slot) -> tuple[str, ...]:
        # The people's own words only: the taxonomy labels the texts are expanded with carry
        # both languages, and skills and occupations have reasons of their own.
        return shared_terms(
            self.text_model_,
            f"{candidate.goals} {candidate.experience}",
            f"{slot.title} {slot.description}",
        )

    def _fitted_pair(self, candidate, slot, vocabularies):
        """The fitted encodings of the pair when both profiles are fitted as they are and name
        no label the fitted vocabularies lack (a fresh encoding would be the same); else None."""
        grown = (
            len(vocabularies["skill"].index) != len(self.skill_vocab_.index)
            or len(vocabularies["occupation"].index) != len(self.occupation_vocab_.index)
            or len(vocabularies["adaptation"]) != len(self.adaptation_vocab_)
        )
        if grown:
            return None
        c = self._fitted_positions([candidate], Candidate)[0]
        s = self._fitted_positions([slot], Slot)[0]
        if c < 0 or s < 0:
            return None
        return _take(self.candidates_, [c]), _take(self.slots_, [s])

    def explain(self, candidate, slot) -> Suggestion:
        """Full breakdown for any candidate–slot pair, fitted or not.

        Returns
        -------
        Suggestion
            With ``factors``, ``reasons``, ``rules_met``, ``shared_terms`` and ``shared_skills``.
            For a pair that breaks a hard rule, ``blocked_by`` names the rules, ``score`` is 0 and
            ``factors`` show how the pair would otherwise have scored.
        """
        check_is_fitted(self)
        _check_profiles([candidate], Candidate, "candidate")
        _check_profiles([slot], Slot, "slot")
        vocabularies = self._vocabularies(candidate, slot)
        fitted = self._fitted_pair(candidate, slot, vocabularies)
        if fitted is not None:  # a ranked list's rows: no encoding at all (8 ms a pair)
            cands, slots = fitted
        else:
            cands = self._encode([candidate], Candidate, vocabularies)
            slots = self._encode([slot], Slot, vocabularies)
        masks = {
            name: bool(mask[0]) for name, mask in pair_rule_masks(cands.rules, slots.rules).items()
        }
        applies = bool(distance_applies(cands.rules, slots.rules)[0])
        blocked = tuple(name for name in RULES if not masks[name])
        met = tuple(name for name in RULES if masks[name] and (name != "distance" or applies))
        values = self._pair_values(cands, slots, [0], [0])
        contributions = self._contributions(cands, slots, [0], [0], values)[0]
        values = values[0]
        km = float(distance_km(cands.features.latlon[:1], slots.features.latlon[:1])[0])
        terms = self._shared_terms(candidate, slot)
        suggestion = self._suggestion(
            candidate,
            slot,
            contributions.tolist(),
            values.tolist(),
            km,
            bool(cands.thin[0] or slots.thin[0]),
            concept=self._shared_concepts(cands.features, slots.features, [0], [0])[0],
            shared_terms=terms,
            rules_met=met,
            blocked_by=blocked,
        )
        if blocked:
            why_blocked = blocked_reasons(candidate, slot, blocked, km)
            suggestion = replace(suggestion, score=0.0, reasons=why_blocked + suggestion.reasons)
        return suggestion


def _new_suggestion(fields: dict) -> Suggestion:
    """Suggestion without the frozen dataclass's per-field ``object.__setattr__`` calls.

    A full re-match builds a million of these; every field here comes from the engine itself,
    so the checks a public constructor would make are not needed.
    """
    suggestion = object.__new__(Suggestion)
    suggestion.__dict__.update(fields)
    return suggestion
