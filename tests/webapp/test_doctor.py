"""flask doctor: a safe production configuration passes; each unsafe setting is an error."""

from __future__ import annotations

import pytest

from webapp.ops.doctor import ERROR, check_config

SAFE_CONFIG = {
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://arbeidsbro@db/arbeidsbro",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "MAIL_SERVER": "smtp.example.no",
    "MAIL_PORT": 587,
    "BASE_URL": "https://arbeidsbro.example.no",
    "ARBEIDSBRO_HTTPS": True,
    "TRUSTED_PROXIES": 1,
    "METRICS_TOKEN": "t" * 32,
    "LOG_JSON": True,
}
SAFE_ENV = {
    "SECRET_KEY": "k" * 48,
    "GUNICORN_WORKERS": "4",
    "PROMETHEUS_MULTIPROC_DIR": "/run/arbeidsbro-web/metrics",
}


def _errors(config=None, environ=None, tmp_path="/nonexistent"):
    findings = check_config(
        {**SAFE_CONFIG, **(config or {})}, {**SAFE_ENV, **(environ or {})}, str(tmp_path)
    )
    return {f.topic for f in findings if f.level == ERROR}


def test_a_safe_configuration_has_no_errors_and_no_warnings():
    findings = check_config(SAFE_CONFIG, SAFE_ENV, "/nonexistent")
    assert [f for f in findings if f.level != "ok"] == []


@pytest.mark.parametrize(
    ("config", "environ", "topic"),
    [
        ({"SQLALCHEMY_DATABASE_URI": "sqlite:////srv/instance/arbeidsbro.sqlite"}, {}, "database"),
        ({"MAIL_SERVER": None}, {}, "mail"),
        ({"REDIS_URL": None}, {"GUNICORN_WORKERS": "2"}, "redis"),
        ({}, {"SECRET_KEY": ""}, "secret key"),  # the key generated in the instance folder
        ({}, {"SECRET_KEY": "short"}, "secret key"),
        ({"ARBEIDSBRO_HTTPS": False}, {}, "https"),  # behind TLS (https:// base URL)
        ({"TRUSTED_PROXIES": 0}, {}, "proxies"),
    ],
    ids=[
        "sqlite",
        "no-smtp",
        "no-redis-2-workers",
        "instance-key",
        "short-key",
        "https-off",
        "proxies-unset",
    ],
)
def test_each_unsafe_setting_is_an_error(config, environ, topic):
    assert _errors(config, environ) == {topic}


def test_one_worker_without_redis_is_only_a_warning():
    assert _errors({"REDIS_URL": None}, {"GUNICORN_WORKERS": "1"}) == set()


def test_the_command_exits_non_zero_on_an_error_and_prints_each_finding(app, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    result = app.test_cli_runner().invoke(args=["doctor", "--no-services"])
    assert result.exit_code == 1
    assert "ERROR   secret key: SECRET_KEY is not set" in result.output
    assert "ERROR   mail: no MAIL_SERVER" in result.output


def test_the_command_passes_on_a_safe_configuration(app, monkeypatch):
    for name, value in SAFE_ENV.items():
        monkeypatch.setenv(name, value)
    for name, value in SAFE_CONFIG.items():
        monkeypatch.setitem(app.config, name, value)
    result = app.test_cli_runner().invoke(args=["doctor", "--no-services"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("0 errors, 0 warnings")
