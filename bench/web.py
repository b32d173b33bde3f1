"""Every main page of every role under load, next to a bare Flask page in the same run.

    .venv/bin/python bench/web.py                                    # 10k candidates, 5k slots
    .venv/bin/python bench/web.py --candidates 100000 --slots 50000 --suggestions 200000 \\
        --placements 30000
    .venv/bin/python bench/web.py --database NAME --candidates 100000 ...   # a kept database

Steps: a fresh PostgreSQL database; ``flask db upgrade``; ``flask seed synthetic`` (candidates,
slots, suggestions, placements; ANALYZE); the app under gunicorn (2 workers) and the bare
Flask + SQLAlchemy + Jinja page (``bench/bare_app.py``, 50 of the candidates) under gunicorn (2
workers) on the same database; wait until both servers' workers have started and gone quiet;
sign in as each role; then, page by page, a sequential run
(median and p95 of single requests) and a run at ``--connections`` concurrent connections
(throughput, p50, p95, errors). Prints a table, then one JSON line per page:
``{"page", "rps", "p50_ms", "p95_ms", "errors", "ratio", "seq_ms", "seq_ratio"}`` with
``ratio`` = throughput ÷ the bare page's and ``seq_ratio`` = sequential median ÷ the bare
page's. The load generator is Python threads over ``http.client`` (one connection per
request, as gunicorn's sync workers close them). Targets (issue 10): seq_ratio ≤ 4, ratio ≥ 0.5,
0 errors, the admin dashboard ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from common import add_market_arguments

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
FLASK = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "webapp"]
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
PASSWORD = "arbeidsbro-demo"
REQUEST_TIMEOUT_S = 60


# --- HTTP -------------------------------------------------------------------------------------


def request(port: int, path: str, cookie: str = "", method="GET", body: str | None = None):
    """One request on a new connection: (status, elapsed seconds, headers, text)."""
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, time.perf_counter() - started, response.getheaders(), text
    except (OSError, http.client.HTTPException):
        return 0, time.perf_counter() - started, [], ""
    finally:
        conn.close()


def _cookies(headers, jar: dict) -> None:
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key] = rest.split(";", 1)[0]


def login(port: int, email: str) -> str:
    jar: dict[str, str] = {}
    status, _t, headers, page = request(port, "/logg-inn")
    _cookies(headers, jar)
    token = CSRF.search(page).group(1)
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    form = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": PASSWORD})
    status, _t, headers, _page = request(port, "/logg-inn", cookie, "POST", form)
    _cookies(headers, jar)
    if status != 302:
        raise SystemExit(f"login as {email} failed: {status}")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


# --- measuring --------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def sequential(port, path, cookie, requests: int, budget_s: float) -> dict:
    for _ in range(2):  # warm up (worker imports, first queries)
        request(port, path, cookie)
    times, errors, started = [], 0, time.perf_counter()
    while len(times) < requests and (len(times) < 3 or time.perf_counter() - started < budget_s):
        status, elapsed, _h, _t = request(port, path, cookie)
        times.append(elapsed)
        errors += status != 200
    return {"seq_ms": statistics.median(times) * 1000, "seq_errors": errors}


def concurrent(ports, path, cookie, connections: int, duration_s: float) -> dict:
    """``connections`` threads, each sending request after request; over several ``ports``
    (one port or a list), each thread alternates them."""
    ports = [ports] if isinstance(ports, int) else list(ports)
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + duration_s

    def worker(n: int):
        while time.perf_counter() < stop:
            status, elapsed, _h, _t = request(ports[n % len(ports)], path, cookie)
            n += 1
            with lock:
                times.append(elapsed)
                errors[0] += status != 200

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "rps": len(times) / wall,
        "p50_ms": percentile(times, 0.5) * 1000,
        "p95_ms": percentile(times, 0.95) * 1000,
        "p99_ms": percentile(times, 0.99) * 1000,
        "errors": errors[0],
    }


# --- set-up -----------------------------------------------------------------------------------


def run(command: list[str], env: dict) -> str:
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def seed_market(args, env: dict) -> dict[str, str]:
    """Migrate and seed the synthetic set of ``args``' size; one sign-in e-mail per role."""
    run([*FLASK, "db", "upgrade"], env)
    output = run(
        [
            *FLASK,
            "seed",
            "synthetic",
            f"--candidates={args.candidates}",
            f"--slots={args.slots}",
            f"--suggestions={args.suggestions}",
            f"--placements={args.placements}",
        ],
        env,
    )
    return dict((m.group(1), m.group(0)) for m in re.finditer(r"syntetisk\.(\w+)\.\d+@\S+", output))


