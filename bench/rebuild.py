"""Full model rebuild benchmark: ``matchmaking.rebuild()`` end to end on the synthetic set
(target ≤ 30 s for 10,000 candidates × 5,000 slots, issue "Fast pages").

Usage::

    .venv/bin/python bench/rebuild.py                                   # SQLite, a temp file
    .venv/bin/python bench/rebuild.py --database-url postgresql://postgres@127.0.0.1:5432/test

The data is the dashboard benchmark's (``bench/dashboard.py``): ``flask seed synthetic`` plus a
year of history with a fixed seed (20,000 suggestions in every state, 3,000 placements with
outcomes), so the learned models are trained and used as in production. The rebuild's own
phases (read, fit, learn, store the model, rank and store the suggestions) are timed from its
progress callback and the refit run's timestamps; the result is one JSON object.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402
from common import add_market_arguments, database_url, print_results  # noqa: E402
from dashboard import BENCH_DATABASE, add_history  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from seeds.synthetic import seed_synthetic  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.models import ModelArtifact, Suggestion  # noqa: E402
from webapp.services import matchmaking  # noqa: E402

TARGET_SECONDS = 30.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_market_arguments(parser)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--profile", action="store_true", help="print where the time goes")
    args = parser.parse_args()

    os.chdir(ROOT)
    url = database_url(args.database_url, BENCH_DATABASE)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        upgrade()
        seed_synthetic(args.candidates, args.slots)
        add_history(random.Random(13), args.suggestions, args.placements)
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        db.session.remove()

        marks: list[tuple[float, int, int]] = []
        profiler = cProfile.Profile() if args.profile else None
        started, started_cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        summary = matchmaking.rebuild(
            progress=lambda done, total: marks.append((time.perf_counter(), done, total))
        )
        seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
        if profiler:
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        artefact = db.session.scalar(sa.select(ModelArtifact).order_by(ModelArtifact.id.desc()))
        learning = (artefact.summary or {}).get("learning", {})
        ranking_started = marks[0][0] if marks else None
        result = {
            "database": sa.make_url(url).get_backend_name(),
            "candidates": summary.get("candidates"),
            "slots": summary.get("slots"),
            "suggestions_stored": db.session.scalar(
                sa.select(sa.func.count()).select_from(Suggestion)
            ),
            "seconds": round(seconds, 1),
            # This process's CPU time: the cost when other jobs share the cores (on SQLite it is
            # all of the work; PostgreSQL's own time is left out).
            "cpu_s": round(cpu, 1),
            "until_ranking_s": round(ranking_started - started, 1) if ranking_started else None,
            "ranking_and_storing_s": round(marks[-1][0] - ranking_started, 1) if marks else None,
            "learned": learning.get("used"),
            "target_s": TARGET_SECONDS,
            "within_target": seconds <= TARGET_SECONDS,
        }
    print_results(result, args.json)


if __name__ == "__main__":
    main()
