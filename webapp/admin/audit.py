"""The audit log for the municipality's administrators: filters, pages of events, CSV export.

Registered on the admin blueprint (imported by ``webapp.admin``), behind its admin check.
"""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields import SelectChoice

from webapp.admin.forms import AuditFilterForm
from webapp.admin.routes import bp
from webapp.extensions import db
from webapp.models import Organisation
from webapp.services import audit_log
from webapp.services.audit_labels import ACTIONS, OBJECT_TYPES
from webapp.ui.params import arg_int, arg_text, paginate

PER_PAGE = 50


def _filter_form() -> tuple[AuditFilterForm, audit_log.Filters | None]:
    """The filter form from the query string, and the filters (None when the form has errors)."""
    form = AuditFilterForm(request.args)
    everything = SelectChoice("", _("Alle"))
    organisations = db.session.execute(
        select(Organisation.id, Organisation.name).order_by(Organisation.name, Organisation.id)
    ).all()
    form.organisation.choices = [everything] + [SelectChoice(i, n) for i, n in organisations]
    form.action.choices = [everything] + sorted(
        (SelectChoice(code, str(label)) for code, label in ACTIONS.items()),
        key=lambda choice: choice.label.casefold(),
    )
    form.object_type.choices = [everything] + sorted(
        (SelectChoice(code, str(label)) for code, label in OBJECT_TYPES.items()),
        key=lambda choice: choice.label.casefold(),
    )
    if request.args and not form.validate():
        return form, None
    return form, audit_log.Filters(
        actor=(form.actor.data or "").strip(),
        actor_id=arg_int("actor_id", low=1),
        action=form.action.data or "",
        object_type=form.object_type.data or "",
        object_id=arg_text("object_id", max_length=40),
        organisation_id=form.organisation.data,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )


@bp.route("/logg", endpoint="audit_log")
def audit_log_page():
    form, filters = _filter_form()
    page = paginate(audit_log.statement(filters), per_page=PER_PAGE) if filters else None
    return render_template(
        "admin/audit_log.html",
        form=form,
        filters=filters,
        page=page,
        args=filters.as_args() if filters else {},
        object_link=audit_log.object_link,
    )


@bp.route("/logg.csv")
def audit_log_csv():
    _form, filters = _filter_form()
    if filters is None:
        abort(400)
    # Built whole inside the request (batched reads keep the ORM's memory small); a streamed
    # body would outlive the request's database session.
    return Response(
        b"".join(audit_log.export_csv(filters)),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="arbeidsbro-revisjonslogg.csv"'},
    )
