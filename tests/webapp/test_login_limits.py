"""Login limits: per address and per account with back-off, shared through Redis by every worker,
a colleague with the right password elsewhere still gets in, Retry-After on 429, and client
addresses taken from X-Forwarded-For only behind configured proxies."""

from __future__ import annotations

import time
import uuid

import pytest
from factories import PASSWORD, make_user
from limits.storage import storage_from_string
from sqlalchemy import select
from support import CSRF_PATTERN, require_redis

from webapp import trust_proxies
from webapp.auth import throttle
from webapp.extensions import limiter
from webapp.models import AuditEvent

REDIS = "redis://127.0.0.1:6379/9"


def _login(client, email, password, address="10.0.0.1", **headers):
    environ = {"REMOTE_ADDR": address}
    page = client.get("/logg-inn", environ_base=environ, headers=headers)
    token = CSRF_PATTERN.search(page.get_data(as_text=True)).group(1)
    return client.post(
        "/logg-inn",
        data={"csrf_token": token, "email": email, "password": password},
        environ_base=environ,
        headers=headers,
    )


@pytest.fixture
def strict(app):
    """The production limits (10 a minute per address) instead of the test suite's 1000."""
    app.config["LOGIN_RATE_LIMIT"] = "10 per minute"
    yield app
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"


def test_wrong_passwords_lock_the_account_for_that_address_with_retry_after(app, db):
    user = make_user()
    client = app.test_client()
    for _ in range(throttle.ACCOUNT_FAILURES):
        assert _login(client, user.email, "feil-passord-igjen").status_code == 200
    refused = _login(client, user.email, PASSWORD)  # even the right password, from this address
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= throttle.FIRST_LOCK_SECONDS


def test_the_right_password_from_another_address_gets_in_while_the_account_is_locked(app, db):
    user = make_user()
    client = app.test_client()
    for _ in range(throttle.ACCOUNT_FAILURES):
        _login(client, user.email, "feil-passord-igjen", address="10.0.0.66")
    colleague = app.test_client()
    response = _login(colleague, user.email, PASSWORD, address="10.0.0.2")
    assert response.status_code == 302
    # ... and the guesser is still locked out.
    assert _login(client, user.email, "nytt-forsok-feil", address="10.0.0.66").status_code == 429


def test_each_lock_after_the_first_is_twice_as_long(app, db):
    user = make_user()
    with app.test_request_context():
        locks = [
            throttle.failed(user.email, "10.0.0.9") for _ in range(throttle.ACCOUNT_FAILURES + 3)
        ]
    first = throttle.FIRST_LOCK_SECONDS
    assert locks == [0] * (throttle.ACCOUNT_FAILURES - 1) + [first, 2 * first, 4 * first, 8 * first]


def test_an_address_is_limited_across_accounts_with_retry_after(strict, db):
    client = strict.test_client()
    answers = [
        _login(client, f"ukjent{n}@example.no", "feil-passord-igjen").status_code for n in range(12)
    ]
    assert answers[:10] == [200] * 10
    assert answers[10:] == [429, 429]
    assert int(_login(client, "x@example.no", "y").headers["Retry-After"]) >= 1


def test_failed_logins_are_audited_without_the_password(app, db):
    user = make_user()
    _login(app.test_client(), user.email, "hemmelig-feil-passord", address="10.1.2.3")
    _login(app.test_client(), "finnes.ikke@example.no", "annet-feil-passord")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.login_failed").order_by(AuditEvent.id)
    ).all()
    assert [(e.object_id, e.detail["address"]) for e in events] == [
        (str(user.id), "10.1.2.3"),
        (None, "10.0.0.1"),
    ]
    assert all("passord" not in str(e.detail) for e in events)


@pytest.mark.parametrize(
    ("hops", "address", "hsts"), [(0, "10.0.0.1", False), (1, "203.0.113.7", True)]
)
def test_forwarded_headers_count_only_behind_configured_proxies(app, db, hops, address, hsts):
    user = make_user()
    original = app.wsgi_app
    app.config.update(TRUSTED_PROXIES=hops, WTF_CSRF_SSL_STRICT=False)  # no Referer in tests
    trust_proxies(app)
    try:
        forwarded = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
        response = _login(app.test_client(), user.email, "feil-passord-igjen", **forwarded)
    finally:
        app.wsgi_app = original
        app.config.update(TRUSTED_PROXIES=0, WTF_CSRF_SSL_STRICT=True)
    assert ("Strict-Transport-Security" in response.headers) is hsts, response.status_code
    assert response.status_code == 200, response.get_data(as_text=True)[-3000:]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.login_failed"))
    assert event.one().detail["address"] == address


@pytest.fixture
def redis_app(app):
    """The app counting in Redis (database 9, a key prefix of its own), as with REDIS_URL."""
    require_redis(REDIS)
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    app.config.update(RATELIMIT_STORAGE_URI=REDIS, RATELIMIT_KEY_PREFIX=prefix)
    limiter.init_app(app)
    yield app, prefix
    app.config.update(RATELIMIT_STORAGE_URI="memory://", RATELIMIT_KEY_PREFIX="")
    limiter.storage.reset()
    limiter.init_app(app)


def test_with_redis_every_worker_sees_the_same_account_lock(redis_app, db):
    app, prefix = redis_app
    user = make_user()
    client = app.test_client()
    for _ in range(throttle.ACCOUNT_FAILURES):
        _login(client, user.email, "feil-passord-igjen")
    # Another worker is another process with its own connection: it reads the same counters.
    other_worker = storage_from_string(REDIS)
    with app.test_request_context():
        lock_key = throttle._key("lock", throttle._digest(user.email))
    assert lock_key.startswith(prefix)
    assert other_worker.get(lock_key) == 1
    assert 0 < other_worker.get_expiry(lock_key) - time.time() <= throttle.FIRST_LOCK_SECONDS
