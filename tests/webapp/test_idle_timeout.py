"""Idle timeout: a session unused for longer than SESSION_IDLE_MINUTES ends (besides the absolute
lifetime), and a form sent after that is shown back instead of lost."""

from __future__ import annotations

import time

import pytest
from factories import PASSWORD, make_user
from support import AuthActions

from webapp.auth.idle import LAST_SEEN


@pytest.fixture
def logged_in(app, db, client):
    user = make_user()
    AuthActions(client).login(user.email, PASSWORD)
    assert client.get("/konto").status_code == 200
    return user


def _idle_for(client, seconds: int) -> None:
    with client.session_transaction() as session:
        session[LAST_SEEN] = int(time.time()) - seconds


def test_a_session_idle_for_longer_than_the_limit_ends(app, client, logged_in):
    _idle_for(client, 31 * 60)
    response = client.get("/konto")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/logg-inn?next=/konto")
    assert "uten aktivitet" in client.get("/logg-inn").get_data(as_text=True)
    assert client.get("/konto").status_code == 302  # logged out for good, not just once


def test_an_active_session_within_the_limit_goes_on(app, client, logged_in):
    _idle_for(client, 29 * 60)
    assert client.get("/konto").status_code == 200


def test_the_limit_is_configurable(app, client, logged_in):
    app.config["SESSION_IDLE_MINUTES"] = 5
    try:
        _idle_for(client, 6 * 60)
        assert client.get("/konto").status_code == 302
    finally:
        app.config["SESSION_IDLE_MINUTES"] = 30


def test_a_form_sent_after_the_timeout_is_shown_back_without_passwords(app, client, logged_in):
    _idle_for(client, 60 * 60)
    response = client.post(
        "/konto/passord",
        data={"csrf_token": "x", "current_password": "hemmelig-1", "notes": "Langt notat\nlinje 2"},
        headers={"Referer": "http://localhost/konto/passord"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "Langt notat\nlinje 2" in page
    assert "hemmelig-1" not in page
    assert "/logg-inn?next=/konto/passord" in page
