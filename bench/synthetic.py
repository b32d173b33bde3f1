"""Synthetic but realistic-looking slots and candidates for the scale benchmark.

Text is Norwegian-like: function words, a Zipf-distributed vocabulary of stems and compounds
with inflected endings, and a topic (occupation) per profile so that matches mean something.
Rule attributes (kinds, levels, adaptations, locations around Norwegian towns) follow plausible
shares. Everything is seeded and invented; no real people or companies.
"""

from __future__ import annotations

import numpy as np

from matching import SLOT_KINDS, Candidate, Slot

STEMS = [
    "kokk",
    "kjøkken",
    "mat",
    "servering",
    "restaurant",
    "kantine",
    "bakeri",
    "konditor",
    "butikk",
    "salg",
    "kasse",
    "kunde",
    "lager",
    "truck",
    "plukk",
    "pakking",
    "varemottak",
    "logistikk",
    "sjåfør",
    "transport",
    "buss",
    "bil",
    "mekaniker",
    "verksted",
    "dekk",
    "motor",
    "elektro",
    "elektriker",
    "kabel",
    "anlegg",
    "automasjon",
    "rør",
    "rørlegger",
    "vvs",
    "ventilasjon",
    "tømrer",
    "snekker",
    "bygg",
    "betong",
    "mur",
    "maler",
    "flis",
    "tak",
    "stillas",
    "sveis",
    "sveiser",
    "plate",
    "industri",
    "produksjon",
    "maskin",
    "operatør",
    "kvalitet",
    "kontroll",
    "helse",
    "pleie",
    "omsorg",
    "eldre",
    "sykehjem",
    "hjemmetjeneste",
    "barn",
    "barnehage",
    "ungdom",
    "skole",
    "fritid",
    "aktivitet",
    "renhold",
    "vask",
    "vaskeri",
    "hotell",
    "resepsjon",
    "frisør",
    "hud",
    "negl",
    "kontor",
    "arkiv",
    "regnskap",
    "økonomi",
    "data",
    "it",
    "support",
    "nettverk",
    "programmering",
    "design",
    "grafisk",
    "trykk",
    "foto",
    "medie",
    "lyd",
    "scene",
    "gartner",
    "park",
    "grønt",
    "anlegg",
    "landbruk",
    "dyr",
    "fjøs",
    "fisk",
    "havbruk",
    "skog",
    "sag",
    "vekter",
    "sikkerhet",
    "brann",
    "ambulanse",
    "apotek",
    "tannhelse",
    "laboratorium",
    "kjemi",
    "prosess",
    "energi",
    "kraft",
    "vind",
    "sol",
    "bolig",
    "eiendom",
    "vaktmester",
    "drift",
    "vedlikehold",
    "lakkering",
    "karosseri",
    "glass",
    "møbel",
    "tapet",
    "interiør",
    "blomster",
    "florist",
    "slakter",
    "fiskehandler",
    "baker",
    "sjokolade",
    "kaffe",
    "bar",
]
FUNCTION_WORDS = [
    "og",
    "i",
    "på",
    "med",
    "for",
    "til",
    "en",
    "et",
    "vi",
    "som",
    "er",
    "av",
    "å",
    "har",
    "det",
    "du",
    "skal",
    "kan",
    "vil",
    "jobbe",
    "arbeid",
    "gode",
    "erfaring",
    "ønsker",
    "oppgaver",
    "hos",
    "ved",
    "deg",
    "oss",
    "the",
    "and",
    "of",
    "to",
    "in",
    "with",
    "work",
]
ENDINGS = ("", "", "", "en", "er", "ene", "et", "ing", "arbeider", "fag", "faget")
KIND_SHARES = (0.35, 0.1, 0.2, 0.15, 0.15, 0.05)
LEVEL_SHARES = (0.35, 0.1, 0.15, 0.2, 0.15, 0.04, 0.01)
TOWNS = (  # (lat, lon): spread of places so distance rules bite
    (59.94, 10.95),
    (59.91, 10.75),
    (60.39, 5.32),
    (63.43, 10.39),
    (58.97, 5.73),
    (69.65, 18.96),
    (58.15, 8.00),
    (61.12, 10.47),
    (59.27, 10.41),
    (62.47, 6.15),
)
TOWN_SPREAD_DEG = 0.15
ZIPF_EXPONENT = 1.07
ZIPF_OFFSET = 2.7
N_TOPICS = 400
TOPIC_SHARE = 0.55
COMPOUND_SHARE = 0.5