def psql(admin_url: str, sql: str) -> None:
    subprocess.run(["psql", admin_url, "-q", "-c", sql], check=True, capture_output=True)


def start_gunicorn(
    app: str, port: int, env: dict, chdir: Path, timeout_s: int = 30
) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(GUNICORN), "-w", "2", "-b", f"127.0.0.1:{port}", "--chdir", str(chdir)]
        + ["--timeout", str(timeout_s), "--log-level", "warning", app],
        env=env,
        cwd=ROOT,
    )
    # A worker answers once it has loaded the model (a minute at 100k × 50k).
    for _ in range(10 * max(30, 3 * timeout_s)):
        if request(port, "/healthz" if "webapp" in app else "/")[0] in (200, 302, 404):
            return process
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"gunicorn {app} did not start")


def settle(process: subprocess.Popen, workers: int = 2, timeout_s: float = 120) -> None:
    """Wait until gunicorn's ``workers`` have started and gone quiet (their CPU time stops
    growing). The first worker answers while the second still imports and loads the model; a
    page measured then (the bare page, first) shares the cores with that start."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")

    def cpu_ticks() -> tuple[int, int]:
        pids = children.read_text().split() if children.exists() else []
        ticks = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime + stime
        return len(pids), ticks

    stop, last = time.perf_counter() + timeout_s, None
    while time.perf_counter() < stop:
        count, ticks = cpu_ticks()
        if count >= workers and last is not None and ticks - last <= 2:
            return
        last = ticks if count >= workers else None
        time.sleep(0.5)


def ids(database_url: str, caseworker: str) -> dict:
    """Objects the pages need: the candidate of ``caseworker``'s office with the most
    suggestions, an open slot."""
    import psycopg

    with psycopg.connect(database_url) as conn:

        def one(sql, params=()):
            row = conn.execute(sql, params).fetchone()
            return row[0] if row else None

        return {
            "candidate": one(
                "SELECT s.candidate_id FROM suggestion s JOIN candidate c ON c.id = s.candidate_id"
                ' WHERE c.organisation_id = (SELECT organisation_id FROM "user" WHERE email = %s)'
                " GROUP BY s.candidate_id ORDER BY count(*) DESC, s.candidate_id LIMIT 1",
                (caseworker,),
            ),
            "slot": one("SELECT id FROM slot WHERE status = 'open' ORDER BY id LIMIT 1"),
        }


def kept_logins(database_url: str) -> dict[str, str]:
    """The synthetic set's sign-in e-mail per role in a kept database (what seeding printed)."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT email FROM \"user\" WHERE email LIKE 'syntetisk.%' ORDER BY id"
        ).fetchall()
    return {email.split(".")[1]: email for (email,) in reversed(rows)}


