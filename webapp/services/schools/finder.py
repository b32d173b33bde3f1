"""The company finder: employers open to schools, ranked by fit for one need.

A need is a query against employer profiles. An employer's profile text is built from its
school profile, its open slots and its sites; the text model is the matching engine's own
(``matching.text.TextModel``), fitted on the employers in the search plus the need, so a word
shared by every employer counts for little. The score adds what the school asked for in so
many words: the programme area and trades offered, the kind of cooperation, the distance from
the school and free student capacity in the need's period. Each part gives a reason.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from matching import TextModel, haversine_km
from webapp.extensions import db
from webapp.models import (
    CooperationKind,
    Occupation,
    Organisation,
    OrganisationKind,
    Partnership,
    PartnershipStatus,
    PostalPlace,
    ProgramArea,
    SchoolNeed,
    SchoolProfile,
    Site,
    Slot,
    SlotStatus,
)
from webapp.services.schools.common import overlaps, school_site

#: Weights of the parts of the score; they sum to 1, so the score stays in [0, 1].
WEIGHTS = {
    "text": 0.40,
    "program_area": 0.20,
    "trade": 0.15,
    "kind": 0.10,
    "distance": 0.10,
    "capacity": 0.05,
}
#: Distance at which the distance part reaches zero.
DISTANCE_SCALE_KM = 30.0
#: Closer than this, both addresses sit on one postal code's coordinates.
SAME_PLACE_KM = 0.05
#: Shared words shown as a reason.
MAX_SHARED_WORDS = 3


KIND_OFFERED = {
    CooperationKind.PLACEMENT: _l("tar imot elever i utplassering"),
    CooperationKind.COMPANY_VISIT: _l("tar imot bedriftsbesøk"),
    CooperationKind.GUEST_LECTURE: _l("holder gjesteforelesninger"),
    CooperationKind.ENTREPRENEURSHIP: _l("er mentor i entreprenørskap"),
}


@dataclass
class CompanyMatch:
    employer: Organisation
    score: float
    reasons: list[str]
    distance_km: float | None = None
    free: int | None = None
    offers_area: bool = False
    request: Partnership | None = None  # an open request or partnership for this need
    places: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Filters:
    program_area: str = ""
    trade: str = ""
    municipality: str = ""
    max_km: float | None = None
    only_free: bool = False


@dataclass
class _Employer:
    organisation: Organisation
    profile: SchoolProfile | None
    slots: list[Slot] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)

    def areas(self, occupations) -> set[str]:
        areas = set(self.profile.program_areas if self.profile else [])
        areas |= {
            occupations[s.occupation_code].program_area_code
            for s in self.slots
            if s.occupation_code in occupations
        }
        return areas - {None}

    def trades(self) -> set[str]:
        trades = set(self.profile.trades if self.profile else [])
        return trades | {s.occupation_code for s in self.slots if s.occupation_code}


def _open_employers() -> list[_Employer]:
    organisations = db.session.scalars(
        select(Organisation)
        .where(
            Organisation.kind == OrganisationKind.EMPLOYER,
            Organisation.in_service,
            Organisation.open_to_schools.is_(True),
        )
        .order_by(Organisation.id)
    ).all()
    ids = [o.id for o in organisations]
    profiles = {
        p.organisation_id: p
        for p in db.session.scalars(
            select(SchoolProfile).where(SchoolProfile.organisation_id.in_(ids))
        )
    }
    employers = {o.id: _Employer(o, profiles.get(o.id)) for o in organisations}
    for slot in db.session.scalars(
        select(Slot).where(Slot.organisation_id.in_(ids), Slot.status == SlotStatus.OPEN)
    ):
        employers[slot.organisation_id].slots.append(slot)
    for site in db.session.scalars(select(Site).where(Site.organisation_id.in_(ids))):
        employers[site.organisation_id].sites.append(site)
    return list(employers.values())


def accepted_students(employer_ids, start: date | None, end: date | None) -> dict[int, int]:
    """Students each employer has already agreed to take in a period overlapping [start, end]."""
    taken: dict[int, int] = defaultdict(int)
    for p in db.session.scalars(
        select(Partnership).where(
            Partnership.employer_id.in_(list(employer_ids)),
            Partnership.status == PartnershipStatus.ACCEPTED,
        )
    ):
        if overlaps(p.period_start, p.period_end, start, end):
            taken[p.employer_id] += p.students
    return taken


def free_capacity(profile: SchoolProfile | None, taken: int, start, end) -> int | None:
    """Students the employer can still take in the period: None without a profile, 0 in a
    blackout (a period the employer cannot take students)."""
    if profile is None:
        return None
    for blackout in profile.blackouts or []:
        b_start, b_end = (date.fromisoformat(d) if d else None for d in blackout)
        if overlaps(b_start, b_end, start, end):
            return 0
    return max(profile.students_per_period - taken, 0)


def _texts(employers, occupations, areas) -> list[str]:
    texts = []
    for e in employers:
        parts = [e.organisation.name, e.organisation.description]
        if e.profile:
            parts.append(e.profile.description)
            parts += [areas[c] for c in e.profile.program_areas if c in areas]
            parts += [occupations[c].text for c in e.profile.trades if c in occupations]
        for slot in e.slots:
            parts += [slot.title, slot.description]
            if slot.occupation_code in occupations:
                parts.append(occupations[slot.occupation_code].text)
        texts.append(" ".join(p for p in parts if p))
    return texts


def need_text(need: SchoolNeed, occupations, areas) -> str:
    parts = [need.title, need.description, need.requirements, areas.get(need.program_area_code)]
    parts += [occupations[c].text for c in need.trades or [] if c in occupations]
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class _Occupation:
    label: str
    program_area_code: str | None
    text: str


def _taxonomy():
    occupations = {
        o.code: _Occupation(o.label, o.program_area_code, f"{o.name_nb} {o.description_nb}")
        for o in db.session.scalars(select(Occupation))
    }
    # Norwegian text only: the shared words shown as a reason should be the reader's words.
    areas = {a.code: a.name_nb for a in db.session.scalars(select(ProgramArea))}
    area_labels = {a.code: a.label for a in db.session.scalars(select(ProgramArea))}
    return occupations, areas, area_labels


def _weeks(start: date | None, end: date | None) -> str:
    if start is None or end is None:
        return ""
    first, last = start.isocalendar().week, end.isocalendar().week
    return str(first) if first == last else f"{first}–{last}"


def _shared_words(model: TextModel, query: str, text: str) -> list[str]:
    mine = model.word_terms(query)
    theirs = model.word_terms(text)
    shared = sorted(set(mine) & set(theirs), key=lambda s: -mine[s][1])
    # Two stems can come from one written word ("murer" as a word and as part of a compound):
    # each word is named once.
    words = list(dict.fromkeys(mine[s][0] for s in shared))
    return words[:MAX_SHARED_WORDS]


def find_companies(need: SchoolNeed, filters: Filters = Filters()) -> list[CompanyMatch]:
    """Employers open to schools that pass ``filters``, best fit for ``need`` first."""
    occupations, area_texts, area_labels = _taxonomy()
    employers = _open_employers()
    places = {
        p.postal_code: p
        for p in db.session.scalars(
            select(PostalPlace).where(
                PostalPlace.postal_code.in_({s.postal_code for e in employers for s in e.sites})
            )
        )
    }
    origin = school_site(need.school)
    taken = accepted_students(
        [e.organisation.id for e in employers], need.period_start, need.period_end
    )
    open_requests = {
        p.employer_id: p
        for p in db.session.scalars(
            select(Partnership).where(
                Partnership.school_need_id == need.id,
                Partnership.status.in_([PartnershipStatus.REQUESTED, PartnershipStatus.ACCEPTED]),
            )
        )
    }

    rows = []
    for e in employers:
        municipalities = {
            places[s.postal_code].municipality for s in e.sites if s.postal_code in places
        }
        distance = None
        located = [(s.latitude, s.longitude) for s in e.sites if s.latitude is not None]
        if origin is not None and located:
            distance = float(
                np.min(
                    haversine_km(np.array([(origin.latitude, origin.longitude)]), np.array(located))
                )
            )
        free = free_capacity(
            e.profile, taken.get(e.organisation.id, 0), need.period_start, need.period_end
        )
        if filters.program_area and filters.program_area not in e.areas(occupations):
            continue
        if filters.trade and filters.trade not in e.trades():
            continue
        if filters.municipality and filters.municipality not in municipalities:
            continue
        if filters.max_km is not None and (distance is None or distance > filters.max_km):
            continue
        if filters.only_free and not free:
            continue
        rows.append((e, distance, free, sorted(municipalities)))
    if not rows:
        return []

    query = need_text(need, occupations, area_texts)
    texts = _texts([row[0] for row in rows], occupations, area_texts)
    model = TextModel()
    vectors = model.fit_transform([*texts, query])
    similarity = np.asarray((vectors[:-1] @ vectors[-1].T).todense()).ravel()

    matches = []
    wanted_trades = set(need.trades or [])
    for (e, distance, free, municipalities), text, sim in zip(rows, texts, similarity, strict=True):
        reasons = []
        parts = {"text": float(np.clip(sim, 0.0, 1.0))}
        offers_area = need.program_area_code in e.areas(occupations)
        parts["program_area"] = float(offers_area)
        if offers_area:
            reasons.append(_("tilbyr %(area)s", area=area_labels.get(need.program_area_code)))
        trades = sorted(wanted_trades & e.trades())
        parts["trade"] = len(trades) / len(wanted_trades) if wanted_trades else 0.0
        for code in trades:
            reasons.append(_("tilbyr lærefaget %(trade)s", trade=occupations[code].label))
        if distance is not None:
            parts["distance"] = max(0.0, 1.0 - distance / DISTANCE_SCALE_KM)
            reasons.append(
                _("samme postnummerområde som skolen")
                if distance < SAME_PLACE_KM
                else _("%(km)s km", km=format_decimal(round(distance, 1), "#,##0.0"))
            )
        if free is not None:
            parts["capacity"] = min(free / need.students, 1.0) if need.students else 0.0
            if free:
                reasons.append(
                    ngettext(
                        "kan ta %(num)d elev i uke %(weeks)s",
                        "kan ta %(num)d elever i uke %(weeks)s",
                        free,
                        weeks=_weeks(need.period_start, need.period_end),
                    )
                )
            else:
                reasons.append(_("har ikke plass i perioden"))
        offered_kinds = set(e.profile.kinds) if e.profile else set()
        parts["kind"] = float(need.kind in offered_kinds)
        if need.kind in offered_kinds:
            reasons.append(str(KIND_OFFERED.get(need.kind, need.kind)))
        shared = _shared_words(model, query, text)
        if shared:
            reasons.append(_("felles ord: %(words)s", words=", ".join(shared)))
        score = sum(WEIGHTS[name] * value for name, value in parts.items())
        matches.append(
            CompanyMatch(
                employer=e.organisation,
                score=round(score, 4),
                reasons=reasons,
                distance_km=distance,
                free=free,
                offers_area=offers_area,
                request=open_requests.get(e.organisation.id),
                places=municipalities,
            )
        )
    matches.sort(key=lambda m: (-m.score, m.employer.name))
    return matches
