"""Retraining the learned scores from decisions and outcomes, and the model card's figures.

:func:`retrain` is called by ``matchmaking.rebuild`` on every refit (manual, job or schedule);
it never raises: whatever goes wrong, the hand weights stay and the report says why. The report
is stored in the model artefact's ``summary["learning"]`` and shown on the admin's model card.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

import matching
from matching import evaluation, outcomes
from webapp.extensions import db
from webapp.models import (
    Candidate,
    ModelArtifact,
    Placement,
    Suggestion,
    SuggestionStatus,
)
from webapp.services import matchmaking

log = logging.getLogger("arbeidsbro.learning")

#: P(approved | suggested): approved or further is yes, rejected or declined (with a reason) no.
APPROVED = {SuggestionStatus.APPROVED, SuggestionStatus.PROPOSED, SuggestionStatus.ACCEPTED}
NOT_APPROVED = {SuggestionStatus.REJECTED, SuggestionStatus.DECLINED}
#: An employer who never answered did not decline: these are left out of learning.
EXPIRED_CODE = "expired"
LEVEL_BANDS = {
    "none": "none",
    "A1": "A1–A2",
    "A2": "A1–A2",
    "B1": "B1–B2",
    "B2": "B1–B2",
    "C1": "C1–C2",
    "C2": "C1–C2",
}
DIMENSIONS = ("level_band", "adaptations", "organisation_kind")


def groups_of(candidate: Candidate) -> dict[str, str]:
    """The fairness groups a candidate belongs to."""
    return {
        "level_band": LEVEL_BANDS.get(candidate.norwegian_level or "none", "none"),
        "adaptations": "yes" if candidate.adaptation_needs else "no",
        "organisation_kind": candidate.organisation.kind,
    }


def _candidate_loads() -> tuple:
    # Everything the engine conversion and the fairness groups read, in a few statements
    # instead of one lazy load per pair (20 s of a 10k × 5k refit before).
    return (*matchmaking.candidate_loads(), selectinload(Candidate.organisation))


def _decision_rows():
    rows = db.session.scalars(
        select(Suggestion)
        .where(Suggestion.status.in_(APPROVED | NOT_APPROVED))
        .options(
            selectinload(Suggestion.candidate).options(*_candidate_loads()),
            selectinload(Suggestion.slot).options(*matchmaking.slot_loads()),
        )
        .order_by(Suggestion.id)
    ).all()
    out = []
    for row in rows:
        if row.status == SuggestionStatus.DECLINED and row.answer_reason_code == EXPIRED_CODE:
            continue
        at = row.answered_at if row.status in {"accepted", "declined"} else row.decided_at
        out.append((row.candidate, row.slot, row.status in APPROVED, at or row.updated_at))
    return out


def _outcome_rows():
    rows = db.session.scalars(
        select(Placement)
        .options(
            selectinload(Placement.candidate).options(*_candidate_loads()),
            selectinload(Placement.slot).options(*matchmaking.slot_loads()),
        )
        .order_by(Placement.id)
    ).all()
    out = []
    for row in rows:
        label = outcomes.outcome_label(row.outcome, row.status)
        if label is None:
            continue
        out.append((row.candidate, row.slot, label, row.end_date or row.updated_at))
    return out


def _labelled(matcher, rows) -> list[outcomes.LabelledPair]:
    """Rows ``(candidate, slot, label, at)`` as labelled pairs; unusable profiles are skipped."""
    usable, converted = [], {}  # one engine profile per database row: encoded once

    def engine(row, convert):
        key = (type(row), row.id)
        if key not in converted:
            try:
                converted[key] = convert(row)
            except ValueError:  # e.g. an anonymised candidate without kinds
                converted[key] = None
        return converted[key]

    for candidate, slot, label, at in rows:
        pair = (
            engine(candidate, matchmaking.to_engine_candidate),
            engine(slot, matchmaking.to_engine_slot),
        )
        if None in pair:  # nothing to learn from
            continue
        usable.append((pair, candidate, label, at))
    if not usable:
        return []
    values, extras = matcher.pair_factors([u[0][0] for u in usable], [u[0][1] for u in usable])
    return [
        outcomes.LabelledPair(
            tuple(values[i].tolist()),
            tuple(extras[i].tolist()),
            bool(label),
            at if isinstance(at, datetime) else datetime.combine(at, datetime.min.time()),
            candidate_id=candidate.id,
            groups=groups_of(candidate),
        )
        for i, (_pair, candidate, label, at) in enumerate(usable)
    ]


def retrain(matcher: matching.Matcher, previous: matching.Matcher | None = None) -> dict:
    """Learn both scores for a freshly fitted ``matcher`` and attach them if they earn it.

    ``previous`` is the model in use so far: its learned scores are compared on the new
    held-out data, and kept when the retrain does worse. Returns the report for the model card.
    """
    try:
        decisions, placements = _decision_rows(), _outcome_rows()
        approval = _labelled(matcher, decisions)
        outcome = _labelled(matcher, placements)
        scorer = outcomes.learn(
            approval,
            outcome,
            matcher.weights_,
            previous=getattr(previous, "learned_", None),
        )
        matcher.set_learned(scorer)
        report = dict(scorer.report)
        report["rates"] = {
            "approval": evaluation.rate_table(_rate_rows(decisions), DIMENSIONS),
            "outcome": evaluation.rate_table(_rate_rows(placements), DIMENSIONS),
        }
        return report
    except Exception as error:  # noqa: BLE001 - a failed retrain must never stop the refit
        log.exception("learning from decisions and outcomes failed; hand weights stay")
        matcher.set_learned(None)
        return {"error": type(error).__name__, "used": {t: "hand" for t in outcomes.TARGETS}}


def _rate_rows(rows) -> list[dict]:
    return [{"label": label, **groups_of(candidate)} for candidate, _slot, label, _at in rows]


def model_card() -> dict | None:
    """The newest model's learning report and what it was fitted on; None before any model."""
    artifact = db.session.scalar(select(ModelArtifact).order_by(ModelArtifact.id.desc()))
    if artifact is None:
        return None
    return {
        "version": artifact.version,
        "created_at": artifact.created_at,
        "summary": artifact.summary or {},
        "learning": (artifact.summary or {}).get("learning"),
    }
