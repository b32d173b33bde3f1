"""Proposals: employers answer the candidates proposed to their slots (pseudonymised)."""

from __future__ import annotations

from flask import g
from sqlalchemy import select

from webapp.api.v1.common import (
    SECURITY,
    check_if_match,
    make_blueprint,
    not_found,
    page_of,
    page_response,
    paginate,
    require_role,
    with_etag,
)
from webapp.api.v1.match_schemas import (
    AcceptSchema,
    DeclineSchema,
    PlacementSchema,
    ProposalListArgs,
    ProposalSchema,
)
from webapp.api.v1.placements import dumped as placement_dumped
from webapp.api.v1.suggestions import slot_ref
from webapp.extensions import db
from webapp.models import Role, Slot, Suggestion, SuggestionStatus
from webapp.placements.views import proposal_card
from webapp.services import proposals

bp = make_blueprint(
    "api_proposals",
    __name__,
    "/proposals",
    "Forslag sendt til arbeidsgiverens plasser: si ja (gir en praksisplass) eller nei med "
    "begrunnelse. Kandidaten vises bare med pseudonym.",
)

EMPLOYER_SEES = (SuggestionStatus.PROPOSED, SuggestionStatus.ACCEPTED, SuggestionStatus.DECLINED)
WANTED = {
    "proposed": [SuggestionStatus.PROPOSED],
    "answered": [SuggestionStatus.ACCEPTED, SuggestionStatus.DECLINED],
    "all": list(EMPLOYER_SEES),
}


def proposal_data(s: Suggestion) -> dict:
    card = proposal_card(s)
    if card is not None:
        caseworker = card["caseworker"]
        card = {
            **card,
            "caseworker": {"name": caseworker.name, "email": caseworker.email}
            if caseworker
            else None,
        }
    return {
        "id": s.id,
        "slot": slot_ref(s.slot),
        "status": s.status,
        "candidate": card,
        "proposed_at": s.proposed_at,
        "answer_due": s.answer_due,
        "answered_at": s.answered_at,
        "answer_reason_code": s.answer_reason_code,
        "answer_reason": s.answer_reason or "",
        "allowed_actions": ["accept", "decline"] if s.status == SuggestionStatus.PROPOSED else [],
    }


def dumped(s: Suggestion) -> dict:
    return ProposalSchema().dump(proposal_data(s))


def _own(suggestion_id: int) -> Suggestion:
    """A proposal to one of our slots; unproposed and withdrawn pairs do not exist for us."""
    user = require_role(Role.EMPLOYER)
    s = db.session.get(Suggestion, suggestion_id)
    if s is None or s.slot.organisation_id != user.organisation_id or s.status not in EMPLOYER_SEES:
        not_found()
    return s


@bp.route("")
@bp.doc(security=SECURITY)
@bp.arguments(ProposalListArgs, location="query")
@bp.response(200, page_of(ProposalSchema))
def proposal_list(args):
    """Proposals to the organisation's slots: waiting for an answer (default) or answered."""
    user = require_role(Role.EMPLOYER)
    stmt = (
        select(Suggestion)
        .join(Slot, Slot.id == Suggestion.slot_id)
        .where(
            Slot.organisation_id == user.organisation_id,
            Suggestion.status.in_(WANTED[args["status"]]),
        )
        .order_by(Suggestion.answer_due, Suggestion.id)
    )
    if args["slot_id"] is not None:
        stmt = stmt.where(Suggestion.slot_id == args["slot_id"])
    pagination = paginate(stmt, args)
    items = [proposal_data(s) for s in pagination.items]
    return page_response(pagination, items, ProposalSchema())


@bp.route("/<int:proposal_id>")
@bp.doc(security=SECURITY)
@bp.response(200, ProposalSchema)
def proposal(proposal_id: int):
    """One proposal, with the pseudonymised candidate card."""
    return with_etag(dumped(_own(proposal_id)))


@bp.route("/<int:proposal_id>/accept", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.arguments(AcceptSchema)
@bp.response(201, PlacementSchema)
def proposal_accept(data, proposal_id: int):
    """Accept: a planned placement (never past the slot's capacity). Answers the placement."""
    s = _own(proposal_id)
    check_if_match(dumped(s), required=False)
    placement = proposals.accept(g.api_user, s, data["start_date"])
    response = with_etag(placement_dumped(placement, g.api_user), 201)
    response.headers["Location"] = f"/api/v1/placements/{placement.id}"
    return response


@bp.route("/<int:proposal_id>/decline", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.arguments(DeclineSchema)
@bp.response(200, ProposalSchema)
def proposal_decline(data, proposal_id: int):
    """Decline with a reason code (and a text when the code is `other`)."""
    s = _own(proposal_id)
    check_if_match(dumped(s), required=False)
    proposals.decline(g.api_user, s, data["reason_code"], data["reason"])
    return with_etag(dumped(s))
