"""Finding candidates: the caseworker's list with text search and filters, and home figures.

Only the actor's own organisation's candidates are ever searched (DESIGN.md §5). Text search
runs on the database's own full-text engine (:mod:`webapp.services.search`); a page of the list
loads what the template shows with it, so a page costs the same number of statements whatever
its length.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import Candidate, CandidateStatus, User
from webapp.models.candidate import candidate_kind, candidate_occupation, candidate_skill
from webapp.models.search_index import CANDIDATE_INDEX
from webapp.models.taxonomy import Occupation, Skill
from webapp.services import search as text_search

PER_PAGE = 25

TARGET = text_search.Target(
    index=CANDIDATE_INDEX,
    id_column=Candidate.__table__.c.id,
    links=(
        text_search.CodeLink(
            Skill,
            lambda codes: select(candidate_skill.c.candidate_id).where(
                candidate_skill.c.skill_code.in_(codes)
            ),
        ),
        text_search.CodeLink(
            Occupation,
            lambda codes: select(candidate_occupation.c.candidate_id).where(
                candidate_occupation.c.occupation_code.in_(codes)
            ),
        ),
    ),
)


@dataclass
class CandidateFilters:
    q: str = ""
    status: str = ""  # "" = active and paused; "all" = every state
    kind: str = ""
    consent: str = ""  # "yes", "no" or ""
    level: str = ""


def has_consent_clause():
    return Candidate.consent_at.is_not(None) & (
        Candidate.consent_withdrawn_at.is_(None)
        | (Candidate.consent_withdrawn_at < Candidate.consent_at)
    )


def search_statement(actor: User, filters: CandidateFilters):
    """The actor's organisation's candidates matching every filter: the most relevant first
    when there is a text query, else by reference code."""
    stmt = select(Candidate).where(Candidate.organisation_id == actor.organisation_id)
    if filters.status == "all":
        pass
    elif filters.status in set(CandidateStatus):
        stmt = stmt.where(Candidate.status == filters.status)
    else:
        stmt = stmt.where(Candidate.status != CandidateStatus.ARCHIVED)
    if filters.kind:
        stmt = stmt.where(
            Candidate.id.in_(
                select(candidate_kind.c.candidate_id).where(
                    candidate_kind.c.kind_code == filters.kind
                )
            )
        )
    if filters.consent == "yes":
        stmt = stmt.where(has_consent_clause())
    elif filters.consent == "no":
        stmt = stmt.where(~has_consent_clause())
    if filters.level:
        stmt = stmt.where(Candidate.norwegian_level == filters.level)
    stmt, relevance = text_search.apply(
        stmt, TARGET, filters.q, within=lambda t: t.c.organisation_id == actor.organisation_id
    )
    order = [Candidate.reference_code, Candidate.id]
    if relevance is not None:
        order.insert(0, relevance.desc())
    return stmt.order_by(*order)


def search(actor: User, filters: CandidateFilters, page: int = 1, per_page: int = PER_PAGE):
    """One page of the list, with what each row shows loaded alongside."""
    stmt = search_statement(actor, filters).options(selectinload(Candidate.kinds))
    return db.paginate(stmt, page=max(1, page), per_page=per_page, error_out=False)


@dataclass(frozen=True)
class HomeFigures:
    active: int
    paused: int
    active_without_consent: int
    mine: int


def home_figures(actor: User) -> HomeFigures:
    """Counts for the caseworker's home page; their own organisation only, in one statement."""
    active = Candidate.status == CandidateStatus.ACTIVE
    not_archived = Candidate.status != CandidateStatus.ARCHIVED

    def count_if(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = db.session.execute(
        select(
            count_if(active),
            count_if(Candidate.status == CandidateStatus.PAUSED),
            count_if(active & ~has_consent_clause()),
            count_if((Candidate.caseworker_id == actor.id) & not_archived),
        ).where(Candidate.organisation_id == actor.organisation_id)
    ).one()
    return HomeFigures(*(int(value) for value in row))
