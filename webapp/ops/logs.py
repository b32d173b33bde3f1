"""Structured logs: one JSON object a line, each with the request id of the request (or RQ job)
that wrote it, so one user's trouble can be followed from nginx through the web process to the
worker. Log messages name records by id, never by a person's name, code or address."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, g, has_request_context, request

HEADER = "X-Request-ID"
# An id from nginx ($request_id) or another proxy is kept if it looks like one; else a new one.
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
#: The request id of the RQ job being run (set by webapp.scheduled.jobs).
job_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "job_request_id", default=None
)


def current_request_id() -> str | None:
    if has_request_context():
        return g.get("request_id")
    return job_request_id.get()


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "msg", "request_id", "exc"}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_json_logging(level: int = logging.INFO) -> None:
    """Send the app's and the libraries' logs to stderr as JSON (journald keeps them)."""
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root.handlers = [handler]
    root.setLevel(level)


def _assign_request_id() -> None:
    given = request.headers.get(HEADER, "")
    g.request_id = given if _VALID.match(given) else uuid.uuid4().hex


def _send_request_id(response):
    request_id = g.get("request_id")
    if request_id:
        response.headers[HEADER] = request_id
    return response


def first_before_request(app: Flask, hook) -> None:
    """Run ``hook`` before every other before-request hook (those may answer early)."""
    app.before_request_funcs.setdefault(None, []).insert(0, hook)


def init_app(app: Flask) -> None:
    first_before_request(app, _assign_request_id)
    app.after_request(_send_request_id)
    if app.config.get("LOG_JSON"):
        configure_json_logging()
