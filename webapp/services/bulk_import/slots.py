"""Importing slots: an employer's, as drafts, by the employer's own reference code."""

from __future__ import annotations

import logging

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import (
    Adaptation,
    LanguageLevel,
    Occupation,
    Role,
    Site,
    Skill,
    Slot,
    SlotKind,
    SlotStatus,
)
from webapp.services import audit, matchmaking
from webapp.services import slots as slot_service
from webapp.services.bulk_import import RowInvalid
from webapp.services.bulk_import.columns import Column, Taxonomy
from webapp.services.errors import DomainError, NotAllowed

log = logging.getLogger("arbeidsbro")

COLUMNS = [
    Column("reference_code", "Referansekode", "Reference code", aliases=("ref", "referanse")),
    Column("kind", "Type plass", "Kind", "code", SlotKind, ("type",)),
    Column("title", "Tittel", "Title"),
    Column("occupation_code", "Lærefag eller yrke", "Occupation", "code", Occupation, ("yrke",)),
    Column("description", "Beskrivelse", "Description"),
    Column("skills", "Ferdigheter", "Skills", "codes", Skill),
    Column("extra_skills", "Andre ferdigheter", "Other skills"),
    Column(
        "norwegian_level",
        "Krav til norsknivå",
        "Norwegian level required",
        "code",
        LanguageLevel,
        ("norsknivå", "norwegian level"),
    ),
    Column("site", "Arbeidssted", "Site", aliases=("sted", "workplace")),
    Column("hours_per_week", "Timer per uke", "Hours per week", "int"),
    Column("start_date", "Startdato", "Start date", "date"),
    Column("end_date", "Sluttdato", "End date", "date"),
    Column("capacity", "Antall plasser", "Capacity", "int", aliases=("plasser", "places")),
    Column("adaptations", "Tilrettelegging", "Adaptations", "codes", Adaptation),
    Column("contact_name", "Kontaktperson", "Contact person", aliases=("contact name",)),
]
REQUIRED = (
    "reference_code",
    "kind",
    "title",
    "description",
    "site",
    "hours_per_week",
    "start_date",
)
EXAMPLE = {
    "reference_code": "LAGER-2027-1",
    "kind": "work_training",
    "title": "Lagermedarbeider",
    "occupation_code": "",
    "description": "Plukk, pakk og varemottak.",
    "skills": "",
    "extra_skills": "truckførerbevis",
    "norwegian_level": "A2",
    "site": "",
    "hours_per_week": "30",
    "start_date": "2027-02-01",
    "end_date": "",
    "capacity": "2",
    "adaptations": "",
    "contact_name": "",
}
MAX_EXTRA_SKILLS = 10


