"""Bounds every layer shares: what the database stores and which dates are plausible."""

from __future__ import annotations

from datetime import date

# The widest integer columns are PostgreSQL ``integer`` (32 bits).
DB_INT_MIN, DB_INT_MAX = -(2**31), 2**31 - 1

# Dates people type: anything outside this window is a typing error (and 9999-12-31 + 1 day
# overflows Python's date).
DATE_MIN, DATE_MAX = date(2000, 1, 1), date(2100, 12, 31)
