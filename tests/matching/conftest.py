"""Factories for the matching tests (no web app, no database)."""

import pytest

from matching import Candidate, Slot


@pytest.fixture
def make_slot():
    def make(id="s1", kind="apprenticeship", title="Lærling i kokkfaget", **fields):
        fields.setdefault("description", "Restaurantkjøkken søker lærling. Matlaging og hygiene.")
        return Slot(id=id, kind=kind, title=title, **fields)

    return make


@pytest.fixture
def make_candidate():
    def make(id="c1", kinds=("apprenticeship",), **fields):
        fields.setdefault("goals", "Jeg vil bli kokk og lage mat på et restaurantkjøkken")
        return Candidate(id=id, kinds=frozenset(kinds), **fields)

    return make
