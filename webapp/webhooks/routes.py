"""The organisation admin's webhook pages: receivers (add, delete), and each one's delivery log
with "send again" for a failed delivery."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth.access import org_admin_required
from webapp.extensions import db
from webapp.models.webhook import WebhookDelivery
from webapp.services import webhooks
from webapp.services.errors import DomainError, NotAllowed
from webapp.ui.forms import ConfirmForm
from webapp.ui.params import paginate
from webapp.ui.views import show_domain_error
from webapp.webhooks.forms import EndpointForm

bp = Blueprint("webhooks", __name__)
PER_PAGE = 25


def _own_endpoint(endpoint_id: int):
    try:
        return webhooks.endpoint_of(current_user, endpoint_id)
    except NotAllowed:
        abort(404)


@bp.route("/", methods=["GET", "POST"])
@org_admin_required
def index():
    form = EndpointForm()
    created, status = None, 200
    if form.validate_on_submit():
        try:
            created = webhooks.create_endpoint(current_user, form.url.data, form.events.data)
        except DomainError as error:
            show_domain_error(form, error)
            status = 422
        else:
            form = EndpointForm(formdata=None)
    elif form.is_submitted():
        status = 422
    if not form.is_submitted():
        form.events.data = form.events.default
    return render_template(
        "webhooks/index.html",
        form=form,
        created=created,
        endpoints=webhooks.endpoints_of(current_user.organisation_id),
        labels=webhooks.event_labels(),
        confirm=ConfirmForm(),
    ), status


@bp.route("/<int:endpoint_id>")
@org_admin_required
def deliveries(endpoint_id: int):
    endpoint = _own_endpoint(endpoint_id)
    page = paginate(webhooks.deliveries_query(endpoint), per_page=PER_PAGE)
    return render_template(
        "webhooks/deliveries.html", endpoint=endpoint, page=page, confirm=ConfirmForm()
    )


@bp.route("/<int:endpoint_id>/slett", methods=["GET", "POST"])
@org_admin_required
def delete(endpoint_id: int):
    endpoint = _own_endpoint(endpoint_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        url = endpoint.url
        webhooks.delete_endpoint(current_user, endpoint)
        flash(_("Mottakeren %(url)s er slettet.", url=url), "success")
        return redirect(url_for("webhooks.index"))
    return render_template("webhooks/delete.html", endpoint=endpoint, form=form)


@bp.route("/<int:endpoint_id>/leveranser/<int:delivery_id>/send", methods=["POST"])
@org_admin_required
def send_again(endpoint_id: int, delivery_id: int):
    endpoint = _own_endpoint(endpoint_id)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        webhooks.send_again(current_user, delivery)
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash(_("Leveransen sendes på nytt."), "success")
    return redirect(url_for("webhooks.deliveries", endpoint_id=endpoint.id))
