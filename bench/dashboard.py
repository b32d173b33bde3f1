"""Admin dashboard benchmark: how long ``/admin/`` takes on the synthetic set (target ≤ 300 ms).

Usage::

    .venv/bin/python bench/dashboard.py                                   # SQLite, a temp file
    .venv/bin/python bench/dashboard.py --database-url postgresql://postgres@127.0.0.1:5432/test

The PostgreSQL URL names a server: a database ``arbeidsbro_bench_dashboard`` is (re)made on it.
The schema comes from the migrations; the data from ``flask seed synthetic`` (10,000 candidates,
5,000 slots) plus, made here with a fixed seed, 20,000 suggestions in every state and 3,000
placements with outcomes, then ``ANALYZE`` (as autovacuum would). Each figure is the median
(and 90th percentile) of the whole page, rendered through the Flask test client, after warm-up
requests; the load average is printed too, since a shared machine slows every figure.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_login.utils import _create_identifier  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from bench.common import add_market_arguments, database_url, print_results, time_page  # noqa: E402
from seeds.synthetic import seed_synthetic  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.models import (  # noqa: E402
    Candidate,
    Organisation,
    OrganisationKind,
    Placement,
    Slot,
    Suggestion,
    User,
)

BENCH_DATABASE = "arbeidsbro_bench_dashboard"
SUGGESTION_STATES = {  # how the 20,000 pairs are spread; every accepted pair is a placement
    "accepted": 3000,
    "declined": 2000,
    "proposed": 1000,
    "withdrawn": 500,
    "approved": 2500,
    "rejected": 4000,
    "suggested": 7000,
}
PLACEMENT_STATES = ["planned"] * 1 + ["active"] * 2 + ["completed"] * 2 + ["ended_early"] * 1
OUTCOMES = ["employment", "apprenticeship_contract", "education", "further_training", "none"]
PAGES = {
    "no filter": "/admin/",
    "kind + period": "/admin/?slot_kind=work_training&date_from=2026-03-01&date_to=2026-12-31"
    "&organisation=&municipality=",
    "municipality": "/admin/?municipality=Lørenskog&slot_kind=&organisation=&date_from=&date_to=",
}


def add_history(rng: random.Random, suggestions: int, placements: int) -> None:
    """Suggestions in every state, with decision and answer times, and placements."""
    candidate_ids = db.session.scalars(sa.select(Candidate.id).order_by(Candidate.id)).all()
    slot_ids = db.session.scalars(sa.select(Slot.id).order_by(Slot.id)).all()
    scale = suggestions / sum(SUGGESTION_STATES.values())
    states = [s for s, n in SUGGESTION_STATES.items() for _ in range(round(n * scale))]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < len(states):
        pairs.add((rng.choice(candidate_ids), rng.choice(slot_ids)))
    rows = []
    for (candidate_id, slot_id), status in zip(sorted(pairs), states, strict=False):
        created = datetime(2026, 1, 5) + timedelta(days=rng.randint(0, 320), hours=9)
        row = {
            "candidate_id": candidate_id,
            "slot_id": slot_id,
            "score": round(rng.betavariate(5, 3), 3),
            "factors": {},
            "reasons": [],
            "model_version": "bench",
            "status": status,
            "reason": "",
            "answer_reason": "",
            "created_at": created,
            "updated_at": created,
        }
        if status not in ("suggested",):
            row["decided_at"] = created + timedelta(days=rng.randint(0, 5))
        if status in ("accepted", "declined", "proposed", "withdrawn"):
            row["proposed_at"] = row["decided_at"] + timedelta(hours=rng.randint(1, 48))
        if status in ("accepted", "declined"):
            row["answered_at"] = row["proposed_at"] + timedelta(hours=rng.randint(2, 400))
        rows.append(row)
    rng.shuffle(rows)
    db.session.execute(sa.insert(Suggestion), rows)
    accepted = db.session.execute(
        sa.select(
            Suggestion.id, Suggestion.candidate_id, Suggestion.slot_id, Suggestion.answered_at
        )
        .where(Suggestion.status == "accepted")
        .order_by(Suggestion.id)
        .limit(placements)
    ).all()
    placement_rows = []
    for suggestion_id, candidate_id, slot_id, answered in accepted:
        status = rng.choice(PLACEMENT_STATES)
        start = answered.date() + timedelta(days=rng.randint(5, 30))
        ended = status in ("completed", "ended_early")
        placement_rows.append(
            {
                "suggestion_id": suggestion_id,
                "candidate_id": candidate_id,
                "slot_id": slot_id,
                "status": status,
                "start_date": start,
                "end_date": start + timedelta(days=rng.randint(10, 120)) if ended else None,
                "outcome": rng.choice(OUTCOMES) if ended else None,
                "notes": "",
                "created_at": answered,
                "updated_at": answered,
            }
        )
    db.session.execute(sa.insert(Placement), placement_rows)
    db.session.commit()


def admin_client(app):
    municipality = Organisation(kind=OrganisationKind.MUNICIPALITY, name="Benchmark kommune")
    admin = User(organisation=municipality, email="admin@bench.example", name="Admin")
    db.session.add_all([municipality, admin])
    db.session.commit()
    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session.update(_user_id=admin.get_id(), _fresh=True, _id=identifier)
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_market_arguments(parser)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    os.chdir(ROOT)  # Flask-Migrate finds migrations/ from here
    url = database_url(args.database_url, BENCH_DATABASE)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    results = {"database": sa.make_url(url).get_backend_name(), "pages": {}}
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        seed_synthetic(args.candidates, args.slots)
        add_history(random.Random(13), args.suggestions, args.placements)
        # Fresh bulk-loaded tables have no planner statistics yet (PostgreSQL's autovacuum
        # gathers them a little later); without them it nested-loops 20,000 × 800 rows.
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        results["seed_seconds"] = round(time.perf_counter() - started, 1)
        results["rows"] = {
            model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Candidate, Slot, Suggestion, Placement)
        }
        client = admin_client(app)
        db.session.remove()
    for name, page in PAGES.items():
        results["pages"][name] = time_page(
            client, page, args.repeat, must_contain=b"app-chart", cpu=True
        )
    print_results(results, args.json)
    if args.database_url:
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
