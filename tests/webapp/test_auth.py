"""Login, logout and sessions: wrong credentials, old cookies, rate limits, CSRF and roles."""

from __future__ import annotations

import pytest
from factories import PASSWORD, make_organisation, make_user
from support import submit

from webapp.models import OrganisationKind, User
from webapp.services import accounts

SAME_MESSAGE = "Feil e-post eller passord."


def test_login_takes_each_role_to_its_home(client, auth, db):
    homes = {
        OrganisationKind.EMPLOYER: "/arbeidsgiver/",
        OrganisationKind.NAV_OFFICE: "/veileder/",
        OrganisationKind.REFUGEE_SERVICE: "/veileder/",
        OrganisationKind.SCHOOL: "/skole/",
        OrganisationKind.MUNICIPALITY: "/admin/",
    }
    for kind, home in homes.items():
        user = make_user(kind=kind)
        response = auth.login(user.email, PASSWORD)
        assert response.status_code == 302
        assert response.headers["Location"] == home
        assert client.get(home).status_code == 200
        auth.logout()


def test_email_is_matched_without_case_or_spaces(auth, db):
    make_user(email="kari@example.no")
    assert auth.login("  Kari@Example.NO ", PASSWORD).status_code == 302


@pytest.mark.parametrize("case", ["wrong_password", "unknown_email", "no_password_yet", "inactive"])
def test_every_failed_login_gets_the_same_message(case, client, auth, db):
    user = make_user(email="ola@example.no")
    email, password = user.email, PASSWORD
    if case == "wrong_password":
        password = "ikke-passordet-mitt"
    elif case == "unknown_email":
        email = "finnes.ikke@example.no"
    elif case == "no_password_yet":
        user.password_hash = None
        db.session.commit()
    else:
        user.active = False
        db.session.commit()
    response = auth.login(email, password)
    assert response.status_code == 200
    assert SAME_MESSAGE in response.get_data(as_text=True)
    assert client.get("/arbeidsgiver/").status_code == 302


