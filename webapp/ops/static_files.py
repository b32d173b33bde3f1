"""Static file URLs that change when the file does (``/static/app.css?v=3f2a…``), so nginx may
let browsers cache them for a year (deploy/nginx/arbeidsbro.conf)."""

from __future__ import annotations

import hashlib
import os

from flask import Flask

_versions: dict[str, str] = {}


def _version(static_folder: str, filename: str) -> str | None:
    path = os.path.join(static_folder, filename)
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return None
    key = f"{filename}:{stamp}"
    if key not in _versions:
        with open(path, "rb") as handle:
            _versions[key] = hashlib.sha256(handle.read()).hexdigest()[:12]
    return _versions[key]


def init_app(app: Flask) -> None:
    @app.url_defaults
    def add_static_version(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = _version(app.static_folder, values["filename"])
            if version:
                values["v"] = version
