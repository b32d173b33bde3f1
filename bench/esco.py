"""Large labelled sets built from ESCO's occupation labels (bokmål and English).

An ESCO occupation has a preferred label and alternative labels in each language. A set asks:
given an alternative label (a job title as someone might write it), which occupation's
preferred label is it? Slots are the preferred labels of every occupation; goals are held-out
alternative labels; a goal's correct slots are every occupation that has that label.

* ``nb→nb``, ``en→en``: alternative labels against preferred labels in the same language;
* ``nb→en``, ``en→nb``: the same goals against the other language's preferred labels.

The split is fixed and by concept: an occupation is *dev* or *test* by a hash of its URI, and
its goals go with it. Up to ``GOALS_PER_CONCEPT`` alternative labels per occupation and
language are held out as goals (chosen by a hash of the label). Held-out labels are removed
from the occupation layer's index, so the engine never looks a goal up verbatim: it has to
generalise from the labels it keeps, as it must for titles nobody put in ESCO.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.occupations import (  # noqa: E402
    LANGUAGES,
    LabelRow,
    OccupationIndex,
    normalise,
    read_labels,
    stable_bucket,
)

GOALS_PER_CONCEPT = 2
SPLITS = ("dev", "test")
SET_NAMES = ("nb→nb", "en→en", "nb→en", "en→nb")


@dataclass
class LabelledSet:
    """Slots as (id, title); goals per split as (text, set of correct slot ids)."""

    name: str
    slots: list
    goals: dict = field(default_factory=lambda: {split: [] for split in SPLITS})


def split_of(uri: str) -> str:
    return SPLITS[stable_bucket(uri, len(SPLITS))]


def held_out(rows: list[LabelRow]) -> set[LabelRow]:
    """The alternative labels kept back as goals (never the text of a preferred label)."""
    preferred = {(r.uri, r.language): normalise(r.label) for r in rows if r.kind == "preferred"}
    options = defaultdict(list)
    for r in rows:
        text = normalise(r.label)
        if r.kind == "alternative" and text and text != preferred.get((r.uri, r.language)):
            options[(r.uri, r.language)].append(r)
    chosen = set()
    for labels in options.values():
        distinct = {normalise(r.label): r for r in labels}
        ranked = sorted(distinct.values(), key=lambda r: (stable_bucket(r.label, 2**31), r.label))
        chosen.update(ranked[:GOALS_PER_CONCEPT])
    return chosen


def build(rows: list[LabelRow] | None = None):
    """The four sets and the occupation index without the held-out labels."""
    rows = read_labels() if rows is None else rows
    goals = held_out(rows)
    index = OccupationIndex([r for r in rows if r not in goals], name="bench")
    owners = defaultdict(set)  # (language, normalised label) → concepts that have it
    for r in rows:
        owners[(r.language, normalise(r.label))].add(r.uri)
    preferred = {(r.uri, r.language): r.label for r in rows if r.kind == "preferred"}
    sets = {}
    for source in LANGUAGES:
        for target in LANGUAGES:
            name = f"{source}→{target}"
            slots = sorted(
                (uri, label) for (uri, lang), label in preferred.items() if lang == target
            )
            known = {uri for uri, _ in slots}
            data = LabelledSet(name, slots)
            for r in sorted(goals, key=lambda r: (r.uri, r.label)):
                if r.language != source:
                    continue
                relevant = owners[(source, normalise(r.label))] & known
                if relevant:
                    data.goals[split_of(r.uri)].append((r.label, relevant))
            sets[name] = data
    return {name: sets[name] for name in SET_NAMES}, index
