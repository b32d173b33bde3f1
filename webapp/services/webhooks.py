"""Outbound webhooks: tell an organisation's own system what happened, signed and retried.

* **Outbox.** :func:`emit` writes one ``WebhookDelivery`` per subscribed endpoint in the same
  transaction as the change, so an event is sent if and only if the change was committed.
* **Sending.** After the commit the new deliveries are queued on RQ (with Redis), or sent
  when the request has been answered (without Redis, the demo). A scheduled job
  (``flask webhooks deliver``) sends whatever is due: retries, and anything a crash left behind.
* **Retries** with back-off (:data:`BACKOFF`); after the last attempt a delivery is ``failed``
  and the organisation admin can send it again from the delivery log.
* **Signature**: ``X-Arbeidsbro-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">``
  under the endpoint's secret; the receiver checks it and the time (docs/api.md).
* **Privacy**: payloads carry ids and states, never names or free text; the candidate's id
  only to the candidate's own organisation.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from flask import current_app, g, has_app_context, has_request_context
from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from webapp.extensions import db
from webapp.models import Placement, Suggestion, User, utcnow
from webapp.models.webhook import (
    EVENTS,
    PLACEMENT_CHANGED,
    PROPOSAL_ANSWERED,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from webapp.services import audit
from webapp.services.errors import DomainError, NotAllowed

log = logging.getLogger("arbeidsbro.webhooks")

#: Wait before attempt 2, 3, …; after the last wait's attempt fails, the delivery is failed.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
TIMEOUT_SECONDS = 5
MAX_ENDPOINTS = 5
URL_MAX = 500
SIGNATURE_HEADER = "X-Arbeidsbro-Signature"


def event_labels() -> dict[str, str]:
    return {
        PROPOSAL_ANSWERED: _("Et forslag er besvart (ja, nei eller gått ut)"),
        PLACEMENT_CHANGED: _("En praksisplass er opprettet eller har endret status"),
    }


# --- endpoints ---------------------------------------------------------------------------------
def endpoints_of(organisation_id: int) -> list[WebhookEndpoint]:
    return list(
        db.session.scalars(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.organisation_id == organisation_id)
            .order_by(WebhookEndpoint.id)
        )
    )


def endpoint_of(user: User, endpoint_id: int) -> WebhookEndpoint:
    """The endpoint if it is the user's organisation's; ``NotAllowed`` otherwise."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.organisation_id != user.organisation_id:
        raise NotAllowed(_("Fant ikke mottakeren."))
    return endpoint


def check_url(url: str) -> str:
    """HTTPS only (plain HTTP only where ``WEBHOOKS_ALLOW_HTTP`` is set, as in the tests)."""
    url = url.strip()
    parts = urlsplit(url)
    allowed = {"https"} | ({"http"} if current_app.config.get("WEBHOOKS_ALLOW_HTTP") else set())
    if parts.scheme not in allowed or not parts.hostname or parts.username or parts.password:
        raise DomainError(
            _("Skriv en fullstendig adresse som begynner med https://, uten brukernavn."), "url"
        )
    if len(url) > URL_MAX:
        raise DomainError(_("Adressen kan ikke være lengre enn %(n)d tegn.", n=URL_MAX), "url")
    return url


def create_endpoint(user: User, url: str, events: list[str]) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret (shown once). Organisation admins only."""
    if not user.is_admin:
        raise NotAllowed(_("Bare organisasjonens administratorer kan endre mottakere."))
    url = check_url(url)
    chosen = [name for name in EVENTS if name in events]
    if not chosen:
        raise DomainError(_("Velg minst én hendelse."), "events")
    if len(endpoints_of(user.organisation_id)) >= MAX_ENDPOINTS:
        raise DomainError(_("En organisasjon kan ha høyst %(n)d mottakere.", n=MAX_ENDPOINTS))
    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint(
        organisation_id=user.organisation_id,
        url=url,
        secret=secret,
        events=" ".join(chosen),
        created_by_id=user.id,
    )
    db.session.add(endpoint)
    db.session.flush()
    audit.record(user, "webhook.created", endpoint, url=url, events=chosen)
    db.session.commit()
    return endpoint, secret


def delete_endpoint(user: User, endpoint: WebhookEndpoint) -> None:
    if not user.is_admin or endpoint.organisation_id != user.organisation_id:
        raise NotAllowed(_("Bare organisasjonens administratorer kan endre mottakere."))
    audit.record(user, "webhook.deleted", endpoint, url=endpoint.url)
    db.session.delete(endpoint)
    db.session.commit()


def deliveries_query(endpoint: WebhookEndpoint):
    return (
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.id.desc())
    )


def send_again(user: User, delivery: WebhookDelivery) -> None:
    """A failed delivery gets a fresh set of attempts, starting now."""
    if not user.is_admin or delivery.endpoint.organisation_id != user.organisation_id:
        raise NotAllowed(_("Bare organisasjonens administratorer kan endre mottakere."))
    if delivery.status != DeliveryStatus.FAILED:
        raise DomainError(_("Bare leveranser som har feilet, kan sendes på nytt."))
    delivery.status, delivery.attempts, delivery.next_attempt_at = (
        DeliveryStatus.PENDING,
        0,
        utcnow(),
    )
    audit.record(user, "webhook.resent", delivery.endpoint, delivery=delivery.id)
    _remember(db.session(), delivery)
    db.session.commit()


# --- events ------------------------------------------------------------------------------------
def emit(event_name: str, data_by_organisation: dict[int, dict]) -> int:
    """Add a delivery for every active endpoint of these organisations that wants the event.

    Part of the caller's transaction: nothing is sent unless it commits.
    """
    if not data_by_organisation:
        return 0
    endpoints = db.session.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.organisation_id.in_(list(data_by_organisation)),
            WebhookEndpoint.active.is_(True),
        )
    )
    event_id, now, added = str(uuid.uuid4()), utcnow(), 0
    for endpoint in endpoints:
        if event_name not in endpoint.event_list:
            continue
        payload = {
            "id": event_id,
            "event": event_name,
            "occurred_at": now.isoformat(timespec="seconds") + "Z",
            "data": data_by_organisation[endpoint.organisation_id],
        }
        delivery = WebhookDelivery(
            endpoint_id=endpoint.id, event=event_name, event_id=event_id, payload=payload
        )
        db.session.add(delivery)
        _remember(db.session(), delivery)
        added += 1
    return added


def proposal_answered(suggestion: Suggestion, answer: str, placement: Placement | None = None):
    """``answer``: accepted, declined or expired. To the candidate's organisation."""
    emit(
        PROPOSAL_ANSWERED,
        {
            suggestion.candidate.organisation_id: {
                "proposal": suggestion.id,
                "slot": suggestion.slot_id,
                "candidate": suggestion.candidate_id,
                "answer": answer,
                "reason_code": suggestion.answer_reason_code,
                "placement": placement.id if placement is not None else None,
            }
        },
    )


