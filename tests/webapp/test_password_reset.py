"""Forgotten passwords: a one-hour, one-time link by e-mail; nobody learns who has an account."""

from __future__ import annotations

import logging
import re

from factories import PASSWORD, make_user
from itsdangerous import URLSafeTimedSerializer
from support import submit

from webapp.models import AuditEvent, OutgoingMail
from webapp.services import password_reset

NEW_PASSWORD = "et-helt-nytt-langt-passord"
LINK = re.compile(r"(/nytt-passord/[^<\s]+)")


def _ask(client, email, caplog):
    with caplog.at_level(logging.INFO, logger="arbeidsbro.mail"):
        return submit(client, "/glemt-passord", {"email": email}, follow_redirects=True)


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client, db, caplog):
    make_user(email="finnes@example.no")
    known = _ask(client, "finnes@example.no", caplog).get_data(as_text=True)
    unknown = _ask(client, "finnes-ikke@example.no", caplog).get_data(as_text=True)
    message = "Hvis adressen hører til en konto, har vi sendt en lenke"
    assert message in known and message in unknown
    assert db.session.query(OutgoingMail).count() == 1
    assert "/nytt-passord/" not in db.session.query(OutgoingMail).one().body  # kept copy


def test_a_reset_link_sets_a_new_password_ends_old_sessions_and_works_once(
    app, client, auth, db, caplog
):
    user = make_user(email="glemsk@example.no")
    other_device = app.test_client()
    submit(other_device, "/logg-inn", {"email": user.email, "password": PASSWORD})
    assert other_device.get("/konto").status_code == 200
    _ask(client, user.email, caplog)
    link = LINK.search(caplog.text).group(1)

    assert client.get(link).status_code == 200
    response = submit(client, link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/logg-inn"
    assert other_device.get("/konto").status_code == 302  # the old session has ended
    assert auth.login(user.email, PASSWORD).status_code == 200  # the old password is refused
    assert auth.login(user.email, NEW_PASSWORD).status_code == 302
    auth.logout()
    reused = client.get(link)
    assert reused.status_code == 410 and "allerede brukt" in reused.get_data(as_text=True)
    actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert "user.password_reset_requested" in actions and "user.password_reset" in actions


def test_an_expired_or_tampered_link_is_refused(app, client, db):
    user = make_user()
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=password_reset.RESET_SALT)
    token = serializer.dumps({"user": user.id, "password": password_reset._fingerprint(user)})
    from unittest import mock

    later = password_reset.MAX_AGE_SECONDS + 5
    with mock.patch("itsdangerous.timed.time.time", return_value=__import__("time").time() + later):
        expired = client.get(f"/nytt-passord/{token}")
    assert expired.status_code == 410 and "gått ut" in expired.get_data(as_text=True)
    assert client.get(f"/nytt-passord/{token}x").status_code == 410


def test_the_new_password_must_follow_the_rules(client, db, caplog):
    user = make_user(email="regler@example.no")
    _ask(client, user.email, caplog)
    link = LINK.search(caplog.text).group(1)
    response = submit(client, link, {"password": "kort", "password_again": "kort"})
    assert response.status_code == 200
    assert "Minst 10 tegn" in response.get_data(as_text=True)


def test_asking_for_links_is_rate_limited_like_login(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    for n in range(3):
        # Without a CSRF token: refused as a bad form, but counted.
        response = client.post("/glemt-passord", data={"email": f"x{n}@example.no"})
        assert response.status_code == 400
    response = submit(client, "/glemt-passord", {"email": "x@example.no"})
    assert response.status_code == 429
