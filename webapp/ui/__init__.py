"""Pieces the pages of every area share: input cleaning and query-argument helpers."""
