"""``flask doctor`` and ``flask backup create|restore``."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from webapp.ops import backup as backups
from webapp.ops import doctor as doctor_module

_MARK = {"ok": "ok     ", "warning": "WARNING", "error": "ERROR  "}


def register(app: Flask) -> None:
    app.cli.add_command(doctor)
    app.cli.add_command(backup)


@click.command(help="Check the configuration for production; exit 1 on an error.")
@click.option("--no-services", is_flag=True, help="Do not connect to the database or Redis.")
@with_appcontext
def doctor(no_services: bool):
    findings = doctor_module.run(current_app._get_current_object(), services=not no_services)
    for finding in findings:
        click.echo(f"{_MARK[finding.level]} {finding.topic}: {finding.message}")
    errors = sum(f.level == doctor_module.ERROR for f in findings)
    warnings = sum(f.level == doctor_module.WARNING for f in findings)
    click.echo(f"{errors} errors, {warnings} warnings")
    if errors:
        sys.exit(1)


backup = AppGroup("backup", help="Back up and restore the database.")


def _url() -> str:
    return current_app.config["SQLALCHEMY_DATABASE_URI"]


@backup.command("create", help="Write a backup into ARBEIDSBRO_BACKUP_DIR (or --dir).")
@click.option("--dir", "directory", help="Where to write it.")
@click.option("--keep", type=int, help="Then delete all but the newest N backups.")
def backup_create(directory: str | None, keep: int | None):
    directory = directory or current_app.config.get("BACKUP_DIR") or "backups"
    try:
        path, seconds = backups.timed(backups.create, _url(), directory, keep=keep)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{path} ({path.stat().st_size} bytes, {seconds:.1f} s)")


@backup.command("restore", help="Replace the database with a backup (stop the web first).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask: the database is overwritten.")
def backup_restore(path: str, yes: bool):
    if not yes:
        click.confirm(f"Replace the database with {path}?", abort=True)
    try:
        _none, seconds = backups.timed(backups.restore, path, _url())
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"restored {path} in {seconds:.1f} s; run `flask db upgrade` if it is older")
