"""Caseworkers at NAV offices and the refugee service: candidates and browsing open slots.

Views are thin: they parse a form, call one service, then flash and redirect. Another
organisation's candidate answers 404 (never 403), so its existence does not leak.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from webapp.auth.access import get_owned_or_404, role_required
from webapp.caseworker.filters import CandidateFilterForm, SlotSearchForm
from webapp.caseworker.forms import CandidateForm, GiveConsentForm, NewCandidateForm
from webapp.models import Candidate, Role
from webapp.services import (
    candidate_fields,
    candidate_records,
    candidate_search,
    candidate_timeline,
    candidates,
    proposals,
    slot_search,
    work_queue,
)
from webapp.services.errors import DomainError
from webapp.ui.forms import ConfirmForm
from webapp.ui.params import arg_choice, page_number, paginate
from webapp.ui.views import flash_saved, show_domain_error

bp = Blueprint("caseworker", __name__)
PER_PAGE = 20


@bp.before_request
@role_required(Role.CASEWORKER)
def require_caseworker():
    """Every page here is for caseworkers."""


def _candidate_or_404(candidate_id: int) -> Candidate:
    return get_owned_or_404(Candidate, candidate_id)


def _labels() -> dict:
    """Taxonomy labels the templates look codes up in."""
    return {
        "programmes": candidate_fields.programme_labels(),
        "statuses": candidates.status_labels(),
        "actions": candidates.action_labels(),
    }


@bp.route("/")
def home():
    return render_template(
        "caseworker/home.html",
        organisation=current_user.organisation,
        figures=candidate_search.home_figures(current_user),
        queue=work_queue.work_queue(current_user),
        queue_cap=work_queue.COUNT_CAP,
        strong_score=work_queue.STRONG_SCORE,
    )


@bp.route("/forslag")
def suggestion_queue():
    """One queue of the home page as a list: answers, proposals waiting, strong suggestions."""
    queue = arg_choice("vis", work_queue.SUGGESTION_QUEUES, default="svar")
    page = paginate(work_queue.suggestions_statement(current_user, queue), per_page=PER_PAGE)
    return render_template(
        "caseworker/suggestion_queue.html",
        queue=queue,
        queues=work_queue.SUGGESTION_QUEUES,
        page=page,
        status_label=proposals.status_label,
    )


# --- candidates ------------------------------------------------------------------------------


@bp.route("/kandidater", endpoint="candidates")
def candidates_list():
    form = CandidateFilterForm(formdata=request.args)
    form.validate()
    page = candidate_search.search(current_user, form.filters(), page=page_number())
    return render_template(
        "caseworker/candidates.html",
        form=form,
        page=page,
        url_args=form.url_args(),
        labels=_labels(),
    )


@bp.route("/kandidater/ny", methods=["GET", "POST"])
def candidate_new():
    form = NewCandidateForm(caseworkers=candidates.caseworkers_of(current_user))
    if request.method == "GET":
        form.caseworker_id.data = current_user.id
    if form.validate_on_submit():
        try:
            candidate = candidates.create(
                current_user,
                form.fields_for_service(),
                consent=form.consent.data,
                consent_scope=form.consent_scope.data or "",
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Kandidaten %(ref)s er registrert.", ref=candidate.reference_code), "success")
            return redirect(url_for("caseworker.candidate_detail", candidate_id=candidate.id))
    return render_template("caseworker/candidate_form.html", form=form, candidate=None)


@bp.route("/kandidater/<int:candidate_id>")
def candidate_detail(candidate_id: int):
    candidate = _candidate_or_404(candidate_id)
    candidates.record_view(current_user, candidate)
    return render_template(
        "caseworker/candidate_detail.html",
        candidate=candidate,
        history=candidate_timeline.timeline(candidate),
        suggestions=candidate_records.suggestions_of(candidate),
        placements=candidate_records.placements_of(candidate),
        actions=candidates.allowed_actions(candidate),
        labels=_labels(),
        consent_form=GiveConsentForm(formdata=None),
        confirm=ConfirmForm(formdata=None),
    )


@bp.route("/kandidater/<int:candidate_id>/endre", methods=["GET", "POST"])
def candidate_edit(candidate_id: int):
    candidate = _candidate_or_404(candidate_id)
    form = CandidateForm(caseworkers=candidates.caseworkers_of(current_user, candidate))
    if request.method == "GET":
        candidates.record_view(current_user, candidate, page="edit")
        form.fill_from(candidate)
    if form.validate_on_submit():
        try:
            candidates.update(current_user, candidate, form.fields_for_service())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash_saved()
            return redirect(url_for("caseworker.candidate_detail", candidate_id=candidate.id))
    return render_template("caseworker/candidate_form.html", form=form, candidate=candidate)


def _status_action(candidate_id: int, action: str, message: str):
    candidate = _candidate_or_404(candidate_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        candidates.change_status(current_user, candidate, action)
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash(message, "success")
    return redirect(url_for("caseworker.candidate_detail", candidate_id=candidate.id))


@bp.route("/kandidater/<int:candidate_id>/pause", methods=["POST"])
def candidate_pause(candidate_id: int):
    return _status_action(candidate_id, "pause", _("Kandidaten er satt på pause."))


@bp.route("/kandidater/<int:candidate_id>/aktiver", methods=["POST"])
def candidate_reactivate(candidate_id: int):
    return _status_action(candidate_id, "reactivate", _("Kandidaten er aktiv igjen."))


@bp.route("/kandidater/<int:candidate_id>/arkiver", methods=["GET", "POST"])
def candidate_archive(candidate_id: int):
    """Archiving asks first: the page explains what happens, the button does it."""
    candidate = _candidate_or_404(candidate_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        return _status_action(candidate_id, "archive", _("Kandidaten er arkivert."))
    if "archive" not in candidates.allowed_actions(candidate):
        flash(_("Kandidaten kan ikke arkiveres nå."), "warning")
        return redirect(url_for("caseworker.candidate_detail", candidate_id=candidate.id))
    return render_template("caseworker/candidate_archive.html", candidate=candidate, form=form)


@bp.route("/kandidater/<int:candidate_id>/samtykke/trekk", methods=["POST"])
def candidate_consent_withdraw(candidate_id: int):
    candidate = _candidate_or_404(candidate_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        withdrawn = candidates.withdraw_consent(current_user, candidate)
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash(_("Samtykket er trukket tilbake. Ingenting deles med arbeidsgivere."), "success")
        if withdrawn:
            message = ngettext(
                "%(num)d forslag til en arbeidsgiver er trukket tilbake.",
                "%(num)d forslag til arbeidsgivere er trukket tilbake.",
                withdrawn,
            )
            flash(message, "info")
    return redirect(url_for("caseworker.candidate_detail", candidate_id=candidate.id))


@bp.route("/kandidater/<int:candidate_id>/samtykke", methods=["POST"])
def candidate_consent_give(candidate_id: int):
    candidate = _candidate_or_404(candidate_id)
    form = GiveConsentForm()
    if form.validate_on_submit():
        try:
            candidates.give_consent(current_user, candidate, form.consent_scope.data)
        except DomainError as error:
            flash(error.message, "danger")
        else:
            flash(_("Samtykket er registrert."), "success")
    elif form.consent_scope.errors:
        flash(" ".join(str(e) for e in form.consent_scope.errors), "danger")
    else:
        abort(400)
    return redirect(url_for("caseworker.candidate_detail", candidate_id=candidate.id))


@bp.route("/kandidater/<int:candidate_id>/eksport")
def candidate_export(candidate_id: int):
    """Right of access: everything about the candidate as a JSON file (audited)."""
    candidate = _candidate_or_404(candidate_id)
    data = candidate_records.export(current_user, candidate)
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": (
                f'attachment; filename="{candidate_records.export_filename(candidate)}"'
            )
        },
    )


# --- open slots ------------------------------------------------------------------------------


@bp.route("/plasser")
def browse_slots():
    form = SlotSearchForm(formdata=request.args)
    form.validate()
    results = slot_search.search(
        form.filters(), page=page_number(), count_cap=slot_search.COUNT_CAP
    )
    return render_template(
        "caseworker/browse_slots.html",
        form=form,
        results=results,
        url_args=form.url_args(),
        labels=_labels(),
    )


@bp.route("/plasser/<int:slot_id>")
def slot_detail(slot_id: int):
    slot = slot_search.get_visible(slot_id)
    if slot is None:
        abort(404)
    return render_template(
        "caseworker/slot_detail.html",
        slot=slot,
        free=slot_search.free_capacity(slot),
        labels=_labels(),
    )
