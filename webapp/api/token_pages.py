"""The profile's API token pages: create (shown once), list and revoke personal tokens."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.api.token_forms import TokenForm
from webapp.models.api_token import SCOPE_READ, SCOPE_WRITE
from webapp.services import api_tokens
from webapp.services.errors import DomainError, NotAllowed
from webapp.ui.forms import ConfirmForm
from webapp.ui.views import show_domain_error

bp = Blueprint("api_tokens", __name__)


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    form = TokenForm()
    created = None
    status = 200
    if form.validate_on_submit():
        scopes = [SCOPE_READ, SCOPE_WRITE] if form.write.data else [SCOPE_READ]
        try:
            token, raw = api_tokens.create(
                current_user, name=form.name.data, scopes=scopes, days=form.days.data
            )
        except DomainError as error:
            show_domain_error(form, error)
            status = 422
        else:
            created = (token, raw)
            form = TokenForm(formdata=None)
    elif form.is_submitted():
        status = 422
    return render_template(
        "api/tokens.html",
        form=form,
        created=created,
        tokens=api_tokens.tokens_of(current_user),
        confirm=ConfirmForm(),
    ), status


@bp.route("/<int:token_id>/trekk-tilbake", methods=["POST"])
@login_required
def revoke(token_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        token = api_tokens.revoke(current_user, token_id)
    except NotAllowed:
        abort(404)
    flash(_("Nøkkelen «%(name)s» er trukket tilbake.", name=token.name), "success")
    return redirect(url_for("api_tokens.index"))