class SlotImporter:
    kind = "slots"
    title = _l("Plasser")
    columns = COLUMNS
    required = REQUIRED
    key_field = "reference_code"

    def require_actor(self, actor) -> None:
        if actor is None or actor.role != Role.EMPLOYER:
            raise NotAllowed(_("Bare arbeidsgivere kan importere plasser."))

    def taxonomy(self, column: Column) -> Taxonomy:
        return Taxonomy(column.taxonomy)

    def key(self, values: dict) -> str:
        return (values.get("reference_code") or "").lower()

    def prepare(self, actor) -> dict:
        slots = db.session.scalars(
            select(Slot).where(
                Slot.organisation_id == actor.organisation_id, Slot.reference_code.is_not(None)
            )
        ).all()
        sites = slot_service.organisation_sites(actor.organisation_id)
        by_name: dict[str, Site] = {}
        for site in sites:
            by_name.setdefault(site.name.strip().lower(), site)
            by_name.setdefault(str(site.id), site)
        return {
            "existing": {s.reference_code.lower(): s for s in slots},
            "sites": by_name,
            "only_site": sites[0] if len(sites) == 1 else None,
            "saved": [],
        }

    def validate(self, actor, context: dict, values: dict):
        errors = []
        existing = context["existing"].get(self.key(values))
        for name in REQUIRED:
            if name == "site" and context["only_site"] is not None:
                continue
            if values.get(name) in (None, "", []) and existing is None:
                errors.append((name, _("Må fylles ut.")))
        site_name = (values.get("site") or "").strip().lower()
        site = context["sites"].get(site_name) if site_name else None
        if site_name and site is None:
            errors.append(("site", _("Ukjent arbeidssted. Bruk navnet på et av stedene deres.")))
        reference = values.get("reference_code") or ""
        if len(reference) > 40 or not all(ch.isalnum() or ch in "._/-" for ch in reference):
            errors.append(("reference_code", _("Bruk bare bokstaver, tall og tegnene . _ / -.")))
        extra = [tag.strip()[:60] for tag in (values.get("extra_skills") or "").split(",")]
        extra = list(dict.fromkeys(tag for tag in extra if tag))
        if len(extra) > MAX_EXTRA_SKILLS:
            errors.append(("extra_skills", _("Høyst 10 andre ferdigheter.")))
        for name, limit in (("title", 200), ("description", 5000), ("contact_name", 200)):
            if len(values.get(name) or "") > limit:
                errors.append((name, _("Skriv høyst %(max)d tegn.", max=limit)))
        for name, low, high in (
            ("hours_per_week", slot_service.MIN_HOURS, slot_service.MAX_HOURS),
            ("capacity", slot_service.MIN_CAPACITY, slot_service.MAX_CAPACITY),
        ):
            value = values.get(name)
            if value is not None and not low <= value <= high:
                errors.append(
                    (name, _("Skriv et tall fra %(min)s til %(max)s.", min=low, max=high))
                )
        if errors:
            raise RowInvalid(errors)
        current = _current(existing) if existing is not None else {}
        site_id = (
            site.id
            if site is not None
            else current.get("site_id")
            or (context["only_site"].id if context["only_site"] else None)
        )
        merged = {
            "kind": values.get("kind") or current.get("kind"),
            "title": values.get("title") or current.get("title", ""),
            "occupation_code": values.get("occupation_code") or current.get("occupation_code"),
            "description": values.get("description") or current.get("description", ""),
            "skills": values.get("skills") or current.get("skills", []),
            "extra_skills": extra or current.get("extra_skills", []),
            "norwegian_level": values.get("norwegian_level")
            or current.get("norwegian_level", "none"),
            "site_id": site_id,
            "hours_per_week": values.get("hours_per_week") or current.get("hours_per_week"),
            "start_date": values.get("start_date") or current.get("start_date"),
            "end_date": values.get("end_date") or current.get("end_date"),
            "capacity": values.get("capacity") or current.get("capacity", 1),
            "adaptations": values.get("adaptations") or current.get("adaptations", []),
            "contact_name": values.get("contact_name") or current.get("contact_name", ""),
        }
        fields = slot_service.SlotFields(**merged)
        if existing is not None:
            if existing.status == SlotStatus.CLOSED:
                raise DomainError(
                    _("En lukket plass kan ikke endres. Lag en kopi i stedet."), "reference_code"
                )
        elif fields.start_date and fields.end_date and fields.end_date <= fields.start_date:
            raise DomainError(_("Sluttdato må være etter startdato."), "end_date")
        return existing, reference, fields

    def apply(self, actor, context: dict, valid: list) -> tuple[int, int]:
        created, changed = [], []
        for existing, reference, fields in valid:
            slot = existing or Slot(
                organisation_id=actor.organisation_id,
                created_by_id=actor.id,
                status=SlotStatus.DRAFT,
                reference_code=reference,
            )
            before = _current(existing) if existing is not None else None
            slot_service.apply_fields(actor, slot, fields)  # the slot form's rules
            if existing is None:
                db.session.add(slot)
                created.append(slot)
            elif _current(slot) != before:  # (autoflush may have written it already)
                changed.append(slot)
        try:
            db.session.flush()
            for slot in created:
                audit.record(actor, "slot.created", slot, source="import")
            for slot in changed:
                audit.record(actor, "slot.updated", slot, source="import")
            saved_ids = [s.id for s in changed if s.status == SlotStatus.OPEN]
            audit.record(
                actor,
                "slot.imported",
                object_type="slot",
                created=len(created),
                updated=len(changed),
            )
            db.session.commit()
        except IntegrityError as error:
            db.session.rollback()
            raise DomainError(
                _("Noen andre registrerte en av referansekodene samtidig. Prøv igjen."),
                "reference_code",
            ) from error
        context["saved"] = saved_ids
        return len(created), len(changed)

    def after_save(self, context: dict) -> None:
        """New slots are drafts (not ranked); changed open slots are re-ranked."""
        for slot_id in context["saved"]:
            slot = db.session.get(Slot, slot_id)
            if slot is not None:
                matchmaking.refresh_after_save(slot=slot)

    def template_rows(self) -> list[list[str]]:
        return [[EXAMPLE[c.field] for c in COLUMNS]]


def _current(slot: Slot) -> dict:
    return {
        "kind": slot.kind,
        "title": slot.title,
        "occupation_code": slot.occupation_code,
        "description": slot.description,
        "skills": [s.code for s in slot.skills],
        "extra_skills": list(slot.extra_skills or []),
        "norwegian_level": slot.norwegian_level,
        "site_id": slot.site_id,
        "hours_per_week": slot.hours_per_week,
        "start_date": slot.start_date,
        "end_date": slot.end_date,
        "capacity": slot.capacity,
        "adaptations": [a.code for a in slot.adaptations],
        "contact_name": slot.contact_name,
    }