class TextGenerator:
    """Random profile text: topic words mixed with a Zipf-distributed general vocabulary."""

    def __init__(self, rng: np.random.Generator, n_words: int = 30_000):
        self.rng = rng
        words = set()
        while len(words) < n_words:
            a, b = rng.choice(STEMS, size=2)
            stem = a + b if rng.random() < COMPOUND_SHARE else a
            words.add(stem + ENDINGS[rng.integers(len(ENDINGS))])
        self.words = np.array(sorted(words))
        rng.shuffle(self.words)
        ranks = np.arange(len(self.words))
        weights = 1.0 / (ranks + ZIPF_OFFSET) ** ZIPF_EXPONENT
        self.cdf = np.cumsum(weights / weights.sum())
        self.topics = [rng.choice(self.words, size=12, replace=False) for _ in range(N_TOPICS)]

    def text(self, topic: int, n_words: int) -> str:
        n_topic = self.rng.binomial(n_words, TOPIC_SHARE)
        n_function = self.rng.binomial(n_words - n_topic, 0.5)
        parts = [
            self.rng.choice(self.topics[topic], size=n_topic),
            self.rng.choice(FUNCTION_WORDS, size=n_function),
            self.words[
                np.searchsorted(self.cdf, self.rng.random(n_words - n_topic - n_function)).clip(
                    0, len(self.words) - 1
                )
            ],
        ]
        words = np.concatenate(parts)
        self.rng.shuffle(words)
        return " ".join(words)


def _location(rng):
    lat, lon = TOWNS[rng.integers(len(TOWNS))]
    return (lat + rng.normal(0, TOWN_SPREAD_DEG), lon + rng.normal(0, 2 * TOWN_SPREAD_DEG))


def make_slots(n: int, gen: TextGenerator, rng: np.random.Generator) -> list[Slot]:
    kinds = rng.choice(SLOT_KINDS, size=n, p=KIND_SHARES)
    levels = rng.choice(7, size=n, p=LEVEL_SHARES)
    topics = rng.integers(N_TOPICS, size=n)
    return [
        Slot(
            id=i,
            kind=str(kinds[i]),
            title=gen.text(topics[i], int(rng.integers(2, 5))),
            description=gen.text(topics[i], int(rng.integers(20, 50))),
            occupation=f"occ{topics[i]}",
            norwegian_level=("none", "A1", "A2", "B1", "B2", "C1", "C2")[levels[i]],
            location=_location(rng) if rng.random() < 0.9 else None,
            hours_per_week=float(rng.choice([20.0, 30.0, 37.5])),
            free_capacity=int(rng.integers(0, 3)) if rng.random() < 0.2 else 1,
            adaptations=set(
                rng.choice(
                    ["mentor", "language_support", "flexible_hours", "step_free_access"],
                    size=int(rng.integers(0, 3)),
                )
            ),
            is_open=bool(rng.random() < 0.95),
        )
        for i in range(n)
    ]


def make_candidates(n: int, gen: TextGenerator, rng: np.random.Generator, prefix="c"):
    topics = rng.integers(N_TOPICS, size=n)
    levels = rng.choice(7, size=n, p=LEVEL_SHARES)
    out = []
    for j in range(n):
        n_kinds = int(rng.integers(1, 4))
        out.append(
            Candidate(
                id=f"{prefix}{j}",
                kinds=set(rng.choice(SLOT_KINDS, size=n_kinds, p=KIND_SHARES)),
                goals=gen.text(topics[j], int(rng.integers(6, 20))),
                experience=gen.text(int(rng.integers(N_TOPICS)), int(rng.integers(0, 15))),
                occupations={f"occ{topics[j]}"} if rng.random() < 0.5 else set(),
                norwegian_level=("none", "A1", "A2", "B1", "B2", "C1", "C2")[levels[j]],
                location=_location(rng) if rng.random() < 0.9 else None,
                max_distance_km=float(rng.choice([10.0, 25.0, 50.0, 100.0]))
                if rng.random() < 0.8
                else None,
                hours_per_week=float(rng.choice([20.0, 30.0, 37.5])),
                adaptation_needs={"mentor"} if rng.random() < 0.1 else set(),
            )
        )
    return out
