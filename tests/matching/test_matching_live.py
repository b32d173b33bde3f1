"""Matcher.update and remove: the index follows the data exactly; bad input changes nothing."""

from datetime import date, timedelta

import numpy as np
import pytest

from matching import (
    ADAPTATIONS,
    NORWEGIAN_LEVELS,
    SLOT_KINDS,
    Candidate,
    Matcher,
    Slot,
    TamperedModelError,
    persistence,
    side_index,
)

WORDS = [
    "kokk",
    "kjøkken",
    "mat",
    "servering",
    "restaurant",
    "lager",
    "truck",
    "plukk",
    "pakking",
    "sjåfør",
    "buss",
    "bil",
    "mekaniker",
    "verksted",
    "elektriker",
    "kabel",
    "rørlegger",
    "tømrer",
    "snekker",
    "bygg",
    "maler",
    "renhold",
    "vaskeri",
    "barnehage",
    "omsorg",
    "helse",
    "pleie",
    "butikk",
    "salg",
    "kasse",
    "kunde",
    "regnskap",
    "kontor",
    "data",
    "nettverk",
    "hage",
    "park",
]
SKILLS = [f"skill-{i}" for i in range(12)]
OCCUPATIONS = [f"occ-{i}" for i in range(6)]


def _words(rng, n):
    """Known words, and now and then one the fit never saw (it still has character n-grams)."""
    words = list(rng.choice(WORDS, size=n))
    if n and rng.random() < 0.3:
        words.append(f"nyord{rng.integers(40)}kjøkken")
    return " ".join(words)


def random_slot(rng, sid, codes=0):
    """A random slot; ``codes`` > 0 adds skill/occupation codes the fit never saw."""
    skills = set(rng.choice(SKILLS, size=rng.integers(0, 4), replace=False))
    occupation = str(rng.choice(OCCUPATIONS)) if rng.random() < 0.7 else None
    if codes:
        skills.add(f"new-skill-{rng.integers(codes)}")
        occupation = f"new-occ-{rng.integers(codes)}"
    return Slot(
        id=sid,
        kind=str(rng.choice(SLOT_KINDS[:3])),
        title=_words(rng, 2),
        description=_words(rng, int(rng.integers(0, 8))),
        occupation=occupation,
        skills=frozenset(skills),
        norwegian_level=str(rng.choice(NORWEGIAN_LEVELS[:4])),
        location=(59.9 + rng.normal(0, 0.2), 10.9 + rng.normal(0, 0.3))
        if rng.random() < 0.8
        else None,
        hours_per_week=float(rng.integers(10, 40)) if rng.random() < 0.7 else None,
        start_date=date(2026, 1, 1) + timedelta(days=int(rng.integers(0, 200))),
        free_capacity=int(rng.integers(0, 3)),
        adaptations=frozenset(rng.choice(ADAPTATIONS, size=rng.integers(0, 3), replace=False)),
        is_open=bool(rng.random() < 0.9),
    )


def random_candidate(rng, cid, codes=0):
    skills = set(rng.choice(SKILLS, size=rng.integers(0, 4), replace=False))
    occupations = set(rng.choice(OCCUPATIONS, size=rng.integers(0, 3), replace=False))
    if codes:
        skills.add(f"new-skill-{rng.integers(codes)}")
        occupations.add(f"new-occ-{rng.integers(codes)}")
    return Candidate(
        id=cid,
        kinds=frozenset(rng.choice(SLOT_KINDS[:3], size=rng.integers(1, 3), replace=False)),
        goals=_words(rng, int(rng.integers(1, 6))),
        experience=_words(rng, int(rng.integers(0, 6))),
        skills=frozenset(skills),
        occupations=frozenset(occupations),
        norwegian_level=str(rng.choice(NORWEGIAN_LEVELS)),
        location=(59.9 + rng.normal(0, 0.2), 10.9 + rng.normal(0, 0.3))
        if rng.random() < 0.8
        else None,
        max_distance_km=float(rng.integers(5, 60)) if rng.random() < 0.6 else None,
        hours_per_week=float(rng.integers(10, 40)) if rng.random() < 0.6 else None,
        available_from=date(2026, 1, 1) + timedelta(days=int(rng.integers(0, 200))),
        adaptation_needs=frozenset(rng.choice(ADAPTATIONS, size=rng.integers(0, 2), replace=False)),
    )


def _ranked(matcher, slots, candidates, k=5):
    by_candidate = [[s.to_dict() for s in row] for row in matcher.suggest_slots(candidates, k=k)]
    by_slot = [[s.to_dict() for s in row] for row in matcher.suggest_candidates(slots, k=k)]
    return by_candidate, by_slot


