"""One function per dashboard figure (the places figures are in ``places``), each given the page's
``Scans``. Each is a grouped SQL query or two, or sums of a scan it shares: never a loop over rows.

Counts of people (placements, suggestions, proposals, students) under ``SUPPRESS_BELOW`` are
suppressed, and so are the shares and medians built on them; places and slots are not people.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, case, cast, func, select

from webapp.extensions import db
from webapp.models import (
    Organisation,
    OrganisationKind,
    Partnership,
    PartnershipStatus,
    Placement,
    PlacementStatus,
    ProgramArea,
    SchoolNeed,
    Slot,
    Suggestion,
    SuggestionStatus,
)
from webapp.services.stats.filters import MUNICIPALITY, ORGANISATION, SLOT_KIND, Filters
from webapp.services.stats.places import (
    PLACED_NONE,
    free_capacity,
    kinds,
    places_by_kind,
    places_by_month,
)
from webapp.services.stats.scans import ENDED, TOTAL, Scans, placed, totals
from webapp.services.stats.sql import (
    count_where,
    counts_and_median,
    days_between,
    driving,
)
from webapp.services.stats.tables import Column, Table, median_over, share, suppress

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


def funnel(scans: Scans) -> Table:
    filters = scans.filters
    chosen = [
        *filters.period(Suggestion.created_at),
        *filters.matches(Suggestion.slot_id, Suggestion.candidate_id),
    ]
    # One grouped pass over the suggestions (no join): the stages are sums of its groups.
    proposed = Suggestion.proposed_at.is_not(None)
    by_state = db.session.execute(
        select(Suggestion.status, proposed, func.count())
        .where(*chosen)
        .group_by(Suggestion.status, proposed)
    ).all()
    # The placements made from them, counted from the placements; the suggestions are joined
    # only when a filter chooses among them.
    placed = select(
        count_where(Placement.status.in_(STARTED)),
        count_where(Placement.status == PlacementStatus.COMPLETED),
    ).where(Placement.suggestion_id.is_not(None))
    if chosen:
        placed = placed.join(Suggestion, Suggestion.id == Placement.suggestion_id).where(*chosen)
    started, completed = db.session.execute(placed).one()
    counts = [
        sum(n for _status, _proposed, n in by_state),
        sum(n for status, _proposed, n in by_state if status in APPROVED_OR_LATER),
        sum(n for _status, was_proposed, n in by_state if was_proposed),
        sum(n for status, _proposed, n in by_state if status == SuggestionStatus.ACCEPTED),
        started,
        completed,
    ]
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


def employer_answers(scans: Scans) -> Table:
    filters = scans.filters
    proposed = [
        Suggestion.proposed_at.is_not(None),
        Suggestion.status != SuggestionStatus.WITHDRAWN,
        *filters.period(Suggestion.proposed_at),
        *filters.matches(Suggestion.slot_id, Suggestion.candidate_id),
    ]
    answered = Suggestion.answered_at.is_not(None) & Suggestion.status.in_(ANSWERED)
    wait = days_between(Suggestion.answered_at, Suggestion.proposed_at)
    base = (
        select(Slot.kind.label("g"))
        .select_from(Suggestion)
        .join(Slot, Slot.id == driving(Suggestion.slot_id))
        .where(*proposed)
    )
    found = counts_and_median(base, answered, wait, total_key=TOTAL)
    rows = []
    for code, label in [(k.code, k.label) for k in kinds()] + [(TOTAL, _l("Alle typer"))]:
        if code not in found:
            continue
        sent, done, median = found[code]
        sent, done = suppress(sent), suppress(done)
        rows.append([label, sent, done, share(done, sent), median_over(median, found[code][1])])
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


def days_to_placement(scans: Scans) -> Table:
    found = scans.once(placed).waits
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


def outcomes_by_kind(scans: Scans) -> Table:
    found = totals(scans.once(placed).counts, 0)
    rows = [
        _outcome_row(kind.label, found.get(kind.code, PLACED_NONE)[1:])
        for kind in kinds()
        if not scans.filters.slot_kind or kind.code == scans.filters.slot_kind
    ]
    return Table(
        "outcomes_by_kind",
        _l("Utfall etter type plass"),
        OUTCOME_TEXT,
        _outcome_columns(Column("kind", _l("Type plass"), "label")),
        rows,
        chart=["work_or_education"],
    )


def outcomes_by_organisation_kind(scans: Scans) -> Table:
    found = totals(scans.once(placed).counts, 1)
    rows = [
        _outcome_row(label, found.get(code, PLACED_NONE)[1:])
        for code, label in CASEWORKER_KINDS.items()
    ]
    return Table(
        "outcomes_by_organisation_kind",
        _l("Utfall etter kandidatens organisasjon"),
        OUTCOME_TEXT,
        _outcome_columns(Column("organisation_kind", _l("Kandidatens organisasjon"), "label")),
        rows,
        chart=["work_or_education"],
    )


def school_needs(scans: Scans) -> Table:
    filters = scans.filters
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
            count_where(met),
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


def acceptance_by_score(scans: Scans) -> Table:
    filters = scans.filters
    band = case(
        *[(Suggestion.score < upper, index) for index, (upper, _) in enumerate(SCORE_BANDS[:-1])],
        else_=len(SCORE_BANDS) - 1,
    )
    stmt = (
        select(
            cast(band, Integer),
            func.count(Suggestion.id),
            count_where(Suggestion.status == SuggestionStatus.ACCEPTED),
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
