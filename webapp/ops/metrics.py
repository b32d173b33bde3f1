"""Prometheus metrics at ``/metrics``: request latency per endpoint, RQ job durations, the model
version, queue lengths.

Under gunicorn set ``PROMETHEUS_MULTIPROC_DIR`` (deploy/env.example) so every worker's counters
are summed. Job durations and queue lengths are read from Redis when scraped, so they cover RQ
workers on every machine. Only a bearer token (``ARBEIDSBRO_METRICS_TOKEN``) or an address in
``ARBEIDSBRO_METRICS_ALLOW`` may read it; anyone else gets 404.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time

from flask import Flask, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

REQUEST_SECONDS = Histogram(
    "arbeidsbro_http_request_duration_seconds",
    "Time to answer a request, by endpoint (never the path: it may carry ids).",
    ["method", "endpoint", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
log = logging.getLogger("arbeidsbro.metrics")
#: Finished and failed jobs looked at per scrape (RQ keeps them for result_ttl).
RECENT_JOBS = 200


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response):
    started = g.pop("metrics_started", None)
    if started is not None:
        endpoint = request.url_rule.endpoint if request.url_rule else "none"
        REQUEST_SECONDS.labels(request.method, endpoint, str(response.status_code)).observe(
            time.perf_counter() - started
        )
    return response


def allowed() -> bool:
    config = current_app.config
    token = config.get("METRICS_TOKEN") or ""
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    allow = config.get("METRICS_ALLOW") or ()
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in allow)


class StateCollector:
    """Read at scrape time: the model version in the database, RQ queue lengths, job durations."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        up = GaugeMetricFamily(
            "arbeidsbro_state_up", "1 when the database and Redis answered this scrape."
        )
        try:
            families = list(self._collect())
        except Exception:  # noqa: BLE001 - a scrape must answer; the failure shows as up 0
            log.warning("metrics: state not readable", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _collect(self):
        model = GaugeMetricFamily(
            "arbeidsbro_model_info", "The newest stored model version (1).", labels=["version"]
        )
        with self.app.app_context():
            from webapp.extensions import db
            from webapp.services import model_store

            try:
                version = model_store.latest_version()
            finally:
                db.session.rollback()
            model.add_metric([version or "none"], 1)
            yield model
            url = self.app.config.get("REDIS_URL")
            if url:
                yield from self._queues(url)

    def _queues(self, url: str):
        from redis import Redis
        from rq import Queue
        from rq.job import Job

        from webapp.scheduled.jobs import QUEUE

        connection = Redis.from_url(url, socket_timeout=2)
        queue = Queue(QUEUE, connection=connection)
        lengths = GaugeMetricFamily(
            "arbeidsbro_queue_jobs", "Jobs in the RQ queue by state.", labels=["queue", "state"]
        )
        lengths.add_metric([QUEUE, "queued"], queue.count)
        lengths.add_metric([QUEUE, "started"], queue.started_job_registry.count)
        lengths.add_metric([QUEUE, "failed"], queue.failed_job_registry.count)
        lengths.add_metric([QUEUE, "finished"], queue.finished_job_registry.count)
        yield lengths
        durations = GaugeMetricFamily(
            "arbeidsbro_job_last_duration_seconds",
            "Duration of the most recent finished or failed job of each kind.",
            labels=["job", "status"],
        )
        latest: dict[tuple[str, str], tuple[float, float]] = {}
        for status, registry in (
            ("finished", queue.finished_job_registry),
            ("failed", queue.failed_job_registry),
        ):
            ids = registry.get_job_ids(-RECENT_JOBS, -1)
            for job in Job.fetch_many(ids, connection=connection):
                if job is None or not job.started_at or not job.ended_at:
                    continue
                key = (job.func_name.rsplit(".", 1)[-1], status)
                ended = job.ended_at.timestamp()
                if key not in latest or latest[key][0] < ended:
                    latest[key] = (ended, (job.ended_at - job.started_at).total_seconds())
        for (name, status), (_ended, seconds) in sorted(latest.items()):
            durations.add_metric([name, status], seconds)
        yield durations


def render() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Forward(REGISTRY))
    registry.register(StateCollector(current_app._get_current_object()))
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _Forward:
    """This process's own metrics (one worker, tests) inside the per-scrape registry."""

    def __init__(self, source):
        self.source = source

    def collect(self):
        yield from self.source.collect()


def init_app(app: Flask) -> None:
    from webapp.ops.logs import first_before_request

    first_before_request(app, _start_timer)
    app.after_request(_observe)