def assert_same_as_fresh(matcher, slots, candidates, probes):
    """The live matcher ranks and explains as one encoded from scratch with the final data."""
    assert sorted(matcher.slot_ids) == sorted(slots)
    assert sorted(matcher.candidate_ids) == sorted(candidates)
    final_slots = [slots[i] for i in matcher.slot_ids]
    final_candidates = [candidates[i] for i in matcher.candidate_ids]
    fresh = matcher._reindexed(final_slots, final_candidates)
    assert _ranked(matcher, final_slots, final_candidates) == _ranked(
        fresh, final_slots, final_candidates
    )
    new_slots, new_candidates = probes
    assert _ranked(matcher, new_slots, new_candidates) == _ranked(fresh, new_slots, new_candidates)
    pair = (final_candidates[0], final_slots[-1])
    assert matcher.explain(*pair).to_dict() == fresh.explain(*pair).to_dict()


@pytest.mark.parametrize(
    ("rerank_size", "merge_rows"),
    [(100, 256), (6, 256), (6, 4)],
    ids=["exact-search", "pruned-search", "pruned-search-frequent-merges"],
)
def test_a_thousand_random_updates_and_removals_equal_a_fresh_index(
    monkeypatch, rerank_size, merge_rows
):
    monkeypatch.setattr(side_index, "DELTA_MIN_ROWS", merge_rows)
    rng = np.random.default_rng(2026)
    slots = {f"s{i}": random_slot(rng, f"s{i}") for i in range(30)}
    candidates = {f"c{i}": random_candidate(rng, f"c{i}") for i in range(50)}
    matcher = Matcher(rerank_size=rerank_size).fit(list(slots.values()), list(candidates.values()))
    probes = (
        [random_slot(rng, f"probe-s{i}", codes=3) for i in range(3)],
        [random_candidate(rng, f"probe-c{i}", codes=3) for i in range(3)],
    )
    next_id = 1000
    for step in range(1000):
        op = rng.random()
        side, make = (slots, random_slot) if rng.random() < 0.5 else (candidates, random_candidate)
        prefix = "s" if side is slots else "c"
        if op < 0.4 or len(side) < 3:  # a new profile, sometimes with codes never fitted
            pid = f"{prefix}{next_id}"
            next_id += 1
            side[pid] = make(rng, pid, codes=3 if rng.random() < 0.2 else 0)
            change = side[pid]
        elif op < 0.75:  # an edit of an indexed profile
            pid = str(rng.choice(sorted(side)))
            side[pid] = change = make(rng, pid)
        else:
            pid = str(rng.choice(sorted(side)))
            del side[pid]
            if prefix == "s":
                matcher.remove(slot_ids=[pid])
            else:
                matcher.remove(candidate_ids=[pid])
            continue
        if prefix == "s":
            matcher.update(slots=[change])
        else:
            matcher.update(candidates=[change])
        if step % 250 == 249:
            assert_same_as_fresh(matcher, slots, candidates, probes)
    assert_same_as_fresh(matcher, slots, candidates, probes)


@pytest.fixture
def fitted():
    rng = np.random.default_rng(7)
    slots = [random_slot(rng, f"s{i}") for i in range(10)]
    candidates = [random_candidate(rng, f"c{i}") for i in range(10)]
    return Matcher().fit(slots, candidates), rng


def test_a_published_slot_is_suggested_to_the_candidate_it_fits(make_slot, make_candidate):
    cook = make_candidate(id="cook", goals="Jeg vil bli bilmekaniker på et verksted")
    # Without the occupation layer: its expansions give any two occupations a word or two in
    # common, and this test needs a kitchen that shares nothing with a garage.
    matcher = Matcher(occupations=None).fit([make_slot(id="kitchen")], [cook])
    assert [s.slot_id for s in matcher.suggest_slots([cook])[0]] == []
    garage = make_slot(
        id="garage", title="Lærling bilmekaniker", description="Verksted for bil og dekk"
    )
    change = matcher.update(slots=[garage])
    assert change.added_slots == ("garage",)
    assert [s.slot_id for s in matcher.suggest_slots([cook])[0]] == ["garage"]


def test_an_edited_slot_replaces_the_old_version(make_slot, make_candidate):
    cook = make_candidate(id="cook")
    matcher = Matcher().fit([make_slot(id="kitchen")], [cook])
    change = matcher.update(slots=[make_slot(id="kitchen", is_open=False)])
    assert change.replaced_slots == ("kitchen",)
    assert matcher.suggest_slots([cook])[0] == []
    assert matcher.slot_ids == ["kitchen"]


