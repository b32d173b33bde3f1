"""Probes and metrics: ``/readyz`` for the load balancer and systemd, ``/metrics`` for
Prometheus (``/healthz``, liveness, is in webapp/main/routes.py)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify

from webapp.ops import health, metrics

bp = Blueprint("ops", __name__)


@bp.route("/readyz")
def readyz():
    ready, results = health.readiness()
    return jsonify(status="ok" if ready else "error", **results), 200 if ready else 503


@bp.route("/metrics")
def metrics_page():
    if not metrics.allowed():
        abort(404)  # as if there were none: the public need not know
    body, content_type = metrics.render()
    return Response(body, content_type=content_type)
