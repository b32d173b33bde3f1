"""Personal API tokens: created on the profile page, shown once, stored as a digest, revocable.

A token acts as the user who made it, with the same permissions as that user's pages, narrowed by
its scopes (``read`` for GET, ``write`` for everything that changes something).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import ApiToken, User, utcnow
from webapp.models.api_token import SCOPE_READ, SCOPES
from webapp.services import audit
from webapp.services.errors import DomainError, NotAllowed

TOKEN_PREFIX = "abro_"  # noqa: S105 - a public marker on every token, not a secret
NAME_MAX = 100
EXPIRY_DAYS = (30, 90, 180, 365)
MAX_ACTIVE_TOKENS = 20


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def create(user: User, *, name: str, scopes: list[str], days: int) -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns it with the plain text, which is never stored."""
    try:
        name = (name or "").strip()
        if not name:
            raise DomainError(_("Gi nøkkelen et navn."), "name")
        if len(name) > NAME_MAX or "\x00" in name:
            raise DomainError(_("Skriv høyst %(max)d tegn.", max=NAME_MAX), "name")
        scopes = [scope for scope in SCOPES if scope in set(scopes or [])]
        if SCOPE_READ not in scopes:
            raise DomainError(_("En nøkkel må i det minste kunne lese."), "scopes")
        if days not in EXPIRY_DAYS:
            raise DomainError(_("Velg en gyldighet fra listen."), "days")
        if len(active_for(user)) >= MAX_ACTIVE_TOKENS:
            raise DomainError(_("Du har for mange aktive nøkler. Trekk tilbake en først."))
    except DomainError:
        db.session.rollback()
        raise
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        token_hash=digest(raw),
        scopes=" ".join(scopes),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(user, "api_token.created", token, scopes=scopes, days=days)
    db.session.commit()
    return token, raw


def revoke(user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens at once; others' tokens do not exist for them."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotAllowed(_("Fant ikke nøkkelen."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(user, "api_token.revoked", token)
        db.session.commit()
    return token


def active_for(user: User) -> list[ApiToken]:
    now = utcnow()
    return [
        token for token in tokens_of(user) if token.revoked_at is None and token.expires_at > now
    ]


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def authenticate(raw: str | None) -> ApiToken | None:
    """The usable token for a presented secret, or None (unknown, expired, revoked, inactive)."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(raw)))
    if token is None or not token.is_usable(utcnow()):
        return None
    return token


def record_call(token: ApiToken, *, method: str, path: str, status: int) -> None:
    """Every API call is audited with the token that made it (one small transaction)."""
    token.last_used_at = utcnow()
    audit.record(
        token.user,
        "api.call",
        token,
        method=method,
        path=path[:200],
        status=status,
    )
    db.session.commit()
