"""The admin's decisions on organisations and users: approve or reject with a reason (the
employer is told), deactivate and reactivate (logins refused, sessions end, slots leave the
matching), and invite links that are never shown to anyone but the invitee."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from factories import PASSWORD, make_candidate, make_organisation, make_slot, make_user
from sqlalchemy import select
from support import submit

from webapp.models import (
    AuditEvent,
    Notification,
    OrganisationKind,
    OutgoingMail,
    Suggestion,
    SuggestionStatus,
)
from webapp.services import matchmaking, organisations, slot_search
from webapp.services.errors import DomainError

SKILLS = ["plukk_og_pakk", "varemottak"]


@pytest.fixture
def admin(db):
    return make_user(kind=OrganisationKind.MUNICIPALITY, name="Ada Admin")


@pytest.fixture
def admin_client(app, admin):
    client = app.test_client()
    submit(client, "/logg-inn", {"email": admin.email, "password": PASSWORD})
    return client


def _logged_in(app, user):
    client = app.test_client()
    response = submit(client, "/logg-inn", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302 and "/logg-inn" not in response.location
    return client


def _login_refused(app, user) -> bool:
    client = app.test_client()
    response = submit(client, "/logg-inn", {"email": user.email, "password": PASSWORD})
    return response.status_code != 302


@pytest.fixture
def waiting(db):
    """A self-registered employer waiting for approval, with two users."""
    organisation = make_organisation(OrganisationKind.EMPLOYER, approved=False, name="Bakeri AS")
    first = make_user(organisation, name="Berit Baker", email="berit@bakeri.example.no")
    second = make_user(organisation, name="Bjarne Baker", email="bjarne@bakeri.example.no")
    return organisation, [first, second]


def _told(db, user, kind) -> list[Notification]:
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
    ).all()


def test_rejecting_asks_for_a_reason_and_tells_every_user(app, admin_client, waiting, db):
    organisation, users = waiting
    url = f"/admin/organisasjoner/{organisation.id}/avvis"
    page = admin_client.get(url).get_data(as_text=True)
    assert "Avvise registreringen av Bakeri AS?" in page
    empty = submit(admin_client, url, {"reason": "  "})
    assert "Skriv hvorfor registreringen avvises." in empty.get_data(as_text=True)
    assert organisation.rejected_at is None

    reason = "Vi fant ikke virksomheten i Enhetsregisteret."
    response = submit(admin_client, url, {"reason": reason}, follow_redirects=True)
    assert "er avvist, og brukerne er varslet" in response.get_data(as_text=True)
    db.session.refresh(organisation)
    assert organisation.rejected_at is not None and organisation.approved_at is None
    assert organisation.rejection_reason == reason
    for user in users:
        (notification,) = _told(db, user, "organisation_rejected")
        assert notification.params["reason"] == reason
        mail = db.session.scalars(select(OutgoingMail).where(OutgoingMail.to == user.email)).one()
        assert "avvist" in mail.subject and reason in mail.body
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "organisation.rejected")
    ).one()
    assert event.detail == {}  # the admin's free text stays out of the log

    # The employer can still log in and reads why, on the home page and in the notifications.
    employer = _logged_in(app, users[0])
    home = employer.get("/arbeidsgiver/").get_data(as_text=True)
    assert "Kommunen har avvist registreringen" in home and reason in home
    assert reason in employer.get("/varsler").get_data(as_text=True)
    # Not twice.
    assert submit(admin_client, url, {"reason": "igjen"}, form_url="/konto").status_code == 302
    assert len(_told(db, users[0], "organisation_rejected")) == 1


def test_approving_tells_the_users_too_even_after_a_rejection(admin_client, admin, waiting, db):
    organisation, users = waiting
    organisations.reject(admin, organisation, "Mangler org.nr.")
    url = f"/admin/organisasjoner/{organisation.id}/godkjenn"
    response = submit(admin_client, url, form_url=f"/admin/organisasjoner/{organisation.id}")
    assert response.status_code == 302
    db.session.refresh(organisation)
    assert organisation.is_approved and organisation.rejected_at is None
    assert organisation.rejection_reason == ""
    for user in users:
        assert len(_told(db, user, "organisation_approved")) == 1
    subjects = db.session.scalars(
        select(OutgoingMail.subject)
        .where(OutgoingMail.to == users[0].email)
        .order_by(OutgoingMail.id)
    ).all()
    assert subjects == ["Registreringen av Bakeri AS er avvist", "Bakeri AS er godkjent"]
    with pytest.raises(DomainError):
        organisations.reject(admin, organisation, "for sent")


def test_only_administrators_decide(waiting, db):
    organisation, users = waiting
    with pytest.raises(DomainError):
        organisations.approve(users[0], organisation)
    with pytest.raises(DomainError):
        organisations.set_active(users[0], organisation, False)


def test_deactivating_an_organisation_ends_its_sessions_and_refuses_logins(
    app, admin_client, admin, db
):
    organisation = make_organisation(OrganisationKind.EMPLOYER, name="Lager AS")
    user = make_user(organisation)
    employer = _logged_in(app, user)
    assert employer.get("/arbeidsgiver/").status_code == 200

    url = f"/admin/organisasjoner/{organisation.id}/deaktiver"
    page = admin_client.get(url).get_data(as_text=True)
    assert "Deaktivere Lager AS?" in page and "Ja, deaktiver" in page
    assert organisation.active  # the confirmation page changes nothing
    submit(admin_client, url)
    db.session.refresh(organisation)
    assert not organisation.active
    assert employer.get("/arbeidsgiver/").status_code == 302  # the old session is gone
    assert _login_refused(app, user)
    assert db.session.scalar(
        select(AuditEvent.action).where(AuditEvent.action == "organisation.deactivated")
    )

    reactivate = f"/admin/organisasjoner/{organisation.id}/aktiver"
    submit(admin_client, reactivate, form_url=f"/admin/organisasjoner/{organisation.id}")
    db.session.refresh(organisation)
    assert organisation.active
    assert not _login_refused(app, user)


def test_an_admin_cannot_lock_themselves_out(admin_client, admin, db):
    own = admin.organisation
    submit(admin_client, f"/admin/organisasjoner/{own.id}/deaktiver")
    db.session.refresh(own)
    assert own.active
    assert admin_client.get(f"/admin/brukere/{admin.id}/deaktiver").status_code == 404
    submit(admin_client, f"/admin/brukere/{admin.id}/deaktiver", form_url="/admin/brukere")
    db.session.refresh(admin)
    assert admin.active


def test_a_deactivated_organisations_slots_are_not_suggested(app, admin, db):
    employer = make_organisation(OrganisationKind.EMPLOYER)
    slot = make_slot(
        employer,
        title="Lagermedarbeider",
        description="Plukk og pakk og varemottak på lageret.",
        skills=SKILLS,
        hours_per_week=37,
        start_date=date.today() + timedelta(days=30),
    )
    nav = make_organisation(OrganisationKind.NAV_OFFICE)
    candidate = make_candidate(
        nav,
        caseworker=make_user(nav),
        goals="Vil jobbe på lager med plukk og pakk.",
        skills=SKILLS,
        hours_per_week=37,
        home_postal_code="1470",
        consent=True,
    )
    with app.test_request_context():
        matchmaking.rebuild()

        def pair_status():
            return db.session.scalar(
                select(Suggestion.status).where(
                    Suggestion.candidate_id == candidate.id, Suggestion.slot_id == slot.id
                )
            )

        assert pair_status() == SuggestionStatus.SUGGESTED
        organisations.set_active(admin, employer, False)
        assert pair_status() == SuggestionStatus.OBSOLETE
        assert slot.id not in {s.id for s in matchmaking.open_slots()}
        assert slot_search.get_visible(slot.id) is None
        matchmaking.rebuild()
        assert pair_status() == SuggestionStatus.OBSOLETE

        organisations.set_active(admin, employer, True)
        assert slot.id in {s.id for s in matchmaking.open_slots()}
        assert slot_search.get_visible(slot.id) is not None
        assert pair_status() == SuggestionStatus.SUGGESTED


def test_deactivating_a_user_asks_first_ends_their_sessions_and_refuses_logins(
    app, admin_client, db
):
    user = make_user(name="Sjur Sjef")
    employer = _logged_in(app, user)
    url = f"/admin/brukere/{user.id}/deaktiver"
    assert "Deaktivere Sjur Sjef?" in admin_client.get(url).get_data(as_text=True)
    db.session.refresh(user)
    assert user.active
    response = submit(admin_client, url, follow_redirects=True)
    assert "Sjur Sjef er deaktivert og logget ut." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert not user.active
    assert employer.get("/arbeidsgiver/").status_code == 302
    assert _login_refused(app, user)

    submit(admin_client, f"/admin/brukere/{user.id}/aktiver", form_url=f"/admin/brukere/{user.id}")
    db.session.refresh(user)
    assert user.active and not _login_refused(app, user)


def test_the_organisation_list_filters_by_state(admin_client, admin, waiting, db):
    organisation, _users = waiting
    other = make_organisation(OrganisationKind.EMPLOYER, name="Stengt AS")
    organisations.set_active(admin, other, False)
    pending = admin_client.get("/admin/organisasjoner?status=pending").get_data(as_text=True)
    assert "Bakeri AS" in pending and "Stengt AS" not in pending
    inactive = admin_client.get("/admin/organisasjoner?status=inactive").get_data(as_text=True)
    assert "Stengt AS" in inactive and "Bakeri AS" not in inactive
    organisations.reject(admin, organisation, "Nei")
    rejected = admin_client.get("/admin/organisasjoner?status=rejected").get_data(as_text=True)
    assert "Bakeri AS" in rejected


INVITE_LINK = re.compile(r"/invitasjon/[A-Za-z0-9._-]{20,}")


def test_an_invite_link_is_never_shown_after_it_is_made(app, admin_client, db, caplog):
    organisation = make_organisation(OrganisationKind.NAV_OFFICE, name="NAV Testby")
    with caplog.at_level("INFO", logger="arbeidsbro.mail"):
        response = submit(
            admin_client,
            "/admin/brukere",
            {"organisation_id": organisation.id, "name": "Nina Ny", "email": "nina@nav.example.no"},
            follow_redirects=True,
        )
    assert "Nina Ny er invitert." in response.get_data(as_text=True)
    assert INVITE_LINK.search(caplog.text)  # without SMTP: in the server log only
    invited = db.session.scalars(
        select(OutgoingMail).where(OutgoingMail.to == "nina@nav.example.no")
    ).one()
    assert not INVITE_LINK.search(invited.body)
    (user_id,) = db.session.scalars(
        select(AuditEvent.object_id).where(AuditEvent.action == "user.invited")
    ).all()
    for page in [
        "/admin/brukere",
        "/admin/e-post",
        "/admin/logg",
        "/admin/logg.csv",
        f"/admin/brukere/{user_id}",
        f"/admin/organisasjoner/{organisation.id}",
    ]:
        body = admin_client.get(page).get_data(as_text=True)
        assert not INVITE_LINK.search(body), page
