"""Importing candidates: the caseworker's organisation's, by reference code."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import (
    Adaptation,
    Candidate,
    CandidateStatus,
    LanguageLevel,
    Occupation,
    PostalPlace,
    Role,
    Skill,
    SlotKind,
    User,
)
from webapp.services import audit, candidate_fields, matchmaking
from webapp.services import candidates as candidate_service
from webapp.services.bulk_import.columns import Column, Taxonomy
from webapp.services.errors import DomainError, NotAllowed

COLUMNS = [
    Column("reference_code", "Referansekode", "Reference code", aliases=("ref", "referanse")),
    Column("display_name", "Visningsnavn", "Display name", aliases=("navn", "name")),
    Column("programme", "Program", "Programme", kind="code"),
    Column(
        "kinds", "Ønsket type plass", "Kinds wanted", "codes", SlotKind, ("type plass", "kinds")
    ),
    Column("goals", "Mål", "Goals"),
    Column("skills", "Ferdigheter", "Skills", "codes", Skill),
    Column("experience", "Erfaring", "Experience"),
    Column("education", "Utdanning", "Education"),
    Column("occupations", "Yrker", "Occupations", "codes", Occupation, ("lærefag", "yrke")),
    Column("norwegian_level", "Norsknivå", "Norwegian level", "code", LanguageLevel),
    Column("home_postal_code", "Postnummer", "Postal code", aliases=("home postal code",)),
    Column("max_commute_km", "Maks reisevei (km)", "Max commute (km)", "int"),
    Column("hours_per_week", "Timer per uke", "Hours per week", "int"),
    Column("available_from", "Tilgjengelig fra", "Available from", "date"),
    Column(
        "adaptation_needs",
        "Behov for tilrettelegging",
        "Adaptation needs",
        "codes",
        Adaptation,
        ("tilrettelegging",),
    ),
    Column("notes", "Notater", "Notes"),
]
EXAMPLE = {
    "reference_code": "NAV-2027-001",
    "display_name": "Amina",
    "programme": "introduksjonsprogrammet",
    "kinds": "work_training; language_practice",
    "goals": "Jobbe i butikk",
    "skills": "",
    "experience": "Kassearbeid",
    "education": "",
    "occupations": "",
    "norwegian_level": "A2",
    "home_postal_code": "1470",
    "max_commute_km": "15",
    "hours_per_week": "30",
    "available_from": "2027-02-01",
    "adaptation_needs": "",
    "notes": "",
}
LIST_FIELDS = {"kinds", "skills", "occupations", "adaptation_needs"}
TAXONOMY_OF = {
    "kinds": SlotKind,
    "skills": Skill,
    "occupations": Occupation,
    "adaptation_needs": Adaptation,
}


class _Programmes(Taxonomy):
    def __init__(self):
        self.lookup = {}
        for code, label in candidate_fields.PROGRAMME_LABELS.items():
            self.lookup[code] = code
            self.lookup[str(label).lower()] = code


class CandidateImporter:
    kind = "candidates"
    title = _l("Kandidater")
    columns = COLUMNS
    required = ("reference_code", "display_name")
    key_field = "reference_code"

    def require_actor(self, actor) -> None:
        if actor is None or actor.role != Role.CASEWORKER:
            raise NotAllowed(_("Bare veiledere kan importere kandidater."))

    def taxonomy(self, column: Column) -> Taxonomy:
        return _Programmes() if column.field == "programme" else Taxonomy(column.taxonomy)

    def key(self, values: dict) -> str:
        return (values.get("reference_code") or "").lower()

    def prepare(self, actor) -> dict:
        existing = db.session.scalars(
            select(Candidate)
            .where(Candidate.organisation_id == actor.organisation_id)
            .options(*(selectinload(getattr(Candidate, name)) for name in TAXONOMY_OF))
        ).all()
        # Every taxonomy row and colleague held here: the session's identity map is weak, and
        # the service's look-ups of them would otherwise go to the database on every row.
        rows = {
            name: {row.code: row for row in db.session.scalars(select(model))}
            for name, model in TAXONOMY_OF.items()
        }
        return {
            "existing": {c.reference_code.lower(): c for c in existing},
            "codes_in_use": {c.reference_code.lower(): c.id for c in existing},
            "rows": rows,
            "keep": [
                *db.session.scalars(select(LanguageLevel)),
                *db.session.scalars(select(PostalPlace)),
                *db.session.scalars(
                    select(User).where(User.organisation_id == actor.organisation_id)
                ),
            ],
            "saved": [],
        }

    def _current(self, candidate: Candidate) -> dict:
        return {
            "reference_code": candidate.reference_code,
            "display_name": candidate.display_name,
            "caseworker_id": candidate.caseworker_id,
            "programme": candidate.programme,
            "kinds": [k.code for k in candidate.kinds],
            "goals": candidate.goals,
            "skills": [s.code for s in candidate.skills],
            "experience": candidate.experience,
            "education": candidate.education,
            "occupations": [o.code for o in candidate.occupations],
            "norwegian_level": candidate.norwegian_level,
            "home_postal_code": candidate.home_postal_code,
            "max_commute_km": candidate.max_commute_km,
            "hours_per_week": candidate.hours_per_week,
            "available_from": candidate.available_from,
            "adaptation_needs": [a.code for a in candidate.adaptation_needs],
            "notes": candidate.notes,
        }

    def validate(self, actor, context: dict, values: dict):
        existing = context["existing"].get(self.key(values))
        if existing is not None and existing.status == CandidateStatus.ARCHIVED:
            raise DomainError(
                _("En arkivert kandidat kan ikke endres. Aktiver kandidaten først."),
                "reference_code",
            )
        base = (
            self._current(existing)
            if existing
            else {"caseworker_id": actor.id, "reference_code": "", "display_name": ""}
        )
        values = _without_empty(values)
        if existing is not None:  # the code as first registered, whatever case the file uses
            values["reference_code"] = existing.reference_code
        merged = {**base, **values}
        # The taxonomy codes were checked against the same tables when the cells were read;
        # the service checks the rest, and the rows are taken from those loaded once.
        lists = {name: merged.pop(name, []) for name in TAXONOMY_OF}
        fields = candidate_fields.CandidateFields(**merged)
        checked = candidate_service.check_fields(
            actor, fields, existing, codes_in_use=context["codes_in_use"]
        )
        for name, codes in lists.items():
            checked[name] = [context["rows"][name][code] for code in codes]
        return existing, checked

    def apply(self, actor, context: dict, valid: list) -> tuple[int, int]:
        """Every valid row in one transaction; audited per candidate, like the form."""
        created, changed = [], []
        for existing, values in valid:
            if existing is None:
                candidate = Candidate(
                    organisation_id=actor.organisation_id, status=CandidateStatus.ACTIVE, **values
                )
                db.session.add(candidate)
                created.append(candidate)
                continue
            names = [
                n for n, v in values.items() if _comparable(getattr(existing, n)) != _comparable(v)
            ]
            for name in names:
                setattr(existing, name, values[name])
            if names:
                changed.append((existing, names))
        try:
            db.session.flush()
            for candidate in created:
                audit.record(actor, "candidate.created", candidate, source="import")
            for candidate, names in changed:
                audit.record(
                    actor, "candidate.updated", candidate, fields=sorted(names), source="import"
                )
            saved_ids = [c.id for c in created] + [c.id for c, _n in changed]
            audit.record(
                actor,
                "candidate.imported",
                object_type="candidate",
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
        """Re-rank the imported candidates; a failure never undoes the import."""
        ids = context["saved"]
        if not ids:
            return
        try:
            candidates = db.session.scalars(
                select(Candidate).where(
                    Candidate.id.in_(ids), Candidate.status == CandidateStatus.ACTIVE
                )
            ).all()
            matchmaking.refresh_for_candidates(list(candidates))
        except Exception:  # noqa: BLE001 - the nightly rebuild catches up
            db.session.rollback()
            import logging

            logging.getLogger("arbeidsbro").exception("re-ranking after import failed")

    def template_rows(self) -> list[list[str]]:
        return [[EXAMPLE[c.field] for c in COLUMNS]]

    def count_existing(self, actor) -> int:
        return db.session.scalar(
            select(func.count())
            .select_from(Candidate)
            .where(Candidate.organisation_id == actor.organisation_id)
        )


def _without_empty(values: dict) -> dict:
    """Cells left empty keep what the candidate has (a new one gets the form's default)."""
    return {
        name: value
        for name, value in values.items()
        if not (value in (None, "") or (name in LIST_FIELDS and value == []))
    }


def _comparable(value):
    if isinstance(value, list):  # taxonomy lists: the order in the file does not matter
        return sorted(getattr(item, "code", item) for item in value)
    return getattr(value, "id", value)
