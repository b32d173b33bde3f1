"""One function per dashboard figure. Each is a few grouped SQL queries, never a loop over rows.

Counts of people (placements, suggestions, proposals, students) under ``SUPPRESS_BELOW`` are
suppressed, and so are the shares and medians built on them; places and slots are not people.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, case, cast, func, select

from webapp.extensions import db
from webapp.models import (
    OCCUPYING_STATUSES,
    Candidate,
    Organisation,
    OrganisationKind,
    Partnership,
    PartnershipStatus,
    Placement,
    PlacementOutcome,
    PlacementStatus,
    ProgramArea,
    SchoolNeed,
    Slot,
    SlotKind,
    SlotStatus,
    Suggestion,
    SuggestionStatus,
)
from webapp.services.stats.filters import (
    MUNICIPALITY,
    ORGANISATION,
    PERIOD,
    SLOT_KIND,
    Filters,
)
from webapp.services.stats.sql import days_between, driving, median_map, month_of
from webapp.services.stats.tables import Column, Table, median_over, share, suppress

TOTAL = "*"
WORK = (PlacementOutcome.EMPLOYMENT, PlacementOutcome.APPRENTICESHIP_CONTRACT)
EDUCATION = (PlacementOutcome.EDUCATION, PlacementOutcome.FURTHER_TRAINING)
ENDED = (PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY)
STARTED = (PlacementStatus.ACTIVE, *ENDED)
APPROVED_OR_LATER = (
    SuggestionStatus.APPROVED,
    SuggestionStatus.PROPOSED,
    SuggestionStatus.ACCEPTED,
    SuggestionStatus.DECLINED,
    SuggestionStatus.WITHDRAWN,
)
ANSWERED = (SuggestionStatus.ACCEPTED, SuggestionStatus.DECLINED)
CASEWORKER_KINDS = {
    OrganisationKind.NAV_OFFICE: _l("NAV-kontor"),
    OrganisationKind.REFUGEE_SERVICE: _l("Flyktningtjenesten"),
}
SCORE_BANDS = [(0.2, "0–20"), (0.4, "20–40"), (0.6, "40–60"), (0.8, "60–80"), (None, "80–100")]


def _kinds() -> list[SlotKind]:
    return db.session.scalars(select(SlotKind).order_by(SlotKind.sort_order)).all()


def _count_where(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _placement_date():
    return func.coalesce(Placement.start_date, func.date(Placement.created_at))


def _slot_date():
    return func.coalesce(Slot.start_date, func.date(Slot.created_at))


def _offered_stmt(filters: Filters, group):
    return (
        select(group, func.coalesce(func.sum(Slot.capacity), 0))
        .where(Slot.status != SlotStatus.DRAFT, *filters.period(_slot_date()))
        .where(*filters.slots(Slot.id))
        .group_by(group)
    )


def _filled_stmt(filters: Filters, group):
    return (
        select(group, func.count(Placement.id))
        .join(Slot, Slot.id == driving(Placement.slot_id))
        .where(*filters.period(_placement_date()))
        .where(*filters.matches(Placement.slot_id, Placement.candidate_id))
        .group_by(group)
    )


def _places_columns(first: Column) -> list[Column]:
    return [
        first,
        Column("offered", _l("Plasser tilbudt"), "places"),
        Column("filled", _l("Plasser fylt"), "count"),
        Column("fill_rate", _l("Andel fylt (%)"), "rate"),
    ]


def places_by_kind(filters: Filters) -> Table:
    offered = dict(db.session.execute(_offered_stmt(filters, Slot.kind)).all())
    filled = dict(db.session.execute(_filled_stmt(filters, Slot.kind)).all())
    rows = []
    for kind in _kinds():
        if filters.slot_kind and kind.code != filters.slot_kind:
            continue
        places, people = int(offered.get(kind.code, 0)), suppress(filled.get(kind.code, 0))
        rows.append([kind.label, places, people, share(people, places)])
    return Table(
        "places_by_kind",
        _l("Plasser tilbudt og fylt, etter type plass"),
        _l(
            "Tilbudt: kapasiteten til publiserte plasser som starter i perioden. Fylt: "
            "praksisplasser som starter i perioden."
        ),
        _places_columns(Column("kind", _l("Type plass"), "label")),
        rows,
        chart=["offered", "filled"],
        ignores=[ORGANISATION] if filters.on_candidate_side else [],
    )


def places_by_month(filters: Filters) -> Table:
    offered = dict(db.session.execute(_offered_stmt(filters, month_of(_slot_date()))).all())
    filled = dict(db.session.execute(_filled_stmt(filters, month_of(_placement_date()))).all())
    rows = []
    for month in sorted(set(offered) | set(filled)):
        places, people = int(offered.get(month, 0)), suppress(filled.get(month, 0))
        rows.append([month, places, people, share(people, places)])
    return Table(
        "places_by_month",
        _l("Plasser tilbudt og fylt, etter måned"),
        _l("Måneden plassen eller praksisplassen starter."),
        _places_columns(Column("month", _l("Måned"), "label")),
        rows,
        chart=["offered", "filled"],
        ignores=[ORGANISATION] if filters.on_candidate_side else [],
    )


def free_capacity(filters: Filters) -> Table:
    taken = (
        select(Placement.slot_id, func.count().label("taken"))
        .where(Placement.status.in_(OCCUPYING_STATUSES))
        .group_by(Placement.slot_id)
        .subquery()
    )
    free = func.max(Slot.capacity - func.coalesce(taken.c.taken, 0), 0)
    if db.session.get_bind().dialect.name == "postgresql":
        free = func.greatest(Slot.capacity - func.coalesce(taken.c.taken, 0), 0)
    stmt = (
        select(Slot.kind, func.count(Slot.id), func.coalesce(func.sum(free), 0))
        .outerjoin(taken, taken.c.slot_id == Slot.id)
        .where(Slot.status == SlotStatus.OPEN, *filters.slots(Slot.id))
        .group_by(Slot.kind)
    )
    found = {kind: (slots, int(places)) for kind, slots, places in db.session.execute(stmt)}
    rows = []
    for kind in _kinds():
        if filters.slot_kind and kind.code != filters.slot_kind:
            continue
        slots, places = found.get(kind.code, (0, 0))
        rows.append([kind.label, slots, places])
    return Table(
        "free_capacity",
        _l("Ledig kapasitet nå"),
        _l("Åpne plasser og hvor mange ledige plasser de har i dag."),
        [
            Column("kind", _l("Type plass"), "label"),
            Column("open_slots", _l("Åpne utlysninger"), "places"),
            Column("free_places", _l("Ledige plasser"), "places"),
        ],
        rows,
        chart=["free_places"],
        ignores=sorted({PERIOD} | ({ORGANISATION} if filters.on_candidate_side else set())),
    )


def funnel(filters: Filters) -> Table:
    stmt = (
        select(
            func.count(Suggestion.id),
            _count_where(Suggestion.status.in_(APPROVED_OR_LATER)),
            _count_where(Suggestion.proposed_at.is_not(None)),
            _count_where(Suggestion.status == SuggestionStatus.ACCEPTED),
            _count_where(Placement.status.in_(STARTED)),
            _count_where(Placement.status == PlacementStatus.COMPLETED),
        )
        .select_from(Suggestion)
        .outerjoin(Placement, Placement.suggestion_id == Suggestion.id)
        .where(*filters.period(Suggestion.created_at))
        .where(*filters.matches(Suggestion.slot_id, Suggestion.candidate_id))
    )
    counts = db.session.execute(stmt).one()
    labels = [
        _l("Foreslått av modellen"),
        _l("Godkjent av saksbehandler"),
        _l("Sendt til arbeidsgiver"),
        _l("Akseptert av arbeidsgiver"),
        _l("Startet"),
        _l("Fullført"),
    ]
    first = suppress(counts[0])
    rows = [
        [label, suppress(count), share(suppress(count), first)]
        for label, count in zip(labels, counts, strict=True)
    ]
    return Table(
        "funnel",
        _l("Fra forslag til fullført praksis"),
        _l("Forslag laget i perioden, og hvor langt de er kommet."),
        [
            Column("stage", _l("Steg"), "label"),
            Column("pairs", _l("Antall"), "count"),
            Column("of_suggested", _l("Andel av forslagene (%)"), "rate"),
        ],
        rows,
        chart=["pairs"],
    )


def employer_answers(filters: Filters) -> Table:
    proposed = [
        Suggestion.proposed_at.is_not(None),
        Suggestion.status != SuggestionStatus.WITHDRAWN,
        *filters.period(Suggestion.proposed_at),
        *filters.matches(Suggestion.slot_id, Suggestion.candidate_id),
    ]
    answered = Suggestion.answered_at.is_not(None) & Suggestion.status.in_(ANSWERED)

    stmt = (
        select(Slot.kind, func.count(Suggestion.id), _count_where(answered))
        .join(Slot, Slot.id == driving(Suggestion.slot_id))
        .where(*proposed)
        .group_by(Slot.kind)
    )
    by_kind = {g: (n, a) for g, n, a in db.session.execute(stmt)}
    # The total row adds up the kinds' counts (a handful of numbers, before suppression).
    total = {TOTAL: tuple(sum(column) for column in zip(*by_kind.values(), strict=True))}
    wait = days_between(Suggestion.answered_at, Suggestion.proposed_at).label("v")
    waits = (
        select(wait).join(Slot, Slot.id == driving(Suggestion.slot_id)).where(*proposed, answered)
    )
    medians = median_map(waits.add_columns(Slot.kind.label("g"))) | median_map(
        waits, grouped=False, total_key=TOTAL
    )
    rows = []
    for code, label in [(k.code, k.label) for k in _kinds()] + [(TOTAL, _l("Alle typer"))]:
        if code not in by_kind and not (code == TOTAL and by_kind):
            continue
        sent, done = (total if code == TOTAL else by_kind)[code]
        sent, done = suppress(sent), suppress(done)
        median, people = medians.get(code, (None, 0))
        rows.append([label, sent, done, share(done, sent), median_over(median, people)])
    return Table(
        "employer_answers",
        _l("Arbeidsgivernes svar"),
        _l("Forslag sendt til arbeidsgiver i perioden: hvor mange som fikk svar, og hvor fort."),
        [
            Column("kind", _l("Type plass"), "label"),
            Column("proposed", _l("Sendt"), "count"),
            Column("answered", _l("Besvart"), "count"),
            Column("answer_rate", _l("Svarandel (%)"), "rate"),
            Column("median_days", _l("Svartid, median (dager)"), "days"),
        ],
        rows,
        chart=["answer_rate"],
    )


def days_to_placement(filters: Filters) -> Table:
    where = [
        *filters.period(Placement.created_at),
        *filters.matches(Placement.slot_id, Placement.candidate_id),
    ]

    base = (
        select(days_between(Placement.created_at, Candidate.created_at).label("v"))
        .join(Candidate, Candidate.id == driving(Placement.candidate_id))
        .join(Organisation, Organisation.id == Candidate.organisation_id)
        .where(*where)
    )
    found = median_map(base.add_columns(Organisation.kind.label("g"))) | median_map(
        base, grouped=False, total_key=TOTAL
    )
    rows = []
    for code, label in [*CASEWORKER_KINDS.items(), (TOTAL, _l("Alle"))]:
        median, people = found.get(code, (None, 0))
        rows.append([label, suppress(people), median_over(median, people, 0)])
    return Table(
        "days_to_placement",
        _l("Dager fra registrering til praksisplass"),
        _l("Median antall dager fra kandidaten ble registrert til praksisplassen ble avtalt."),
        [
            Column("organisation_kind", _l("Kandidatens organisasjon"), "label"),
            Column("placements", _l("Praksisplasser"), "count"),
            Column("median_days", _l("Median (dager)"), "days"),
        ],
        rows,
        chart=["median_days"],
    )


def _outcome_rows(filters: Filters, group, join_candidate: bool):
    stmt = (
        select(
            group,
            func.count(Placement.id),
            _count_where(Placement.outcome.in_(WORK)),
            _count_where(Placement.outcome.in_(EDUCATION)),
        )
        .join(Slot, Slot.id == driving(Placement.slot_id))
        .where(Placement.status.in_(ENDED))
        .where(*filters.period(func.coalesce(Placement.end_date, func.date(Placement.updated_at))))
        .where(*filters.matches(Placement.slot_id, Placement.candidate_id))
        .group_by(group)
    )
    if join_candidate:
        stmt = stmt.join(Candidate, Candidate.id == driving(Placement.candidate_id)).join(
            Organisation, Organisation.id == Candidate.organisation_id
        )
    return {g: (n, w, e) for g, n, w, e in db.session.execute(stmt)}


def _outcome_row(label, counts) -> list:
    ended, work, education = (suppress(c) for c in counts)
    either = None if work is None or education is None else work + education
    return [label, ended, work, education, share(either, ended)]


def _outcome_columns(first: Column) -> list[Column]:
    return [
        first,
        Column("ended", _l("Avsluttet"), "count"),
        Column("work", _l("I arbeid"), "count"),
        Column("education", _l("I utdanning"), "count"),
        Column("work_or_education", _l("Andel i arbeid eller utdanning (%)"), "rate"),
    ]


OUTCOME_TEXT = _l(
    "Fullførte og tidlig avsluttede praksisplasser. Arbeid: fast eller midlertidig jobb, "
    "lærekontrakt. Utdanning: utdanning, videre tiltak eller opplæring."
)


def outcomes_by_kind(filters: Filters) -> Table:
    found = _outcome_rows(filters, Slot.kind, False)
    rows = [
        _outcome_row(kind.label, found.get(kind.code, (0, 0, 0)))
        for kind in _kinds()
        if not filters.slot_kind or kind.code == filters.slot_kind
    ]
    return Table(
        "outcomes_by_kind",
        _l("Utfall etter type plass"),
        OUTCOME_TEXT,
        _outcome_columns(Column("kind", _l("Type plass"), "label")),
        rows,
        chart=["work_or_education"],
    )


def outcomes_by_organisation_kind(filters: Filters) -> Table:
    found = _outcome_rows(filters, Organisation.kind, True)
    rows = [
        _outcome_row(label, found.get(code, (0, 0, 0))) for code, label in CASEWORKER_KINDS.items()
    ]
    return Table(
        "outcomes_by_organisation_kind",
        _l("Utfall etter kandidatens organisasjon"),
        OUTCOME_TEXT,
        _outcome_columns(Column("organisation_kind", _l("Kandidatens organisasjon"), "label")),
        rows,
        chart=["work_or_education"],
    )


def school_needs(filters: Filters) -> Table:
    met = (
        select(Partnership.id)
        .where(
            Partnership.school_need_id == SchoolNeed.id,
            Partnership.status.in_([PartnershipStatus.ACCEPTED, PartnershipStatus.ENDED]),
        )
        .exists()
    )
    where = filters.period(func.coalesce(SchoolNeed.period_start, func.date(SchoolNeed.created_at)))
    if filters.on_school_side:
        where.append(SchoolNeed.organisation_id == filters.organisation_id)
    elif filters.on_slot_side:  # the needs this employer has taken on
        partnered = select(Partnership.school_need_id).where(
            Partnership.employer_id == filters.organisation_id
        )
        where.append(SchoolNeed.id.in_(partnered))
    if filters.municipality:
        where.append(
            SchoolNeed.organisation_id.in_(
                select(Organisation.id).where(Organisation.municipality == filters.municipality)
            )
        )
    stmt = (
        select(
            SchoolNeed.program_area_code,
            func.count(SchoolNeed.id),
            _count_where(met),
            func.coalesce(func.sum(case((~met, SchoolNeed.students), else_=0)), 0),
        )
        .where(SchoolNeed.status != "draft", *where)
        .group_by(SchoolNeed.program_area_code)
    )
    found = {code: (n, m, s) for code, n, m, s in db.session.execute(stmt)}
    rows = []
    for area in db.session.scalars(select(ProgramArea).order_by(ProgramArea.name_nb)):
        needs, done, students = found.get(area.code, (0, 0, 0))
        rows.append([area.label, needs, done, needs - done, suppress(students)])
    return Table(
        "school_needs",
        _l("Skolenes behov, dekket og udekket"),
        _l("Behov for utplassering etter utdanningsprogram. Dekket: et avtalt partnerskap."),
        [
            Column("program_area", _l("Utdanningsprogram"), "label"),
            Column("needs", _l("Behov"), "places"),
            Column("met", _l("Dekket"), "places"),
            Column("unmet", _l("Udekket"), "places"),
            Column("students_unmet", _l("Elever uten plass"), "count"),
        ],
        rows,
        chart=["met", "unmet"],
        ignores=[SLOT_KIND] + ([ORGANISATION] if filters.on_candidate_side else []),
    )


def acceptance_by_score(filters: Filters) -> Table:
    band = case(
        *[(Suggestion.score < upper, index) for index, (upper, _) in enumerate(SCORE_BANDS[:-1])],
        else_=len(SCORE_BANDS) - 1,
    )
    stmt = (
        select(
            cast(band, Integer),
            func.count(Suggestion.id),
            _count_where(Suggestion.status == SuggestionStatus.ACCEPTED),
        )
        .where(Suggestion.status.in_(ANSWERED), *filters.period(Suggestion.proposed_at))
        .where(*filters.matches(Suggestion.slot_id, Suggestion.candidate_id))
        .group_by(band)
    )
    found = {b: (n, a) for b, n, a in db.session.execute(stmt)}
    rows = []
    for index, (_, label) in enumerate(SCORE_BANDS):
        answered, accepted = (suppress(c) for c in found.get(index, (0, 0)))
        rows.append([label, answered, accepted, share(accepted, answered)])
    return Table(
        "acceptance_by_score",
        _l("Aksept etter matchpoeng"),
        _l("Besvarte forslag etter modellens poeng (0–100): blir høye poeng oftere akseptert?"),
        [
            Column("band", _l("Poeng"), "label"),
            Column("answered", _l("Besvart"), "count"),
            Column("accepted", _l("Akseptert"), "count"),
            Column("acceptance_rate", _l("Akseptandel (%)"), "rate"),
        ],
        rows,
        chart=["acceptance_rate"],
    )


FIGURES = {
    "places_by_kind": places_by_kind,
    "places_by_month": places_by_month,
    "free_capacity": free_capacity,
    "funnel": funnel,
    "employer_answers": employer_answers,
    "days_to_placement": days_to_placement,
    "outcomes_by_kind": outcomes_by_kind,
    "outcomes_by_organisation_kind": outcomes_by_organisation_kind,
    "school_needs": school_needs,
    "acceptance_by_score": acceptance_by_score,
}

__all__ = ["FIGURES", "MUNICIPALITY", "Filters"]
