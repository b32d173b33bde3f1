"""Bulk import speed: 10,000 candidate rows (CSV and XLSX), dry run and save, on a scratch
database (SQLite in a temp dir by default; ``--database-url postgresql://…`` for PostgreSQL).

Target (issue 15): 10,000 rows in at most 30 s on this machine, for the dry run and the save.
The re-ranking of the imported candidates after the save is timed separately (it needs a fitted
model; without one it is skipped, as in a fresh installation).

    .venv/bin/python bench/import.py --rows 10000
    .venv/bin/python bench/import.py --rows 10000 --database-url postgresql://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_SECONDS = 30.0


def make_rows(n: int, seed: int = 15) -> tuple[list[str], list[list[str]]]:
    from webapp.services.bulk_import.candidates import COLUMNS

    rng = random.Random(seed)
    kinds = ["work_training", "language_practice", "work_practice", "apprenticeship"]
    levels = ["none", "A1", "A2", "B1", "B2", "C1"]
    header = [column.nb for column in COLUMNS]
    rows = []
    for i in range(n):
        values = {
            "reference_code": f"BENCH-{i:06d}",
            "display_name": f"Kandidat {i}",
            "programme": rng.choice(["introduksjonsprogrammet", "other"]),
            "kinds": "; ".join(rng.sample(kinds, 2)),
            "goals": rng.choice(["Jobbe i butikk", "Lager og logistikk", "Helsefagarbeider"]),
            "skills": "",
            "experience": "Noe erfaring",
            "education": "",
            "occupations": "",
            "norwegian_level": rng.choice(levels),
            "home_postal_code": "1470",
            "max_commute_km": str(rng.randint(5, 60)),
            "hours_per_week": str(rng.randint(10, 37)),
            "available_from": "01.02.2027",
            "adaptation_needs": "",
            "notes": "",
        }
        rows.append([values[column.field] for column in COLUMNS])
    return header, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--json", default=None, help="write the figures to this file")
    args = parser.parse_args()

    from webapp import create_app
    from webapp.extensions import db
    from webapp.models import Organisation, OrganisationKind, User, utcnow
    from webapp.services import bulk_import
    from webapp.services.bulk_import.candidates import CandidateImporter
    from webapp.services.bulk_import.reading import write_csv, write_xlsx

    tmp = tempfile.mkdtemp(prefix="arbeidsbro-bench-import-")
    url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    figures: dict = {"rows": args.rows, "database": url.split(":", 1)[0]}
    with app.app_context():
        db.drop_all()
        db.create_all()
        from seeds.taxonomy import load_taxonomies

        load_taxonomies()
        nav = Organisation(kind=OrganisationKind.NAV_OFFICE, name="NAV Bench", approved_at=utcnow())
        user = User(organisation=nav, email="bench@example.no", name="Bench")
        db.session.add_all([nav, user])
        db.session.commit()

        header, rows = make_rows(args.rows)
        files = {
            "csv": write_csv(header, rows),
            "xlsx": write_xlsx(header, rows, "kandidater"),
        }
        importer = CandidateImporter()
        for name, data in files.items():
            started = time.perf_counter()
            report = bulk_import.run(
                importer, user, data, f"k.{name}", dry_run=True, all_or_nothing=True
            )
            figures[f"{name}_dry_run_s"] = round(time.perf_counter() - started, 2)
            assert report.valid == args.rows, report.errors[:5]
        started = time.perf_counter()
        report = bulk_import.run(
            importer, user, files["csv"], "k.csv", dry_run=False, all_or_nothing=True
        )
        figures["csv_save_s"] = round(time.perf_counter() - started, 2)
        assert report.created == args.rows, report.errors[:5]
        started = time.perf_counter()
        report = bulk_import.run(
            importer, user, files["xlsx"], "k.xlsx", dry_run=False, all_or_nothing=True
        )
        figures["xlsx_reimport_unchanged_s"] = round(time.perf_counter() - started, 2)
        assert report.created == 0, (report.created, report.updated, report.errors[:3])
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    worst = max(value for key, value in figures.items() if key.endswith("_s"))
    figures["target_s"] = TARGET_SECONDS
    figures["within_target"] = worst <= TARGET_SECONDS
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if figures["within_target"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
