"""What every API v1 resource shares.

Token authentication (session cookies never authenticate the API, so there is no CSRF hole),
scopes, a rate limit per token, an audit event per call, JSON-only bodies, problem responses,
page pagination with ``Link`` headers, and ``ETag`` / ``If-Match`` on updates.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime

import marshmallow as ma
from flask import Response, abort, current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from flask_smorest import Blueprint
from flask_smorest import abort as smorest_abort
from limits import parse as parse_limit
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import PreconditionFailed, PreconditionRequired

from webapp.api.v1.problems import CONFLICT_TYPE, VALIDATION_TYPE, problem
from webapp.extensions import csrf, db, limiter
from webapp.services import api_tokens
from webapp.services.errors import DomainError, NotAllowed
from webapp.ui.input import DATE_MAX, DATE_MIN

log = logging.getLogger("arbeidsbro.api")

PREFIX = "/api/v1"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
JSON_MIMETYPES = frozenset({"application/json"})
DEFAULT_PER_PAGE, MAX_PER_PAGE, MAX_PAGE = 25, 100, 100_000
MAX_ID = 2**31 - 1  # ids are 32-bit; a larger number names nothing (and overflows SQLite)
SECURITY = [{"bearerAuth": []}]


# --- blueprints ------------------------------------------------------------------------------


def make_blueprint(name: str, import_name: str, url_prefix: str, description: str) -> Blueprint:
    """A resource blueprint with the API's authentication, audit and error handling."""
    bp = Blueprint(name, import_name, url_prefix=PREFIX + url_prefix, description=description)
    bp.before_request(_authenticate)
    bp.after_request(_after)
    bp.register_error_handler(DomainError, domain_problem)
    csrf.exempt(bp)  # a bearer token, never a cookie, authenticates these routes
    return bp


def upload_endpoint(view):
    """Mark a view that takes a file (multipart/form-data) instead of JSON."""
    view.api_upload = True
    return view


def _view_is_upload() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "api_upload", False))


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _authenticate():
    g.api_token = None
    upload = _view_is_upload()
    limit = current_app.config["API_MAX_UPLOAD_BYTES" if upload else "API_MAX_BODY_BYTES"]
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        return problem(413)
    if any(isinstance(v, int) and v > MAX_ID for v in (request.view_args or {}).values()):
        return problem(404)
    raw = _bearer()
    if raw is not None and _limited("api-bad-token", request.remote_addr or "-", peek=True):
        return problem(429, headers={"Retry-After": "60"})
    token = api_tokens.authenticate(raw)
    if token is None:
        if raw is not None:
            _limited("api-bad-token", request.remote_addr or "-")
        error = ', error="invalid_token"' if raw is not None else ""
        detail = (
            _("Nøkkelen er ukjent, utløpt eller trukket tilbake.")
            if raw is not None
            else _("Send en API-nøkkel i Authorization-headeren: «Bearer <nøkkel>».")
        )
        return problem(401, detail, headers={"WWW-Authenticate": f'Bearer realm="api"{error}'})
    g.api_token, g.api_user = token, token.user
    scope = "read" if request.method in READ_METHODS else "write"
    if not token.allows(scope):
        return problem(
            403,
            _("Nøkkelen mangler tilgangen «%(scope)s».", scope=scope),
            headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'},
        )
    if _limited("api-token", str(token.id)):
        return problem(429, headers={"Retry-After": "60"})
    if (
        request.method in BODY_METHODS
        and _has_body()
        and not upload
        and request.mimetype not in JSON_MIMETYPES
    ):
        return problem(415)
    return None


def _has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "")


def _limited(scope: str, key: str, *, peek: bool = False) -> bool:
    """True when ``key`` is over the API rate limit (counted in Flask-Limiter's storage)."""
    if not limiter.enabled or not current_app.config.get("RATELIMIT_ENABLED", True):
        return False
    item = parse_limit(current_app.config["API_RATE_LIMIT"])
    if peek:
        return not limiter.limiter.test(item, scope, key)
    return not limiter.limiter.hit(item, scope, key)


def _after(response: Response) -> Response:
    token = g.get("api_token")
    if token is not None:
        try:
            db.session.rollback()  # whatever a failed action left behind is not audited as done
            api_tokens.record_call(
                token, method=request.method, path=request.path, status=response.status_code
            )
        except SQLAlchemyError:
            db.session.rollback()
            log.exception("could not audit an API call")
    response.headers["Cache-Control"] = "no-store"
    return response


def current_user_of_token():
    return g.api_user


def domain_problem(error: DomainError) -> Response:
    """A refused action: 403 when not allowed, 422 with the field, else 409 (the state)."""
    db.session.rollback()
    if isinstance(error, NotAllowed):
        return problem(403, error.message)
    if error.field:
        return problem(
            422,
            error.message,
            type_=VALIDATION_TYPE,
            errors=[{"in": "json", "field": error.field, "detail": error.message}],
        )
    return problem(409, error.message, type_=CONFLICT_TYPE)


def require_role(*roles: str):
    """The token's user, when their role is one of ``roles``; otherwise 403."""
    user = g.api_user
    if user.role not in roles:
        raise NotAllowed(_("Nøkkelens bruker har ikke tilgang til dette."))
    return user


def not_found():
    abort(404)


