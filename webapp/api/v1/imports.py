"""Bulk import over the API: the same importer as the pages, a file per call."""

from __future__ import annotations

import marshmallow as ma
from flask import Response, g
from flask_smorest.fields import Upload

from webapp.api.v1.common import SECURITY, make_blueprint, require_role, upload_endpoint
from webapp.api.v1.problems import VALIDATION_TYPE, problem
from webapp.models import Role
from webapp.services import bulk_import
from webapp.services.bulk_import import templates
from webapp.services.bulk_import.candidates import CandidateImporter
from webapp.services.bulk_import.slots import SlotImporter

bp = make_blueprint(
    "api_imports",
    __name__,
    "",
    "Import av kandidater (veiledere) og plasser (arbeidsgivere) fra CSV eller XLSX: prøv først "
    "(dry_run), lagre så alle gyldige rader i én transaksjon, eller ingen (all_or_nothing).",
)

IMPORTERS = {"candidates": CandidateImporter(), "slots": SlotImporter()}
ROLES = {"candidates": Role.CASEWORKER, "slots": Role.EMPLOYER}


class ImportArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    dry_run = ma.fields.Boolean(
        load_default=True, metadata={"description": "Check only, save nothing (the default)"}
    )
    all_or_nothing = ma.fields.Boolean(
        load_default=False, metadata={"description": "Save nothing if any row is wrong"}
    )


class ImportFileSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "CSV (, ; or tab) or XLSX"})


class ImportErrorSchema(ma.Schema):
    row = ma.fields.Integer(required=True, metadata={"description": "1 is the header row"})
    column = ma.fields.String(required=True)
    message = ma.fields.String(required=True)


class ImportReportSchema(ma.Schema):
    kind = ma.fields.String(required=True)
    dry_run = ma.fields.Boolean(required=True)
    all_or_nothing = ma.fields.Boolean(required=True)
    rows = ma.fields.Integer(required=True)
    valid = ma.fields.Integer(required=True)
    invalid_rows = ma.fields.Integer(required=True)
    created = ma.fields.Integer(required=True)
    updated = ma.fields.Integer(required=True)
    saved = ma.fields.Boolean(required=True)
    errors = ma.fields.List(ma.fields.Nested(ImportErrorSchema), required=True)


class TemplateArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    format = ma.fields.String(load_default="csv", validate=ma.validate.OneOf(["csv", "xlsx"]))
    lang = ma.fields.String(load_default="nb", validate=ma.validate.OneOf(["nb", "en"]))


def _import(kind: str, args: dict, files: dict):
    require_role(ROLES[kind])
    upload = files["file"]
    report = bulk_import.run(
        IMPORTERS[kind],
        g.api_user,
        upload.read(),
        upload.filename or "",
        dry_run=args["dry_run"],
        all_or_nothing=args["all_or_nothing"],
    )
    if report.file_errors or (not args["dry_run"] and not report.saved and report.errors):
        return problem(
            422,
            report.file_errors[0].message if report.file_errors else None,
            type_=VALIDATION_TYPE,
            errors=[
                {"in": "file", "row": e.row, "field": e.column, "detail": e.message}
                for e in report.errors[:1000]
            ],
        )
    return ImportReportSchema().dump(report.as_dict())


def _template(kind: str, args: dict) -> Response:
    require_role(ROLES[kind])
    body, mimetype, filename = templates.build(IMPORTERS[kind], args["format"], args["lang"])
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/candidates/import", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.arguments(ImportArgs, location="query")
@bp.arguments(ImportFileSchema, location="files")
@bp.response(200, ImportReportSchema)
@upload_endpoint
def candidates_import(args, files):
    """Import candidates (caseworkers); re-importing updates by reference code."""
    return _import("candidates", args, files)


@bp.route("/slots/import", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.arguments(ImportArgs, location="query")
@bp.arguments(ImportFileSchema, location="files")
@bp.response(200, ImportReportSchema)
@upload_endpoint
def slots_import(args, files):
    """Import slots (employers) as drafts; re-importing updates by reference code."""
    return _import("slots", args, files)


TEMPLATE_DOC = {
    "200": {
        "description": "The template",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            templates.XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@bp.route("/candidates/import/template")
@bp.doc(security=SECURITY, responses=TEMPLATE_DOC)
@bp.arguments(TemplateArgs, location="query")
def candidates_template(args):
    """The candidate import template, with the headers in Norwegian or English."""
    return _template("candidates", args)


@bp.route("/slots/import/template")
@bp.doc(security=SECURITY, responses=TEMPLATE_DOC)
@bp.arguments(TemplateArgs, location="query")
def slots_template(args):
    """The slot import template, with the headers in Norwegian or English."""
    return _template("slots", args)
