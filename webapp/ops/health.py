"""Readiness: can this process serve? The database answers, Redis answers (when configured),
the newest model artefact is loaded, and the schema is at the migrations' head."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import current_app
from sqlalchemy import text

from webapp.extensions import db


@cache
def migration_heads(directory: str) -> frozenset[str]:
    """The head revisions of the migrations shipped with this code (read once per process)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def _migrations_directory() -> str:
    return str(Path(current_app.root_path).parent / "migrations")


def check_database() -> str:
    db.session.execute(text("SELECT 1"))
    return "ok"


def check_redis() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "not configured"
    from redis import Redis

    connection = Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        connection.ping()
    finally:
        connection.close()
    return "ok"


def check_migrations() -> str:
    """``ok`` at head; raises when the database is behind or ahead of this code."""
    heads = migration_heads(_migrations_directory())
    try:
        current = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except Exception as error:  # noqa: BLE001 - no alembic_version table: never migrated
        db.session.rollback()
        raise RuntimeError("not migrated") from error
    if current != set(heads):
        raise RuntimeError(f"at {sorted(current)}, code expects {sorted(heads)}")
    return "ok"


def check_model() -> str:
    """The loaded version, ``none`` before the first refit; raises if one exists but none loads."""
    from webapp.services import model_store

    matcher, version = model_store.current_matcher()
    if matcher is not None:
        return version
    if model_store.latest_version() is None:
        return "none"
    raise RuntimeError("a model is stored but none could be loaded")


CHECKS = (
    ("database", check_database),
    ("redis", check_redis),
    ("migrations", check_migrations),
    ("model", check_model),
)


def readiness() -> tuple[bool, dict]:
    """Run every check; ``(all passed, {check: result or "error: …"})``."""
    results: dict[str, str] = {}
    ready = True
    for name, check in CHECKS:
        if name in ("migrations", "model") and results["database"] != "ok":
            results[name] = "skipped"
            continue
        try:
            results[name] = check()
        except Exception as error:  # noqa: BLE001 - every failure is a "not ready"
            db.session.rollback()
            ready = False
            # Public endpoint: our own messages only, never a driver's (it may quote SQL).
            detail = f": {error}" if type(error) is RuntimeError else ""
            results[name] = f"error: {type(error).__name__}{detail}"
    return ready, results
