"""The JSON API. Errors answer as JSON (see webapp.ui.errors)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user, login_required

bp = Blueprint("api", __name__)


@bp.route("/me")
@login_required
def me():
    """Who the caller is: the smallest useful call, and the API's login check."""
    user = current_user
    return jsonify(
        id=user.id,
        name=user.name,
        role=user.role.value,
        organisation={"id": user.organisation_id, "name": user.organisation.name},
        locale=user.locale,
    )
