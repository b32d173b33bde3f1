"""What the in-process benches share: the market's size on the command line, a bench database,
timing a page through the Flask test client, and printing the figures.

The benches over HTTP (``web.py``, ``deployment.py``) share ``web.py``'s helpers instead.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

#: The PostgreSQL server the benches over ``flask`` and gunicorn make their databases on.
SERVER = "postgresql://postgres@127.0.0.1:5432"


def add_market_arguments(parser, *, server: bool = False) -> None:
    """``--candidates``, ``--slots``, ``--suggestions``, ``--placements`` of the synthetic set,
    and where it goes: ``--server`` (a PostgreSQL server) or ``--database-url`` (else SQLite)."""
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--slots", type=int, default=5_000)
    parser.add_argument("--suggestions", type=int, default=20_000)
    parser.add_argument("--placements", type=int, default=3_000)
    if server:
        parser.add_argument("--server", default=SERVER)
    else:
        parser.add_argument(
            "--database-url", help="a PostgreSQL server (default: SQLite temp file)"
        )


def database_url(server_url: str | None, name: str) -> str:
    """A fresh database ``name`` on the PostgreSQL server, or an SQLite temp file without one."""
    if not server_url:
        return "sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.db")
    # Here, not at the top: web.py and deployment.py use this module without the app's path.
    from webapp.config import normalise_database_url

    server = sa.create_engine(normalise_database_url(server_url), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    server.dispose()
    return str(sa.make_url(normalise_database_url(server_url)).set(database=name))


def time_page(client, page: str, repeat: int, *, must_contain=b"", cpu=False) -> dict:
    """Median and 90th percentile (ms) of ``repeat`` requests, after two warm-up requests."""
    for _ in range(2):
        assert client.get(page).status_code == 200
    times, cpu_times = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(page)
        times.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200 and must_contain in response.data
    times.sort()
    figures = {
        "median_ms": round(statistics.median(times), 1),
        "p90_ms": round(times[int(0.9 * (len(times) - 1))], 1),
    }
    if cpu:
        # CPU of this process only: with SQLite all of the work, with PostgreSQL the
        # rendering and the driver (the server's own time is in median_ms, not here).
        figures["median_cpu_ms"] = round(statistics.median(cpu_times), 1)
    return figures


def print_results(results: dict, json_path: str | None) -> None:
    """Print the figures as JSON with the load average (a shared machine slows every figure),
    and write them to ``json_path`` too if given."""
    results["load_average"] = os.getloadavg()
    text = json.dumps(results, indent=2, ensure_ascii=False)
    print(text)
    if json_path:
        Path(json_path).write_text(text + "\n")
