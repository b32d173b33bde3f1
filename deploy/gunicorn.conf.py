"""gunicorn settings for Arbeidsbro: ``gunicorn -c deploy/gunicorn.conf.py 'webapp:create_app()'``.

Every value can be overridden from the environment (the systemd unit reads /etc/arbeidsbro/env):
``GUNICORN_WORKERS``, ``GUNICORN_BIND``, ``GUNICORN_TIMEOUT``. ``kill -HUP`` on the master
(``systemctl reload arbeidsbro-web``) starts new workers with the new code and configuration and
lets the old ones finish the requests they hold: a reload drops no request.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import time

from gunicorn.glogging import Logger

# Sync workers: each request holds one worker, so CPU × 2 + 1 keeps the cores busy while others
# wait on the database. Each worker loads the matching model (tens of MB at 100k candidates).
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# A page never takes long; a stuck worker is killed and replaced after this many seconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On reload or stop, the seconds a worker gets to finish its request before it is killed.
graceful_timeout = 30
keepalive = 5
# Replace each worker after about 2000 requests: any slow leak stays bounded.
max_requests = 2000
max_requests_jitter = 200
# Not preloaded: each worker builds its own app and database pool after the fork.
preload_app = False
# nginx sets X-Forwarded-*; the app trusts them through ARBEIDSBRO_TRUSTED_PROXIES (ProxyFix).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
proc_name = "arbeidsbro-web"
# gunicorn's control socket (gunicornc) defaults to one path per user: two instances on one
# machine would share it. Off unless asked for; systemd's signals do what it would.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or "/run/arbeidsbro-web/gunicorn.ctl"
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")


class _JsonErrorFormatter(logging.Formatter):
    def format(self, record):
        line = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "pid": os.getpid(),
        }
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class JsonAccessLogger(Logger):
    """Access log lines as JSON, one object a line, with the app's request id; gunicorn's own
    messages as JSON too (the app's are, with ARBEIDSBRO_LOG_JSON=1).

    The query string is left out: it may carry a search for a person's name.
    """

    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(_JsonErrorFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.cfg.accesslog:
            return
        headers = dict((name.lower(), value) for name, value in resp.headers)
        line = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "kind": "access",
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": resp.status_code,
            "bytes": getattr(resp, "sent", None),
            "ms": round(request_time.total_seconds() * 1000, 1),
            "request_id": headers.get("x-request-id"),
            "remote": environ.get("HTTP_X_FORWARDED_FOR", environ.get("REMOTE_ADDR")),
            "pid": os.getpid(),
        }
        self.access_log.info(json.dumps(line))


logger_class = JsonAccessLogger


def child_exit(server, worker):
    """Drop a dead worker's Prometheus counters files (multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
