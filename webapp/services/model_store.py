"""The fitted model as a signed, versioned artefact in the database, loaded once per process.

* **Signed**: the artefact is ``Matcher.to_bytes`` output, an HMAC-SHA256 under a key derived
  from ``SECRET_KEY``; a row that does not verify is refused before anything is unpickled, and
  the process keeps serving the version it had (or the newest older one that verifies).
* **Loaded at start**: ``preload`` (called by ``create_app`` outside tests, so in every gunicorn
  worker, or once in the master with ``--preload``) reads it before the first request.
* **Kept current**: each use of the model (``current_matcher``) first applies the change log
  rows after the last one this process applied (see ``live_matching``), so a second process
  is never behind the last committed change when it ranks.
* **Pruned**: only the newest ``KEEP_VERSIONS`` artefacts are kept.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading

from flask import current_app
from sqlalchemy import delete, func, select

import matching
from webapp.extensions import db
from webapp.models import MatchChange, ModelArtifact

log = logging.getLogger("arbeidsbro.matching")

KEEP_VERSIONS = 3
#: Change-log ids may commit out of order (two transactions at once); each catch-up re-reads
#: this many ids below the last applied one and skips those it has seen.
LOOKBACK = 100

#: The artefact is read in pieces of this many bytes: PostgreSQL sends a bytea as hex text,
#: twice its size, and refuses any value past 1 GB, so a model of 512 MB or more (545 MB at 100k
#: candidates × 50k slots) could be stored but never read back in one piece.
PAYLOAD_CHUNK = 64 * 1024 * 1024

_EXTENSION = "arbeidsbro.model"


def _state() -> dict:
    """This app's loaded model (one per app object, so two apps in a process are two workers)."""
    state = current_app.extensions.get(_EXTENSION)
    if state is None:
        state = current_app.extensions.setdefault(
            _EXTENSION,
            {
                "lock": threading.RLock(),
                "version": None,
                "matcher": None,
                "applied": 0,
                "seen": set(),
                "refused": set(),
            },
        )
    return state


def artefact_key() -> bytes:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"arbeidsbro model artefact v1", hashlib.sha256).digest()


def latest_version() -> str | None:
    return db.session.scalar(select(ModelArtifact.version).order_by(ModelArtifact.id.desc()))


def versions(limit: int = 10) -> list[ModelArtifact]:
    """Newest artefacts first, without their payloads (the column is deferred)."""
    return db.session.scalars(
        select(ModelArtifact).order_by(ModelArtifact.id.desc()).limit(limit)
    ).all()


def install(matcher, version: str, changes_upto: int) -> None:
    """Use this matcher in this process (the refit that just made it needs no reload)."""
    state = _state()
    with state["lock"]:
        state.update(
            version=version, matcher=matcher, applied=changes_upto, seen=set(), refused=set()
        )


def forget() -> None:
    """Drop the loaded model (tests; a process that must reload)."""
    install(None, None, 0)


def current_matcher() -> tuple[matching.Matcher | None, str | None]:
    """The newest verified model with every logged change applied, and its version."""
    newest = db.session.execute(
        select(ModelArtifact.version, ModelArtifact.changes_upto)
        .order_by(ModelArtifact.id.desc())
        .limit(1)
    ).first()
    _cache = _state()
    with _cache["lock"]:
        if newest is None:  # no model in this database (yet, or any more)
            _cache.update(version=None, matcher=None, applied=0, seen=set())
            return None, None
        if (
            newest is not None
            and newest.version != _cache["version"]
            and newest.version not in _cache["refused"]
        ):
            _load_newest_valid()
        if _cache["matcher"] is None:
            return None, None
        _catch_up()
        return _cache["matcher"], _cache["version"]


