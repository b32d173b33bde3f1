"""Plain data the matching engine works on: slots, candidates and suggestions.

The web app converts its rows to these frozen dataclasses; nothing here knows about a database.
Every value is checked when the object is built, so a bad value fails early with a
``ValueError`` that names the field instead of deep inside numpy.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

#: Slot kinds, in the order used for the kind bitmask (see ``rules.py``).
SLOT_KINDS = (
    "apprenticeship",
    "training_candidate",
    "work_training",
    "language_practice",
    "work_practice",
    "school_placement",
)

#: Adaptations known today. Other names are accepted as opaque strings: the taxonomy can grow.
ADAPTATIONS = (
    "step_free_access",
    "reduced_hours",
    "flexible_hours",
    "mentor",
    "language_support",
    "quiet_workspace",
    "adapted_equipment",
)

#: Norwegian levels, lowest first; ``none`` means "no Norwegian" (candidate) or "no requirement"
#: (slot). The position in this tuple is the level's rank.
NORWEGIAN_LEVELS = ("none", "A1", "A2", "B1", "B2", "C1", "C2")

#: The adaptation that waives a slot's Norwegian requirement.
LANGUAGE_SUPPORT = "language_support"

MAX_LATITUDE = 90.0
MAX_LONGITUDE = 180.0
HOURS_PER_WEEK_MAX = 168.0


def _check_id(value: Any) -> None:
    if value is None or isinstance(value, bool) or not isinstance(value, Hashable):
        raise ValueError(f"id must be a hashable int or str, got {value!r}")


def _check_text(name: str, value: Any) -> None:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a str, got {type(value).__name__}")


def _as_labels(obj: Any, name: str) -> None:
    """Store ``obj.<name>`` as a frozenset of non-empty strings (lists and sets are accepted)."""
    value = getattr(obj, name)
    if value is None:
        value = frozenset()
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise ValueError(f"{name} must be a set of strings, got {value!r}")
    labels = frozenset(value)
    for label in labels:
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"{name} must contain non-empty strings, got {label!r}")
    object.__setattr__(obj, name, labels)


def _check_level(name: str, value: Any) -> None:
    if value not in NORWEGIAN_LEVELS:
        raise ValueError(f"{name} must be one of {', '.join(NORWEGIAN_LEVELS)}, got {value!r}")


def _check_location(value: Any) -> None:
    if value is None:
        return
    try:
        lat, lon = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"location must be (lat, lon) or None, got {value!r}") from None
    if not (abs(lat) <= MAX_LATITUDE and abs(lon) <= MAX_LONGITUDE):
        raise ValueError(f"location must be (lat, lon) in degrees, got {value!r}")


def _normalise_location(obj: Any) -> None:
    _check_location(obj.location)
    if obj.location is not None:
        object.__setattr__(obj, "location", tuple(float(v) for v in obj.location))


def _as_number(obj: Any, name: str) -> float | None:
    """``obj.<name>`` as a float (ints, floats and Decimals from a database), or None."""
    value = getattr(obj, name)
    if value is None:
        return None
    if isinstance(value, (bool, complex)) or not isinstance(value, numbers.Number):
        raise ValueError(f"{name} must be a number or None, got {value!r}")
    number = float(value)
    if math.isnan(number):
        raise ValueError(f"{name} must be a number or None, got {value!r}")
    object.__setattr__(obj, name, number)
    return number


def _check_hours(obj: Any) -> None:
    hours = _as_number(obj, "hours_per_week")
    if hours is not None and not 0 < hours <= HOURS_PER_WEEK_MAX:
        raise ValueError(f"hours_per_week must be in (0, {HOURS_PER_WEEK_MAX:g}], got {hours!r}")


def _check_date(name: str, value: Any) -> None:
    if value is not None and not isinstance(value, date):
        raise ValueError(f"{name} must be a datetime.date or None, got {value!r}")


@dataclass(frozen=True, kw_only=True)
class Slot:
    """A placement an employer offers (lærlingplass, arbeidstrening, …).

    Parameters
    ----------
    id : int or str
        The caller's id; returned unchanged in suggestions.
    kind : str
        One of :data:`SLOT_KINDS`.
    title : str
        Short title, e.g. ``"Lærling i kokkfaget"``.
    description : str, default ""
        Free text about the work.
    occupation : str or None, default None
        Occupation or trade code from the shipped taxonomy.
    skills : frozenset of str
        Skill codes the slot asks for.
    norwegian_level : str, default "none"
        Lowest Norwegian level required, one of :data:`NORWEGIAN_LEVELS`.
    location : (float, float) or None
        ``(lat, lon)`` in degrees; ``None`` when unknown (the distance rule is then not applied).
    hours_per_week : float or None
    start_date : datetime.date or None
    free_capacity : int, default 1
        Places still free; ``0`` is valid and means the slot is full (never suggested).
    adaptations : frozenset of str
        Adaptations the workplace offers (:data:`ADAPTATIONS`, or any other name).
    is_open : bool, default True
    """

    id: Hashable
    kind: str
    title: str
    description: str = ""
    occupation: str | None = None
    skills: frozenset = frozenset()
    norwegian_level: str = "none"
    location: tuple | None = None
    hours_per_week: float | None = None
    start_date: date | None = None
    free_capacity: int = 1
    adaptations: frozenset = frozenset()
    is_open: bool = True

    def __post_init__(self) -> None:
        _check_id(self.id)
        if self.kind not in SLOT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(SLOT_KINDS)}, got {self.kind!r}")
        _check_text("title", self.title)
        _check_text("description", self.description)
        if self.occupation is not None:
            _check_text("occupation", self.occupation)
        _as_labels(self, "skills")
        _as_labels(self, "adaptations")
        _check_level("norwegian_level", self.norwegian_level)
        _normalise_location(self)
        _check_hours(self)
        _check_date("start_date", self.start_date)
        capacity = self.free_capacity
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 0:
            raise ValueError(f"free_capacity must be an int >= 0, got {capacity!r}")
        if not isinstance(self.is_open, bool):
            raise ValueError(f"is_open must be a bool, got {self.is_open!r}")


@dataclass(frozen=True, kw_only=True)
class Candidate:
    """A person looking for a placement, as the caseworker registered them.

    Parameters
    ----------
    id : int or str
        The caller's id (a reference code, never a national identity number).
    kinds : frozenset of str
        Slot kinds the candidate wants; at least one of :data:`SLOT_KINDS`.
    goals : str, default ""
        Free text: what the candidate wants to do.
    skills : frozenset of str
        Skill codes.
    experience : str, default ""
        Free text: earlier work and education.
    occupations : frozenset of str
        Occupation or trade codes the candidate wants.
    norwegian_level : str, default "none"
        One of :data:`NORWEGIAN_LEVELS`.
    location : (float, float) or None
        ``(lat, lon)`` of home; ``None`` when unknown.
    max_distance_km : float or None
        Longest commute; ``None`` means no limit.
    hours_per_week : float or None
    available_from : datetime.date or None
    adaptation_needs : frozenset of str
        Adaptations the workplace must offer.
    """

    id: Hashable
    kinds: frozenset
    goals: str = ""
    skills: frozenset = frozenset()
    experience: str = ""
    occupations: frozenset = frozenset()
    norwegian_level: str = "none"
    location: tuple | None = None
    max_distance_km: float | None = None
    hours_per_week: float | None = None
    available_from: date | None = None
    adaptation_needs: frozenset = frozenset()

    def __post_init__(self) -> None:
        _check_id(self.id)
        _as_labels(self, "kinds")
        if not self.kinds:
            raise ValueError("kinds must name at least one slot kind")
        unknown = sorted(self.kinds - set(SLOT_KINDS))
        if unknown:
            raise ValueError(f"kinds must be among {', '.join(SLOT_KINDS)}, got {unknown}")
        _check_text("goals", self.goals)
        _check_text("experience", self.experience)
        _as_labels(self, "skills")
        _as_labels(self, "occupations")
        _as_labels(self, "adaptation_needs")
        _check_level("norwegian_level", self.norwegian_level)
        _normalise_location(self)
        distance = _as_number(self, "max_distance_km")
        if distance is not None and not distance >= 0:
            raise ValueError(f"max_distance_km must be a number >= 0 or None, got {distance!r}")
        _check_hours(self)
        _check_date("available_from", self.available_from)


@dataclass(frozen=True, kw_only=True)
class Suggestion:
    """One ranked candidate–slot pair and why it was ranked so.

    Attributes
    ----------
    candidate_id, slot_id
        The ids the caller gave, unchanged.
    score : float
        In [0, 1]; the sum of ``factors``. ``0.0`` for a blocked pair.
    factors : dict of str to float
        Each factor's contribution (weight × value) to ``score``.
    reasons : tuple of dict
        Translatable reasons, each ``{"key": str, "params": dict}``, most important first.
    blocked_by : tuple of str
        Hard rules the pair breaks (see ``matching.rules.RULES``); always empty in results of
        ``suggest_slots`` / ``suggest_candidates``.
    rules_met : tuple of str
        Hard rules checked and met (a rule that could not be applied is not listed).
    shared_terms : tuple of str
        Words both texts share that contributed most (filled by ``explain``).
    shared_skills : tuple of str
        Skills both sides list, sorted.
    low_confidence : bool
        True when the candidate's profile has too little data for the score to mean much.
    model_version : str
        Version of the model that produced the suggestion, for storing next to it.
    """

    candidate_id: Hashable
    slot_id: Hashable
    score: float
    factors: Mapping[str, float] = field(default_factory=dict)
    reasons: tuple = ()
    blocked_by: tuple = ()
    rules_met: tuple = ()
    shared_terms: tuple = ()
    shared_skills: tuple = ()
    low_confidence: bool = False
    model_version: str = ""

    def to_dict(self) -> dict:
        """Return a JSON-friendly dict (for the ``suggestion`` table's breakdown columns)."""
        return {
            "candidate_id": self.candidate_id,
            "slot_id": self.slot_id,
            "score": self.score,
            "factors": dict(self.factors),
            "reasons": [dict(r) for r in self.reasons],
            "blocked_by": list(self.blocked_by),
            "rules_met": list(self.rules_met),
            "shared_terms": list(self.shared_terms),
            "shared_skills": list(self.shared_skills),
            "low_confidence": self.low_confidence,
            "model_version": self.model_version,
        }
