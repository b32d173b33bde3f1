"""The OpenAPI document and a browsable page for it (Swagger UI, vendored, no inline script)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")


@bp.route("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document, generated from the code."""
    response = jsonify(current_app.extensions["arbeidsbro_openapi"]())
    response.headers["Access-Control-Allow-Origin"] = "*"  # a public description, no data
    return response


@bp.route("/docs")
def browse():
    return render_template("api/docs.html")
