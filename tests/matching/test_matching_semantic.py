"""The optional semantic encoder: fusion maths, cache, retrieval, bad input, and the real model.

Most tests use a small stand-in network (words → topic axes) behind the real
``SentenceEncoder`` cache, so they run everywhere. The tests marked ``real_model`` load
all-MiniLM-L6-v2 from the ``[semantic]`` extra: skipped with the reason when the extra is not
installed, and failed instead on CI, which installs it.
"""

import os
import pickle
import zlib

import numpy as np
import pytest

from matching import Candidate, Matcher, Slot, semantic
from matching.semantic import FusedTextModel, SentenceEncoder
from matching.text import TOKEN_PATTERN, ProfileText, TextModel

TOPICS = {
    "care": ("nurse", "nursing", "elderly", "caregiver", "old", "people", "patients"),
    "transport": ("truck", "lorry", "driver", "haulage", "trailer"),
    "food": ("chef", "cook", "kitchen", "restaurant"),
    "building": ("carpenter", "joiner", "woodwork", "roofs"),
}
AXIS = {word: axis for axis, topic in enumerate(TOPICS.values()) for word in topic}
DIM = 16


class StandInNetwork:
    """Words of a topic point the same way; other words get a small fixed random direction."""

    def encode(self, texts, **_):
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in TOKEN_PATTERN.findall(text.lower()):
                if word in AXIS:
                    out[row, AXIS[word]] += 1.0
                else:
                    rng = np.random.default_rng(zlib.crc32(word.encode()))
                    out[row, 8:] += 0.2 * rng.standard_normal(DIM - 8)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)

    def get_sentence_embedding_dimension(self):
        return DIM


class StandInEncoder(SentenceEncoder):
    name = "stand-in"

    def _network(self):
        self._model = self._model or StandInNetwork()
        return self._model

    def _vocabulary(self):
        return frozenset(AXIS) | {"assistant", "in", "at", "for", "long", "job", "work"}


def slot(i, title, description=""):
    return Slot(id=i, kind="apprenticeship", title=title, description=description)


def candidate(i, goals):
    return Candidate(id=i, kinds={"apprenticeship"}, goals=goals)


FILLER = [
    slot(100 + i, f"Butikkmedarbeider {i}", "Kasse og varepåfylling i butikk") for i in range(30)
]
SLOTS = [
    slot(1, "Truck driver", "Trailer transport, haulage"),
    slot(2, "Nursing assistant", "Nursing home, patients"),
    slot(3, "Chef", "Restaurant kitchen"),
    *FILLER,
]


def test_fused_dot_is_the_linear_fusion_of_both_cosines():
    texts = ["nurse for elderly", "nursing assistant", "truck driver", "lorry haulage"]
    model = FusedTextModel(TextModel(), StandInEncoder(), weight=0.4)
    fused = model.fit_transform(texts)
    sparse = model.sparse.transform(texts)
    dense = model.encoder.encode(texts)
    share = model.row_weights(texts)
    expected = np.sqrt(np.outer(1 - share, 1 - share)) * (sparse @ sparse.T).toarray() + np.sqrt(
        np.outer(share, share)
    ) * (dense @ dense.T)
    np.testing.assert_allclose((fused @ fused.T).toarray(), expected, atol=1e-5)
    np.testing.assert_allclose(share, 0.4)  # every word known: the full weight
    norms = np.sqrt(fused.multiply(fused).sum(axis=1)).A.ravel()
    np.testing.assert_allclose(norms, 1.0, atol=1e-5)


def test_text_the_network_cannot_read_keeps_the_sparse_score_alone():
    model = FusedTextModel(TextModel(), StandInEncoder(), weight=0.5)
    texts = ["helsefagarbeider på sykehjem", "nurse"]
    fused = model.fit_transform(texts)
    assert model.row_weights(texts)[0] == 0.0
    np.testing.assert_allclose(
        fused[0, : model.n_sparse_].toarray(), model.sparse.transform(texts[:1]).toarray()
    )


def test_semantic_engine_finds_a_slot_that_shares_no_text_with_the_goal():
    goal = [candidate("c", "lorry")]
    plain = Matcher(occupations=None, rerank_size=5).fit(SLOTS, goal)
    fused = Matcher(occupations=None, rerank_size=5, encoder=StandInEncoder()).fit(SLOTS, goal)
    assert 1 not in [s.slot_id for s in plain.suggest_slots(goal)[0]]
    assert fused.suggest_slots(goal)[0][0].slot_id == 1
    # A new candidate, never fitted, is found through the centroid features too.
    newcomer = candidate("n", "caregiver for old people")
    assert fused.suggest_slots([newcomer])[0][0].slot_id == 2


