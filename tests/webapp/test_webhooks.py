"""Outbound webhooks: signed deliveries of committed events only, retries with back-off, the
organisation admin's pages, and who may see what."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from factories import PASSWORD, approve_agreement, make_user
from sqlalchemy import func, select
from support import submit
from test_proposals import World

from webapp.models import Placement, utcnow
from webapp.models.webhook import (
    PLACEMENT_CHANGED,
    PROPOSAL_ANSWERED,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from webapp.services import placements, proposals, webhooks
from webapp.services.errors import DomainError


class Receiver:
    """A local HTTP server that records what it receives and answers ``status``."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]


@pytest.fixture
def receiver(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_HTTP", True)
    server = Receiver()
    yield server
    server.server.shutdown()


@pytest.fixture
def world(app_ctx, app):
    with app.test_request_context():
        yield World()


def endpoint_for(organisation, url, events=(PROPOSAL_ANSWERED, PLACEMENT_CHANGED)):
    admin = make_user(organisation, is_admin=True)
    endpoint, secret = webhooks.create_endpoint(admin, url, list(events))
    return endpoint, secret


def verify(secret: str, request: dict) -> bool:
    fields = dict(
        part.split("=", 1) for part in request["headers"]["X-Arbeidsbro-Signature"].split(",")
    )
    expected = hmac.new(
        secret.encode(), f"{fields['t']}.".encode() + request["body"], hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


def accepted(world, db) -> Placement:
    suggestion = world.proposed(db)
    return proposals.accept(world.employer, suggestion)


def test_an_accepted_proposal_reaches_both_organisations_signed(world, db, receiver):
    nav_endpoint, nav_secret = endpoint_for(world.nav, receiver.url)
    employer_endpoint, employer_secret = endpoint_for(world.employer_org, receiver.url + "/firma")
    placement = accepted(world, db)
    assert webhooks.deliver_due() == {"delivered": 3, "pending": 0, "failed": 0}

    by_path = {}
    for request in receiver.requests:
        path_secret = employer_secret if b'"candidate"' not in request["body"] else nav_secret
        assert verify(path_secret, request)
        event = json.loads(request["body"])
        by_path.setdefault(event["event"], []).append(event)
    answered = by_path[PROPOSAL_ANSWERED]
    assert [e["data"]["answer"] for e in answered] == ["accepted"]
    assert answered[0]["data"]["placement"] == placement.id
    assert answered[0]["data"]["candidate"] == world.candidate.id
    changed = sorted(by_path[PLACEMENT_CHANGED], key=lambda e: "candidate" in e["data"])
    assert [e["data"]["status"] for e in changed] == ["planned", "planned"]
    assert "candidate" not in changed[0]["data"]  # the employer's copy names no candidate
    bodies = b" ".join(r["body"] for r in receiver.requests).decode()
    assert world.candidate.reference_code not in bodies
    assert world.candidate.display_name not in bodies
    statuses = db.session.scalars(select(WebhookDelivery.status)).all()
    assert statuses == [DeliveryStatus.DELIVERED] * 3
    assert nav_endpoint.id != employer_endpoint.id


def test_placement_state_changes_and_declines_are_sent(world, db, receiver):
    endpoint_for(world.nav, receiver.url)
    placement = accepted(world, db)
    approve_agreement(placement, world.employer, world.caseworker)
    placements.change_state(world.caseworker, placement, "start", early_start_reason="Klar nå")
    webhooks.deliver_due()
    statuses = [e["data"]["status"] for e in receiver.events() if e["event"] == PLACEMENT_CHANGED]
    assert statuses == ["planned", "active"]


def test_nothing_is_sent_for_a_change_that_was_rolled_back(world, db, receiver):
    endpoint_for(world.nav, receiver.url)
    suggestion = world.proposed(db)
    world.candidate.consent_withdrawn_at = utcnow()  # accept() refuses and rolls back
    db.session.commit()
    with pytest.raises(DomainError):
        proposals.accept(world.employer, suggestion)
    assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    assert webhooks.deliver_due()["delivered"] == 0
    assert receiver.requests == []


def test_a_failing_receiver_is_retried_with_back_off_then_given_up(world, db, receiver):
    receiver.status = 500
    endpoint_for(world.nav, receiver.url, events=[PROPOSAL_ANSWERED])
    accepted(world, db)
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    before = utcnow()
    assert webhooks.deliver_due() == {"delivered": 0, "pending": 1, "failed": 0}
    db.session.refresh(delivery)
    assert delivery.attempts == 1 and delivery.last_error == "HTTP 500"
    assert delivery.next_attempt_at >= before + webhooks.BACKOFF[0]
    assert webhooks.deliver_due() == {"delivered": 0, "pending": 0, "failed": 0}  # not due yet
    for _ in range(webhooks.MAX_ATTEMPTS - 1):
        delivery.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        webhooks.deliver_due()
        db.session.refresh(delivery)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == webhooks.MAX_ATTEMPTS
    assert len(receiver.requests) == webhooks.MAX_ATTEMPTS
    # Every attempt carries the same event id, so the receiver can drop duplicates.
    assert len({r["headers"]["X-Arbeidsbro-Delivery"] for r in receiver.requests}) == 1


def test_an_unreachable_receiver_is_a_retry_not_an_error(world, db, receiver):
    endpoint, _secret = endpoint_for(world.nav, receiver.url, events=[PROPOSAL_ANSWERED])
    endpoint.url = "http://127.0.0.1:9/closed"  # the discard port: connection refused
    db.session.commit()
    accepted(world, db)
    assert webhooks.deliver_due() == {"delivered": 0, "pending": 1, "failed": 0}
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    assert delivery.last_error == "ConnectionError"


def test_receivers_must_use_https_unless_allowed(world, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_HTTP", False)
    admin = make_user(world.nav, is_admin=True)
    for url in ("http://example.no/hook", "ftp://example.no", "https://user:pw@example.no/x", "x"):
        with pytest.raises(DomainError):
            webhooks.create_endpoint(admin, url, [PROPOSAL_ANSWERED])
    with pytest.raises(DomainError):
        webhooks.create_endpoint(admin, "https://example.no/hook", ["not.an.event"])
    endpoint, secret = webhooks.create_endpoint(
        admin, " https://example.no/hook ", ["x", PROPOSAL_ANSWERED]
    )
    assert endpoint.url == "https://example.no/hook" and endpoint.event_list == [PROPOSAL_ANSWERED]
    assert secret.startswith("whsec_") and len(secret) > 40


def test_only_an_organisation_admin_manages_its_own_receivers(world, db):
    colleague = make_user(world.nav)
    with pytest.raises(DomainError):
        webhooks.create_endpoint(colleague, "https://example.no/hook", [PROPOSAL_ANSWERED])


# --- pages --------------------------------------------------------------------------------------
@pytest.fixture
def nav_admin(app_ctx):
    from factories import make_organisation

    from webapp.models import OrganisationKind

    organisation = make_organisation(OrganisationKind.NAV_OFFICE)
    return make_user(organisation, is_admin=True, email="admin@nav.example.no")


def test_the_admin_adds_a_receiver_sees_the_secret_once_and_deletes_it(client, auth, nav_admin, db):
    auth.login(nav_admin.email, PASSWORD)
    page = client.get("/organisasjon/webhooks/")
    assert page.status_code == 200 and "Ingen mottakere ennå" in page.get_data(as_text=True)
    answer = submit(
        client,
        "/organisasjon/webhooks/",
        {"url": "https://system.nav.example.no/arbeidsbro", "events": [PROPOSAL_ANSWERED]},
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    secret = db.session.scalars(select(WebhookEndpoint.secret)).one()
    assert secret in html
    again = client.get("/organisasjon/webhooks/").get_data(as_text=True)
    assert secret not in again and "system.nav.example.no" in again
    endpoint_id = db.session.scalars(select(WebhookEndpoint.id)).one()
    confirm = client.get(f"/organisasjon/webhooks/{endpoint_id}/slett")
    assert "Ja, slett mottakeren" in confirm.get_data(as_text=True)
    log = client.get(f"/organisasjon/webhooks/{endpoint_id}")
    assert "Ingen leveranser ennå" in log.get_data(as_text=True)
    done = submit(client, f"/organisasjon/webhooks/{endpoint_id}/slett", follow_redirects=True)
    assert "er slettet" in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(WebhookEndpoint)) == 0


def test_a_bad_url_re_renders_the_form_with_a_message(client, auth, nav_admin, db):
    auth.login(nav_admin.email, PASSWORD)
    answer = submit(
        client, "/organisasjon/webhooks/", {"url": "http://intern\x00.example", "events": []}
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert "Velg minst én hendelse." in html
    assert db.session.scalar(select(func.count()).select_from(WebhookEndpoint)) == 0


def test_other_organisations_and_non_admins_cannot_reach_the_pages(client, auth, nav_admin, db):
    endpoint, _secret = webhooks.create_endpoint(
        nav_admin, "https://system.nav.example.no/hook", [PROPOSAL_ANSWERED]
    )
    other_admin = make_user(is_admin=True, email="admin@firma.example.no")
    auth.login(other_admin.email, PASSWORD)
    for url in (
        f"/organisasjon/webhooks/{endpoint.id}",
        f"/organisasjon/webhooks/{endpoint.id}/slett",
    ):
        assert client.get(url).status_code == 404
    assert "system.nav.example.no" not in client.get("/organisasjon/webhooks/").get_data(
        as_text=True
    )
    auth.logout()
    plain = make_user(nav_admin.organisation, email="vanlig@nav.example.no")
    auth.login(plain.email, PASSWORD)
    assert client.get("/organisasjon/webhooks/").status_code == 403


def test_a_failed_delivery_can_be_sent_again_from_the_log(client, auth, world, db, receiver):
    receiver.status = 500
    endpoint, _secret = endpoint_for(world.nav, receiver.url, events=[PROPOSAL_ANSWERED])
    accepted(world, db)
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    delivery.status, delivery.attempts = DeliveryStatus.FAILED, webhooks.MAX_ATTEMPTS
    db.session.commit()
    admin = make_user(world.nav, is_admin=True, email="sjef@nav.example.no")
    auth.login(admin.email, PASSWORD)
    log_url = f"/organisasjon/webhooks/{endpoint.id}"
    assert "feilet" in client.get(log_url).get_data(as_text=True)
    receiver.status = 200
    answer = submit(
        client,
        f"{log_url}/leveranser/{delivery.id}/send",
        form_url=log_url,
        follow_redirects=True,
    )
    assert "sendes på nytt" in answer.get_data(as_text=True)
    db.session.expire_all()
    # Without Redis the resent delivery goes out once the request has been answered.
    assert db.session.get(WebhookDelivery, delivery.id).status == DeliveryStatus.DELIVERED
