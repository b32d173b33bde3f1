"""The one cleaning layer every typed value passes through (see docs/input.md).

Two levels, so a page nobody thought about is still safe:

* :class:`CleanRequest` removes control characters from every query argument and form value
  before any view, form or service reads it (PostgreSQL refuses NUL in text outright);
* :class:`webapp.ui.forms.BaseForm` then bounds lengths, integers and dates field by field.
"""

from __future__ import annotations

import re

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict

from webapp.services.limits import DATE_MAX, DATE_MIN, DB_INT_MAX, DB_INT_MIN  # noqa: F401

# C0 controls except tab and line breaks, DEL, the C1 controls, and the bidirectional overrides
# and isolates that can make text display in another order than it is stored ("Trojan source").
# The marks U+200E/U+200F and the zero-width joiners stay: Arabic and Persian text needs them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def remove_controls(value: str) -> str:
    """``value`` without control characters (tab and line breaks are kept)."""
    return CONTROL_CHARACTERS.sub("", value)


def clean_text(value):
    """Controls removed and surrounding whitespace stripped; anything not text unchanged."""
    if not isinstance(value, str):
        return value
    return remove_controls(value).strip()


def _clean_multidict(values):
    return ImmutableMultiDict(
        [(remove_controls(key), remove_controls(value)) for key, value in values.items(multi=True)]
    )


class CleanRequest(Request):
    """A request whose query arguments and form values never carry control characters."""

    @property
    def args(self):
        cached = self.__dict__.get("_clean_args")
        if cached is None:
            cached = self.__dict__["_clean_args"] = _clean_multidict(super().args)
        return cached

    def _load_form_data(self) -> None:
        super()._load_form_data()
        if not self.__dict__.get("_form_cleaned"):
            self.__dict__["form"] = _clean_multidict(self.__dict__["form"])
            self.__dict__["_form_cleaned"] = True
