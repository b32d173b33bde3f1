"""Readable explanations of the engine's reasons and factors, in the user's language."""

from __future__ import annotations

from flask import g
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Adaptation, Occupation, Skill
from webapp.services import taxonomy
from webapp.ui.labels import decimal, level_label, percent, slot_kind_label

FACTOR_LABELS = {
    "text_similarity": _l("Tekstlikhet"),
    "skill_overlap": _l("Felles ferdigheter"),
    "occupation_match": _l("Ønsket yrke"),
    "hours_fit": _l("Arbeidstid"),
    "start_fit": _l("Oppstart"),
    "distance_decay": _l("Reisevei"),
}


def _number(value) -> str:
    """37.0 → "37", 3.14 → "3,1" (bokmål) or "3.1" (English); a dash for none."""
    return "–" if value is None else decimal(float(value))


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
        if model is Occupation:  # 3,000 of them: kept by the process, asked for once a request
            cache[model] = taxonomy.occupation_labels()
        else:
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
        return _("Teksten ligner (%(pct)s)", pct=percent(p.get("similarity", 0))) + (
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


def headline(reasons: list) -> str | None:
    """The one reason said first: the strongest positive reason (the engine sorts them)."""
    for reason in reasons or []:
        if reason.get("key") in POSITIVE:
            return reason_text(reason)
    return None


#: Reasons for a match (the engine lists them strongest first); the rest say what is missing.
POSITIVE = (
    "occupation_match",
    "occupation_concept",
    "shared_skills",
    "similar_text",
    "hours_fit",
    "start_fit",
    "distance",
)


def _distance_words(km: float, max_km) -> str:
    if not max_km:
        return _("%(km)s km", km=_number(km))
    if km <= max_km / 2:
        return _("%(km)s km – godt innenfor %(max)s km", km=_number(km), max=_number(max_km))
    if km <= max_km:
        return _("%(km)s km – innenfor %(max)s km", km=_number(km), max=_number(max_km))
    return _("%(km)s km – over %(max)s km", km=_number(km), max=_number(max_km))


def factor_lines(reasons: list, max_km=None) -> list[tuple[str, str]]:
    """(factor, plain words) per factor the engine weighed: "Ønsket yrke" → "passer".

    Read from the reasons, which carry the factors' own values (km, hours, shared skills), not
    from the weighted contributions, which only make sense next to each other.
    """
    by_key = {r.get("key"): r.get("params", {}) for r in reasons or []}
    lines = []
    if "occupation_match" in by_key or "occupation_concept" in by_key:
        lines.append((FACTOR_LABELS["occupation_match"], _("passer")))
    shared, missing = by_key.get("shared_skills"), by_key.get("missing_skills")
    if shared or missing:
        have = (shared or {}).get("count", len((shared or {}).get("skills", [])))
        lack = (missing or {}).get("count", len((missing or {}).get("skills", [])))
        lines.append(
            (FACTOR_LABELS["skill_overlap"], _("%(n)d av %(total)d", n=have, total=have + lack))
        )
    if "similar_text" in by_key:
        similarity = by_key["similar_text"].get("similarity", 0)
        lines.append((FACTOR_LABELS["text_similarity"], percent(similarity)))
    for key, good in (("hours_fit", True), ("hours_differ", False)):
        if key in by_key:
            p = by_key[key]
            words = _(
                "%(c)s t mot %(s)s t per uke",
                c=_number(p.get("candidate_hours")),
                s=_number(p.get("slot_hours")),
            )
            verdict = _("passer") if good else _("ulik")
            lines.append((FACTOR_LABELS["hours_fit"], f"{words} – {verdict}"))
    for key, good in (("start_fit", True), ("start_differs", False)):
        if key in by_key:
            day = _date(by_key[key].get("start_date"))
            verdict = _("passer") if good else _("passer dårlig")
            lines.append((FACTOR_LABELS["start_fit"], f"{day} – {verdict}"))
    if "distance" in by_key and by_key["distance"].get("distance_km") is not None:
        km = float(by_key["distance"]["distance_km"])
        lines.append((FACTOR_LABELS["distance_decay"], _distance_words(km, max_km)))
    return [(str(label), text) for label, text in lines]
