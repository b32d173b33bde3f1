"""The employer's side of school cooperation, added to the employer blueprint: the school
profile, the inbox of school requests with accept / decline, and ending a partnership."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from webapp.auth.access import get_owned_or_404
from webapp.extensions import db
from webapp.models import Partnership, PartnershipStatus
from webapp.school.forms import AcceptRequestForm, DeclineRequestForm, NoteForm, SchoolProfileForm
from webapp.services.errors import DomainError
from webapp.services.schools import partnerships as partnership_service
from webapp.services.schools import profiles
from webapp.ui.params import paginate
from webapp.ui.views import flash_saved, show_domain_error

PER_PAGE = 20
INBOX_STATUSES = {
    "waiting": [PartnershipStatus.REQUESTED],
    "agreed": [PartnershipStatus.ACCEPTED],
    "closed": [PartnershipStatus.DECLINED, PartnershipStatus.WITHDRAWN, PartnershipStatus.ENDED],
}


def school_requests_waiting(employer_id: int) -> int:
    """For the employer home: school requests that need an answer."""
    return db.session.scalar(
        select(func.count())
        .select_from(Partnership)
        .where(
            Partnership.employer_id == employer_id,
            Partnership.status == PartnershipStatus.REQUESTED,
        )
    )


def _own(partnership_id: int) -> Partnership:
    return get_owned_or_404(Partnership, partnership_id, organisation_field="employer_id")


def _request_page(p: Partnership, accept_form=None, decline_form=None, end_form=None, status=200):
    if accept_form is None:
        accept_form = AcceptRequestForm(
            formdata=None,
            students=p.students,
            period_start=p.period_start,
            period_end=p.period_end,
        )
    return render_template(
        "employer/school_request.html",
        p=p,
        accept_form=accept_form,
        decline_form=decline_form or DeclineRequestForm(formdata=None),
        end_form=end_form or NoteForm(formdata=None),
    ), status


def add_school_routes(bp) -> None:
    """Register the employer's school pages on ``bp`` (the employer blueprint)."""

    @bp.route("/skoleprofil", methods=["GET", "POST"], endpoint="school_profile")
    def school_profile():
        organisation = current_user.organisation
        profile = profiles.profile_of(organisation)
        form = SchoolProfileForm()
        if request.method == "GET":
            form.fill_from(organisation, profile)
        elif current_user.is_admin and form.validate_on_submit():
            try:
                profiles.save(current_user, organisation, form.to_fields())
            except DomainError as error:
                show_domain_error(form, error)
            else:
                flash_saved()
                return redirect(url_for("employer.school_profile"))
        status = 422 if request.method == "POST" else 200
        return render_template(
            "employer/school_profile.html", form=form, organisation=organisation, profile=profile
        ), status

    @bp.route("/skoler", endpoint="school_requests")
    def school_requests():
        status = request.args.get("status", "waiting")
        if status not in INBOX_STATUSES:
            status = "waiting"
        stmt = (
            select(Partnership)
            .where(
                Partnership.employer_id == current_user.organisation_id,
                Partnership.status.in_(INBOX_STATUSES[status]),
            )
            .order_by(Partnership.period_start, Partnership.id)
        )
        page = paginate(stmt, per_page=PER_PAGE)
        return render_template("employer/school_requests.html", page=page, status=status)

    @bp.route("/skoler/<int:partnership_id>", endpoint="school_request")
    def school_request(partnership_id: int):
        return _request_page(_own(partnership_id))

    @bp.route(
        "/skoler/<int:partnership_id>/godta", methods=["POST"], endpoint="school_request_accept"
    )
    def school_request_accept(partnership_id: int):
        p = _own(partnership_id)
        form = AcceptRequestForm()
        if form.validate_on_submit():
            try:
                partnership_service.accept(
                    current_user,
                    p,
                    form.students.data,
                    form.period_start.data,
                    form.period_end.data,
                )
            except DomainError as error:
                show_domain_error(form, error)
            else:
                flash(_("Dere har takket ja. Skolen får beskjed."), "success")
                return redirect(url_for("employer.school_request", partnership_id=p.id))
        return _request_page(p, accept_form=form, status=422)

    @bp.route(
        "/skoler/<int:partnership_id>/avsla", methods=["POST"], endpoint="school_request_decline"
    )
    def school_request_decline(partnership_id: int):
        p = _own(partnership_id)
        form = DeclineRequestForm()
        if form.validate_on_submit():
            try:
                partnership_service.decline(
                    current_user, p, form.reason_code.data, form.reason.data
                )
            except DomainError as error:
                show_domain_error(form, error)
            else:
                flash(_("Dere har takket nei. Skolen får beskjed."), "success")
                return redirect(url_for("employer.school_requests"))
        return _request_page(p, decline_form=form, status=422)

    @bp.route(
        "/skoler/<int:partnership_id>/avslutt", methods=["POST"], endpoint="school_request_end"
    )
    def school_request_end(partnership_id: int):
        p = _own(partnership_id)
        form = NoteForm()
        if form.validate_on_submit():
            try:
                partnership_service.end(current_user, p, form.note.data)
            except DomainError as error:
                show_domain_error(form, error)
            else:
                flash(_("Samarbeidet er avsluttet."), "success")
                return redirect(url_for("employer.school_request", partnership_id=p.id))
        return _request_page(p, end_form=form, status=422)
