"""Idle timeout: a session unused for ``SESSION_IDLE_MINUTES`` ends, besides the absolute
lifetime (``PERMANENT_SESSION_LIFETIME``). A form sent after the timeout is not lost: the page
that says so shows what was typed (passwords and tokens aside), to copy after logging in again.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

LAST_SEEN = "last_seen"
NOT_SHOWN = ("csrf_token", "password")  # field names containing these are never echoed


def check_idle():
    """Before each request: end a session idle for too long; otherwise note this visit."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    limit = current_app.config.get("SESSION_IDLE_MINUTES", 30) * 60
    now = int(time.time())
    last = session.get(LAST_SEEN)
    if limit > 0 and isinstance(last, int) and now - last > limit:
        return _expired(limit // 60)
    session[LAST_SEEN] = now
    return None


def _back_path() -> str:
    """The page the form was on (its own URL when there is no referrer from this site)."""
    parts = urlsplit(request.referrer or "")
    if parts.netloc == request.host and parts.path.startswith("/"):
        return parts.path
    return request.path


def _expired(minutes: int):
    typed = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if value.strip() and not any(word in name for word in NOT_SHOWN)
    ]
    logout_user()
    session.clear()
    message = _("Du ble logget ut etter %(n)d minutter uten aktivitet.", n=minutes)
    if request.method == "POST":
        return render_template(
            "auth/session_expired.html",
            message=message,
            typed=typed,
            login_url=url_for("auth.login", next=_back_path()),
        ), 401
    flash(message, "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
