"""The full re-match as a background job: queued in Redis when REDIS_URL is set."""

from __future__ import annotations

import os

import pytest
from support import require_redis

from webapp.scheduled import jobs

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_queue(app):
    from rq import Queue

    connection = require_redis(REDIS_URL)
    queue = Queue(jobs.QUEUE, connection=connection)
    queue.empty()
    app.config["REDIS_URL"] = REDIS_URL
    yield queue
    app.config["REDIS_URL"] = None
    queue.empty()


def test_with_redis_the_rebuild_is_queued_for_a_worker(app, redis_queue):
    with app.app_context():
        job_id = jobs.start_rebuild()
    assert job_id in redis_queue.job_ids
    assert redis_queue.fetch_job(job_id).func_name == "webapp.scheduled.jobs.rebuild_model"


def test_without_redis_the_rebuild_runs_at_once(app, db):
    assert jobs.start_rebuild() is None  # nothing to match in an empty database, and no error
