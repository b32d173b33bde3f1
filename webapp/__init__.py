"""Arbeidsbro web application."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from webapp import config as config_module
from webapp.ui.input import CleanRequest


def create_app(config: dict | None = None) -> Flask:
    """Build the app: configuration → extensions → blueprints → error handlers → commands."""
    app = Flask(__name__, instance_relative_config=True)
    app.request_class = CleanRequest  # no control characters in any argument or form value
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(config_module.from_environment(app.instance_path))
    if config:
        app.config.from_mapping(config)
    trust_proxies(app)
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_errorhandlers(app)
    register_commands(app)
    from webapp import ops

    ops.init_app(app)  # request ids, JSON logs, /readyz, /metrics, doctor, backups
    logging.getLogger("arbeidsbro").setLevel(logging.INFO)
    # Commands (``flask db upgrade``, ``flask seed``…) need no model, and may run before the
    # tables exist; a web worker loads it as it starts.
    if app.config.get("PRELOAD_MODEL") and not app.testing and not _in_command():
        from webapp.services import model_store

        model_store.preload(app)  # in each worker as it starts, never on a user's request
    return app


def _in_command() -> bool:
    """Whether the app is being made for a ``flask`` command (a click context is active)."""
    import click

    return click.get_current_context(silent=True) is not None


def trust_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` reverse proxies, take the client's address and scheme from
    their X-Forwarded-* headers (rate limits per client, HSTS behind TLS). Never trust more
    proxies than there are: anyone can send those headers."""
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_extensions(app: Flask) -> None:
    from webapp import models  # noqa: F401 - every model on the metadata before migrate sees it
    from webapp.auth.idle import check_idle
    from webapp.extensions import babel, csrf, db, limiter, login_manager, migrate
    from webapp.ui.i18n import install_request_catalogue, select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page says it already
    login_manager.session_protection = "strong"
    # Before CSRF and the rate limit: a form sent to an expired session is shown back, not refused.
    app.before_request(check_idle)
    limiter.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    install_request_catalogue(app, babel)


def register_blueprints(app: Flask) -> None:
    from webapp.admin.routes import bp as admin_bp
    from webapp.agreements.routes import bp as agreements_bp
    from webapp.allocation.routes import bp as allocation_bp
    from webapp.api.routes import bp as api_bp
    from webapp.api.token_pages import bp as api_tokens_bp
    from webapp.api.v1 import init_app as init_api_v1
    from webapp.auth import reset as _password_reset_pages  # noqa: F401 - adds routes to auth_bp
    from webapp.auth.routes import bp as auth_bp
    from webapp.caseworker.routes import bp as caseworker_bp
    from webapp.employer.routes import bp as employer_bp
    from webapp.imports.routes import bp as imports_bp
    from webapp.main.routes import bp as main_bp
    from webapp.school.routes import bp as school_bp
    from webapp.webhooks.routes import bp as webhooks_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(employer_bp, url_prefix="/arbeidsgiver")
    app.register_blueprint(caseworker_bp, url_prefix="/veileder")
    app.register_blueprint(school_bp, url_prefix="/skole")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(allocation_bp, url_prefix="/fordeling")
    app.register_blueprint(agreements_bp, url_prefix="/avtale")
    app.register_blueprint(api_bp, url_prefix="/api")
    app.register_blueprint(api_tokens_bp, url_prefix="/konto/api-nokler")
    app.register_blueprint(imports_bp, url_prefix="/import")
    app.register_blueprint(webhooks_bp, url_prefix="/organisasjon/webhooks")
    init_api_v1(app)


def register_request_hooks(app: Flask) -> None:
    from webapp.auth.access import apply_security_headers
    from webapp.services import webhooks
    from webapp.ui import labels
    from webapp.ui.navigation import inject_navigation

    app.after_request(apply_security_headers)
    app.teardown_request(webhooks.send_after_request)  # without Redis: after the answer
    app.context_processor(inject_navigation)
    labels.register(app)


def register_errorhandlers(app: Flask) -> None:
    from webapp.ui.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    from webapp.admin.cli import register

    register(app)
