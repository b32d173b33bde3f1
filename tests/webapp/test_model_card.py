"""Retraining from decisions and outcomes at each rebuild, and the admin's model card."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from factories import PASSWORD, make_candidate, make_organisation, make_slot, make_user
from sqlalchemy import select
from support import submit

import matching
from webapp.models import ModelArtifact, OrganisationKind, Placement, Suggestion, utcnow
from webapp.services import learning, matchmaking

GOALS = "Vil jobbe på lager med plukk og pakk og varemottak."


def _history(n_pairs, *, expired=False):
    """Decided suggestions and finished placements, half good and half not."""
    employer = make_organisation(OrganisationKind.EMPLOYER)
    nav = make_organisation(OrganisationKind.NAV_OFFICE)
    slot = make_slot(employer, title="Lager plukk og pakk", capacity=50)
    start = utcnow() - timedelta(days=400)
    for i in range(n_pairs):
        candidate = make_candidate(nav, goals=GOALS, norwegian_level="B1" if i % 2 else "A1")
        status = "declined" if expired else ("accepted" if i % 2 else "rejected")
        suggestion = Suggestion(
            candidate=candidate, slot=slot, score=0.5, status=status,
            decided_at=start + timedelta(days=i), answered_at=start + timedelta(days=i),
            answer_reason_code="expired" if expired else None,
        )  # fmt: skip
        placement = Placement(
            candidate=candidate, slot=slot, status="completed",
            outcome="employment" if i % 2 else "none",
            end_date=date(2025, 1, 1) + timedelta(days=i),
        )  # fmt: skip
        from webapp.extensions import db

        db.session.add_all([suggestion, placement])
    from webapp.extensions import db

    db.session.commit()


def _summary(db):
    return db.session.scalar(select(ModelArtifact).order_by(ModelArtifact.id.desc())).summary


def test_a_rebuild_without_history_keeps_the_hand_weights_and_says_why(db):
    make_slot(title="Lager")
    make_candidate(goals=GOALS)
    matchmaking.rebuild()
    report = _summary(db)["learning"]
    assert report["used"] == {"approval": "hand", "outcome": "hand"}
    assert report["approval"]["why"] == "too_few_pairs"


def test_a_rebuild_learns_from_decisions_and_outcomes_with_a_time_ordered_split(db):
    _history(80)
    make_slot(title="Lager")
    matchmaking.rebuild()
    report = _summary(db)["learning"]
    for target in ("approval", "outcome"):
        assert report[target]["pairs"] == 80
        assert report[target]["train_until"] < report[target]["held_out_from"]
        assert "hand" in report[target]["held_out"]
    # Level is the whole signal here; B1–B2 is always good, A1–A2 never.
    assert report["rates"]["outcome"]["level_band"]["B1–B2"]["rate"] == 1.0
    assert report["rates"]["outcome"]["level_band"]["A1–A2"]["rate"] == 0.0


def test_expired_proposals_are_not_learned_as_employer_declines(db):
    _history(60, expired=True)
    make_slot(title="Lager")
    matchmaking.rebuild()
    assert _summary(db)["learning"]["approval"]["pairs"] == 0


def test_a_failing_retrain_keeps_the_hand_weights_and_never_stops_the_rebuild(db, monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(learning, "_decision_rows", broken)
    make_slot(title="Lager")
    make_candidate(goals=GOALS)
    assert matchmaking.rebuild()["version"]
    assert _summary(db)["learning"]["error"] == "RuntimeError"


def test_the_model_card_shows_the_comparison_and_the_fairness_report(app, db):
    _history(80)
    make_slot(title="Lager")
    matchmaking.rebuild()
    admin = make_user(kind=OrganisationKind.MUNICIPALITY, email="admin@kommune.example.no")
    client = app.test_client()
    submit(client, "/logg-inn", {"email": admin.email, "password": PASSWORD})
    page = client.get("/admin/matchmodell/kort").get_data(as_text=True)
    assert "Modellkort for matchmodellen" in page
    assert "Vekter satt for hånd" in page
    assert "AUC" in page and "Brier" in page and "MRR" in page
    assert "Norsknivå" in page and "Behov for tilrettelegging" in page


def test_the_model_card_before_any_model_says_so(app, db):
    admin = make_user(kind=OrganisationKind.MUNICIPALITY, email="admin@kommune.example.no")
    client = app.test_client()
    submit(client, "/logg-inn", {"email": admin.email, "password": PASSWORD})
    page = client.get("/admin/matchmodell/kort").get_data(as_text=True)
    assert "ikke bygget ennå" in page


def test_decisions_never_change_the_factor_weights_behind_the_time_ordered_split(db, monkeypatch):
    # The engine's own weight learning splits decisions at random; the web app leaves it off,
    # so the hand weights are what the learned models are compared with. Were it on, this
    # learner, which always "wins", would set the weights.
    winner = {name: 1.0 / len(matching.FACTORS) for name in matching.FACTORS}
    monkeypatch.setattr(
        matching.learning, "learn_weights", lambda *a, **k: (winner, {"used": "learned"})
    )
    _history(80)
    make_slot(title="Lager")
    matchmaking.rebuild()
    summary = _summary(db)
    assert summary["weights_source"] == "hand"
    assert summary["weights"] == pytest.approx(matching.HAND_WEIGHTS)


class _TinyNetwork:
    """A stand-in for all-MiniLM-L6-v2: a text's letters as an 8-dimensional direction."""

    def encode(self, texts, **_):
        import numpy as np

        out = np.array([[t.count(c) + 1 for c in "aeiorstn"] for t in texts], dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def get_sentence_embedding_dimension(self):
        return 8


class _StandInEncoder(matching.semantic.SentenceEncoder):
    name = "stand-in"

    def _network(self):
        return _TinyNetwork()

    def _vocabulary(self):
        return frozenset({"lager", "plukk"})


@pytest.fixture
def stand_in_encoder(app, monkeypatch):
    """``ARBEIDSBRO_SEMANTIC`` on, with the stand-in network behind the real encoder's cache."""
    monkeypatch.setitem(app.config, "SEMANTIC_ENCODER", True)
    monkeypatch.setattr(matching.semantic, "SentenceEncoder", _StandInEncoder)
    monkeypatch.setattr(matching.semantic, "missing_reason", lambda: None)
    return _StandInEncoder


def test_with_the_semantic_encoder_a_rebuild_reuses_the_cached_embeddings(
    app, db, stand_in_encoder
):
    make_slot(title="Lager plukk")
    make_candidate(goals=GOALS)
    matchmaking.rebuild()
    first = matchmaking.current_matcher()[0].text_model_.encoder
    assert isinstance(first, stand_in_encoder) and first.calls == 2
    calls = first.calls
    assert _summary(db)["encoder"] == "stand-in"
    make_candidate(goals="Lager og plukk, gjerne truck")
    matchmaking.rebuild()
    second = matchmaking.current_matcher()[0].text_model_.encoder
    assert second.calls - calls == 1  # only the new candidate's text was encoded
    admin = make_user(kind=OrganisationKind.MUNICIPALITY, email="admin@kommune.example.no")
    client = app.test_client()
    submit(client, "/logg-inn", {"email": admin.email, "password": PASSWORD})
    page = client.get("/admin/matchmodell/kort").get_data(as_text=True)
    assert "semantisk koder stand-in" in page


def test_without_the_setting_the_model_card_says_no_semantic_encoder(app, db):
    make_slot(title="Lager")
    make_candidate(goals=GOALS)
    matchmaking.rebuild()
    assert _summary(db)["encoder"] is None
    admin = make_user(kind=OrganisationKind.MUNICIPALITY, email="admin@kommune.example.no")
    client = app.test_client()
    submit(client, "/logg-inn", {"email": admin.email, "password": PASSWORD})
    assert "uten semantisk koder" in client.get("/admin/matchmodell/kort").get_data(as_text=True)


def test_the_setting_without_the_extra_fails_the_rebuild_with_the_reason(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "SEMANTIC_ENCODER", True)
    monkeypatch.setattr(matching.semantic, "missing_reason", lambda: "no module 'torch'")
    make_slot(title="Lager")
    make_candidate(goals=GOALS)
    with pytest.raises(RuntimeError, match="ARBEIDSBRO_SEMANTIC is on, but no module 'torch'"):
        matchmaking.rebuild()
    assert "no module 'torch'" in matchmaking.latest_refit().error
