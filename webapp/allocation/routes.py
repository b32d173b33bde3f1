"""Allocation rounds: the list with the start form, starting a round, and a round's page.

Admins see every round's totals; caseworkers see their own organisation's rounds, and only the
candidates' own caseworkers see which candidate got which slot.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields import SelectChoice

from webapp.allocation.forms import RoundForm
from webapp.services import allocation, taxonomy
from webapp.services.errors import DomainError
from webapp.ui.views import show_domain_error

bp = Blueprint("allocation", __name__)


@bp.before_request
@login_required
def require_admin_or_caseworker():
    """Admins and caseworkers only; others 403."""
    if not allocation.may_view(current_user):
        abort(403)


def _form() -> RoundForm:
    form = RoundForm()
    form.organisation_id.choices = [SelectChoice(0, _("Velg organisasjon"))] + [
        SelectChoice(o.id, o.name) for o in allocation.caseworker_organisations()
    ]
    form.kind.choices = [SelectChoice("", _("Alle typer")), *taxonomy.kind_choices()]
    form.municipality.choices = [SelectChoice("", _("Alle kommuner"))] + [
        SelectChoice(name, name) for name in allocation.municipalities()
    ]
    return form


def _list(form, status=200):
    return (
        render_template(
            "allocation/rounds.html",
            form=form,
            rounds=allocation.rounds_for(current_user),
            may_start=allocation.may_start(current_user),
            is_admin=current_user.role == "admin",
        ),
        status,
    )


@bp.route("/")
def rounds():
    return _list(_form())


@bp.route("/ny", methods=["POST"])
def round_new():
    if not allocation.may_start(current_user):
        abort(403)
    form = _form()
    if not form.validate_on_submit():
        return _list(form, 422)
    filters = allocation.RoundFilters(
        kind=form.kind.data or "",
        start_month=form.month(),
        municipality=form.municipality.data or "",
    )
    try:
        found = allocation.start_round(current_user, filters, form.organisation_id.data or None)
    except DomainError as error:
        show_domain_error(form, error)
        return _list(form, 422)
    flash(_("Fordelingsrunde %(id)d er laget.", id=found.id), "success")
    return redirect(url_for("allocation.round_detail", round_id=found.id))


@bp.route("/<int:round_id>")
def round_detail(round_id: int):
    try:
        found = allocation.get_round(current_user, round_id)
    except allocation.RoundNotFound:
        abort(404)
    return render_template(
        "allocation/round.html",
        found=found,
        suggestions=allocation.round_suggestions(current_user, found),
        unplaced=allocation.unplaced_candidates(current_user, found),
        reasons=allocation.UNPLACED_LABELS,
        notes=allocation.NOTE_LABELS,
    )
