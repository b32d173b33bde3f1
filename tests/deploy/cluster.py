"""The production recipe on this machine: two gunicorn instances (deploy/gunicorn.conf.py, 2
workers each) on one PostgreSQL database and one Redis, an RQ worker and RQ's cron scheduler,
and an SMTP sink. Everything they log is kept in files for the tests to read."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
PASSWORD = "arbeidsbro-demo"
#: How long anything may take to become true before a test fails (generous for CI).
PATIENCE_S = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout: float = PATIENCE_S, interval: float = 0.1, what: str = ""):
    """Poll ``condition()`` until it returns something true; return it and the seconds taken."""
    started = time.monotonic()
    while True:
        value = condition()
        if value:
            return value, time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout} s: {what or condition}")
        time.sleep(interval)


@dataclass
class Process:
    name: str
    args: list[str]
    env: dict
    log_dir: Path
    popen: subprocess.Popen | None = None

    def start(self) -> Process:
        out = open(self.log_dir / f"{self.name}.log", "ab")  # noqa: SIM115 - kept by Popen
        self.popen = subprocess.Popen(  # noqa: S603 - our own commands
            self.args,
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends its children too
        )
        out.close()
        return self

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole group at once: a machine losing power, as far as we can."""
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(30)

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(40)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Instance:
    """One gunicorn master and its workers."""

    process: Process
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ready(self) -> dict | None:
        try:
            response = requests.get(self.url + "/readyz", timeout=5)
        except requests.RequestException:
            return None
        return response.json() if response.status_code == 200 else None


@dataclass
class Cluster:
    database_url: str
    redis_url: str
    secret_key: str
    log_dir: Path
    env: dict = field(default_factory=dict)
    instances: list[Instance] = field(default_factory=list)
    others: list[Process] = field(default_factory=list)

    @property
    def a(self) -> Instance:
        return self.instances[0]

    @property
    def b(self) -> Instance:
        return self.instances[1]

    def start(self, smtp_port: int) -> None:
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "FLASK_APP": "webapp",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "SECRET_KEY": self.secret_key,
            "ARBEIDSBRO_TRUSTED_PROXIES": "1",  # the tests speak as nginx would (X-Forwarded-For)
            "ARBEIDSBRO_LOG_JSON": "1",
            "ARBEIDSBRO_LOGIN_RATE_LIMIT": "5 per hour",
            "ARBEIDSBRO_METRICS_ALLOW": "127.0.0.1",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(smtp_port),
            "GUNICORN_WORKERS": "2",
            "PYTHONUNBUFFERED": "1",
        }
        self.others.append(
            Process(
                "smtp",
                [
                    str(BIN / "python"),
                    "-m",
                    "aiosmtpd",
                    "-n",
                    "-l",
                    f"127.0.0.1:{smtp_port}",
                    "-c",
                    "aiosmtpd.handlers.Sink",
                ],
                self.env,
                self.log_dir,
            ).start()
        )
        for name in ("a", "b"):
            self.instances.append(self._instance(name, free_port()))
        worker = [
            str(BIN / "rq"),
            "worker",
            "-u",
            self.redis_url,
            "--worker-class",
            "rq.worker.SimpleWorker",
            "arbeidsbro",
        ]
        self.others.append(Process("worker", worker, self.env, self.log_dir).start())
        cron = [str(BIN / "rq"), "cron", "webapp.scheduled.rq_cron", "-u", self.redis_url]
        self.others.append(Process("scheduler", cron, self.env, self.log_dir).start())
        for instance in self.instances:
            self.wait_ready(instance)

    def _instance(self, name: str, port: int) -> Instance:
        metrics_dir = self.log_dir / f"metrics-{name}"
        metrics_dir.mkdir(exist_ok=True)
        env = {
            **self.env,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        }
        args = [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "webapp:create_app()"]
        return Instance(Process(f"web-{name}", args, env, self.log_dir).start(), port)

    def wait_ready(self, instance: Instance) -> dict:
        def ready():
            assert instance.process.alive(), self.log_of(instance.process.name)[-3000:]
            return instance.ready()

        return wait_for(ready, what=f"{instance.url}/readyz")[0]

    def restart(self, index: int) -> None:
        old = self.instances[index]
        old.process.stop()
        name = old.process.name.removeprefix("web-")
        self.instances[index] = self._instance(name, old.port)
        self.wait_ready(self.instances[index])

    def log_of(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def all_logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("*.log")))

    def stop(self) -> None:
        for instance in self.instances:
            instance.process.stop()
        for process in reversed(self.others):
            process.stop()


class Browser:
    """One person's cookies, sent to whichever instance; speaks through ``address`` as nginx
    would forward it (X-Forwarded-For), so each test has rate limits of its own."""

    def __init__(self, address: str):
        self.session = requests.Session()
        self.session.headers.update({"X-Forwarded-For": address, "User-Agent": "deploy-test"})

    def get(self, instance: Instance, path: str, **kwargs) -> requests.Response:
        return self.session.get(instance.url + path, timeout=30, allow_redirects=False, **kwargs)

    def post_form(self, instance: Instance, path: str, data: dict, form_path: str | None = None):
        page = self.get(instance, form_path or path)
        match = CSRF.search(page.text)
        assert match, f"no CSRF token on {form_path or path} ({page.status_code})"
        return self.session.post(
            instance.url + path,
            data={"csrf_token": match.group(1), **data},
            timeout=30,
            allow_redirects=False,
        )

    def log_in(self, instance: Instance, email: str, password: str = PASSWORD):
        return self.post_form(instance, "/logg-inn", {"email": email, "password": password})

    def log_out(self, instance: Instance):
        return self.post_form(instance, "/logg-ut", {}, form_path="/konto")


def api(instance: Instance, token: str, method: str, path: str, **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
    return requests.request(
        method, f"{instance.url}/api/v1{path}", headers=headers, timeout=30, **kwargs
    )
