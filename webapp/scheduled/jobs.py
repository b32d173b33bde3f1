"""Background jobs. With ``REDIS_URL`` they run in an RQ worker (``rq worker -u $REDIS_URL
arbeidsbro``); without it, in the web process itself, so the demo needs nothing more.

Scheduled work (``webapp/scheduled``) enqueues the same functions on a cron schedule.
"""

from __future__ import annotations

from flask import current_app

QUEUE = "arbeidsbro"
#: Change jobs are small; a refit may take minutes at 100k candidates.
JOB_TIMEOUT = {"rebuild_model": 3600}


_app = None


def _in_app(work, *args):
    """Run ``work`` in an app context (an RQ worker has none).

    The app, and so its loaded model, is made once per process: a worker that does not fork per
    job (``rq worker --worker-class rq.worker.SimpleWorker``) keeps the model between jobs and
    only applies the change log to it.
    """
    global _app
    if _app is None:
        from webapp import create_app

        _app = create_app()
    from rq import get_current_job

    from webapp.ops.logs import job_request_id

    job = get_current_job()
    # The id of the request that queued the job, so its log lines can be followed here.
    token = job_request_id.set(job.meta.get("request_id") if job else None)
    try:
        with _app.app_context():
            return work(*args)
    finally:
        job_request_id.reset(token)


def rebuild_model(trigger: str = "manual") -> dict:
    """The full refit: new vocabulary, new learned weights, every suggestion refreshed."""
    from webapp.services import matchmaking

    return _in_app(lambda: matchmaking.rebuild(trigger=trigger))


def apply_changes(change_ids: list[int]) -> int:
    """Store the suggestions touched by logged slot and candidate changes."""
    from webapp.services import live_matching

    return _in_app(live_matching.apply_changes, change_ids)


def run_reminders() -> dict:
    """The daily reminders and deadlines, school requests and unmet school needs included."""
    from webapp.services import reminders

    return _in_app(reminders.run_daily)


def run_retention() -> list:
    """Anonymise candidates archived longer than the retention period (DESIGN.md §5)."""
    from webapp.services import retention

    return _in_app(lambda: list(retention.run().candidates))


def deliver_webhooks(delivery_ids: list[int]) -> list:
    """Send these webhook deliveries now (queued right after the commit that made them)."""
    from webapp.services import webhooks

    return _in_app(lambda: [webhooks.deliver(i) for i in delivery_ids])


def deliver_due_webhooks() -> dict:
    """Send every webhook delivery that is due: retries, and any a crash left behind."""
    from webapp.services import webhooks

    return _in_app(webhooks.deliver_due)


def enqueue(func, *args) -> str:
    """Queue ``func(*args)`` on the app's queue; return the job id."""
    from redis import Redis
    from rq import Queue

    from webapp.ops.logs import current_request_id

    queue = Queue(QUEUE, connection=Redis.from_url(current_app.config["REDIS_URL"]))
    job = queue.enqueue(
        func,
        *args,
        job_timeout=JOB_TIMEOUT.get(func.__name__, 600),
        result_ttl=86400,
        meta={"request_id": current_request_id()},
    )
    return job.id


def start_rebuild() -> str | None:
    """Queue a refit when Redis is configured and return the job id; else refit now."""
    if current_app.config.get("REDIS_URL"):
        return enqueue(rebuild_model, "manual")
    from webapp.services import matchmaking

    matchmaking.rebuild(trigger="manual")
    return None
