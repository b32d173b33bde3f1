"""Import pages: caseworkers import candidates, employers import slots (check first, then save)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth.access import role_required
from webapp.imports.forms import ImportForm
from webapp.models import Role
from webapp.services import bulk_import
from webapp.services.bulk_import import templates
from webapp.services.bulk_import.candidates import CandidateImporter
from webapp.services.bulk_import.slots import SlotImporter

bp = Blueprint("imports", __name__)

IMPORTERS = {"kandidater": CandidateImporter(), "plasser": SlotImporter()}
ROLE_OF = {"kandidater": Role.CASEWORKER, "plasser": Role.EMPLOYER}
SHOWN_ERRORS = 500


def _importer(kind: str):
    if current_user.role != ROLE_OF[kind]:
        abort(403)
    return IMPORTERS[kind]


@bp.route("/<any(kandidater, plasser):kind>", methods=["GET", "POST"])
@role_required(Role.CASEWORKER, Role.EMPLOYER)
def upload(kind: str):
    importer = _importer(kind)
    form = ImportForm()
    report = None
    status = 200
    if form.validate_on_submit():
        data = form.file.data.read(current_app.config["API_MAX_UPLOAD_BYTES"] + 1)
        if len(data) > current_app.config["API_MAX_UPLOAD_BYTES"]:
            form.file.errors.append(_("Filen er for stor (høyst 8 MB)."))
            status = 422
        else:
            report = bulk_import.run(
                importer,
                current_user,
                data,
                form.file.data.filename or "",
                dry_run=request.form.get("action") != "import",
                all_or_nothing=form.all_or_nothing.data,
            )
            status = 422 if report.file_errors else 200
    elif form.is_submitted():
        status = 422
    return render_template(
        "imports/upload.html",
        form=form,
        kind=kind,
        importer=importer,
        report=report,
        shown_errors=SHOWN_ERRORS,
    ), status


@bp.route("/<any(kandidater, plasser):kind>/mal.<any(csv, xlsx):file_format>")
@role_required(Role.CASEWORKER, Role.EMPLOYER)
def template(kind: str, file_format: str):
    importer = _importer(kind)
    lang = "en" if request.args.get("lang") == "en" else "nb"
    body, mimetype, filename = templates.build(importer, file_format, lang)
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
