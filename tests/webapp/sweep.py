"""The hostile-input sweep's machinery: find every form and query parameter by crawling the pages
that ``app.url_map`` names, then send one hostile value to one field at a time.

Nothing here is hand-picked: a new page, form field or filter link is swept as soon as it exists.
"""

from __future__ import annotations

import ast
import functools
import inspect
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import sqlalchemy as sa
from support import TAXONOMY_TABLES

import webapp
from webapp.extensions import db

# One value per kind of trouble the issue lists; each goes once into every field and parameter.
HOSTILE = {
    "nul": "a\x00b",
    "c0-controls": "\x01\x02\x1b[31m\x7f\x08",
    "100k-chars": "x" * 100_000,
    "rtl-zero-width": "\u202eabc\u200b\u200f\u2066",
    "1e309": "1e309",
    "minus-one": "-1",
    "2**63": str(2**63),
    "huge-int": "9" * 23,
    "0000-00-00": "0000-00-00",
    "9999-12-31": "9999-12-31",
    "array": ["1", "2"],
    "unknown-enum": "no-such-choice",
    "html": '<script>alert("x")</script><b>',
    "sql": "' OR 1=1; DROP TABLE slot; --",
}

# Rows that may change when a request fails: the audit trail records refusals on purpose.
ALLOWED_TO_GROW = {"audit_event"}

# Valid values for fields a fresh form leaves empty, so a hostile value in one field reaches the
# rules behind the others. By name first, then by input type.
_soon = date.today() + timedelta(days=30)
FILL_BY_NAME = {
    "org_number": "974760673",
    "postal_code": "1470",
    "home_postal_code": "1470",
    "password": "Sveip-passord-som-er-langt-nok-42",
    "password_again": "Sveip-passord-som-er-langt-nok-42",
    "current_password": "feil-passord-uansett",
    "start_date": _soon.isoformat(),
    "end_date": (_soon + timedelta(days=90)).isoformat(),
    "available_from": _soon.isoformat(),
    "follow_up_date": _soon.isoformat(),
    "hours_per_week": "20",
    "capacity": "1",
    "max_commute_km": "20",
    "reference_code": "SVEIP-1",
    "phone": "12345678",
    "reason": "Sveip",
}
FILL_BY_TYPE = {"email": "sveip@example.no", "date": _soon.isoformat(), "number": "5"}
SKIP_ENDPOINTS = {"auth.logout", "static"}  # logging out would end the sweep's session


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name → values to send
    names: list[str] = field(default_factory=list)  # every field, in page order