def test_embeddings_are_cached_by_text_and_survive_pickling():
    encoder = StandInEncoder()
    goals = [candidate("a", "chef"), candidate("b", "nurse")]
    matcher = Matcher(occupations=None, encoder=encoder).fit(SLOTS, goals)
    first = encoder.calls
    assert first == len(SLOTS) + len(goals)
    restored = pickle.loads(pickle.dumps(matcher))  # noqa: S301 (our own bytes)
    restored_encoder = restored.text_model_.encoder
    assert restored_encoder._model is None  # the network is not pickled, the cache is
    assert len(restored_encoder.cache) == first
    # A refit with one changed text encodes only that text.
    changed = [goals[0], candidate("b", "nurse for elderly people")]
    Matcher(occupations=None, encoder=restored_encoder).fit(SLOTS, changed)
    assert restored_encoder.calls == first + 1
    assert restored.suggest_slots(goals)[0][0].slot_id == 3


def test_live_update_ranks_like_a_fresh_fit():
    encoder = StandInEncoder()
    goals = [candidate("a", "chef in a restaurant")]
    matcher = Matcher(occupations=None, encoder=encoder, rerank_size=5).fit(SLOTS, goals)
    newcomer = candidate("b", "truck driver")
    matcher.update(candidates=[newcomer])
    fresh = Matcher(occupations=None, encoder=encoder, rerank_size=5).fit(SLOTS, [*goals, newcomer])
    by_update = [s.slot_id for s in matcher.suggest_slots([newcomer])[0]]
    assert by_update == [s.slot_id for s in fresh.suggest_slots([newcomer])[0]]
    assert by_update[0] == 1


@pytest.mark.parametrize(
    "goals",
    ["", "12345", "🙂🙂🙂", "كهربائي ومساعد", "word " * 4000, "chef " + "x" * 20000],
)
def test_bad_text_gives_a_neutral_or_flagged_score_never_an_error(goals):
    encoder = StandInEncoder()
    matcher = Matcher(occupations=None, encoder=encoder).fit(SLOTS, [candidate("a", "chef")])
    odd = candidate("odd", goals)
    rows = matcher.suggest_slots([odd])[0]
    for suggestion in rows:
        assert np.isfinite(suggestion.score)
    if goals in ("", "12345", "🙂🙂🙂", "كهربائي ومساعد"):
        assert all(s.low_confidence for s in rows)


def test_parameters_are_checked():
    with pytest.raises(ValueError, match="encoder"):
        Matcher(encoder="bogus").fit(SLOTS, [candidate("a", "chef")])
    with pytest.raises(ValueError, match="semantic_weight"):
        Matcher(encoder=StandInEncoder(), semantic_weight=1.5).fit(SLOTS, [candidate("a", "chef")])


# --- the real model (the [semantic] extra) ---------------------------------------------------

MISSING = semantic.missing_reason()


@pytest.fixture(scope="module")
def real_encoder():
    if MISSING:
        if os.environ.get("CI"):
            pytest.fail(f"CI installs the semantic extra, but {MISSING}")
        pytest.skip(MISSING)
    return SentenceEncoder()


def test_real_model_loads_offline_and_relates_occupations(real_encoder):
    nurse, assistant, truck = real_encoder.encode(
        ["nurse", "nursing assistant in a care home", "truck driver"]
    )
    assert real_encoder.dimension == 384
    np.testing.assert_allclose(np.linalg.norm(nurse), 1.0, atol=1e-3)
    assert nurse @ assistant > nurse @ truck + 0.1
    calls = real_encoder.calls
    real_encoder.encode(["truck driver"])
    assert real_encoder.calls == calls  # cached by text
    assert real_encoder.known_share(["nurse", "helsefagarbeider"]).tolist() == [1.0, 0.0]


def test_real_model_ranks_by_meaning_in_the_engine(real_encoder):
    slots = [
        slot(1, "Nursing assistant", "Nursing home"),
        slot(2, "Truck driver", "Long haul transport"),
        slot(3, "Chef", "Restaurant kitchen"),
    ]
    goal = candidate("c", "I want to look after old people")
    matcher = Matcher(occupations=None, encoder=real_encoder).fit(slots, [goal])
    assert matcher.suggest_slots([goal])[0][0].slot_id == 1


def test_the_network_reads_what_people_wrote_not_the_labels_the_engine_added():
    encoder = StandInEncoder()
    model = FusedTextModel(TextModel(), encoder, weight=0.5)
    expanded = ProfileText("helsefagarbeider nurse nursing assistant", own="helsefagarbeider")
    model.fit_transform([expanded, "truck driver"])
    assert encoder.key("helsefagarbeider") in encoder.cache
    assert model.row_weights([expanded])[0] == 0.0  # a word the network cannot read
