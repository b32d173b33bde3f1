"""Invites (one-time, expiring links), employer self-registration and approval."""

from __future__ import annotations

import logging
import re

import pytest
from factories import PASSWORD, make_organisation, make_user
from itsdangerous import URLSafeTimedSerializer
from support import submit

from webapp.models import AuditEvent, Organisation, OrganisationKind, OutgoingMail, User
from webapp.services import accounts
from webapp.services.orgnumber import is_valid_org_number

NEW_PASSWORD = "mitt-eget-lange-passord"
LINK = re.compile(r"(/invitasjon/[^<\s]+)")


def _invite_through_admin_page(client, auth, organisation, email="ny@example.no", **extra):
    admin = make_user(kind=OrganisationKind.MUNICIPALITY)
    auth.login(admin.email, PASSWORD)
    response = submit(
        client,
        "/admin/brukere",
        {
            "organisation_id": organisation.id,
            "name": "Nina Ny",
            "email": email,
            **extra,
        },
        follow_redirects=True,
    )
    auth.logout()
    return response


def test_admin_invites_a_user_who_sets_a_password_once(client, auth, db, caplog):
    organisation = make_organisation(OrganisationKind.NAV_OFFICE)
    with caplog.at_level(logging.INFO, logger="arbeidsbro.mail"):
        response = _invite_through_admin_page(client, auth, organisation)
    page = response.get_data(as_text=True)
    assert "Nina Ny er invitert." in page
    assert not LINK.search(page)  # never shown on a page: only the invitee gets it
    link = LINK.search(caplog.text).group(1)  # without SMTP: the server log only
    mail = db.session.query(OutgoingMail).filter_by(to="ny@example.no").one()
    assert "/invitasjon/" not in mail.body  # the copy admins can read at /admin/e-post
    admin_page = client.get("/admin/e-post")
    assert "/invitasjon/" not in admin_page.get_data(as_text=True)

    accept_page = client.get(link)
    assert accept_page.status_code == 200
    assert "ny@example.no" in accept_page.get_data(as_text=True)
    response = submit(client, link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/veileder/"
    auth.logout()

    reused = client.get(link)
    assert reused.status_code == 410
    assert "allerede brukt" in reused.get_data(as_text=True)
    assert auth.login("ny@example.no", NEW_PASSWORD).status_code == 302


def test_an_expired_invite_is_refused(app, client, db):
    user = make_user(password=None)
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=accounts.INVITE_SALT)
    token = serializer.dumps({"user": user.id, "token": user.session_token})
    app.config["INVITE_MAX_AGE_HOURS"] = -1
    try:
        response = client.get(f"/invitasjon/{token}")
    finally:
        app.config["INVITE_MAX_AGE_HOURS"] = 72
    assert response.status_code == 410
    assert "har gått ut" in response.get_data(as_text=True)


def test_a_tampered_invite_is_refused(client):
    response = client.get("/invitasjon/not-a-real-token")
    assert response.status_code == 410
    assert "ugyldig" in response.get_data(as_text=True)


def test_invite_form_rejects_bad_input(client, auth, db):
    organisation = make_organisation()
    make_user(organisation, email="finnes@example.no")
    response = _invite_through_admin_page(client, auth, organisation, email="finnes@example.no")
    assert "Det finnes allerede en bruker" in response.get_data(as_text=True)
    response = _invite_through_admin_page(client, auth, organisation, email="ikke-en-adresse")
    assert "Skriv inn en gyldig e-postadresse." in response.get_data(as_text=True)
    admin = make_user(kind=OrganisationKind.MUNICIPALITY)
    auth.login(admin.email, PASSWORD)
    response = submit(
        client,
        "/admin/brukere",
        {"organisation_id": "999999", "name": "X", "email": "x@example.no"},
    )
    assert response.status_code == 200
    assert "Ikke et gyldig valg" in response.get_data(as_text=True)
    assert db.session.query(User).filter_by(email="x@example.no").count() == 0


def test_organisation_admin_invites_a_colleague_into_their_own_organisation(client, auth, db):
    organisation = make_organisation()
    boss = make_user(organisation, is_admin=True)
    auth.login(boss.email, PASSWORD)
    response = submit(
        client,
        "/kolleger",
        {"name": "Kollega", "email": "kollega@example.no"},
        follow_redirects=True,
    )
    assert "Kollega er invitert." in response.get_data(as_text=True)
    assert "/invitasjon/" not in response.get_data(as_text=True)
    colleague = db.session.query(User).filter_by(email="kollega@example.no").one()
    assert colleague.organisation_id == organisation.id
    assert colleague.password_hash is None


