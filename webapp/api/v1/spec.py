"""Finishing the generated OpenAPI document: problems, security and servers on every operation.

flask-smorest documents each operation's success and its request schema from the code; the
answers every operation can give (401 without a token, 429 over the rate limit, …) are the same
everywhere, so they are added here once rather than repeated on every view.
"""

from __future__ import annotations

import copy

from webapp.api.v1.common import MAX_ID
from webapp.api.v1.schemas import ProblemSchema

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
COMMON = {
    "400": "Malformed request (for example invalid JSON).",
    "401": "No token, or an unknown, expired or revoked token.",
    "403": "The token's scope or the user's role does not allow this.",
    "404": "No such object, or it belongs to another organisation.",
    "422": "Invalid values: `errors` lists each field.",
    "429": "Too many calls with this token; see Retry-After.",
}
WITH_BODY = {
    "409": "The object's current state does not allow this action.",
    "413": "The body is too large.",
    "415": "The body is not application/json.",
}
CONDITIONAL = {
    "412": "If-Match does not match the object's current ETag.",
}
IF_MATCH_REQUIRED = {"428": "Send the ETag you read in an If-Match header."}


def _problem(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": PROBLEM_REF}},
    }


def complete_spec(spec: dict) -> dict:
    spec = copy.deepcopy(spec)
    from apispec import APISpec
    from apispec.ext.marshmallow import MarshmallowPlugin

    # The Problem schema, generated the same way as the others.
    helper = APISpec("problem", "1", spec["openapi"], plugins=[MarshmallowPlugin()])
    helper.components.schema("Problem", schema=ProblemSchema)
    generated = helper.to_dict()["components"]["schemas"]
    spec.setdefault("components", {}).setdefault("schemas", {}).update(generated)
    spec["components"].pop("responses", None)  # flask-smorest's JSON errors; ours are problems
    spec["servers"] = [{"url": "/"}]
    spec["security"] = [{"bearerAuth": []}]
    for item in spec.get("paths", {}).values():
        for parameter in item.get("parameters", []):
            if parameter.get("in") == "path" and parameter["schema"].get("type") == "integer":
                parameter["schema"].update(minimum=0, maximum=MAX_ID)
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            wanted = dict(COMMON)
            if method in {"post", "put", "patch", "delete"}:
                wanted |= WITH_BODY | CONDITIONAL
            if method in {"put", "patch"}:
                wanted |= IF_MATCH_REQUIRED
                operation.setdefault("parameters", []).append(
                    {
                        "name": "If-Match",
                        "in": "header",
                        "required": True,
                        "description": "The ETag read with GET; answered 428 when missing.",
                        "schema": {"type": "string"},
                    }
                )
            for code, description in wanted.items():
                responses[code] = _problem(description)
    return spec
