"""Backup and restore times on synthetic data, on PostgreSQL and SQLite, with the round trip
checked (row count and checksum of every table, webapp.ops.backup.fingerprint).

    .venv/bin/python bench/backup.py --candidates 10000 --slots 5000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import add_market_arguments  # noqa: E402
from web import psql, seed_market  # noqa: E402 - bench/web.py

from webapp.ops import backup  # noqa: E402


def measure(kind: str, source: str, target: str, args, work: Path) -> None:
    env = {**os.environ, "DATABASE_URL": source, "SECRET_KEY": "bench-backup-" + "x" * 24}
    env.pop("REDIS_URL", None)
    seed_market(args, env)
    before = backup.fingerprint(source)
    started = time.perf_counter()
    path = backup.create(source, work / kind)
    created = time.perf_counter() - started
    started = time.perf_counter()
    backup.restore(path, target)
    restored = time.perf_counter() - started
    same = backup.fingerprint(target) == before
    rows = sum(count for count, _digest in before.values())
    print(
        f"{kind:10} {rows:9d} rows  {path.stat().st_size / 1e6:7.1f} MB  create {created:6.1f} s"
        f"  restore {restored:6.1f} s  round trip {'identical' if same else 'DIFFERS'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_market_arguments(parser, server=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        measure(
            "sqlite",
            f"sqlite:///{work}/source.sqlite",
            f"sqlite:///{work}/target.sqlite",
            args,
            work,
        )
        names = [f"arbeidsbro_bench_backup_{n}_{os.getpid()}" for n in ("source", "target")]
        admin = f"{args.server}/postgres"
        for name in names:
            psql(admin, f"CREATE DATABASE {name}")
        try:
            measure(
                "postgresql", f"{args.server}/{names[0]}", f"{args.server}/{names[1]}", args, work
            )
        finally:
            for name in names:
                psql(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
