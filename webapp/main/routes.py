"""Pages for everyone: the front door, health, profile, colleagues, statements."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select, text

from webapp.admin.forms import InviteUserForm
from webapp.auth.access import org_admin_required
from webapp.extensions import db
from webapp.models import User
from webapp.services import notifications as notification_service
from webapp.services import taxonomy
from webapp.ui.forms import ConfirmForm
from webapp.ui.navigation import home_endpoint
from webapp.ui.params import paginate
from webapp.ui.views import invite_from

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user.role)))
    return render_template("main/index.html")


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/yrker/forslag")
@login_required
def occupation_suggestions():
    """JSON for the occupation type-ahead on forms (progressive enhancement)."""
    locale = get_locale()
    language = locale.language if locale is not None else "nb"
    return jsonify(taxonomy.occupation_suggestions(request.args.get("q", ""), language))


@bp.route("/tilgjengelighet")
def accessibility():
    return render_template("main/accessibility.html")


@bp.route("/personvern")
def privacy():
    return render_template("main/privacy.html")


@bp.route("/konto")
@login_required
def profile():
    return render_template("main/profile.html")


@bp.route("/kolleger", methods=["GET", "POST"])
@org_admin_required
def colleagues():
    organisation = current_user.organisation
    form = InviteUserForm()
    del form.organisation_id  # colleagues join the inviter's own organisation
    if form.validate_on_submit() and invite_from(form, organisation):
        return redirect(url_for("main.colleagues"))
    members = db.session.scalars(
        select(User).where(User.organisation_id == organisation.id).order_by(User.name)
    ).all()
    return render_template("main/colleagues.html", form=form, members=members)


@bp.route("/varsler", methods=["GET", "POST"])
@login_required
def notifications():
    user = current_user._get_current_object()
    if request.method == "POST":
        if ConfirmForm().validate_on_submit():
            notification_service.mark_all_read(user)
            flash(_("Alle varsler er merket som lest."), "success")
        return redirect(url_for("main.notifications"))
    page = paginate(notification_service.for_user(user), per_page=25)
    return render_template(
        "main/notifications.html",
        page=page,
        render=notification_service.render,
        confirm=ConfirmForm(),
    )
