"""``flask retention run``: anonymise candidates archived longer than the retention period."""

from __future__ import annotations

from datetime import datetime

import click

from webapp.services import retention


@click.group(help="Retention of personal data (DESIGN.md §5).")
def retention_group():
    pass


@retention_group.command("run", help="Anonymise candidates archived longer than the period.")
@click.option(
    "--months", type=click.IntRange(0, 1200), help="Override ARBEIDSBRO_RETENTION_MONTHS."
)
@click.option(
    "--now", type=click.DateTime(), help="Pretend it is this moment (for tests, replays)."
)
def retention_run(months: int | None, now: datetime | None):
    report = retention.run(now=now, months=months)
    click.echo(f"Cutoff: archived before {report.cutoff:%Y-%m-%d %H:%M} (UTC).")
    if not report.candidates:
        click.echo("Nothing to anonymise.")
        return
    click.echo(f"Anonymised {len(report.candidates)} candidate(s): ids {report.candidates}.")
    for name, number in sorted(report.counts.items()):
        click.echo(f"  {name}: {number}")
