"""Caseworkers at NAV offices and the refugee service."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from webapp.models import Role
from webapp.security import role_required

bp = Blueprint("caseworker", __name__)


@bp.before_request
@role_required(Role.CASEWORKER)
def require_caseworker():
    """Every page here is for caseworkers."""


@bp.route("/")
def home():
    return render_template("caseworker/home.html", organisation=current_user.organisation)
