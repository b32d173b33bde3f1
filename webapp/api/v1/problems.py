"""RFC 9457 problem details: every error of API v1 is ``application/problem+json``.

A problem names the HTTP status, a short title, a detail for people, and for invalid input a list
of field errors (``errors``: where, which field, what is wrong), so a program can show each message
next to the right value.
"""

from __future__ import annotations

from flask import Response, json, request
from werkzeug.exceptions import HTTPException

from webapp.ui.errors import message_for, title_for

PROBLEM_TYPE = "application/problem+json"
VALIDATION_TYPE = "/api/v1/docs#problem-validation"
CONFLICT_TYPE = "/api/v1/docs#problem-state"


def problem(
    status: int,
    detail: str | None = None,
    *,
    type_: str = "about:blank",
    errors: list[dict] | None = None,
    headers: dict | None = None,
) -> Response:
    body = {
        "type": type_,
        "title": title_for(status),
        "status": status,
        "detail": detail or message_for(status),
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    response.headers["Content-Language"] = str(_locale())
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "nb")


def field_errors(messages: dict) -> list[dict]:
    """webargs/marshmallow messages ``{location: {field: [msg]}}`` as a flat list."""
    errors = []

    def walk(location: str, path: list[str], value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(location, [*path, str(key)], inner)
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            for message in value:
                errors.append({"in": location, "field": ".".join(path), "detail": message})
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                walk(location, [*path, str(index)], inner)
        else:
            errors.append({"in": location, "field": ".".join(path), "detail": str(value)})

    for location, fields in (messages or {}).items():
        walk(location, [], fields)
    return errors


def from_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    valid_methods = getattr(error, "valid_methods", None)
    if status == 405 and valid_methods:
        headers["Allow"] = ", ".join(valid_methods)
    messages = data.get("messages")
    if status == 422 and messages:
        return problem(
            422,
            message_for(422),
            type_=VALIDATION_TYPE,
            errors=field_errors(messages),
            headers=headers,
        )
    if status == 400 and messages:
        return problem(400, _first_message(messages), headers=headers)
    detail = data.get("message")
    return problem(status, detail, headers=headers)


def _first_message(messages) -> str | None:
    errors = field_errors(messages)
    return errors[0]["detail"] if errors else None
