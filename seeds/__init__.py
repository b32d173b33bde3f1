"""Seed data: the taxonomies (CSV files in ``data/``), the Lørenskog demo and synthetic data."""
