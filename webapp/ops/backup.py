"""Backups that restore: ``pg_dump -Fc`` / ``pg_restore`` on PostgreSQL, SQLite's online backup
API on SQLite. :func:`fingerprint` (row count and checksum of every table) proves a restore
brought back what was saved. pg_dump and pg_restore run with argument lists, never a shell."""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
import subprocess  # nosec B404
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from webapp.config import normalise_database_url

NAME = re.compile(r"^arbeidsbro-\d{8}T\d{6}Z\.(dump|sqlite)$")


class BackupError(RuntimeError):
    pass


def _libpq_url(url: str) -> str:
    """The URL as pg_dump understands it (no SQLAlchemy driver suffix)."""
    return sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url: str) -> str:
    path = sa.make_url(url).database
    if not path or path == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return path


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client)")
    return path


def _major(version_text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version_text)
    if not match:
        raise BackupError(f"cannot read a version from {version_text!r}")
    return int(match.group(1))


def check_pg_dump(url: str) -> str:
    """pg_dump must be at least the server's major version; return its version line."""
    pg_dump = _tool("pg_dump")
    line = subprocess.run(  # noqa: S603 - an argument list, no shell
        [pg_dump, "--version"], check=True, capture_output=True, text=True
    ).stdout.strip()
    engine = sa.create_engine(normalise_database_url(url))
    try:
        with engine.connect() as conn:
            server = int(conn.execute(sa.text("SHOW server_version_num")).scalar()) // 10000
    finally:
        engine.dispose()
    if _major(line.split("(PostgreSQL)")[-1]) < server:
        raise BackupError(f"{line} is older than the server ({server}); install a newer client")
    return line


def create(url: str, directory: str | Path, keep: int | None = None) -> Path:
    """Write a backup of the database at ``url`` into ``directory``; return its path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    if url.startswith("sqlite"):
        target = directory / f"arbeidsbro-{stamp}.sqlite"
        partial = target.with_suffix(".partial")
        source = sqlite3.connect(_sqlite_path(url))
        dest = sqlite3.connect(partial)
        try:
            source.backup(dest)  # consistent even while the app writes
        finally:
            dest.close()
            source.close()
    else:
        check_pg_dump(url)
        target = directory / f"arbeidsbro-{stamp}.dump"
        partial = target.with_suffix(".partial")
        subprocess.run(  # noqa: S603 - an argument list, no shell
            [
                _tool("pg_dump"),
                "-Fc",
                "--no-owner",
                "--no-privileges",
                "-f",
                str(partial),
                "-d",
                _libpq_url(url),
            ],
            check=True,
            capture_output=True,
        )
    partial.rename(target)  # a dump is only ever seen complete
    if keep:
        prune(directory, keep)
    return target


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups this module wrote in ``directory``."""
    backups = sorted(p for p in directory.iterdir() if NAME.match(p.name))
    dropped = backups[:-keep] if keep > 0 else []
    for path in dropped:
        path.unlink()
    return dropped


def restore(path: str | Path, url: str) -> None:
    """Replace the database at ``url`` with the backup at ``path`` (stop the web processes
    first; run ``flask db upgrade`` after restoring a backup from an older version)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    if url.startswith("sqlite"):
        if path.suffix != ".sqlite":
            raise BackupError("a PostgreSQL dump cannot be restored into SQLite")
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        dest = sqlite3.connect(_sqlite_path(url))
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
        return
    if path.suffix != ".dump":
        raise BackupError("a SQLite backup cannot be restored into PostgreSQL")
    result = subprocess.run(  # noqa: S603 - an argument list, no shell
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "-d",
            _libpq_url(url),
            str(path),
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[:2000]}")


def fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """``{table: (rows, sha256 of every row in primary-key order)}`` for every table."""
    from webapp.models import search_index

    engine = sa.create_engine(normalise_database_url(url))
    result = {}
    try:
        metadata = sa.MetaData()
        metadata.reflect(engine)
        with engine.connect() as conn:
            for name, table in sorted(metadata.tables.items()):
                if search_index.is_search_table(name):
                    continue  # SQLite's full-text tables are rebuilt from their source tables
                order = list(table.primary_key.columns) or list(table.columns)
                digest = hashlib.sha256()
                rows = 0
                for row in conn.execute(sa.select(table).order_by(*order)):
                    digest.update(repr(tuple(row)).encode())
                    rows += 1
                result[name] = (rows, digest.hexdigest())
    finally:
        engine.dispose()
    return result


def timed(work, *args, **kwargs):
    """``(result, seconds)``."""
    started = time.perf_counter()
    return work(*args, **kwargs), time.perf_counter() - started
