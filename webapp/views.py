"""Small helpers the thin views share."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, request, url_for
from flask_babel import gettext as _

from webapp.services.errors import DomainError


def show_domain_error(form, error: DomainError) -> None:
    """Put a service's error next to its field, or at the top of the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "danger")


def safe_next_url(default_endpoint: str) -> str:
    """The ``next`` page after login, only if it is a path on this site."""
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return url_for(default_endpoint)


def flash_saved() -> None:
    flash(_("Lagret."), "success")