def test_an_organisation_admin_cannot_invite_into_another_organisation(db):
    mine, other = make_organisation(), make_organisation()
    boss = make_user(mine, is_admin=True)
    with pytest.raises(accounts.NotAllowed):
        accounts.invite_user(boss, other, email="x@example.no", name="X")


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("974760673", True),  # Brønnøysundregistrene
        ("974 760 673", True),
        ("923609016", True),
        ("974760672", False),
        ("12345678", False),
        ("1234567890", False),
        ("97476067a", False),
        ("", False),
    ],
)
def test_organisation_numbers_are_checked_with_mod_11(number, valid):
    assert is_valid_org_number(number) is valid


def test_a_number_whose_check_digit_would_be_10_is_invalid():
    # 3*1+2*0+7*0+6*0+5*0+4*0+3*0+2*0 = 3 → 11 - 3 = 8; search for a prefix giving remainder 1.
    prefix = next(
        p
        for p in range(10000000, 10001000)
        if sum(int(d) * w for d, w in zip(str(p), (3, 2, 7, 6, 5, 4, 3, 2), strict=True)) % 11 == 1
    )
    assert not any(is_valid_org_number(f"{prefix}{d}") for d in range(10))


REGISTRATION = {
    "company_name": "Lørenskog Sykkelverksted AS",
    "org_number": "974 760 673",
    "municipality": "Lørenskog",
    "contact_name": "Per Pedal",
    "email": "per@sykkel.example.no",
    "phone": "99999999",
    "password": NEW_PASSWORD,
    "password_again": NEW_PASSWORD,
}


def test_employer_registers_and_waits_for_approval(client, auth, db):
    response = submit(client, "/registrer", REGISTRATION)
    assert response.status_code == 302
    organisation = db.session.query(Organisation).filter_by(org_number="974760673").one()
    assert organisation.approved_at is None
    assert organisation.kind == "employer"

    auth.login(REGISTRATION["email"], NEW_PASSWORD)
    assert "venter på godkjenning" in client.get("/arbeidsgiver/").get_data(as_text=True)
    auth.logout()

    admin = make_user(kind=OrganisationKind.MUNICIPALITY)
    auth.login(admin.email, PASSWORD)
    queue = client.get("/admin/organisasjoner?status=pending").get_data(as_text=True)
    assert "Lørenskog Sykkelverksted AS" in queue
    response = submit(
        client,
        f"/admin/organisasjoner/{organisation.id}/godkjenn",
        form_url=f"/admin/organisasjoner/{organisation.id}",
    )
    assert response.status_code == 302
    db.session.refresh(organisation)
    assert organisation.approved_at is not None
    actions = {e.action for e in db.session.query(AuditEvent)}
    assert {"organisation.registered", "organisation.approved"} <= actions


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"org_number": "974760672"}, "Organisasjonsnummeret er ikke gyldig."),
        ({"org_number": ""}, "Skriv inn organisasjonsnummeret."),
        ({"company_name": ""}, "Skriv inn navnet på virksomheten."),
        ({"company_name": "x" * 201}, "Skriv høyst 200 tegn."),
        ({"email": "ikke-epost"}, "Skriv inn en gyldig e-postadresse."),
        ({"password": "kort", "password_again": "kort"}, "minst 10 tegn"),
        ({"password": "qwertyuiop", "password_again": "qwertyuiop"}, "for vanlig"),
        ({"password": "abababababab", "password_again": "abababababab"}, "for vanlig"),
    ],
)
def test_registration_rejects_bad_input_and_keeps_what_was_typed(change, message, client, db):
    response = submit(client, "/registrer", {**REGISTRATION, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    if "company_name" not in change:
        assert 'value="Lørenskog Sykkelverksted AS"' in page
    assert db.session.query(Organisation).count() == 0
    assert db.session.query(User).count() == 0


def test_registration_refuses_a_taken_number_or_email(client, db):
    make_organisation(org_number="974760673")
    response = submit(client, "/registrer", REGISTRATION)
    assert "allerede registrert" in response.get_data(as_text=True)
    make_user(email="per@sykkel.example.no")
    response = submit(client, "/registrer", {**REGISTRATION, "org_number": "923609016"})
    assert "Det finnes allerede en bruker" in response.get_data(as_text=True)
    assert db.session.query(Organisation).filter_by(org_number="923609016").count() == 0


def test_admin_creates_an_organisation_and_rejects_an_unknown_kind(client, auth, db):
    admin = make_user(kind=OrganisationKind.MUNICIPALITY)
    auth.login(admin.email, PASSWORD)
    bad = submit(
        client,
        "/admin/organisasjoner/ny",
        {
            "kind": "pirates",
            "name": "X",
            "municipality": "Lørenskog",
        },
    )
    assert bad.status_code == 200
    assert db.session.query(Organisation).filter_by(name="X").count() == 0
    good = submit(
        client,
        "/admin/organisasjoner/ny",
        {
            "kind": "school",
            "name": "Ny skole",
            "municipality": "Lørenskog",
        },
    )
    assert good.status_code == 302
    assert db.session.query(Organisation).filter_by(name="Ny skole").one().approved_at
