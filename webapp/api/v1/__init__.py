"""API v1 (``/api/v1/…``): the same services and permissions as the pages, for other systems.

The OpenAPI 3.1 document is generated from the code by flask-smorest (marshmallow schemas,
apispec): see docs/api.md for why this library.
"""

from __future__ import annotations

from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from flask_smorest import Api


def schema_name(schema) -> str:
    """``SlotInputSchema`` → ``SlotInput``; its partial form (PATCH) → ``SlotInputPatch``."""
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema")
    if not isinstance(schema, type) and schema.partial:
        name += "Patch"
    return name


class ArbeidsbroApi(Api):
    """flask-smorest without its app-wide error handler: webapp.ui.errors answers problems."""

    DEFAULT_ERROR_RESPONSE_NAME = None  # spec.py documents each operation's problems instead

    def _register_error_handlers(self):
        pass


def init_app(app: Flask) -> Api:
    from webapp.api.v1 import (
        candidates,
        docs,
        imports,
        me,
        placements,
        proposals,
        school_profile,
        school_requests,
        schools,
        slots,
        statistics,
        suggestions,
    )
    from webapp.api.v1.spec import complete_spec

    app.config.setdefault("API_TITLE", "Arbeidsbro API")
    app.config.setdefault("API_VERSION", "1.0.0")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", None)  # served by docs.py, with the extras
    app.config.setdefault("API_MAX_BODY_BYTES", 1024 * 1024)
    app.config.setdefault("API_MAX_UPLOAD_BYTES", 8 * 1024 * 1024)
    app.config.setdefault("API_RATE_LIMIT", "600 per minute")
    api = ArbeidsbroApi(
        app,
        spec_kwargs={
            "marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name),
            "info": {
                "description": (
                    "Arbeidsbro's API for other systems. Authenticate with a personal API token "
                    "(created on the profile page) as `Authorization: Bearer <token>`."
                )
            },
        },
    )
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "Personal API token"}
    )
    for module in (
        me,
        slots,
        candidates,
        suggestions,
        proposals,
        placements,
        statistics,
        imports,
        schools,
        school_requests,
        school_profile,
    ):
        api.register_blueprint(module.bp)
    app.register_blueprint(docs.bp)
    app.extensions["arbeidsbro_openapi"] = lambda: complete_spec(api.spec.to_dict())
    return api
