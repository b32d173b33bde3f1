"""Hostile input never breaks API v1: every operation of the generated OpenAPI document, each
hostile value once in every query parameter, path parameter and JSON body field (one at a time,
the rest valid or absent), plus a malformed JSON body and a wrong content type.

No 5xx; every 4xx is ``application/problem+json``; a refused write changes no row and no ETag.
The operations, their parameters and body fields come from the document, the token's role and the
world's objects from ``test_api_access.py``, so a new operation is swept as soon as it exists.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from api_support import bearer
from sweep import HOSTILE, row_counts
from test_api_access import ACTIONS, ACTIONS_BY_PATH, MATRIX, OK, World
from test_api_contract import _generated_spec

SPEC = _generated_spec()
WRITES = {"POST", "PATCH", "PUT", "DELETE"}
PREFERRED_ROLES = ["employer", "caseworker_a", "school", "admin"]
# The same trouble as a JSON number where the schema asks for one (1e309 parses as infinity).
RAW = "__raw_json_number__"
AS_NUMBER = {"minus-one": -1, "2**63": 2**63, "huge-int": int("9" * 23), "1e309": RAW}


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _operations():
    for path, item in SPEC["paths"].items():
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method in {"get", "post", "patch", "put", "delete"}:
                yield method.upper(), path, [*shared, *operation.get("parameters", [])], operation


OPERATIONS = {(method, path): (params, op) for method, path, params, op in _operations()}


def _role_for(method: str, path: str) -> str:
    expected = MATRIX[(method, path)]
    return next(role for role in PREFERRED_ROLES if expected[role] in (OK, 200))


def _body_fields(operation: dict) -> tuple[str | None, dict]:
    content = operation.get("requestBody", {}).get("content", {})
    for mimetype, media in content.items():
        return mimetype, _resolve(media.get("schema", {})).get("properties", {})
    return None, {}


def _url(world, path: str, **override) -> str:
    values = dict(world.values)
    if "{action}" in path:
        key = path.split("{", 1)[1].split("}", 1)[0]
        values["action"] = ACTIONS_BY_PATH.get(path) or ACTIONS[key]
    return path.format(**{**values, **override})


def _json_value(value_name: str, prop: dict):
    prop = _resolve(prop)
    if prop.get("type") in ("integer", "number") and value_name in AS_NUMBER:
        return AS_NUMBER[value_name]
    if prop.get("type") == "array":
        return [HOSTILE[value_name]]
    return HOSTILE[value_name]


def _dumps(body: dict) -> str:
    return json.dumps(body).replace(f'"{RAW}"', "1e309")


class Sweep:
    def __init__(self, client, world, method, path):
        self.client, self.world, self.method, self.path = client, world, method, path
        self.headers = {**bearer(world.tokens[_role_for(method, path)]), "If-Match": "*"}
        self.failures: list[str] = []
        self.count = 0
        self._known: tuple | None = None
        # The resource a write changes, when the document has a GET for it: its ETag must hold.
        self.item = next(
            (p for p in (path, path.rsplit("/", 1)[0]) if ("GET", p) in OPERATIONS), None
        )

    def _etag(self):
        if self.method not in WRITES or self.item is None:
            return None
        return self.client.get(self.world.url(self.item), headers=self.headers).headers.get("ETag")

    def _state(self):
        """Row counts and the resource's ETag, read again only after a write went through."""
        if self.method in WRITES and self._known is None:
            self._known = (row_counts(), self._etag())
        return self._known

    def send(self, where: str, url: str, **kwargs) -> None:
        before = self._state()
        response = self.client.open(url, method=self.method, headers=self.headers, **kwargs)
        self.count += 1
        status = response.status_code
        what = f"{self.method} {self.path} {where} → {status}"
        if status >= 500:
            self.failures.append(f"{what}: {response.get_data(as_text=True)[:300]}")
        elif status < 400:
            self._known = None
        else:
            if response.mimetype != "application/problem+json":
                self.failures.append(f"{what} as {response.mimetype}, not problem+json")
            if before is not None:
                self._known = None
                counts, etag = self._state()
                changed = {
                    t: (before[0][t], counts[t]) for t in counts if before[0][t] != counts[t]
                }
                if changed:
                    self.failures.append(f"{what} but saved {changed}")
                if etag != before[1]:
                    self.failures.append(f"{what} but changed the resource's ETag")


@pytest.mark.parametrize(("method", "path"), sorted(OPERATIONS))
def test_operation_survives_hostile_input(method, path, client, db):
    world = World()
    sweep = Sweep(client, world, method, path)
    parameters, operation = OPERATIONS[(method, path)]
    mimetype, fields = _body_fields(operation)
    valid = world.bodies.get((method, path), {})
    url = world.url(path)

    for value_name, hostile in HOSTILE.items():
        for param in parameters:
            name, where = param["name"], param["in"]
            if where == "query":
                sweep.send(f"?{name}=<{value_name}>", url, query_string={name: hostile})
            elif where == "path":
                raw = ",".join(hostile) if isinstance(hostile, list) else hostile
                broken = _url(world, path, **{name: quote(raw, safe="")})
                sweep.send(f"path {name}=<{value_name}>", broken, json=valid or None)
        if mimetype == "application/json":
            for name, prop in fields.items():
                body = _dumps({**valid, name: _json_value(value_name, prop)})
                sweep.send(f"body {name}=<{value_name}>", url, data=body, content_type=mimetype)

    if mimetype is not None or method in WRITES:
        sweep.send("malformed JSON", url, data='{"title": "x",', content_type="application/json")
        sweep.send("JSON array body", url, data="[1, 2]", content_type="application/json")
        sweep.send("wrong content type", url, data="title=x", content_type="text/plain")

    assert not sweep.failures, "\n".join(sweep.failures)
    assert sweep.count >= 3 or not (parameters or fields), "the sweep sent next to nothing"