class _FormParser(HTMLParser):
    """The forms on a page (with what a browser would send) and the links' query arguments."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.link_params: set[str] = set()
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._radios: set[str] = set()

    def _add_name(self, name: str) -> None:
        if self._form is not None and name and name not in self._form.names:
            self._form.names.append(name)

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "a" and "?" in a.get("href", ""):
            parts = urlsplit(a["href"])
            if parts.path in ("", urlsplit(self.page_url).path):
                self.link_params.update(k for k, _ in parse_qsl(parts.query))
        if tag == "form":
            self._form = Form(a.get("method", "get").upper(), a.get("action") or self.page_url)
        if self._form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "reset", "image", "file"):
                return
            self._add_name(name)
            values = self._form.fields.setdefault(name, [])
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    values[:] = (
                        [*values, a.get("value", "on")] if kind == "checkbox" else [a["value"]]
                    )
                elif kind == "radio" and name not in self._radios:
                    values.append(a.get("value", ""))  # the first choice, so the form can pass
                if kind == "radio":
                    self._radios.add(name)
            else:
                values.append(
                    a.get("value") or FILL_BY_NAME.get(name) or FILL_BY_TYPE.get(kind, "")
                )
                if not values[-1] and kind == "text":
                    values[-1] = "Sveip"
        elif tag == "select" and name:
            self._add_name(name)
            self._select, self._select_first, self._select_chosen = name, None, False
            self._form.fields.setdefault(name, [])
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if "selected" in a:
                self._form.fields[self._select].append(value)
                self._select_chosen = True
            elif self._select_first is None and value:
                self._select_first = value
        elif tag == "textarea" and name:
            self._add_name(name)
            self._textarea = name
            self._form.fields[name] = [""]

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form.fields[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea and self._form is not None:
            values = self._form.fields[self._textarea]
            values[0] = values[0].strip() or FILL_BY_NAME.get(self._textarea, "Sveip")
            self._textarea = None
        elif tag == "select" and self._select and self._form is not None:
            values = self._form.fields[self._select]
            if not self._select_chosen and self._select_first is not None:
                values.append(self._select_first)
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def parse_page(url: str, html: str) -> _FormParser:
    parser = _FormParser(url)
    parser.feed(html)
    return parser


def row_counts() -> dict[str, int]:
    """Rows per table (taxonomies and the audit trail aside), in one round trip."""
    tables = [
        t
        for t in db.metadata.sorted_tables
        if t.name not in TAXONOMY_TABLES and t.name not in ALLOWED_TO_GROW
    ]
    columns = [
        sa.select(sa.func.count()).select_from(t).scalar_subquery().label(t.name) for t in tables
    ]
    row = db.session.execute(sa.select(*columns)).one()
    db.session.rollback()
    return dict(row._mapping)


def with_query(url: str, name: str, value) -> str:
    """``url`` with one more query argument (a list: the argument repeated)."""
    return f"{url}{'&' if '?' in url else '?'}{urlencode({name: value}, doseq=True)}"


def endpoint_of(app, path: str, method: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(path, method=method)
    except Exception:  # noqa: BLE001 - a form pointing nowhere is the page's own problem
        return None
    return endpoint


# --- Query arguments the code reads: found in the views' source, linked or not ---------------

READERS = {"arg_text", "arg_int", "arg_choice", "arg_date", "page_number"}  # webapp.ui.params
ARGS_OBJECTS = {"args", "values"}  # request.args.get("x"), request.values.get("x")


def _function_reads(tree: ast.AST) -> dict[str, tuple[set[str], set[str]]]:
    """Per function name: the query arguments it reads itself, and the names it calls."""
    found: dict[str, tuple[set[str], set[str]]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        reads, calls = found.setdefault(node.name, (set(), set()))
        for call in ast.walk(node):
            if not isinstance(call, ast.Call):
                continue
            func = call.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            calls.add(name)
            first = call.args[0] if call.args else None
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            owner = func.value if isinstance(func, ast.Attribute) else None
            if name in READERS or (
                name in ("get", "getlist")
                and isinstance(owner, ast.Attribute)
                and owner.attr in ARGS_OBJECTS
            ):
                reads.add(first.value)
    return found


@functools.cache
def _reads_by_function() -> dict[str, tuple[set[str], set[str]]]:
    merged: dict[str, tuple[set[str], set[str]]] = {}
    root = Path(webapp.__file__).parent
    for path in root.rglob("*.py"):
        if path.parent.name == "api":  # API v1 reads its arguments through its schemas
            continue
        for name, (reads, calls) in _function_reads(ast.parse(path.read_text())).items():
            have = merged.setdefault(name, (set(), set()))
            have[0].update(reads)
            have[1].update(calls)
    return merged


def code_params(app, endpoint: str) -> set[str]:
    """The query arguments ``endpoint``'s view reads, itself or through the helpers it calls
    (by name, three calls deep: an over-estimate costs a request, a miss a hole)."""
    view = inspect.unwrap(app.view_functions[endpoint])
    table = _reads_by_function()
    names, seen, frontier = set(), set(), {view.__name__}
    for _depth in range(4):
        next_frontier = set()
        for function in frontier - seen:
            seen.add(function)
            reads, calls = table.get(function, (set(), set()))
            names |= reads
            next_frontier |= calls
        frontier = next_frontier
    return names