def placement_changed(placement: Placement) -> None:
    """To the employer's and the candidate's organisations (the candidate's id only to theirs)."""
    common = {
        "placement": placement.id,
        "proposal": placement.suggestion_id,
        "slot": placement.slot_id,
        "status": str(placement.status),
        "start_date": placement.start_date.isoformat() if placement.start_date else None,
        "end_date": placement.end_date.isoformat() if placement.end_date else None,
        "outcome": str(placement.outcome) if placement.outcome else None,
    }
    emit(
        PLACEMENT_CHANGED,
        {
            placement.slot.organisation_id: common,
            placement.candidate.organisation_id: {**common, "candidate": placement.candidate_id},
        },
    )


# --- sending -----------------------------------------------------------------------------------
def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def deliver(delivery_id: int) -> str | None:
    """One attempt at one delivery (if it is still due); returns its status afterwards."""
    query = select(WebhookDelivery).where(
        WebhookDelivery.id == delivery_id, WebhookDelivery.status == DeliveryStatus.PENDING
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # two workers never send it twice
    delivery = db.session.scalar(query)
    if delivery is None:
        db.session.rollback()
        return None
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Arbeidsbro-Webhooks/1",
        "X-Arbeidsbro-Event": delivery.event,
        "X-Arbeidsbro-Delivery": delivery.event_id,
        SIGNATURE_HEADER: sign(endpoint.secret, int(time.time()), body),
    }
    delivery.attempts += 1
    try:
        response = requests.post(
            endpoint.url,
            data=body,
            headers=headers,
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,  # a redirect could point anywhere; the receiver fixes its URL
        )
        delivery.last_status_code, delivery.last_error = response.status_code, ""
        ok = 200 <= response.status_code < 300
        if not ok:
            delivery.last_error = f"HTTP {response.status_code}"
    except requests.RequestException as error:
        delivery.last_status_code, ok = None, False
        delivery.last_error = type(error).__name__
    if ok:
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, utcnow()
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
    else:
        delivery.next_attempt_at = utcnow() + BACKOFF[delivery.attempts - 1]
    status = delivery.status
    db.session.commit()
    log.info("webhook %s to endpoint %s: %s", delivery_id, endpoint.id, status)
    return status


def deliver_due(limit: int = 200) -> dict[str, int]:
    """Send every delivery that is due (the scheduled job and ``flask webhooks deliver``)."""
    due = list(
        db.session.scalars(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.status == DeliveryStatus.PENDING,
                WebhookDelivery.next_attempt_at <= utcnow(),
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(limit)
        )
    )
    db.session.rollback()
    counts = {DeliveryStatus.DELIVERED: 0, DeliveryStatus.PENDING: 0, DeliveryStatus.FAILED: 0}
    for delivery_id in due:
        status = deliver(delivery_id)
        if status:
            counts[status] += 1
    return counts


# --- after the commit: send what the transaction added -----------------------------------------
def _remember(session: Session, delivery: WebhookDelivery) -> None:
    session.info.setdefault("webhook_deliveries", []).append(delivery)


@event.listens_for(Session, "after_flush")
def _collect_ids(session, _flush_context) -> None:
    pending = session.info.get("webhook_deliveries")
    if pending:
        ids = session.info.setdefault("webhook_ids", [])
        ids.extend(d.id for d in pending if d.id is not None)
        session.info["webhook_deliveries"] = [d for d in pending if d.id is None]


@event.listens_for(Session, "after_commit")
def _dispatch(session) -> None:
    ids = session.info.pop("webhook_ids", None)
    session.info.pop("webhook_deliveries", None)
    if not ids or not has_app_context():
        return
    if current_app.config.get("REDIS_URL"):
        from webapp.scheduled import jobs

        jobs.enqueue(jobs.deliver_webhooks, ids)
    elif has_request_context():
        g.setdefault("webhook_ids", []).extend(ids)  # sent in teardown, after the answer
    # Otherwise (a command, a job without Redis) the scheduled run sends them.


@event.listens_for(Session, "after_rollback")
def _forget(session) -> None:
    session.info.pop("webhook_ids", None)
    session.info.pop("webhook_deliveries", None)


def send_after_request(_error=None) -> None:
    """Without Redis: send this request's deliveries once its answer is ready."""
    ids = g.pop("webhook_ids", None) if has_request_context() else None
    for delivery_id in ids or ():
        try:
            deliver(delivery_id)
        except Exception:  # noqa: BLE001 - the scheduled run tries again
            db.session.rollback()
            log.warning("webhook %s not sent now; the scheduled run retries", delivery_id)
