"""Taxonomy labels for templates, in the user's language (``slot_kind_label("apprenticeship")``)."""

from __future__ import annotations

from flask import g
from flask_babel import format_decimal, format_percent

from webapp.admin.forms import organisation_kind_choices
from webapp.extensions import db
from webapp.models import LanguageLevel, SlotKind
from webapp.services.audit_labels import action_label, object_type_label


def _labels(model) -> dict[str, str]:
    # Small tables, read once per request: templates ask for labels row by row.
    cache = g.setdefault("taxonomy_labels", {})
    if model not in cache:
        cache[model] = {row.code: row.label for row in db.session.scalars(db.select(model))}
    return cache[model]


def slot_kind_label(code: str) -> str:
    return _labels(SlotKind).get(code, code)


def level_label(code: str) -> str:
    return _labels(LanguageLevel).get(code, code)


def placement_status_label(status: str) -> str:
    from webapp.services.placements import STATUS_LABELS

    return str(STATUS_LABELS.get(status, status))


def suggestion_status_label(status: str) -> str:
    from webapp.services.proposals import status_label

    return status_label(status)


def norwegian_date(value) -> str:
    """``dd.mm.yyyy``, the way Norwegian forms write dates; a dash for no date."""
    return value.strftime("%d.%m.%Y") if value else "–"


def percent(value) -> str:
    """0.6 → "60 %" (bokmål) or "60%" (English), rounded to whole percent."""
    return "–" if value is None else format_percent(value)


def decimal(value, digits: int = 1) -> str:
    """2.14 → "2,1" (bokmål) or "2.1" (English); whole numbers without decimals."""
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0." + "#" * digits)


def organisation_kind_label(kind: str) -> str:
    return next((str(c.label) for c in organisation_kind_choices() if c.value == kind), kind)


def local_time(moment) -> str:
    """A stored (naive UTC) time as Norwegian local time (summer time too), in the reader's way."""
    from webapp.services.audit_log import local_time as format_local

    return format_local(moment) if moment else "–"


def register(app) -> None:
    app.jinja_env.filters["date"] = norwegian_date
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["oslo_time"] = local_time  # the older name, same rendering
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["decimal"] = decimal
    from webapp.services import pseudonyms

    app.jinja_env.globals.update(
        suggestion_pseudonym=pseudonyms.of_suggestion,
        placement_pseudonym=pseudonyms.of_placement,
        slot_kind_label=slot_kind_label,
        level_label=level_label,
        placement_status_label=placement_status_label,
        suggestion_status_label=suggestion_status_label,
        organisation_kind_label=organisation_kind_label,
        organisation_kind_choices=organisation_kind_choices,
        action_label=action_label,
        object_type_label=object_type_label,
    )
