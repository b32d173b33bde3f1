"""Scheduled work has one home: this schedule.

With Redis, RQ's own cron scheduler enqueues it (``rq cron webapp.scheduled.rq_cron -u
$REDIS_URL``, next to ``rq worker -u $REDIS_URL arbeidsbro``). Without Redis, the same work runs
from the system's cron through ``flask`` commands: :data:`CRON_LINES` (also in the README).
Times are the server's local time.
"""

from __future__ import annotations

from webapp.scheduled import jobs

#: (name, cron expression, job, args, the flask command that does the same by hand)
SCHEDULE = (
    ("reminders", "0 7 * * *", jobs.run_reminders, (), "flask reminders run"),
    ("refit", "30 2 * * *", jobs.rebuild_model, ("scheduled",), "flask match rebuild"),
    ("retention", "15 3 * * *", jobs.run_retention, (), "flask retention run"),
    ("webhooks", "* * * * *", jobs.deliver_due_webhooks, (), "flask webhooks deliver"),
)

CRON_LINES = tuple(
    f"{cron}  cd /srv/arbeidsbro && .venv/bin/{cmd}" for _n, cron, _j, _a, cmd in SCHEDULE
)


def register(register_job) -> None:
    """Register every scheduled job with ``register_job`` (``rq.cron.register``'s signature)."""
    for name, cron, job, args, _command in SCHEDULE:
        register_job(
            job,
            jobs.QUEUE,
            args=args,
            cron=cron,
            name=name,
            job_timeout=jobs.JOB_TIMEOUT.get(job.__name__, 600),
        )