def test_empty_login_form_shows_field_messages(client):
    response = submit(client, "/logg-inn", {"email": "", "password": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Skriv inn e-postadressen din." in page
    assert "Skriv inn passordet ditt." in page
    assert 'aria-invalid="true"' in page


def test_too_long_login_input_is_refused_without_an_error(client):
    response = submit(client, "/logg-inn", {"email": "a" * 300 + "@x.no", "password": "p" * 500})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Skriv høyst 254 tegn." in page
    assert "Skriv høyst 128 tegn." in page


def test_login_redirects_only_to_local_next_pages(auth, db):
    user = make_user()
    response = auth.login(user.email, PASSWORD, query_string={"next": "/konto"})
    assert response.headers["Location"] == "/konto"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_login_ignores_foreign_next_pages(target, client, db):
    user = make_user()
    token_page = client.get("/logg-inn")
    assert token_page.status_code == 200
    response = submit(
        client,
        f"/logg-inn?next={target}",
        {"email": user.email, "password": PASSWORD},
        form_url="/logg-inn",
    )
    assert response.headers["Location"] == "/arbeidsgiver/"


def _cookie_value(client) -> str:
    return client.get_cookie("session").value


def _reuse_cookie(app, value: str):
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def test_logout_ends_the_session_even_for_a_saved_cookie(app, client, auth, db):
    user = make_user()
    auth.login(user.email, PASSWORD)
    saved = _cookie_value(client)
    assert _reuse_cookie(app, saved).get("/arbeidsgiver/").status_code == 200
    auth.logout()
    assert client.get("/arbeidsgiver/").status_code == 302
    assert _reuse_cookie(app, saved).get("/arbeidsgiver/").status_code == 302


def test_deactivation_ends_the_users_sessions(app, client, auth, db):
    user = make_user()
    admin = make_user(kind=OrganisationKind.MUNICIPALITY)
    auth.login(user.email, PASSWORD)
    saved = _cookie_value(client)
    accounts.set_active(admin, db.session.get(User, user.id), False)
    assert _reuse_cookie(app, saved).get("/arbeidsgiver/").status_code == 302


def test_password_change_ends_other_sessions_but_keeps_this_one(app, client, auth, db):
    user = make_user()
    auth.login(user.email, PASSWORD)
    saved = _cookie_value(client)
    response = submit(
        client,
        "/konto/passord",
        {
            "current_password": PASSWORD,
            "password": "et-helt-nytt-passord",
            "password_again": "et-helt-nytt-passord",
        },
    )
    assert response.status_code == 302
    assert client.get("/arbeidsgiver/").status_code == 200
    assert _reuse_cookie(app, saved).get("/arbeidsgiver/").status_code == 302
    auth.logout()
    assert auth.login(user.email, "et-helt-nytt-passord").status_code == 302


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"current_password": "feil-passord-her"}, "Nåværende passord er feil."),
        ({"password": "kort", "password_again": "kort"}, "minst 10 tegn"),
        ({"password": "passord123", "password_again": "passord123"}, "for vanlig"),
        ({"password": "x" * 129, "password_again": "x" * 129}, "høyst 128 tegn"),
        ({"password_again": "noe-helt-annet-her"}, "Passordene er ikke like."),
    ],
)
def test_password_change_rejects_bad_input(fields, message, client, auth, db):
    user = make_user()
    auth.login(user.email, PASSWORD)
    data = {
        "current_password": PASSWORD,
        "password": "et-godt-nytt-passord",
        "password_again": "et-godt-nytt-passord",
        **fields,
    }
    response = submit(client, "/konto/passord", data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_login_is_rate_limited_whatever_the_csrf_outcome(app, client, db):
    user = make_user()
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        for _ in range(3):
            # No CSRF token at all: refused as a bad form, but counted.
            response = client.post("/logg-inn", data={"email": user.email, "password": "x"})
            assert response.status_code == 400
        response = submit(client, "/logg-inn", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 429
        assert "For mange forsøk" in response.get_data(as_text=True)
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"


def test_a_form_without_its_csrf_token_is_refused(client, auth, db):
    user = make_user()
    auth.login(user.email, PASSWORD)
    response = client.post("/logg-ut")
    assert response.status_code == 400
    assert "Skjemaet var utløpt eller ugyldig" in response.get_data(as_text=True)
    assert client.get("/arbeidsgiver/").status_code == 200


@pytest.mark.parametrize(
    ("kind", "url", "expected"),
    [
        (OrganisationKind.EMPLOYER, "/veileder/", 403),
        (OrganisationKind.EMPLOYER, "/admin/", 403),
        (OrganisationKind.NAV_OFFICE, "/arbeidsgiver/", 403),
        (OrganisationKind.NAV_OFFICE, "/skole/", 403),
        (OrganisationKind.SCHOOL, "/veileder/", 403),
        (OrganisationKind.SCHOOL, "/admin/brukere", 403),
        (OrganisationKind.MUNICIPALITY, "/veileder/", 403),
        (OrganisationKind.MUNICIPALITY, "/admin/brukere", 200),
    ],
)
def test_role_required_keeps_each_role_to_its_pages(kind, url, expected, client, auth, db):
    user = make_user(kind=kind)
    auth.login(user.email, PASSWORD)
    assert client.get(url).status_code == expected


@pytest.mark.parametrize("url", ["/arbeidsgiver/", "/veileder/", "/skole/", "/admin/", "/konto"])
def test_anonymous_users_are_sent_to_login(url, client):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/logg-inn?next=")


def test_api_answers_anonymous_callers_with_json_401(client):
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json["error"]["code"] == 401


def test_api_says_who_the_caller_is(client, auth, db):
    user = make_user(kind=OrganisationKind.SCHOOL)
    auth.login(user.email, PASSWORD)
    assert client.get("/api/me").json["role"] == "school"


def test_unknown_api_path_answers_json_404(client):
    response = client.get("/api/finnes-ikke")
    assert response.status_code == 404
    assert response.json["error"]["code"] == 404


def test_colleagues_page_is_for_organisation_admins_only(client, auth, db):
    organisation = make_organisation()
    member = make_user(organisation)
    auth.login(member.email, PASSWORD)
    assert client.get("/kolleger").status_code == 403
