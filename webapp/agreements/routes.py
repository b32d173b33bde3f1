"""Agreement pages. The employer and the caseworker of a placement share them, each editing and
signing its own part; the candidate's link page needs no login and shows only the summary."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from webapp.agreements.forms import CaseworkerSectionForm, ConfirmationForm, EmployerSectionForm
from webapp.auth.access import role_required
from webapp.extensions import db
from webapp.models import Agreement, Party, Placement, Role
from webapp.services import agreement_document as document
from webapp.services import agreement_signing as signing
from webapp.services import agreements as service
from webapp.services import audit
from webapp.services import placements as placement_service
from webapp.services.errors import DomainError
from webapp.ui.forms import ConfirmForm
from webapp.ui.views import show_domain_error

bp = Blueprint("agreements", __name__)
SIDES = (Role.EMPLOYER, Role.CASEWORKER)
FORMS = {Party.EMPLOYER: EmployerSectionForm, Party.CASEWORKER: CaseworkerSectionForm}


def _agreement(placement_id: int) -> tuple[Agreement, Party]:
    placement = db.session.get(Placement, placement_id)
    # Another organisation's placement answers 404, so its existence does not leak.
    if placement is None or not placement_service.may_follow(current_user, placement):
        abort(404)
    agreement = service.get_or_create(placement, current_user)
    if agreement is None:  # started before agreements were written here
        abort(404)
    return agreement, service.side_of(current_user, agreement)


def _section_form(agreement: Agreement, side: Party):
    return FORMS[side](formdata=None, obj=agreement)


def _page(agreement: Agreement, side: Party, form=None, confirmation=None, status: int = 200):
    placement = agreement.placement
    waiting = signing.next_party(agreement)
    return (
        render_template(
            "agreements/detail.html",
            agreement=agreement,
            placement=placement,
            side=side,
            form=form or _section_form(agreement, side),
            confirmation=confirmation or ConfirmationForm(confirmed_on=date.today()),
            button=ConfirmForm(),
            waiting=waiting,
            signatures=document.signature_rows(agreement),
            signed=bool(service.active_signatures(agreement)),
            required=service.needs_agreement(placement.slot.kind),
            other_fields=service.SIDE_FIELDS[
                Party.CASEWORKER if side == Party.EMPLOYER else Party.EMPLOYER
            ],
            labels=service.LABELS,
            value=lambda name: service.display_value(name, service.content_of(agreement)[name]),
            party_labels=service.PARTY_LABELS,
            status_labels=service.STATUS_LABELS,
            candidate_name=document.candidate_name(agreement, side),
        ),
        status,
    )


@bp.route("/<int:placement_id>")
@role_required(*SIDES)
def detail(placement_id: int):
    agreement, side = _agreement(placement_id)
    audit.record_view(current_user, "agreement.viewed", agreement, side=str(side))
    return _page(agreement, side)


@bp.route("/<int:placement_id>/del", methods=["POST"])
@role_required(*SIDES)
def save_section(placement_id: int):
    agreement, side = _agreement(placement_id)
    form = FORMS[side]()
    if not form.validate_on_submit():
        return _page(agreement, side, form=form, status=422)
    values = {name: form[name].data for name in service.SIDE_FIELDS[side]}
    had_signatures = bool(service.active_signatures(agreement))
    try:
        changed = service.save_section(
            current_user, agreement, side, values, confirm_void=form.confirm_void.data
        )
    except DomainError as error:
        db.session.rollback()
        show_domain_error(form, error)
        return _page(agreement, side, form=form, status=422)
    if not changed:
        flash(_("Ingen endringer å lagre."), "info")
    elif had_signatures:
        flash(
            _(
                "Endringen er lagret som versjon %(n)d. Signaturene er ugyldige, og avtalen må "
                "signeres på nytt.",
                n=agreement.version,
            ),
            "warning",
        )
    else:
        flash(_("Endringen er lagret som versjon %(n)d.", n=agreement.version), "success")
    return redirect(url_for("agreements.detail", placement_id=placement_id))


@bp.route("/<int:placement_id>/signer", methods=["POST"])
@role_required(*SIDES)
def sign(placement_id: int):
    agreement, side = _agreement(placement_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        signing.sign(current_user, agreement, side)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        done = _("Avtalen er godkjent.") if side == Party.CASEWORKER else _("Avtalen er signert.")
        flash(done, "success")
    return redirect(url_for("agreements.detail", placement_id=placement_id))


@bp.route("/<int:placement_id>/kandidat", methods=["POST"])
@role_required(Role.CASEWORKER)
def record_confirmation(placement_id: int):
    agreement, side = _agreement(placement_id)
    form = ConfirmationForm()
    if not form.validate_on_submit():
        return _page(agreement, side, confirmation=form, status=422)
    try:
        signing.record_confirmation(
            current_user, agreement, form.method.data, form.confirmed_on.data, form.note.data
        )
    except DomainError as error:
        db.session.rollback()
        if error.field:
            show_domain_error(form, error)
            return _page(agreement, side, confirmation=form, status=422)
        flash(error.message, "danger")
    else:
        flash(_("Kandidatens bekreftelse er registrert."), "success")
    return redirect(url_for("agreements.detail", placement_id=placement_id))


@bp.route("/<int:placement_id>/lenke", methods=["POST"])
@role_required(Role.CASEWORKER)
def create_link(placement_id: int):
    agreement, _side = _agreement(placement_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        token = signing.create_link(current_user, agreement)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("agreements.detail", placement_id=placement_id))
    # Shown once: only its hash is stored, so it cannot be shown again.
    return render_template(
        "agreements/link_created.html",
        placement=agreement.placement,
        url=url_for("agreements.confirm", token=token, _external=True),
        days=signing.LINK_DAYS,
    )


@bp.route("/<int:placement_id>/versjoner")
@role_required(*SIDES)
def versions(placement_id: int):
    agreement, _side = _agreement(placement_id)
    return render_template(
        "agreements/versions.html",
        agreement=agreement,
        placement=agreement.placement,
        labels=service.LABELS,
    )


@bp.route("/<int:placement_id>/versjoner/<int:number>")
@role_required(*SIDES)
def version_diff(placement_id: int, number: int):
    agreement, _side = _agreement(placement_id)
    by_number = {v.number: v for v in agreement.versions}
    newer = by_number.get(number)
    if newer is None:
        abort(404)
    older = by_number.get(request.args.get("mot", number - 1, type=int)) or by_number.get(
        number - 1
    )
    return render_template(
        "agreements/diff.html",
        agreement=agreement,
        placement=agreement.placement,
        newer=newer,
        older=older,
        changes=service.diff(older, newer) if older else [],
    )


@bp.route("/<int:placement_id>/utskrift")
@role_required(*SIDES)
def printable(placement_id: int):
    agreement, side = _agreement(placement_id)
    audit.record_view(current_user, "agreement.printed", agreement, side=str(side))
    with force_locale(agreement.language or "nb"):
        return render_template(
            "agreements/print.html",
            agreement=agreement,
            title=document.title(agreement),
            sections=document.sections(agreement, side),
            signatures=document.signature_rows(agreement),
            lang=agreement.language or "nb",
        )


@bp.route("/<int:placement_id>/avtale.pdf")
@role_required(*SIDES)
def pdf(placement_id: int):
    agreement, side = _agreement(placement_id)
    audit.record_view(current_user, "agreement.downloaded", agreement, side=str(side))
    name = f"avtale-{placement_id}-v{agreement.version}.pdf"
    return Response(
        document.render_pdf(agreement, side),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- the candidate's link: no login -----------------------------------------------------------


@bp.route("/bekreft/<token>", methods=["GET", "POST"])
def confirm(token: str):
    try:
        link = signing.open_link(token)
    except signing.LinkInvalid as error:
        return render_template("agreements/link_invalid.html", problem=error.message), 410
    agreement = link.agreement
    form = ConfirmForm()
    with force_locale(agreement.language or "nb"):
        if request.method == "POST" and form.validate_on_submit():
            try:
                signing.confirm_by_link(token)
            except DomainError as error:
                db.session.rollback()
                return render_template("agreements/link_invalid.html", problem=error.message), 410
            return render_template("agreements/confirmed.html", lang=agreement.language)
        return render_template(
            "agreements/confirm.html", agreement=agreement, form=form, lang=agreement.language
        )


@bp.after_request
def no_store(response):
    # Agreements and the link page hold personal data: never kept by a shared browser's cache.
    response.headers["Cache-Control"] = "no-store"
    return response