def invalid(field: str, message: str, location: str = "json"):
    """Answer 422 with one field error, the way invalid input is answered everywhere."""
    smorest_abort(422, messages={location: {field: [message]}})


def require_codes(checks: dict) -> None:
    """``{field: (model, codes)}``: every code must be a row of its taxonomy (else 422)."""
    from webapp.services.taxonomy import by_codes

    messages = {}
    for name, (model, codes) in checks.items():
        wanted = [code for code in ([codes] if isinstance(codes, str) else codes or []) if code]
        wanted = list(dict.fromkeys(wanted))
        if len(by_codes(model, wanted)) != len(wanted):
            messages[name] = [_("Velg bare blant kodene i taksonomien (se /api/v1/taxonomies).")]
    if messages:
        smorest_abort(422, messages={"json": messages})


# --- fields ----------------------------------------------------------------------------------


class CleanString(ma.fields.String):
    """A string without NUL bytes or lone surrogates (neither survives PostgreSQL)."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in value:
            raise ma.ValidationError(_("Teksten inneholder ugyldige tegn."))
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ma.ValidationError(_("Teksten inneholder ugyldige tegn.")) from error
        return value


class UtcDateTime(ma.fields.DateTime):
    """Stored as naive UTC; shown as ISO 8601 with the zone."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.isoformat()


def text(max_length: int, *, min_length: int | None = None, **kwargs) -> CleanString:
    return CleanString(validate=ma.validate.Length(min=min_length, max=max_length), **kwargs)


def code_list(**kwargs) -> ma.fields.List:
    return ma.fields.List(
        CleanString(validate=ma.validate.Length(min=1, max=60)),
        validate=ma.validate.Length(max=100),
        **kwargs,
    )


def day(**kwargs) -> ma.fields.Date:
    """A date in the window every form keeps to (2000–2100): a far date is a field error, not
    an overflow in the database or in date arithmetic."""
    return ma.fields.Date(
        validate=ma.validate.Range(DATE_MIN, DATE_MAX, error="Must be between {min} and {max}."),
        **kwargs,
    )


def whole(low: int, high: int, **kwargs) -> ma.fields.Integer:
    return ma.fields.Integer(strict=True, validate=ma.validate.Range(low, high), **kwargs)


class StrictSchema(ma.Schema):
    """Unknown fields are an error, not silently dropped."""

    class Meta:
        unknown = ma.RAISE


# --- pagination ------------------------------------------------------------------------------


class PageArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(1, MAX_PAGE))
    per_page = ma.fields.Integer(
        load_default=DEFAULT_PER_PAGE, validate=ma.validate.Range(1, MAX_PER_PAGE)
    )


_page_schemas: dict[str, type] = {}


def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The envelope of one page of ``item_schema`` (documented once per item type)."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    if name not in _page_schemas:
        _page_schemas[name] = type(
            name,
            (ma.Schema,),
            {
                "items": ma.fields.List(ma.fields.Nested(item_schema), required=True),
                "page": ma.fields.Integer(required=True),
                "per_page": ma.fields.Integer(required=True),
                "total": ma.fields.Integer(required=True),
            },
        )
    return _page_schemas[name]


def paginate(stmt, args: dict):
    return db.paginate(
        stmt,
        page=args.get("page", 1),
        per_page=args.get("per_page", DEFAULT_PER_PAGE),
        max_per_page=MAX_PER_PAGE,
        error_out=False,
    )


def page_response(pagination, items: list[dict], schema: ma.Schema) -> Response:
    """One page of ``items`` dumped by ``schema``, with ``Link`` and ``X-Total-Count``."""
    body = {
        "items": schema.dump(items, many=True),
        "page": pagination.page,
        "per_page": pagination.per_page,
        "total": pagination.total or 0,
    }
    response = jsonify(body)
    last = max(pagination.pages, 1)
    links = {"first": 1, "last": last}
    if pagination.page > 1:
        links["prev"] = min(pagination.page - 1, last)
    if pagination.page < last:
        links["next"] = pagination.page + 1
    response.headers["Link"] = ", ".join(
        f'<{_page_url(number, pagination.per_page)}>; rel="{rel}"' for rel, number in links.items()
    )
    response.headers["X-Total-Count"] = str(body["total"])
    return response


def _page_url(number: int, per_page: int) -> str:
    args = {key: value for key, value in request.args.items() if key not in {"page", "per_page"}}
    return url_for(
        request.endpoint,
        **(request.view_args or {}),
        **args,
        page=number,
        per_page=per_page,
        _external=True,
    )


# --- ETags -----------------------------------------------------------------------------------


def etag_of(data: dict) -> str:
    from flask import json

    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def with_etag(data: dict, status: int = 200) -> Response:
    response = jsonify(data)
    response.status_code = status
    response.set_etag(etag_of(data))
    return response


def check_if_match(current: dict, *, required: bool = True) -> None:
    """Refuse an update made from an old copy: 428 without If-Match, 412 when it differs."""
    if not request.if_match:
        if required:
            raise PreconditionRequired()
        return
    if request.if_match.star_tag:
        return
    if not request.if_match.contains(etag_of(current)):
        raise PreconditionFailed()


def now_iso() -> str:
    return datetime.now(UTC).isoformat()
