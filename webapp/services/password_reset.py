"""Forgotten passwords: a signed link by e-mail, valid one hour, usable once.

The link names the user and a fingerprint of their current password hash, so setting a new
password (through the link or otherwise) makes every earlier link useless without any table of
issued tokens. Whether an address is registered is never revealed: the caller shows the same
answer either way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from webapp.extensions import db
from webapp.models import User
from webapp.services import accounts, audit, notifications
from webapp.services.errors import DomainError
from webapp.services.passwords import hash_password

RESET_SALT = "arbeidsbro-password-reset"
MAX_AGE_SECONDS = 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def reset_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "password": _fingerprint(user)})


def request_reset(email: str) -> None:
    """E-mail a reset link when the address belongs to an active user with a password."""
    user = accounts.find_user_by_email(accounts.normalise_email(email or ""))
    if user is None or not user.is_active or user.password_hash is None:
        return
    link = (current_app.config["BASE_URL"] or "") + notifications.link(
        "auth.reset_password", token=reset_token(user)
    )
    with force_locale(user.locale or "nb"):
        notifications.send_mail(
            user.email,
            _("Nytt passord i Arbeidsbro"),
            _(
                "Hei %(name)s! Noen (forhåpentligvis du) ba om å få velge nytt passord. Lenken "
                "virker én gang, i én time. Ba du ikke om dette, kan du se bort fra e-posten.",
                name=user.name,
            ),
            secret_link=link,
        )
    audit.record(user, "user.password_reset_requested", user)
    db.session.commit()


@dataclass(frozen=True)
class ResetCheck:
    user: User | None
    problem: str | None


def check_token(token: str) -> ResetCheck:
    try:
        data = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
    except SignatureExpired:
        return ResetCheck(None, _("Lenken har gått ut. Be om en ny."))
    except BadSignature:
        return ResetCheck(None, _("Lenken er ugyldig. Be om en ny."))
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None or not user.is_active or user.password_hash is None:
        return ResetCheck(None, _("Lenken er ugyldig. Be om en ny."))
    if data.get("password") != _fingerprint(user):
        return ResetCheck(None, _("Lenken er allerede brukt. Be om en ny om du trenger det."))
    return ResetCheck(user, None)


def reset_password(token: str, password: str) -> User:
    """Set the new password; every session the user had ends (the session token rotates)."""
    check = check_token(token)
    if check.user is None:
        raise DomainError(check.problem)
    user = check.user
    accounts._check_password(password, user.email, field="password")
    user.password_hash = hash_password(password)
    user.rotate_session_token()
    audit.record(user, "user.password_reset", user)
    db.session.commit()
    return user
