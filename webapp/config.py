"""Configuration from environment variables, with safe defaults for the demo.

Nothing secret is hard-coded: without ``SECRET_KEY`` a random key is generated once and kept in the
instance folder, so sessions survive restarts of the demo but no two installations share a key.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def instance_secret_key(instance_path: str) -> str:
    """Return the key stored in the instance folder, creating it on first use."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Write with owner-only permissions: the key signs every session cookie.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def normalise_database_url(url: str) -> str:
    """Let ``postgresql://`` URLs use the psycopg 3 driver that we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def from_environment(instance_path: str) -> dict:
    """Build the configuration mapping for :func:`webapp.create_app`."""
    database_url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "arbeidsbro.sqlite")
    )
    redis_url = os.environ.get("REDIS_URL") or None
    https = _bool("ARBEIDSBRO_HTTPS")
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or instance_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        # Load the model as each worker starts (ARBEIDSBRO_PRELOAD_MODEL=0: on first use).
        "PRELOAD_MODEL": _bool("ARBEIDSBRO_PRELOAD_MODEL", True),
        # The optional semantic encoder (pip install -e '.[semantic]'): off unless asked for.
        "SEMANTIC_ENCODER": _bool("ARBEIDSBRO_SEMANTIC"),
        # Webhook receivers must use HTTPS; plain HTTP only for a receiver on a test machine.
        "WEBHOOKS_ALLOW_HTTP": _bool("ARBEIDSBRO_WEBHOOKS_ALLOW_HTTP"),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_ENABLED": _bool("ARBEIDSBRO_RATELIMIT", True),
        "LOGIN_RATE_LIMIT": os.environ.get("ARBEIDSBRO_LOGIN_RATE_LIMIT", "10 per minute"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "ARBEIDSBRO_HTTPS": https,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=_int("ARBEIDSBRO_SESSION_HOURS", 8)),
        "SESSION_IDLE_MINUTES": _int("ARBEIDSBRO_IDLE_MINUTES", 30),
        "TRUSTED_PROXIES": _int("ARBEIDSBRO_TRUSTED_PROXIES", 0),
        "INVITE_MAX_AGE_HOURS": _int("ARBEIDSBRO_INVITE_HOURS", 72),
        "RETENTION_MONTHS": _int("ARBEIDSBRO_RETENTION_MONTHS", 12),
        # The dashboard's tables are counted at most this often per worker (0: every time).
        "STATS_CACHE_SECONDS": _int("ARBEIDSBRO_STATS_CACHE_SECONDS", 60),
        "BASE_URL": os.environ.get("ARBEIDSBRO_BASE_URL", ""),
        # Slot kinds whose placements may start without an approved agreement (comma-separated).
        "AGREEMENT_OPTIONAL_KINDS": tuple(
            kind.strip()
            for kind in os.environ.get(
                "ARBEIDSBRO_AGREEMENT_OPTIONAL_KINDS", "school_placement"
            ).split(",")
            if kind.strip()
        ),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS"),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "Arbeidsbro <ikke-svar@arbeidsbro.local>"),
        # Operations (webapp/ops): JSON logs, who may read /metrics, where backups go
        "LOG_JSON": _bool("ARBEIDSBRO_LOG_JSON"),
        "METRICS_TOKEN": os.environ.get("ARBEIDSBRO_METRICS_TOKEN") or None,
        "METRICS_ALLOW": tuple(
            part.strip()
            for part in os.environ.get("ARBEIDSBRO_METRICS_ALLOW", "").split(",")
            if part.strip()
        ),
        "BACKUP_DIR": os.environ.get("ARBEIDSBRO_BACKUP_DIR") or None,
        "BABEL_DEFAULT_LOCALE": "nb",
        "LANGUAGES": ("nb", "en"),
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead, which expires on its own
    }
