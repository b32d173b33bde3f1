"""Audit log benchmark: how long ``/admin/logg`` and its CSV take with many events.

Usage::

    .venv/bin/python bench/audit_log.py                                   # SQLite, a temp file
    .venv/bin/python bench/audit_log.py --database-url postgresql://postgres@127.0.0.1:5432/test

The PostgreSQL URL names a server: a database ``arbeidsbro_bench_audit`` is (re)made on it. The
schema comes from the migrations; 40 organisations with 300 users and (by default) 200,000 audit
events over a year are made here with a fixed seed, then ``ANALYZE``. Each figure is the median
(and 90th percentile) of the whole page through the Flask test client, after warm-up requests.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from bench.common import database_url, print_results, time_page  # noqa: E402
from bench.dashboard import admin_client  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.models import AuditEvent, Organisation, OrganisationKind, User  # noqa: E402
from webapp.services.audit_labels import ACTIONS  # noqa: E402

BENCH_DATABASE = "arbeidsbro_bench_audit"


def make_log(rng: random.Random, events: int) -> dict:
    kinds = [OrganisationKind.EMPLOYER] * 30 + [OrganisationKind.NAV_OFFICE] * 10
    organisations = [
        Organisation(kind=kind, name=f"Organisasjon {n}", municipality="Lørenskog")
        for n, kind in enumerate(kinds)
    ]
    users = [
        User(
            organisation=rng.choice(organisations), email=f"u{n}@bench.example", name=f"Bruker {n}"
        )
        for n in range(300)
    ]
    db.session.add_all(organisations + users)
    db.session.commit()
    actions = sorted(ACTIONS)
    start = datetime(2026, 1, 1)
    batch = []
    for _n in range(events):
        action = rng.choice(actions)
        batch.append(
            {
                "actor_id": rng.choice(users).id if rng.random() > 0.05 else None,
                "action": action,
                "object_type": action.split(".")[0],
                "object_id": str(rng.randint(1, 20000)),
                "at": start + timedelta(seconds=rng.randint(0, 365 * 86400)),
                "detail": {},
            }
        )
        if len(batch) == 10000:
            db.session.execute(sa.insert(AuditEvent), batch)
            batch = []
    if batch:
        db.session.execute(sa.insert(AuditEvent), batch)
    db.session.commit()
    return {"organisation": organisations[3].id, "user": users[7].id}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL server (default: SQLite temp file)")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    os.chdir(ROOT)
    url = database_url(args.database_url, BENCH_DATABASE)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    results = {"database": sa.make_url(url).get_backend_name(), "pages": {}}
    with app.app_context():
        upgrade()
        ids = make_log(random.Random(13), args.events)
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        results["events"] = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
        client = admin_client(app)
        db.session.remove()
    pages = {
        "no filter": "/admin/logg",
        "page 1000": "/admin/logg?page=1000",
        "action": "/admin/logg?action=suggestion.accepted",
        "organisation": f"/admin/logg?organisation={ids['organisation']}",
        "person (text)": "/admin/logg?actor=Bruker+12",
        "one user": f"/admin/logg?actor_id={ids['user']}",
        "period": "/admin/logg?date_from=2026-06-01&date_to=2026-06-07",
        "action + period": "/admin/logg?action=user.login&date_from=2026-03-01&date_to=2026-03-31",
        "CSV, one action": "/admin/logg.csv?action=suggestion.accepted",
    }
    for name, page in pages.items():
        results["pages"][name] = time_page(client, page, args.repeat)
    print_results(results, args.json)
    if args.database_url:
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
