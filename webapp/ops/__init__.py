"""Running Arbeidsbro in production: request ids and JSON logs, metrics, readiness, the
configuration check (``flask doctor``) and backups (``flask backup``). See deploy/ and the README's
operations section."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Wire logging, metrics, static file versions, the probes and the commands into ``app``."""
    from webapp.ops import cli, logs, metrics, static_files
    from webapp.ops.routes import bp

    logs.init_app(app)
    metrics.init_app(app)
    static_files.init_app(app)
    app.register_blueprint(bp)
    cli.register(app)
