"""School coordinators: needs, the company finder, requests, partnerships and unmet demand.

Every object here belongs to the coordinator's own school; anything else answers 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from webapp.auth.access import get_owned_or_404, role_required
from webapp.extensions import db
from webapp.models import (
    NeedStatus,
    Partnership,
    PartnershipStatus,
    PostalPlace,
    Role,
    SchoolNeed,
    Site,
)
from webapp.school.forms import FinderForm, NeedForm, NoteForm, RequestForm
from webapp.services.errors import DomainError
from webapp.services.schools import common, demand, finder, needs
from webapp.services.schools import partnerships as partnership_service
from webapp.ui.forms import ConfirmForm
from webapp.ui.params import arg_text, paginate
from webapp.ui.views import flash_saved, show_domain_error

bp = Blueprint("school", __name__)
PER_PAGE = 20

# Labels the school pages on both sides (school and employer) show, in the reader's language.
bp.add_app_template_global(common.kind_label, "cooperation_kind_label")
bp.add_app_template_global(common.status_label, "partnership_status_label")
bp.add_app_template_global(common.trade_labels, "trade_labels")
bp.add_app_template_global(common.program_area_label, "program_area_label")
bp.add_app_template_global(common.employer_contact, "employer_contact")
bp.add_app_template_global(
    lambda code: str(partnership_service.DECLINE_REASONS.get(code, code or "")),
    "school_decline_reason_label",
)


@bp.before_request
@role_required(Role.SCHOOL)
def require_school():
    """Every page here is for school coordinators."""


def _own_partnership(partnership_id: int) -> Partnership:
    return get_owned_or_404(Partnership, partnership_id, organisation_field="school_id")


@bp.route("/")
def home():
    school_id = current_user.organisation_id
    counts = dict(
        db.session.execute(
            select(Partnership.status, func.count())
            .where(Partnership.school_id == school_id)
            .group_by(Partnership.status)
        ).all()
    )
    open_needs = db.session.scalar(
        select(func.count())
        .select_from(SchoolNeed)
        .where(SchoolNeed.organisation_id == school_id, SchoolNeed.status == NeedStatus.OPEN)
    )
    recent = db.session.scalars(
        select(Partnership)
        .where(Partnership.school_id == school_id, Partnership.decided_at.is_not(None))
        .order_by(Partnership.decided_at.desc())
        .limit(5)
    ).all()
    unmet = demand.unmet_counts(school_id)["program_area"]
    return render_template(
        "school/home.html",
        organisation=current_user.organisation,
        counts=counts,
        open_needs=open_needs,
        recent=recent,
        unmet_students=sum(row[2] for row in unmet),
    )


# --- needs -----------------------------------------------------------------------------------


@bp.route("/behov")
def needs_list():
    filters = {
        "status": arg_text("status", "open", max_length=20),
        "program_area": arg_text("program_area", max_length=40),
        "kind": arg_text("kind", max_length=20),
        "q": arg_text("q"),
    }
    page = paginate(
        needs.school_needs_query(current_user.organisation_id, **filters), per_page=PER_PAGE
    )
    return render_template(
        "school/needs.html",
        page=page,
        covered=needs.covered_students(n.id for n in page.items),
        filters=filters,
        form=NeedForm(formdata=None),
    )


@bp.route("/behov/ny", methods=["GET", "POST"])
def need_new():
    form = NeedForm()
    if form.validate_on_submit():
        try:
            need = needs.create(current_user, form.to_fields())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Behovet er lagret. Finn bedrifter som passer."), "success")
            return redirect(url_for("school.need_detail", need_id=need.id))
    status = 422 if request.method == "POST" else 200
    return render_template("school/need_form.html", form=form, need=None), status


@bp.route("/behov/<int:need_id>")
def need_detail(need_id: int):
    need = get_owned_or_404(SchoolNeed, need_id)
    requests = db.session.scalars(
        select(Partnership)
        .where(Partnership.school_need_id == need.id)
        .order_by(Partnership.created_at.desc(), Partnership.id.desc())
    ).all()
    return render_template(
        "school/need_detail.html",
        need=need,
        requests=requests,
        covered=needs.covered_students([need.id]).get(need.id, 0),
        confirm=ConfirmForm(),
    )


@bp.route("/behov/<int:need_id>/endre", methods=["GET", "POST"])
def need_edit(need_id: int):
    need = get_owned_or_404(SchoolNeed, need_id)
    form = NeedForm(obj=need)
    if form.validate_on_submit():
        try:
            needs.update(current_user, need, form.to_fields())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash_saved()
            return redirect(url_for("school.need_detail", need_id=need.id))
    status = 422 if request.method == "POST" else 200
    return render_template("school/need_form.html", form=form, need=need), status


@bp.route("/behov/<int:need_id>/lukk", methods=["POST"])
def need_close(need_id: int):
    need = get_owned_or_404(SchoolNeed, need_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        needs.close(current_user, need)
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash(_("Behovet er lukket."), "success")
    return redirect(url_for("school.need_detail", need_id=need.id))


# --- the company finder and requests ---------------------------------------------------------


def _municipalities() -> list[str]:
    return list(
        db.session.scalars(
            select(PostalPlace.municipality)
            .join(Site, Site.postal_code == PostalPlace.postal_code)
            .distinct()
            .order_by(PostalPlace.municipality)
        )
    )


def _finder_page(need: SchoolNeed, request_form: RequestForm, status: int = 200):
    form = FinderForm(request.args, municipalities=_municipalities())
    filters = finder.Filters()
    if form.validate():
        filters = finder.Filters(
            program_area=form.program_area.data or "",
            trade=form.trade.data or "",
            municipality=form.municipality.data or "",
            max_km=form.max_km.data,
            only_free=bool(form.only_free.data),
        )
    matches = finder.find_companies(need, filters) if need.status == NeedStatus.OPEN else []
    return render_template(
        "school/finder.html",
        need=need,
        form=form,
        matches=matches,
        request_form=request_form,
        has_site=bool(current_user.organisation.sites),
    ), status


@bp.route("/behov/<int:need_id>/bedrifter")
def finder_page(need_id: int):
    need = get_owned_or_404(SchoolNeed, need_id)
    return _finder_page(need, RequestForm(formdata=None))


@bp.route("/behov/<int:need_id>/bedrifter", methods=["POST"])
def send_requests(need_id: int):
    need = get_owned_or_404(SchoolNeed, need_id)
    form = RequestForm()
    if form.validate_on_submit():
        try:
            sent = partnership_service.send_requests(
                current_user, need, list(form.employers.data or []), form.message.data or ""
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(
                _(
                    "Forespørselen er sendt til %(names)s.",
                    names=", ".join(p.employer.name for p in sent),
                ),
                "success",
            )
            return redirect(url_for("school.need_detail", need_id=need.id))
    return _finder_page(need, form, 422)


# --- requests and partnerships ---------------------------------------------------------------

LIST_STATUSES = {
    "waiting": [PartnershipStatus.REQUESTED],
    "agreed": [PartnershipStatus.ACCEPTED],
    "closed": [PartnershipStatus.DECLINED, PartnershipStatus.WITHDRAWN, PartnershipStatus.ENDED],
}


@bp.route("/samarbeid")
def partnerships():
    status = request.args.get("status", "agreed")
    if status not in LIST_STATUSES:
        status = "agreed"
    stmt = (
        select(Partnership)
        .where(
            Partnership.school_id == current_user.organisation_id,
            Partnership.status.in_(LIST_STATUSES[status]),
        )
        .order_by(Partnership.period_start.desc(), Partnership.id.desc())
    )
    page = paginate(stmt, per_page=PER_PAGE)
    return render_template("school/partnerships.html", page=page, status=status)


@bp.route("/samarbeid/<int:partnership_id>")
def partnership(partnership_id: int):
    p = _own_partnership(partnership_id)
    return render_template(
        "school/partnership.html", p=p, confirm=ConfirmForm(), end_form=NoteForm(formdata=None)
    )


@bp.route("/samarbeid/<int:partnership_id>/trekk", methods=["POST"])
def partnership_withdraw(partnership_id: int):
    p = _own_partnership(partnership_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        partnership_service.withdraw(current_user, p)
    except DomainError as error:
        flash(error.message, "danger")
    else:
        flash(_("Forespørselen er trukket tilbake."), "success")
    return redirect(url_for("school.partnership", partnership_id=p.id))


@bp.route("/samarbeid/<int:partnership_id>/forny", methods=["POST"])
def partnership_renew(partnership_id: int):
    p = _own_partnership(partnership_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        renewal = partnership_service.renew(current_user, p)
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for("school.partnership", partnership_id=p.id))
    flash(_("Bedriften er spurt om å fortsette samarbeidet neste skoleår."), "success")
    return redirect(url_for("school.partnership", partnership_id=renewal.id))


@bp.route("/samarbeid/<int:partnership_id>/avslutt", methods=["POST"])
def partnership_end(partnership_id: int):
    p = _own_partnership(partnership_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            partnership_service.end(current_user, p, form.note.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Samarbeidet er avsluttet."), "success")
            return redirect(url_for("school.partnership", partnership_id=p.id))
    return render_template(
        "school/partnership.html", p=p, confirm=ConfirmForm(), end_form=form
    ), 422


# --- unmet demand ----------------------------------------------------------------------------


@bp.route("/udekket")
def unmet():
    return render_template(
        "school/unmet.html", counts=demand.unmet_counts(current_user.organisation_id)
    )
