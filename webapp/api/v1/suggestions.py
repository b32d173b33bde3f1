"""Suggestions: caseworkers review the engine's matches for their own candidates."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
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
    PairSchema,
    RejectSchema,
    SuggestionListArgs,
    SuggestionSchema,
    WithdrawSchema,
)
from webapp.extensions import db
from webapp.models import Candidate, Role, Suggestion, SuggestionStatus
from webapp.services import candidates as candidate_service
from webapp.services import matchmaking, proposals, slot_search

bp = make_blueprint(
    "api_suggestions",
    __name__,
    "/suggestions",
    "Forslag for egne kandidater: godkjenne, avvise med begrunnelse, sende til arbeidsgiver, "
    "trekke tilbake.",
)

ACTIONS_BY_STATUS = {
    SuggestionStatus.SUGGESTED: ["approve", "reject"],
    SuggestionStatus.APPROVED: ["propose", "reject"],
    SuggestionStatus.PROPOSED: ["withdraw"],
}


def slot_ref(slot) -> dict:
    return {
        "id": slot.id,
        "title": slot.title,
        "organisation": {"id": slot.organisation_id, "name": slot.organisation.name},
    }


def suggestion_data(s: Suggestion) -> dict:
    return {
        "id": s.id,
        "candidate_id": s.candidate_id,
        "slot": slot_ref(s.slot),
        "score": float(s.score),
        "status": s.status,
        "factors": {str(k): float(v) for k, v in (s.factors or {}).items()},
        "reasons": list(s.reasons or []),
        "model_version": s.model_version or "",
        "reason_code": s.reason_code,
        "reason": s.reason or "",
        "decided_at": s.decided_at,
        "proposed_at": s.proposed_at,
        "answer_due": s.answer_due,
        "answered_at": s.answered_at,
        "answer_reason_code": s.answer_reason_code,
        "answer_reason": s.answer_reason or "",
        "allowed_actions": ACTIONS_BY_STATUS.get(s.status, []),
        "created_at": s.created_at,
        "updated_at": s.updated_at,
    }


def dumped(s: Suggestion) -> dict:
    return SuggestionSchema().dump(suggestion_data(s))


def _own(suggestion_id: int) -> Suggestion:
    user = require_role(Role.CASEWORKER)
    suggestion = db.session.get(Suggestion, suggestion_id)
    if suggestion is None or suggestion.candidate.organisation_id != user.organisation_id:
        not_found()
    return suggestion


@bp.route("")
class Suggestions(MethodView):
    @bp.doc(security=SECURITY)
    @bp.arguments(SuggestionListArgs, location="query")
    @bp.response(200, page_of(SuggestionSchema))
    def get(self, args):
        """Suggestions for the organisation's candidates, for one candidate or one slot."""
        user = require_role(Role.CASEWORKER)
        stmt = (
            select(Suggestion)
            .join(Candidate, Candidate.id == Suggestion.candidate_id)
            .where(Candidate.organisation_id == user.organisation_id)
        )
        if args["candidate_id"] is not None:
            if candidate_service.get(user, args["candidate_id"]) is None:
                not_found()
            stmt = stmt.where(Suggestion.candidate_id == args["candidate_id"])
        if args["slot_id"] is not None:
            stmt = stmt.where(Suggestion.slot_id == args["slot_id"])
        if args["status"]:
            stmt = stmt.where(Suggestion.status == args["status"])
        stmt = stmt.order_by(Suggestion.score.desc(), Suggestion.id)
        pagination = paginate(stmt, args)
        items = [suggestion_data(s) for s in pagination.items]
        return page_response(pagination, items, SuggestionSchema())

    @bp.doc(security=SECURITY)
    @bp.arguments(PairSchema)
    @bp.response(201, SuggestionSchema)
    @bp.alt_response(200, schema=SuggestionSchema, description="The pair had a suggestion")
    def post(self, data):
        """Take a candidate for an open slot (as from the slot's ranked list): the pair's
        suggestion, made from the model when there is none. Answers 200 when it existed."""
        user = require_role(Role.CASEWORKER)
        candidate = candidate_service.get(user, data["candidate_id"])
        slot = slot_search.get_visible(data["slot_id"])
        if candidate is None or slot is None:
            not_found()
        existed = db.session.scalar(
            select(Suggestion.id).where(
                Suggestion.candidate_id == candidate.id, Suggestion.slot_id == slot.id
            )
        )
        suggestion = matchmaking.suggestion_for(candidate, slot)
        response = with_etag(dumped(suggestion), 200 if existed else 201)
        response.headers["Location"] = f"/api/v1/suggestions/{suggestion.id}"
        return response


@bp.route("/<int:suggestion_id>")
@bp.doc(security=SECURITY)
@bp.response(200, SuggestionSchema)
def suggestion(suggestion_id: int):
    """One suggestion with its factors and reasons."""
    return with_etag(dumped(_own(suggestion_id)))


@bp.route("/<int:suggestion_id>/<any(approve, propose):action>", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.response(200, SuggestionSchema)
def suggestion_action(suggestion_id: int, action: str):
    """Approve a suggestion, or propose an approved one to the employer (needs consent)."""
    suggestion = _own(suggestion_id)
    check_if_match(dumped(suggestion), required=False)
    {"approve": proposals.approve, "propose": proposals.propose}[action](g.api_user, suggestion)
    return with_etag(dumped(suggestion))


@bp.route("/<int:suggestion_id>/reject", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.arguments(RejectSchema)
@bp.response(200, SuggestionSchema)
def suggestion_reject(data, suggestion_id: int):
    """Reject with a reason code (and a text when the code is `other`)."""
    suggestion = _own(suggestion_id)
    check_if_match(dumped(suggestion), required=False)
    proposals.reject(g.api_user, suggestion, data["reason_code"], data["reason"])
    return with_etag(dumped(suggestion))


@bp.route("/<int:suggestion_id>/withdraw", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.arguments(WithdrawSchema)
@bp.response(200, SuggestionSchema)
def suggestion_withdraw(data, suggestion_id: int):
    """Withdraw a proposal the employer has not answered."""
    suggestion = _own(suggestion_id)
    check_if_match(dumped(suggestion), required=False)
    proposals.withdraw(g.api_user, suggestion, data["reason"])
    return with_etag(dumped(suggestion))