def test_a_removed_candidate_is_never_suggested_again(make_slot, make_candidate):
    slot = make_slot()
    matcher = Matcher().fit([slot], [make_candidate(id="a"), make_candidate(id="b")])
    change = matcher.remove(candidate_ids=["a"])
    assert change.removed_candidates == ("a",)
    assert [s.candidate_id for s in matcher.suggest_candidates([slot])[0]] == ["b"]


def test_removing_an_unknown_id_is_a_no_op_that_says_so(fitted):
    matcher, _rng = fitted
    before = matcher.slot_ids
    change = matcher.remove(slot_ids=["nope"], candidate_ids=["c1", "ghost"])
    assert change.unknown_slots == ("nope",)
    assert change.unknown_candidates == ("ghost",)
    assert change.removed_candidates == ("c1",)
    assert matcher.slot_ids == before


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m, s, c: m.update(slots=[c]), "slots must contain Slot"),
        (lambda m, s, c: m.update(candidates=[s]), "candidates must contain Candidate"),
        (lambda m, s, c: m.update(slots=[s, s]), "slots: duplicate id"),
        (lambda m, s, c: m.update(slots="s1"), "slots must be a sequence"),
        (
            lambda m, s, c: m.update(slots=[Slot(id="blank", kind="apprenticeship", title="  ")]),
            r"slots\[0\] \(id 'blank'\): title is empty",
        ),
        (
            lambda m, s, c: m.update(candidates=[Candidate(id="x", kinds={"apprenticeship"})]),
            r"candidates\[0\] \(id 'x'\): goals, experience, skills and occupations",
        ),
        (lambda m, s, c: m.remove(slot_ids="s1"), "slot_ids must be a collection"),
        (lambda m, s, c: m.remove(candidate_ids=[None]), "candidate_ids: not an id"),
        (lambda m, s, c: m.remove(candidate_ids=[["c1"]]), "candidate_ids: not an id"),
    ],
)
def test_bad_input_is_a_value_error_naming_the_field_and_changes_nothing(fitted, call, message):
    matcher, rng = fitted
    before = (matcher.slot_ids, matcher.candidate_ids, _ranked(matcher, [], []))
    slot, candidate = random_slot(rng, "s-new"), random_candidate(rng, "c-new")
    with pytest.raises(ValueError, match=message):
        call(matcher, slot, candidate)
    assert (matcher.slot_ids, matcher.candidate_ids, _ranked(matcher, [], [])) == before


def test_an_unknown_slot_kind_is_refused_when_the_slot_is_built():
    with pytest.raises(ValueError, match="kind must be one of"):
        Slot(id="x", kind="space-station", title="Astronaut")


def test_update_before_fit_says_the_matcher_is_not_fitted(make_slot):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        Matcher().update(slots=[make_slot()])


def test_an_updated_matcher_survives_save_and_load(fitted, make_slot, make_candidate):
    import io

    matcher, rng = fitted
    matcher.update(slots=[random_slot(rng, "s-new")])
    matcher.remove(candidate_ids=["c3"])
    buffer = io.BytesIO()
    matcher.save(buffer)
    loaded = Matcher.load(buffer.getvalue())
    assert loaded.slot_ids == matcher.slot_ids
    assert loaded.candidate_ids == matcher.candidate_ids
    probe = [random_candidate(rng, "probe")]
    assert _ranked(loaded, [], probe) == _ranked(matcher, [], probe)


KEY = b"k" * 32


def test_a_signed_artefact_loads_with_its_key(fitted):
    matcher, _rng = fitted
    loaded = Matcher.from_bytes(matcher.to_bytes(KEY), KEY)
    assert loaded.slot_ids == matcher.slot_ids


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda data: data[:-1] + bytes([data[-1] ^ 1]), "signature does not match"),
        (lambda data: data.replace(b"HMAC", b"HMAX", 1), "not signed"),
        (lambda data: data[len(persistence.SIGNED_MAGIC) + 32 :], "not signed"),
    ],
    ids=["changed-payload", "changed-header", "bare-pickle"],
)
def test_a_tampered_artefact_is_refused_before_anything_is_unpickled(
    fitted, monkeypatch, spoil, message
):
    matcher, _rng = fitted
    data = spoil(matcher.to_bytes(KEY))
    monkeypatch.setattr(persistence.pickle, "loads", lambda *_a: pytest.fail("unpickled"))
    with pytest.raises(TamperedModelError, match=message):
        Matcher.from_bytes(data, KEY)


def test_an_artefact_signed_with_another_key_is_refused(fitted):
    matcher, _rng = fitted
    with pytest.raises(TamperedModelError, match="signature does not match"):
        Matcher.from_bytes(matcher.to_bytes(KEY), b"x" * 32)
