"""The two-instance deployment (tests/deploy/cluster.py), once per test module, on a scratch
PostgreSQL database and a Redis database of its own. Fails in CI when either is missing."""

from __future__ import annotations

import os
import secrets

import pytest
from cluster import Cluster, free_port
from support import make_test_app, require_redis

from webapp.extensions import db as _db

REDIS_HOST = os.environ.get("TEST_REDIS_HOST_URL", "redis://127.0.0.1:6379")
# Redis databases 11 and 12, one per pytest-xdist process (CI runs two), used by no other test.
REDIS_DB = {"gw1": 12}


@pytest.fixture(scope="module")
def cluster(scratch_databases, tmp_path_factory):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "master")
    redis_url = f"{REDIS_HOST}/{REDIS_DB.get(worker, 11)}"
    require_redis(redis_url).flushdb()
    database_url = scratch_databases.postgres("deploy")
    secret_key = secrets.token_urlsafe(48)

    app = make_test_app(database_url, SECRET_KEY=secret_key)
    with app.app_context():
        from flask_migrate import upgrade

        from seeds.demo import seed_demo
        from webapp.services import matchmaking

        upgrade()
        seed_demo()
        matchmaking.rebuild(trigger="deploy test")
        _db.session.remove()

    cluster = Cluster(database_url, redis_url, secret_key, tmp_path_factory.mktemp("deploy"))
    cluster.app = app  # for reading the database directly
    try:
        cluster.start(smtp_port=free_port())
        yield cluster
    finally:
        cluster.stop()
        with app.app_context():
            _db.engine.dispose()
        require_redis(redis_url).flushdb()