def _load_newest_valid() -> None:
    """Load the newest artefact that verifies; keep the loaded one if none newer does."""
    _cache = _state()
    key = artefact_key()
    for row in db.session.execute(
        select(ModelArtifact.id, ModelArtifact.version, ModelArtifact.changes_upto).order_by(
            ModelArtifact.id.desc()
        )
    ).all():
        if row.version == _cache["version"]:
            return  # what we have is the newest that verifies
        if row.version in _cache["refused"]:
            continue
        payload = _payload(row.id)
        try:
            matcher = matching.Matcher.from_bytes(payload, key)
        except matching.TamperedModelError as error:
            log.error("model %s refused: %s", row.version, error)
            _cache["refused"].add(row.version)
            continue
        except matching.ModelVersionError as error:
            log.warning("model %s was saved by another version (%s); refit it", row.version, error)
            _cache["refused"].add(row.version)
            continue
        refused = _cache["refused"]
        install(matcher, row.version, row.changes_upto)
        _cache["refused"] = refused
        return


def _payload(artefact_id: int) -> bytes | None:
    """The stored artefact's bytes, read ``PAYLOAD_CHUNK`` at a time (``substr`` counts bytes of
    a bytea or a blob, from 1, in PostgreSQL and SQLite alike)."""
    this = ModelArtifact.id == artefact_id
    size = db.session.scalar(select(func.length(ModelArtifact.payload)).where(this))
    if size is None:
        return None
    return b"".join(
        db.session.scalar(
            select(func.substr(ModelArtifact.payload, start + 1, PAYLOAD_CHUNK)).where(this)
        )
        for start in range(0, size, PAYLOAD_CHUNK)
    )


def _catch_up() -> None:
    from webapp.services import live_matching

    _cache = _state()
    low = max(_cache["applied"] - LOOKBACK, 0)
    rows = db.session.execute(
        select(MatchChange.id, MatchChange.kind, MatchChange.object_id)
        .where(MatchChange.id > low)
        .order_by(MatchChange.id)
    ).all()
    fresh = [row for row in rows if row.id > _cache["applied"] or row.id not in _cache["seen"]]
    fresh = [row for row in fresh if row.id not in _cache["seen"]]
    if not fresh:
        return
    live_matching.apply_to_matcher(_cache["matcher"], [(r.kind, r.object_id) for r in fresh])
    _cache["seen"] = {r.id for r in rows}
    _cache["applied"] = max(_cache["applied"], rows[-1].id)


def store(matcher, version: str, summary: dict, changes_upto: int) -> None:
    """Save a fitted matcher as the newest signed artefact (the caller commits)."""
    db.session.add(
        ModelArtifact(
            version=version,
            payload=matcher.to_bytes(artefact_key()),
            summary=summary,
            changes_upto=changes_upto,
        )
    )


def prune(keep: int = KEEP_VERSIONS) -> int:
    """Delete all but the newest ``keep`` artefacts, and the change log they all include."""
    kept = db.session.execute(
        select(ModelArtifact.id, ModelArtifact.changes_upto)
        .order_by(ModelArtifact.id.desc())
        .limit(keep)
    ).all()
    if not kept:
        return 0
    oldest = min(row.id for row in kept)
    dropped = db.session.execute(delete(ModelArtifact).where(ModelArtifact.id < oldest)).rowcount
    # The newest change row always stays: SQLite would otherwise hand out its id again.
    upto = min(min(row.changes_upto for row in kept), _newest_change_id() - 1)
    db.session.execute(
        delete(MatchChange).where(MatchChange.id <= upto, MatchChange.applied_at.is_not(None))
    )
    return dropped


def preload(app) -> None:
    """Load the model when a worker starts, not on a user's first request."""
    with app.app_context():
        try:
            current_matcher()
        except Exception as error:  # noqa: BLE001 - no database yet (first deploy): on first use
            db.session.rollback()
            log.warning("model not preloaded (%s); it loads on first use", type(error).__name__)


def _newest_change_id() -> int:
    return db.session.scalar(select(func.max(MatchChange.id))) or 0
