"""Outbound webhooks: the organisation admin's pages and the ``flask webhooks`` command
(the sending itself is ``webapp.services.webhooks``)."""
