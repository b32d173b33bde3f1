"""Background jobs. With ``REDIS_URL`` they run in an RQ worker (``rq worker -u $REDIS_URL
arbeidsbro``); without it, in the web process itself, so the demo needs nothing more."""

from __future__ import annotations

from flask import current_app

QUEUE = "arbeidsbro"


def rebuild_model() -> dict:
    """The RQ entry point: a fresh app (the worker has none), then the full re-match."""
    from webapp import create_app
    from webapp.services import matchmaking

    with create_app().app_context():
        return matchmaking.rebuild()


def start_rebuild() -> str | None:
    """Queue a rebuild when Redis is configured and return the job id; else rebuild now."""
    url = current_app.config.get("REDIS_URL")
    if url:
        from redis import Redis
        from rq import Queue

        job = Queue(QUEUE, connection=Redis.from_url(url)).enqueue(
            rebuild_model, job_timeout=3600, result_ttl=86400
        )
        return job.id
    from webapp.services import matchmaking

    matchmaking.rebuild()
    return None