def pages(found: dict) -> list[tuple[str, str, str]]:
    """(role, name, path) for every main page of every role."""
    c, s = found["candidate"], found["slot"]
    return [
        ("caseworker", "caseworker home", "/veileder/"),
        ("caseworker", "candidate list", "/veileder/kandidater"),
        ("caseworker", "candidate search", "/veileder/kandidater?q=kokk"),
        ("caseworker", "candidate detail", f"/veileder/kandidater/{c}"),
        ("caseworker", "suggestions", f"/veileder/kandidater/{c}/forslag"),
        ("caseworker", "ranked candidates per slot", f"/veileder/plasser/{s}/kandidater"),
        ("caseworker", "browse slots", "/veileder/plasser"),
        ("caseworker", "browse slots: text", "/veileder/plasser?q=medarbeider"),
        (
            "caseworker",
            "browse slots: distance",
            "/veileder/plasser?postal_code=1470&max_km=20&sort=distance",
        ),
        ("caseworker", "caseworker placements", "/veileder/praksis"),
        ("employer", "employer home", "/arbeidsgiver/"),
        ("employer", "employer slots", "/arbeidsgiver/plasser"),
        ("employer", "employer inbox", "/arbeidsgiver/forslag"),
        ("employer", "employer placements", "/arbeidsgiver/praksis"),
        ("school", "school home", "/skole/"),
        ("school", "school needs", "/skole/behov"),
        ("admin", "admin dashboard", "/admin/"),
        ("admin", "admin log", "/admin/logg"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_market_arguments(parser, server=True)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--requests", type=int, default=20, help="sequential requests per page")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds at N connections")
    parser.add_argument("--port", type=int, default=8710)
    parser.add_argument("--rebuild", action="store_true", help="flask match rebuild first")
    parser.add_argument(
        "--worker-timeout",
        type=int,
        default=30,
        help="gunicorn's --timeout, which also bounds a worker's start (the model's loading)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--only", default="", help="measure only pages whose name has this")
    parser.add_argument(
        "--database", help="measure a database kept by an earlier --keep run (no seeding; kept)"
    )
    args = parser.parse_args()

    name = args.database or f"arbeidsbro_bench_web_{os.getpid()}"
    admin_url = f"{args.server}/postgres"
    database_url = f"{args.server}/{name}"
    if args.database:
        args.keep = True
    else:
        psql(admin_url, f"CREATE DATABASE {name}")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BENCH_DATABASE_URL": database_url,
        # A kept database's model is signed with the key it was rebuilt under.
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-web-not-secret"),
        "ARBEIDSBRO_RATELIMIT": "0",
        "FLASK_APP": "webapp",
    }
    env.pop("REDIS_URL", None)
    servers: list[subprocess.Popen] = []
    try:
        started = time.perf_counter()
        if args.database:  # migrated to this code's schema, not seeded again
            run([*FLASK, "db", "upgrade"], env)
            logins = kept_logins(database_url)
        else:
            logins = seed_market(args, env)
        seeded = time.perf_counter() - started
        print(f"seeded {args.candidates}/{args.slots} in {seeded:.0f} s", file=sys.stderr)
        if args.rebuild:
            started = time.perf_counter()
            run([*FLASK, "match", "rebuild"], env)
            rebuilt = time.perf_counter() - started
            print(f"rebuilt the model in {rebuilt:.0f} s", file=sys.stderr)
        servers.append(
            start_gunicorn("webapp:create_app()", args.port, env, ROOT, args.worker_timeout)
        )
        servers.append(start_gunicorn("bare_app:app", args.port + 1, env, ROOT / "bench"))
        for server in servers:
            settle(server)
        cookies = {role: login(args.port, email) for role, email in logins.items()}
        found = ids(database_url, logins["caseworker"])

        results = []
        bare = {"page": "bare Flask+SQLAlchemy+Jinja (50 of the candidates)"}
        bare.update(sequential(args.port + 1, "/", "", args.requests, 20))
        bare.update(concurrent(args.port + 1, "/", "", args.connections, args.duration))
        for role, page, path in pages(found):
            if args.only and args.only not in page:
                continue
            row = {"page": page, "path": path}
            row.update(sequential(args.port, path, cookies[role], args.requests, 20))
            row.update(concurrent(args.port, path, cookies[role], args.connections, args.duration))
            row["errors"] += row.pop("seq_errors")
            results.append(row)
            print(f"  {page}: {row['seq_ms']:.0f} ms, {row['rps']:.0f} req/s", file=sys.stderr)
        bare["errors"] += bare.pop("seq_errors")
        for row in [bare, *results]:
            row["ratio"] = row["rps"] / bare["rps"]
            row["seq_ratio"] = row["seq_ms"] / bare["seq_ms"]
        report(args, [bare, *results])
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        if not args.keep:
            psql(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def report(args, rows: list[dict]) -> None:
    print(
        f"\n{args.candidates} candidates, {args.slots} slots, {args.suggestions} suggestions,"
        f" {args.placements} placements; gunicorn 2 workers; {args.connections} connections\n"
    )
    header = f"{'page':52} {'seq ms':>7} {'×bare':>6} {'req/s':>7} {'×bare':>6}"
    print(header + f" {'p50 ms':>7} {'p95 ms':>7} {'errors':>6}")
    for row in rows:
        print(
            f"{row['page'][:52]:52} {row['seq_ms']:7.1f} {row['seq_ratio']:6.2f}"
            f" {row['rps']:7.1f} {row['ratio']:6.2f} {row['p50_ms']:7.1f} {row['p95_ms']:7.1f}"
            f" {row['errors']:6d}"
        )
    print()
    for row in rows:
        print(
            json.dumps(
                {
                    "page": row["page"],
                    "rps": round(row["rps"], 1),
                    "p50_ms": round(row["p50_ms"], 1),
                    "p95_ms": round(row["p95_ms"], 1),
                    "errors": row["errors"],
                    "ratio": round(row["ratio"], 3),
                    "seq_ms": round(row["seq_ms"], 1),
                    "seq_ratio": round(row["seq_ratio"], 3),
                },
                ensure_ascii=False,
            )
        )


if __name__ == "__main__":
    main()
