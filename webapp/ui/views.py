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


def invite_from(form, organisation) -> bool:
    """Invite the person the form names; False (with the form's errors set) when that failed.

    The one-time link goes to the invitee by e-mail only: shown here, anyone who can see the
    page could take the new account over.
    """
    from flask_login import current_user

    from webapp.services import accounts

    try:
        user, token = accounts.invite_user(
            current_user,
            organisation,
            email=form.email.data,
            name=form.name.data,
            is_admin=form.is_admin.data,
        )
    except DomainError as error:
        show_domain_error(form, error)
        return False
    flash(_("%(name)s er invitert. Invitasjonen er sendt på e-post.", name=user.name), "success")
    return True


def flash_saved() -> None:
    flash(_("Lagret."), "success")
