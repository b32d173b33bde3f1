"""Slot and Candidate check their values when built, naming the field at fault."""

from datetime import date

import pytest

from matching import ADAPTATIONS, NORWEGIAN_LEVELS, SLOT_KINDS, Candidate, Slot


def test_constants_match_the_design():
    assert SLOT_KINDS == (
        "apprenticeship",
        "training_candidate",
        "work_training",
        "language_practice",
        "work_practice",
        "school_placement",
    )
    assert NORWEGIAN_LEVELS == ("none", "A1", "A2", "B1", "B2", "C1", "C2")
    assert "language_support" in ADAPTATIONS


def test_slot_defaults_follow_the_design():
    slot = Slot(id=1, kind="work_training", title="Lager")
    assert slot.description == ""
    assert slot.occupation is None
    assert slot.skills == frozenset()
    assert slot.norwegian_level == "none"
    assert slot.location is None
    assert slot.free_capacity == 1
    assert slot.is_open is True


def test_candidate_defaults_follow_the_design():
    candidate = Candidate(id="c", kinds={"work_training"})
    assert candidate.goals == ""
    assert candidate.max_distance_km is None
    assert candidate.adaptation_needs == frozenset()


def test_profiles_are_frozen_and_keyword_only():
    slot = Slot(id=1, kind="work_training", title="Lager")
    with pytest.raises(AttributeError):
        slot.title = "x"
    with pytest.raises(TypeError):
        Slot(1, "work_training", "Lager")


def test_sets_are_stored_as_frozensets():
    candidate = Candidate(id=1, kinds=["work_training"], skills=["a", "b"])
    assert candidate.kinds == frozenset({"work_training"})
    assert candidate.skills == frozenset({"a", "b"})


@pytest.mark.parametrize(
    ("fields", "field_name"),
    [
        ({"kind": "internship"}, "kind"),
        ({"norwegian_level": "B3"}, "norwegian_level"),
        ({"free_capacity": -1}, "free_capacity"),
        ({"location": (95.0, 10.0)}, "location"),
        ({"location": "Oslo"}, "location"),
        ({"hours_per_week": 0}, "hours_per_week"),
        ({"start_date": "2025-08-01"}, "start_date"),
        ({"skills": "welding"}, "skills"),
        ({"title": None}, "title"),
        ({"id": None}, "id"),
    ],
)
def test_bad_slot_values_name_the_field(fields, field_name):
    values = {"id": 1, "kind": "apprenticeship", "title": "Kokk", **fields}
    with pytest.raises(ValueError, match=field_name):
        Slot(**values)


@pytest.mark.parametrize(
    ("fields", "field_name"),
    [
        ({"kinds": {"internship"}}, "kinds"),
        ({"kinds": set()}, "kinds"),
        ({"norwegian_level": "fluent"}, "norwegian_level"),
        ({"max_distance_km": -5}, "max_distance_km"),
        ({"available_from": "soon"}, "available_from"),
        ({"adaptation_needs": [""]}, "adaptation_needs"),
    ],
)
def test_bad_candidate_values_name_the_field(fields, field_name):
    values = {"id": 1, "kinds": {"apprenticeship"}, **fields}
    with pytest.raises(ValueError, match=field_name):
        Candidate(**values)


def test_unknown_adaptations_are_accepted_as_opaque_names():
    slot = Slot(id=1, kind="work_practice", title="x", adaptations={"sign_language"})
    assert "sign_language" in slot.adaptations


def test_zero_capacity_and_unknown_location_are_valid():
    slot = Slot(id=1, kind="work_practice", title="x", free_capacity=0, location=None)
    candidate = Candidate(id=1, kinds={"work_practice"}, location=None, max_distance_km=10)
    assert slot.free_capacity == 0
    assert candidate.location is None


def test_dates_are_dates():
    slot = Slot(id=1, kind="apprenticeship", title="x", start_date=date(2025, 8, 1))
    assert slot.start_date.year == 2025


def test_database_decimals_are_accepted_as_numbers():
    from decimal import Decimal

    candidate = Candidate(
        id=1, kinds={"work_training"}, hours_per_week=Decimal("37.5"), max_distance_km=Decimal(20)
    )
    assert candidate.hours_per_week == 37.5
    assert isinstance(candidate.max_distance_km, float)
