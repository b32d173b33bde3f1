"""Placements: both sides follow them; state actions and the outcome at the end."""

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
from webapp.api.v1.match_schemas import PlacementActionSchema, PlacementListArgs, PlacementSchema
from webapp.extensions import db
from webapp.models import Candidate, Placement, PlacementStatus, Role, Slot, User
from webapp.placements.views import FINISHED, proposal_card
from webapp.services import placements as placement_service

bp = make_blueprint(
    "api_placements",
    __name__,
    "/placements",
    "Praksisplasser: starte, fullføre eller avslutte tidlig med utfall. Veiledere og "
    "arbeidsgivere følger sine egne.",
)


def placement_data(p: Placement, user: User) -> dict:
    data = {
        "id": p.id,
        "slot": {
            "id": p.slot_id,
            "title": p.slot.title,
            "organisation": {"id": p.slot.organisation_id, "name": p.slot.organisation.name},
        },
        "start_date": p.start_date,
        "end_date": p.end_date,
        "follow_up_date": p.follow_up_date,
        "status": p.status,
        "outcome": p.outcome,
        "notes": p.notes or "",
        "allowed_actions": [
            action
            for action, (sources, _target) in placement_service.TRANSITIONS.items()
            if p.status in sources
        ],
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }
    if user.role == Role.CASEWORKER:
        data["candidate_id"] = p.candidate_id
        data["candidate"] = p.candidate.reference_code
    else:  # employers only ever see the pseudonym
        card = proposal_card(p.suggestion) if p.suggestion else None
        data["candidate"] = card["pseudonym"] if card else ""
    return data


def dumped(p: Placement, user: User) -> dict:
    return PlacementSchema().dump(placement_data(p, user))


def _followed(placement_id: int) -> Placement:
    user = require_role(Role.CASEWORKER, Role.EMPLOYER)
    p = db.session.get(Placement, placement_id)
    if p is None or not placement_service.may_follow(user, p):
        not_found()
    return p


@bp.route("")
@bp.doc(security=SECURITY)
@bp.arguments(PlacementListArgs, location="query")
@bp.response(200, page_of(PlacementSchema))
def placement_list(args):
    """The placements the organisation follows, unfinished first."""
    user = require_role(Role.CASEWORKER, Role.EMPLOYER)
    owner = Candidate.organisation_id if user.role == Role.CASEWORKER else Slot.organisation_id
    stmt = (
        select(Placement)
        .join(Slot, Slot.id == Placement.slot_id)
        .join(Candidate, Candidate.id == Placement.candidate_id)
        .where(owner == user.organisation_id)
        .order_by(Placement.status.in_(FINISHED), Placement.start_date, Placement.id)
    )
    if args["status"]:
        stmt = stmt.where(Placement.status == PlacementStatus(args["status"]))
    pagination = paginate(stmt, args)
    items = [placement_data(p, user) for p in pagination.items]
    return page_response(pagination, items, PlacementSchema())


@bp.route("/<int:placement_id>")
@bp.doc(security=SECURITY)
@bp.response(200, PlacementSchema)
def placement(placement_id: int):
    """One placement."""
    return with_etag(dumped(_followed(placement_id), g.api_user))


@bp.route("/<int:placement_id>/<any(start, complete, end_early):action>", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.arguments(PlacementActionSchema)
@bp.response(200, PlacementSchema)
def placement_action(data, placement_id: int, action: str):
    """Start, complete or end early; ending needs an `outcome`. `If-Match` checked when sent."""
    p = _followed(placement_id)
    check_if_match(dumped(p, g.api_user), required=False)
    placement_service.change_state(
        g.api_user,
        p,
        action,
        outcome=data["outcome"],
        notes=data["notes"],
    )
    return with_etag(dumped(p, g.api_user))
