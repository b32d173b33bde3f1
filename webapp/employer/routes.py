"""Employers: their home page. Slots, sites and proposals come with later work."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from webapp.models import Role
from webapp.security import role_required

bp = Blueprint("employer", __name__)


@bp.before_request
@role_required(Role.EMPLOYER)
def require_employer():
    """Every page here is for employers."""


@bp.route("/")
def home():
    return render_template("employer/home.html", organisation=current_user.organisation)
