"""bench/web.py's pages against the production recipe: two gunicorn instances
(deploy/gunicorn.conf.py, 2 workers each, JSON logs, Redis) on one PostgreSQL database, with
the load spread over both, at 20 and 100 connections, next to the bare page (two bare
instances, 2 workers each) in the same run.

    .venv/bin/python bench/deployment.py                      # 10k candidates, 5k slots
    .venv/bin/python bench/deployment.py --connections 20 100 --duration 5

Prints a table per connection count, then one JSON line per page and count:
``{"page", "connections", "rps", "p50_ms", "p95_ms", "p99_ms", "errors", "ratio"}`` with
``ratio`` = throughput ÷ the bare page's at the same count. Needs PostgreSQL and Redis.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import web  # noqa: E402 - bench/web.py: HTTP helpers, set-up, the pages
from common import add_market_arguments  # noqa: E402

ROOT = web.ROOT


def start(app: str, port: int, env: dict, chdir: Path, log) -> subprocess.Popen:
    args = [str(web.GUNICORN), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
    args += ["--chdir", str(chdir), app]
    process = subprocess.Popen(  # noqa: S603 - our own command
        args, env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}, cwd=ROOT, stdout=log, stderr=log
    )
    for _ in range(600):
        if web.request(port, "/readyz" if "webapp" in app else "/")[0] == 200:
            return process
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"gunicorn {app} on {port} did not get ready")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_market_arguments(parser, server=True)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--connections", type=int, nargs="+", default=[20, 100])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per page and count")
    parser.add_argument("--port", type=int, default=8730)
    parser.add_argument("--only", default="", help="measure only pages whose name has this")
    args = parser.parse_args()

    name = f"arbeidsbro_bench_deploy_{os.getpid()}"
    admin_url = f"{args.server}/postgres"
    database_url = f"{args.server}/{name}"
    web.psql(admin_url, f"CREATE DATABASE {name}")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BENCH_DATABASE_URL": database_url,
        "REDIS_URL": args.redis,
        "SECRET_KEY": "bench-deployment-not-secret-" + "x" * 20,
        "ARBEIDSBRO_RATELIMIT": "0",
        "ARBEIDSBRO_LOG_JSON": "1",
        "GUNICORN_WORKERS": "2",
        "FLASK_APP": "webapp",
    }
    servers: list[subprocess.Popen] = []
    log_path = Path(tempfile.gettempdir()) / f"{name}.log"
    log = log_path.open("ab")  # noqa: SIM115 - kept open for the servers
    try:
        logins = web.seed_market(args, env)
        app_ports = [args.port, args.port + 1]
        bare_ports = [args.port + 2, args.port + 3]
        for port in app_ports:
            servers.append(start("webapp:create_app()", port, env, ROOT, log))
        for port in bare_ports:
            servers.append(start("bare_app:app", port, env, ROOT / "bench", log))
        # Signed in on one instance, the cookie serves on both.
        cookies = {role: web.login(app_ports[0], email) for role, email in logins.items()}
        found = web.ids(database_url, logins["caseworker"])

        rows = []
        for connections in args.connections:
            bare = {"page": "bare Flask+SQLAlchemy+Jinja", "connections": connections}
            bare.update(web.concurrent(bare_ports, "/", "", connections, args.duration))
            rows.append(bare)
            for role, page, path in web.pages(found):
                if args.only and args.only not in page:
                    continue
                for port in app_ports:
                    web.request(port, path, cookies[role])  # warm up both
                row = {"page": page, "connections": connections}
                row.update(
                    web.concurrent(app_ports, path, cookies[role], connections, args.duration)
                )
                row["ratio"] = row["rps"] / bare["rps"]
                rows.append(row)
                print(f"  {connections} {page}: {row['rps']:.0f} req/s", file=sys.stderr)
            bare["ratio"] = 1.0
        report(args, rows)
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=40)
        log.close()
        web.psql(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def report(args, rows: list[dict]) -> None:
    print(
        f"\n{args.candidates} candidates, {args.slots} slots, {args.suggestions} suggestions;"
        " 2 instances × 2 gunicorn workers; load spread over both\n"
    )
    print(f"{'conn':>4} {'page':40} {'req/s':>7} {'×bare':>6} {'p50':>7} {'p95':>7} {'p99':>7} err")
    for row in rows:
        print(
            f"{row['connections']:4d} {row['page'][:40]:40} {row['rps']:7.1f} {row['ratio']:6.2f}"
            f" {row['p50_ms']:7.1f} {row['p95_ms']:7.1f} {row['p99_ms']:7.1f} {row['errors']:3d}"
        )
    print()
    for row in rows:
        print(
            json.dumps(
                {k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()},
                ensure_ascii=False,
            )
        )


if __name__ == "__main__":
    main()
