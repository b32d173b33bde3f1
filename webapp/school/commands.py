"""``flask schools daily``: reminders for unanswered school requests and unmet demand."""

from __future__ import annotations

import click


@click.group(help="School cooperation: scheduled work (run daily, e.g. from cron).")
def schools():
    pass


@schools.command(
    "daily", help="Remind employers of requests waiting 5 working days; record unmet needs."
)
def schools_daily():
    from webapp.services.schools import demand

    result = demand.run_daily()
    click.echo(f"reminded {result['reminded']}, unmet needs recorded {result['unmet']}")
