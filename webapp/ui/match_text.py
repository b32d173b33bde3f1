"""Readable explanations of the engine's reasons and factors, in the user's language."""

from __future__ import annotations

from flask import g
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Adaptation, Occupation, Skill
from webapp.ui.labels import level_label, slot_kind_label

FACTOR_LABELS = {
    "text_similarity": _l("Tekstlikhet"),
    "skill_overlap": _l("Felles ferdigheter"),
    "occupation_match": _l("Ønsket yrke"),
    "hours_fit": _l("Arbeidstid"),
    "start_fit": _l("Oppstart"),
    "distance_decay": _l("Reisevei"),
}


def _number(value) -> str:
    """37.0 → "37", 3.14 → "3,1": whole numbers plain, others with a Norwegian decimal comma."""
    if value is None:
        return "–"
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:.1f}".replace(".", ",")


def _date(value) -> str:
    """ISO dates from the engine, written the Norwegian way."""
    from datetime import date

    try:
        return date.fromisoformat(value).strftime("%d.%m.%Y")
    except (TypeError, ValueError):
        return str(value or "–")


def _labels_of(model) -> dict[str, str]:
    """Code → label of a (small) taxonomy, read once per request, not once per reason."""
    cache = g.setdefault("taxonomy_labels", {})
    if model not in cache:
        cache[model] = {row.code: row.label for row in db.session.scalars(select(model))}
    return cache[model]


def _names(model, codes) -> str:
    labels = _labels_of(model)
    return ", ".join(labels.get(code, code) for code in codes)


def reason_text(reason: dict) -> str | None:
    """One sentence for a reason from the engine; None for keys the page shows elsewhere."""
    key, p = reason.get("key"), reason.get("params", {})
    if key == "similar_text":
        terms = ", ".join(p.get("terms", []))
        return _("Teksten ligner (%(pct)d %%)", pct=round(100 * p.get("similarity", 0))) + (
            f": {terms}" if terms else ""
        )
    if key == "shared_skills":
        return _("Felles ferdigheter: %(skills)s", skills=_names(Skill, p.get("skills", [])))
    if key == "occupation_match":
        return _("Ønsket yrke: %(occ)s", occ=_names(Occupation, [p.get("occupation")]))
    if key == "occupation_concept":
        locale = get_locale()
        english = locale is not None and locale.language == "en"
        name = p.get("label_en") if english else p.get("label_nb")
        return _("Samme yrke: begge er «%(occ)s»", occ=name or p.get("code", ""))
    if key == "hours_fit":
        return _(
            "Arbeidstiden passer (%(c)s t mot %(s)s t per uke)",
            c=_number(p.get("candidate_hours")),
            s=_number(p.get("slot_hours")),
        )
    if key == "start_fit":
        return _("Oppstart passer (%(date)s)", date=_date(p.get("start_date")))
    if key == "distance":
        return _("Reisevei omtrent %(km)s km", km=_number(p.get("distance_km")))
    if key == "low_confidence":
        return _("Lite informasjon i profilen: forslaget er usikkert.")
    if key == "language_support_offered":
        return _(
            "Språkstøtte på arbeidsplassen veier opp for norsknivået (%(level)s)",
            level=level_label(p.get("candidate_level", "none")),
        )
    if key == "missing_skills":
        return _("Mangler: %(skills)s", skills=_names(Skill, p.get("skills", [])))
    if key == "hours_differ":
        return _(
            "Ulik arbeidstid (%(c)s t mot %(s)s t per uke)",
            c=_number(p.get("candidate_hours")),
            s=_number(p.get("slot_hours")),
        )
    if key == "start_differs":
        return _(
            "Oppstart passer dårlig (plassen starter %(date)s)", date=_date(p.get("start_date"))
        )
    if key == "blocked_slot_open":
        return _("Plassen er ikke åpen.")
    if key == "blocked_free_capacity":
        return _("Plassen er full.")
    if key == "blocked_kind":
        return _("Kandidaten ønsker ikke %(kind)s.", kind=slot_kind_label(p.get("kind", "")))
    if key == "blocked_norwegian_level":
        return _("Plassen krever norsknivå %(required)s.", required=p.get("required"))
    if key == "blocked_adaptations":
        return _(
            "Arbeidsplassen tilbyr ikke: %(list)s", list=_names(Adaptation, p.get("missing", []))
        )
    if key == "blocked_distance":
        return _(
            "For lang reisevei (%(km)s km, høyst %(max)s km)",
            km=_number(p.get("distance_km")),
            max=p.get("max_distance_km"),
        )
    return None


def explanation(reasons: list) -> list[str]:
    return [text for text in (reason_text(r) for r in reasons or []) if text]


def factor_rows(factors: dict) -> list[tuple[str, float]]:
    return [(str(FACTOR_LABELS.get(name, name)), value) for name, value in (factors or {}).items()]
