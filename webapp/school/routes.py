"""School coordinators: placement needs and company partners."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from webapp.models import Role
from webapp.security import role_required

bp = Blueprint("school", __name__)


@bp.before_request
@role_required(Role.SCHOOL)
def require_school():
    """Every page here is for school coordinators."""


@bp.route("/")
def home():
    return render_template("school/home.html", organisation=current_user.organisation)
