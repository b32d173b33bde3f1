"""Who may see what: login loading, role checks, organisation scoping and security headers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from webapp.extensions import db, login_manager
from webapp.models import Role, User

# Designsystemet's CSS draws its icons (alerts, fields) as data: SVG images; nothing else is
# allowed beyond this site. Scripts and styles stay 'self' only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'"
)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Load the user named by the cookie only while its session token is still the current one."""
    raw_id, _, token = user_id.partition(":")
    if not raw_id.isdigit() or not token:
        return None
    # With its organisation in the same query: every page reads the role and whether it is active.
    user = db.session.get(User, int(raw_id), options=[joinedload(User.organisation)])
    if user is None or user.session_token != token or not user.is_active:
        return None
    return user


def role_required(*roles: Role | str) -> Callable:
    """Let through logged-in users whose role is one of ``roles``; others get 403."""
    allowed = {Role(r) for r in roles}

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def org_admin_required(view):
    """Organisation admins of any kind, and the municipality's admins."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not (current_user.is_admin or current_user.role == Role.ADMIN):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def get_owned_or_404(model, object_id: int, *, organisation_field: str = "organisation_id"):
    """The object if it belongs to the current user's organisation; 404 otherwise.

    404 rather than 403, so the existence of other organisations' objects does not leak.
    """
    obj = db.session.get(model, object_id)
    if obj is None or getattr(obj, organisation_field) != current_user.organisation_id:
        abort(404)
    return obj


def apply_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # Pages for a logged-in user may show personal data: never keep them in a cache.
    if current_user.is_authenticated and not request.path.startswith("/static/"):
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response


@login_manager.unauthorized_handler
def unauthorized():
    """API callers get a JSON 401; people get the login page, then come back."""
    if request.path.startswith("/api/"):
        message = _("Du må logge inn.")
        return jsonify(error={"code": 401, "title": message, "message": message}), 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
