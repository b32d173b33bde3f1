"""Users: the list, invitations, one user's page, deactivation and reactivation.

Registered on the admin blueprint (imported by ``webapp.admin``), behind its admin check.
An invite link goes to the invitee by e-mail only and is never shown on these pages.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager
from wtforms.fields import SelectChoice

from webapp.admin.forms import InviteUserForm
from webapp.admin.routes import PER_PAGE, bp
from webapp.extensions import db
from webapp.models import Organisation, User
from webapp.services import accounts
from webapp.services.errors import DomainError
from webapp.ui.forms import ConfirmForm
from webapp.ui.params import arg_text, paginate
from webapp.ui.views import invite_from


def _invite_form() -> InviteUserForm:
    form = InviteUserForm()
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.name)
    ).all()
    form.organisation_id.choices = [SelectChoice(o.id, o.name) for o in organisations]
    return form


@bp.route("/brukere", methods=["GET", "POST"])
def users():
    form = _invite_form()
    if form.validate_on_submit():
        organisation = db.get_or_404(Organisation, form.organisation_id.data)
        if invite_from(form, organisation):
            return redirect(url_for("admin.users"))
    query = arg_text("q")
    stmt = (
        select(User)
        .join(User.organisation)
        .options(contains_eager(User.organisation))
        .order_by(Organisation.name, User.name, User.id)
    )
    if query:
        pattern = f"%{query}%"
        stmt = stmt.where(or_(User.name.ilike(pattern), User.email.ilike(pattern)))
    page = paginate(stmt, per_page=PER_PAGE)
    return render_template("admin/users.html", form=form, page=page, q=query)


@bp.route("/brukere/<int:user_id>")
def user_detail(user_id: int):
    user = db.get_or_404(User, user_id)
    return render_template("admin/user_detail.html", user=user, confirm=ConfirmForm())


@bp.route("/brukere/<int:user_id>/<any(deaktiver, aktiver):change>", methods=["GET", "POST"])
def user_set_active(user_id: int, change: str):
    """Deactivating asks on a confirmation page first; reactivating is a plain button."""
    user = db.get_or_404(User, user_id)
    activate = change == "aktiver"
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            accounts.set_active(current_user, user, activate)
        except DomainError as error:
            flash(error.message, "danger")
        else:
            message = (
                _("%(name)s er aktivert.")
                if activate
                else _("%(name)s er deaktivert og logget ut.")
            )
            flash(message % {"name": user.name}, "success")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    if activate:
        return redirect(url_for("admin.user_detail", user_id=user.id))
    if user.id == current_user.id:
        abort(404)
    return render_template("admin/user_deactivate.html", user=user, form=form)
