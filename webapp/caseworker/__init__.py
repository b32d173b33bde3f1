"""Caseworkers: candidates, browsing slots, suggestions and placements."""

from webapp.caseworker import matches  # noqa: F401 - adds the matching routes to the blueprint
