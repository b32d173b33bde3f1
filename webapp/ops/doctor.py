"""``flask doctor``: what is configured, and what is missing or unsafe in production.

Each finding is an error (the command exits 1: do not start like this), a warning, or fine.
The rules read the app's configuration and the environment only; :func:`check_services` also
asks the database and Redis.
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path

ERROR, WARNING, OK = "error", "warning", "ok"


@dataclass(frozen=True)
class Finding:
    level: str
    topic: str
    message: str


def web_workers(environ) -> int:
    """The gunicorn workers deploy/gunicorn.conf.py will start (its own rule)."""
    value = environ.get("GUNICORN_WORKERS") or environ.get("WEB_CONCURRENCY")
    return int(value) if value else multiprocessing.cpu_count() * 2 + 1


def check_config(config, environ, instance_path: str) -> list[Finding]:
    """The settings a production installation needs (README, Operations)."""
    findings: list[Finding] = []
    add = lambda level, topic, message: findings.append(Finding(level, topic, message))  # noqa: E731

    database = str(config.get("SQLALCHEMY_DATABASE_URI", ""))
    if database.startswith("sqlite"):
        add(
            ERROR,
            "database",
            "SQLite: one machine, one writer at a time; set DATABASE_URL to PostgreSQL",
        )
    else:
        add(OK, "database", database.split("://", 1)[0])

    key_file = Path(instance_path) / "secret_key"
    if not environ.get("SECRET_KEY"):
        add(
            ERROR,
            "secret key",
            f"SECRET_KEY is not set: a key generated in {key_file} is "
            "used, different on every machine; set the same SECRET_KEY on all of them",
        )
    elif len(environ["SECRET_KEY"]) < 32:
        add(ERROR, "secret key", "SECRET_KEY is shorter than 32 characters")
    else:
        add(OK, "secret key", "from the environment")

    workers = web_workers(environ)
    if not config.get("REDIS_URL"):
        if workers > 1:
            add(
                ERROR,
                "redis",
                f"no REDIS_URL with {workers} web workers: each counts login "
                "limits alone and runs jobs in the web process",
            )
        else:
            add(WARNING, "redis", "no REDIS_URL: jobs run in the web process")
    else:
        add(OK, "redis", f"set; {workers} web workers")

    if not config.get("MAIL_SERVER"):
        add(ERROR, "mail", "no MAIL_SERVER: invites and notifications go to the log only")
    else:
        add(OK, "mail", f"{config['MAIL_SERVER']}:{config.get('MAIL_PORT')}")

    base_url = str(config.get("BASE_URL") or "")
    proxies = int(config.get("TRUSTED_PROXIES") or 0)
    behind_tls = base_url.startswith("https://")
    if not base_url:
        add(
            WARNING,
            "base url",
            "ARBEIDSBRO_BASE_URL is not set: links in commands' output and e-mails are relative",
        )
    if behind_tls and not config.get("ARBEIDSBRO_HTTPS"):
        add(
            ERROR,
            "https",
            "served over HTTPS but ARBEIDSBRO_HTTPS is off: cookies are not "
            "Secure and no HSTS is sent",
        )
    elif config.get("ARBEIDSBRO_HTTPS"):
        add(OK, "https", "Secure cookies and HSTS")
    elif not behind_tls:
        add(ERROR, "https", "ARBEIDSBRO_HTTPS is off and ARBEIDSBRO_BASE_URL is not https://")
    if proxies == 0:
        add(
            ERROR,
            "proxies",
            "ARBEIDSBRO_TRUSTED_PROXIES is 0: behind nginx every user has "
            "nginx's address (one rate limit for all); set it to the number of proxies",
        )
    else:
        add(OK, "proxies", f"{proxies} trusted")

    if environ.get("PROMETHEUS_MULTIPROC_DIR") is None and workers > 1:
        add(WARNING, "metrics", "PROMETHEUS_MULTIPROC_DIR unset: /metrics shows one worker")
    if not (config.get("METRICS_TOKEN") or config.get("METRICS_ALLOW")):
        add(
            WARNING,
            "metrics",
            "neither ARBEIDSBRO_METRICS_TOKEN nor ARBEIDSBRO_METRICS_ALLOW: "
            "/metrics answers nobody",
        )
    if not config.get("LOG_JSON"):
        add(WARNING, "logs", "ARBEIDSBRO_LOG_JSON is off: logs are plain text")
    return findings


def check_services() -> list[Finding]:
    """Ask the database, Redis and the migrations (in an app context)."""
    from webapp.ops import health

    findings = []
    for name, check in health.CHECKS:
        if name == "model":
            continue
        try:
            findings.append(Finding(OK, name, check()))
        except Exception as error:  # noqa: BLE001 - reported, not raised
            from webapp.extensions import db

            db.session.rollback()
            findings.append(Finding(ERROR, name, f"{type(error).__name__}: {error}"[:300]))
    return findings


def run(app, environ=None, services: bool = True) -> list[Finding]:
    environ = os.environ if environ is None else environ
    findings = check_config(app.config, environ, app.instance_path)
    if services:
        with app.app_context():
            findings += check_services()
    return findings
