"""``flask webhooks deliver``: send every webhook delivery that is due (cron, without Redis)."""

from __future__ import annotations

import click


@click.group(help="Outbound webhooks.")
def webhooks():
    pass


@webhooks.command("deliver", help="Send every delivery that is due (retries included).")
def deliver():
    from webapp.services import webhooks as service

    counts = service.deliver_due()
    click.echo(
        f"delivered {counts['delivered']}, to retry {counts['pending']}, failed {counts['failed']}"
    )
