"""/readyz, /metrics (and who may read it), request ids, versioned static URLs, JSON logs."""

from __future__ import annotations

import json
import logging

import pytest
from flask_migrate import upgrade
from support import make_test_app

from webapp.extensions import db as _db
from webapp.ops import logs


@pytest.fixture(scope="module")
def migrated_app(tmp_path_factory):
    url = "sqlite:///" + str(tmp_path_factory.mktemp("probes") / "probes.sqlite")
    app = make_test_app(url)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        _db.engine.dispose()


def test_readyz_reports_each_check_on_a_migrated_database(migrated_app):
    response = migrated_app.test_client().get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json == {
        "status": "ok",
        "database": "ok",
        "redis": "not configured",
        "migrations": "ok",
        "model": "none",
    }


def test_readyz_fails_when_the_schema_is_not_at_head(app):
    # The suite's database is made by create_all(): never migrated.
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["migrations"] == "error: RuntimeError: not migrated"
    assert response.json["database"] == "ok"


def test_readyz_fails_when_redis_does_not_answer(migrated_app, monkeypatch):
    monkeypatch.setitem(migrated_app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    response = migrated_app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["redis"].startswith("error: ConnectionError")
    assert "127.0.0.1" not in json.dumps(response.json)  # no internals to the public


def test_readyz_reports_the_loaded_model_version(migrated_app):
    from webapp.services import model_store

    with migrated_app.app_context():
        assert model_store.latest_version() is None
    # A stored but unloadable artefact is "not ready".
    with migrated_app.app_context():
        from webapp.models import ModelArtifact

        _db.session.add(
            ModelArtifact(version="v-broken", payload=b"not a model", summary={}, changes_upto=0)
        )
        _db.session.commit()
    try:
        response = migrated_app.test_client().get("/readyz")
        assert response.status_code == 503
        assert response.json["model"].startswith("error: RuntimeError")
    finally:
        with migrated_app.app_context():
            _db.session.execute(_db.delete(ModelArtifact))
            _db.session.commit()
            model_store.forget()


def test_metrics_are_hidden_from_the_public(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_answer_a_token_or_an_allowed_address(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "s3cret-token-for-prometheus")
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    client.get("/healthz")
    response = client.get(
        "/metrics", headers={"Authorization": "Bearer s3cret-token-for-prometheus"}
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'arbeidsbro_http_request_duration_seconds_count{endpoint="main.healthz"' in body
    assert 'arbeidsbro_model_info{version="none"} 1.0' in body
    assert "arbeidsbro_state_up 1.0" in body

    monkeypatch.setitem(app.config, "METRICS_TOKEN", None)
    monkeypatch.setitem(app.config, "METRICS_ALLOW", ("10.0.0.0/8",))
    assert client.get("/metrics").status_code == 404  # the test client is 127.0.0.1
    monkeypatch.setitem(app.config, "METRICS_ALLOW", ("127.0.0.1",))
    assert client.get("/metrics").status_code == 200


def test_a_request_id_is_kept_from_the_proxy_or_made_and_sent_back(client):
    given = client.get("/healthz", headers={"X-Request-ID": "0123456789abcdef"})
    assert given.headers["X-Request-ID"] == "0123456789abcdef"
    made = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert len(made.headers["X-Request-ID"]) == 32 and made.headers["X-Request-ID"] != "<script>"


def test_json_log_lines_carry_the_request_id(app):
    record = logging.LogRecord("arbeidsbro", logging.INFO, __file__, 1, "hello %s", ("x",), None)
    with app.test_request_context("/", headers={"X-Request-ID": "abcdef0123456789"}):
        logs._assign_request_id()
        assert logs.RequestIdFilter().filter(record)
        line = json.loads(logs.JsonFormatter().format(record))
    assert line["msg"] == "hello x" and line["request_id"] == "abcdef0123456789"
    # In an RQ job: the id of the request that queued it (webapp.scheduled.jobs sets it).
    token = logs.job_request_id.set("from-the-queueing-request")
    try:
        in_job = logging.LogRecord("arbeidsbro", logging.INFO, __file__, 1, "job", (), None)
        line = json.loads(logs.JsonFormatter().format(in_job))
        assert line["request_id"] == "from-the-queueing-request"
    finally:
        logs.job_request_id.reset(token)


def test_static_urls_carry_a_content_version(client):
    page = client.get("/").get_data(as_text=True)
    assert "/static/app.css?v=" in page
