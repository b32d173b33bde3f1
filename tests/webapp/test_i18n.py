"""Bokmål first, English available: the switch, the stored choice and a complete catalogue."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from factories import PASSWORD, make_user
from support import submit

ROOT = Path(__file__).resolve().parents[2]


def test_pages_are_in_bokmal_by_default(client):
    page = client.get("/logg-inn").get_data(as_text=True)
    assert '<html lang="nb"' in page
    assert "Logg inn" in page


def test_anonymous_language_choice_is_kept_in_the_session(client):
    response = submit(client, "/sprak?next=/logg-inn", {"language": "en"}, form_url="/logg-inn")
    assert response.headers["Location"] == "/logg-inn"
    page = client.get("/logg-inn").get_data(as_text=True)
    assert '<html lang="en"' in page
    assert "Log in" in page


def test_a_users_language_is_stored_and_follows_them_to_a_new_session(app, client, auth, db):
    user = make_user()
    auth.login(user.email, PASSWORD)
    submit(client, "/sprak", {"language": "en"}, form_url="/konto")
    db.session.refresh(user)
    assert user.locale == "en"
    auth.logout()
    fresh = app.test_client()
    submit(fresh, "/logg-inn", {"email": user.email, "password": PASSWORD})
    assert "Your account" in fresh.get("/konto").get_data(as_text=True)


def test_an_unknown_language_is_ignored(client):
    submit(client, "/sprak", {"language": "xx"}, form_url="/logg-inn")
    assert '<html lang="nb"' in client.get("/logg-inn").get_data(as_text=True)


def test_error_pages_come_in_both_languages(client):
    assert "Fant ikke siden" in client.get("/finnes-ikke").get_data(as_text=True)
    submit(client, "/sprak", {"language": "en"}, form_url="/logg-inn")
    response = client.get("/finnes-ikke")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_every_message_in_the_source_has_an_english_translation(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(template),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with open(template, "rb") as handle:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with open(ROOT / "webapp/translations/en/LC_MESSAGES/messages.po", "rb") as handle:
        catalogue = read_po(handle)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalogue
        if m.id and (m.string if isinstance(m.string, str) else all(m.string))
    }
    missing = sorted(wanted - translated)
    assert not missing, f"untranslated (run pybabel extract/update, then translate): {missing}"


def test_the_remembered_catalogue_follows_force_locale_and_back(app):
    """The request keeps its catalogue per locale: an e-mail rendered in the reader's language
    in the middle of a bokmål page gets English, and the page goes on in bokmål."""
    from flask import render_template_string
    from flask_babel import force_locale, gettext

    def both() -> tuple[str, str]:
        return gettext("Kandidater"), render_template_string("{{ _('Kandidater') }}")

    with app.test_request_context("/"):
        assert both() == ("Kandidater", "Kandidater")
        with force_locale("en"):
            assert both() == ("Candidates", "Candidates")
        assert both() == ("Kandidater", "Kandidater")
