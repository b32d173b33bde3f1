"""Personal API tokens: made on the profile page, shown once, stored hashed, scoped, revocable,
audited on every call, rate-limited per token; a session cookie never authenticates the API."""

from __future__ import annotations

from datetime import timedelta

from api_support import bearer, token_for, user_with_token
from factories import PASSWORD, make_user
from support import submit

from webapp.models import ApiToken, AuditEvent, OrganisationKind


def test_a_token_is_shown_once_and_only_its_digest_is_stored(client, auth, db):
    user = make_user(kind=OrganisationKind.NAV_OFFICE)
    auth.login(user.email, PASSWORD)
    page = submit(client, "/konto/api-nokler/", {"name": "Fagsystem", "write": "y", "days": "90"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    (token,) = db.session.query(ApiToken).all()
    start = html.index('id="new-token"')
    raw = html[start:].split('value="', 1)[1].split('"', 1)[0]
    assert raw.startswith("abro_")
    assert token.token_hash != raw and raw not in token.token_hash
    assert token.scope_list == ["read", "write"]
    again = client.get("/konto/api-nokler/").get_data(as_text=True)
    assert raw not in again and token.prefix in again


def test_a_token_authenticates_the_api_as_its_user(client, db):
    user, raw = user_with_token("caseworker")
    answer = client.get("/api/v1/me", headers=bearer(raw))
    assert answer.status_code == 200
    assert answer.json["id"] == user.id and answer.json["role"] == "caseworker"
    assert answer.json["token"]["scopes"] == ["read", "write"]


def test_a_session_cookie_does_not_authenticate_the_api(client, auth, db):
    user = make_user(kind=OrganisationKind.NAV_OFFICE)
    auth.login(user.email, PASSWORD)
    answer = client.get("/api/v1/me")
    assert answer.status_code == 401
    assert answer.content_type == "application/problem+json"
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_expired_and_revoked_tokens_are_refused(client, db):
    from webapp.services import api_tokens

    user, raw = user_with_token("employer")
    assert client.get("/api/v1/me", headers=bearer(raw + "x")).status_code == 401
    token = db.session.query(ApiToken).one()
    token.expires_at = token.created_at - timedelta(seconds=1)
    db.session.commit()
    expired = client.get("/api/v1/me", headers=bearer(raw))
    assert (
        expired.status_code == 401
        and 'error="invalid_token"' in expired.headers["WWW-Authenticate"]
    )
    other = token_for(user)
    api_tokens.revoke(user, db.session.query(ApiToken).order_by(ApiToken.id.desc()).first().id)
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 401


def test_a_deactivated_users_tokens_stop_working(client, db):
    user, raw = user_with_token("employer")
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 401


def test_a_read_only_token_cannot_change_anything(client, db):
    _user, raw = user_with_token("employer", write=False)
    answer = client.post("/api/v1/slots", json={}, headers=bearer(raw))
    assert answer.status_code == 403
    assert "insufficient_scope" in answer.headers["WWW-Authenticate"]


def test_every_call_is_audited_with_the_token_id(client, db):
    user, raw = user_with_token("employer")
    client.get("/api/v1/me", headers=bearer(raw))
    client.get("/api/v1/slots/999999", headers=bearer(raw))
    token = db.session.query(ApiToken).one()
    calls = db.session.query(AuditEvent).filter_by(action="api.call").order_by(AuditEvent.id).all()
    assert [(c.object_id, c.detail["path"], c.detail["status"]) for c in calls] == [
        (str(token.id), "/api/v1/me", 200),
        (str(token.id), "/api/v1/slots/999999", 404),
    ]
    assert all(c.actor_id == user.id for c in calls)
    db.session.refresh(token)
    assert token.last_used_at is not None


def test_calls_over_the_rate_limit_answer_429(app, client, db):
    _user, raw = user_with_token("employer")
    _other, other = user_with_token("employer")
    limit = app.config["API_RATE_LIMIT"]
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        answers = [client.get("/api/v1/me", headers=bearer(raw)).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        assert client.get("/api/v1/me", headers=bearer(other)).status_code == 200  # per token
    finally:
        app.config["API_RATE_LIMIT"] = limit


def test_a_user_can_revoke_only_their_own_tokens(client, auth, db):
    owner, _raw = user_with_token("employer")
    token = db.session.query(ApiToken).one()
    someone = make_user(kind=OrganisationKind.EMPLOYER)
    auth.login(someone.email, PASSWORD)
    answer = submit(
        client, f"/konto/api-nokler/{token.id}/trekk-tilbake", form_url="/konto/api-nokler/"
    )
    assert answer.status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None and owner.id == token.user_id


def test_a_token_needs_a_name(client, auth, db):
    user = make_user(kind=OrganisationKind.NAV_OFFICE)
    auth.login(user.email, PASSWORD)
    page = submit(client, "/konto/api-nokler/", {"name": "", "days": "90"})
    assert page.status_code == 422
    assert db.session.query(ApiToken).count() == 0
