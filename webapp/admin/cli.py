"""Command-line tasks: ``flask seed …`` and ``flask users …`` (``flask db`` is Migrate's)."""

from __future__ import annotations

import click
from flask import Flask, current_app, url_for
from sqlalchemy import select

from webapp.admin.commands import retention_group
from webapp.extensions import db
from webapp.models import Organisation, OrganisationKind
from webapp.school.commands import schools
from webapp.services import accounts
from webapp.services.errors import DomainError
from webapp.webhooks.commands import webhooks


def register(app: Flask) -> None:
    app.cli.add_command(seed)
    app.cli.add_command(users)
    app.cli.add_command(match)
    app.cli.add_command(reminders)
    app.cli.add_command(schools)
    app.cli.add_command(retention_group, "retention")
    app.cli.add_command(webhooks)


@click.group(help="The matching model.")
def match():
    pass


@match.command("rebuild", help="Fit a new model version and refresh every suggestion.")
def match_rebuild():
    from webapp.services import matchmaking

    def progress(done: int, total: int) -> None:
        click.echo(f"  suggestions for {done}/{total} candidates")

    result = matchmaking.rebuild(progress=progress)
    if result["version"] is None:
        click.echo("Nothing to match: no open slots or no active candidates.")
        return
    click.echo(
        f"Model {result['version']}: {result['slots']} slots, {result['candidates']} candidates, "
        f"{result['suggestions']} suggestions stored."
    )


@click.group(help="Scheduled reminders (run daily, e.g. from cron).")
def reminders():
    pass


@reminders.command("run", help="Remind of answers due, expire late ones, placements, agreements.")
def reminders_run():
    from webapp.services import reminders as daily

    done = daily.run_daily()
    click.echo(
        f"reminded {done['reminded']}, expired {done['expired']}, "
        f"placements starting {done['starting']}, follow-ups due {done['follow_ups']}, "
        f"agreements unsigned {done['agreements_unsigned']}, "
        f"school requests reminded {done['school_requests_reminded']}, "
        f"unmet school needs {done['school_needs_unmet']}"
    )


@click.group(help="Fill the database with taxonomies, the demo or synthetic data.")
def seed():
    pass


@seed.command("taxonomy", help="Load the taxonomies from seeds/data (idempotent).")
def seed_taxonomy():
    from seeds.taxonomy import load_taxonomies

    for table, count in load_taxonomies().items():
        click.echo(f"{table}: {count}")


@seed.command("demo", help="Load the Lørenskog demo (idempotent, deterministic).")
def seed_demo():
    from seeds.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo
    from seeds.synthetic import analyze

    counts = seed_demo()
    analyze()
    click.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))
    click.echo(f"Demo logins (password '{DEMO_PASSWORD}'):")
    for role, (email, _name) in DEMO_LOGINS.items():
        click.echo(f"  {role:20} {email}")


@seed.command("synthetic", help="Generate large synthetic data for benchmarks.")
@click.option("--candidates", type=click.IntRange(0, 1_000_000), default=1000, show_default=True)
@click.option("--slots", type=click.IntRange(0, 1_000_000), default=500, show_default=True)
@click.option("--suggestions", type=click.IntRange(0, 10_000_000), default=0, show_default=True)
@click.option("--placements", type=click.IntRange(0, 1_000_000), default=0, show_default=True)
@click.option("--seed", "random_seed", type=int, default=7, show_default=True)
def seed_synthetic(
    candidates: int, slots: int, suggestions: int, placements: int, random_seed: int
):
    """Spread over one NAV office per 2,000 candidates and one employer per 250 slots, the first
    being the demo's when the demo is loaded, else organisations of its own with logins for every
    role; ANALYZE at the end."""
    from seeds.demo import DEMO_PASSWORD
    from seeds.synthetic import seed_synthetic

    counts = seed_synthetic(
        candidates, slots, seed=random_seed, suggestions=suggestions, placements=placements
    )
    click.echo(
        f"Added {counts['candidates']} candidates, {counts['slots']} slots, "
        f"{counts['suggestions']} suggestions and {counts['placements']} placements, "
        f"over {counts['offices']} NAV offices and {counts['employers']} employers."
    )
    where = "the demo organisations" if counts["attached_to_demo"] else "organisations of its own"
    click.echo(f"The first office and employer are {where}. Logins (password '{DEMO_PASSWORD}'):")
    for email in counts["logins"]:
        click.echo(f"  {email}")


@click.group(help="Manage user accounts.")
def users():
    pass


@users.command("invite", help="Invite a user to an organisation and print the one-time link.")
@click.option("--organisation", "organisation_name", required=True, help="Organisation name.")
@click.option(
    "--kind",
    type=click.Choice([k.value for k in OrganisationKind]),
    default=None,
    help="Create the organisation with this kind if it does not exist (bootstrap).",
)
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--admin", "is_admin", is_flag=True, help="Organisation admin (may invite others).")
def users_invite(organisation_name: str, kind: str | None, email: str, name: str, is_admin: bool):
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == organisation_name)
    )
    if organisation is None and kind is None:
        raise click.ClickException(
            f"No organisation named {organisation_name!r}; add --kind to create it."
        )
    try:
        if organisation is None:
            organisation = accounts.create_organisation(None, kind=kind, name=organisation_name)
        _user, token = accounts.invite_user(
            None, organisation, email=email, name=name, is_admin=is_admin
        )
    except DomainError as error:
        raise click.ClickException(error.message) from error
    base_url = current_app.config["BASE_URL"] or "http://localhost:5000"
    with current_app.test_request_context(base_url=base_url):
        click.echo(url_for("auth.accept_invite", token=token, _external=True))
