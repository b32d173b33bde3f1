"""School needs: a coordinator's own needs, the company finder for one, and requests from it.

The same services as the school pages (webapp/school/routes.py): webapp.services.schools.needs
for the rules of a need, .finder for the ranking and its reasons, .partnerships for requests.
Another school's need answers 404; other roles 403.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask import g, jsonify
from flask.views import MethodView

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
from webapp.api.v1.school_requests import partnership_data
from webapp.api.v1.school_schemas import (
    CompanyMatchSchema,
    FinderArgs,
    PartnershipListSchema,
    SchoolNeedInputSchema,
    SchoolNeedListArgs,
    SchoolNeedSchema,
    SendRequestsSchema,
)
from webapp.extensions import db
from webapp.models import NeedStatus, Role, SchoolNeed
from webapp.services.schools import finder, needs
from webapp.services.schools import partnerships as partnership_service

bp = make_blueprint(
    "api_school_needs",
    __name__,
    "/school-needs",
    "Skolens behov (skolekoordinatorer): liste med filtre, opprette, endre, lukke; bedrifter "
    "rangert for et behov (som på siden «Finn bedrifter»); sende forespørsler til bedrifter.",
)

FIELDS = [name for name in SchoolNeedInputSchema().fields]


def need_data(need: SchoolNeed, covered: int | None = None) -> dict:
    if covered is None:
        covered = needs.covered_students([need.id]).get(need.id, 0)
    return {
        "id": need.id,
        "status": need.status,
        "title": need.title,
        "program_area_code": need.program_area_code,
        "trades": list(need.trades or []),
        "kind": need.kind,
        "students": need.students,
        "covered_students": covered,
        "period_start": need.period_start,
        "period_end": need.period_end,
        "requirements": need.requirements or "",
        "description": need.description or "",
        "allowed_actions": ["close", "send_requests"] if need.status == NeedStatus.OPEN else [],
        "created_at": need.created_at,
        "updated_at": need.updated_at,
    }


def dumped(need: SchoolNeed) -> dict:
    return SchoolNeedSchema().dump(need_data(need))


def own_need(need_id: int) -> SchoolNeed:
    """A need of the coordinator's own school; any other answers 404."""
    user = require_role(Role.SCHOOL)
    need = db.session.get(SchoolNeed, need_id)
    if need is None or need.organisation_id != user.organisation_id:
        not_found()
    return need


def _fields(data: dict) -> needs.NeedFields:
    return needs.NeedFields(**{name: data[name] for name in FIELDS})


def _current(need: SchoolNeed) -> dict:
    data = need_data(need, covered=0)
    return {name: data[name] for name in FIELDS}


@dataclass
class _ListPage:
    """A page of a list computed in full (the finder ranks every company at once)."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page) if self.total else 0


@bp.route("")
class SchoolNeeds(MethodView):
    @bp.doc(security=SECURITY)
    @bp.arguments(SchoolNeedListArgs, location="query")
    @bp.response(200, page_of(SchoolNeedSchema))
    def get(self, args):
        """The school's needs, filtered like the need list (open ones by default)."""
        user = require_role(Role.SCHOOL)
        stmt = needs.school_needs_query(
            user.organisation_id,
            status="" if args["status"] == "all" else args["status"],
            program_area=args["program_area"],
            kind=args["kind"],
            q=args["q"],
        )
        pagination = paginate(stmt, args)
        covered = needs.covered_students(n.id for n in pagination.items)
        items = [need_data(n, covered.get(n.id, 0)) for n in pagination.items]
        return page_response(pagination, items, SchoolNeedSchema())

    @bp.doc(security=SECURITY)
    @bp.arguments(SchoolNeedInputSchema)
    @bp.response(201, SchoolNeedSchema)
    def post(self, data):
        """Register a need. School coordinators."""
        user = require_role(Role.SCHOOL)
        need = needs.create(user, _fields(data))
        response = with_etag(dumped(need), 201)
        response.headers["Location"] = f"/api/v1/school-needs/{need.id}"
        return response


@bp.route("/<int:need_id>")
class SchoolNeedItem(MethodView):
    @bp.doc(security=SECURITY)
    @bp.response(200, SchoolNeedSchema)
    def get(self, need_id: int):
        """One need, with the students accepted partnerships cover so far."""
        return with_etag(dumped(own_need(need_id)))

    @bp.doc(security=SECURITY)
    @bp.arguments(SchoolNeedInputSchema(partial=True))
    @bp.response(200, SchoolNeedSchema)
    def patch(self, data, need_id: int):
        """Change some of an open need's fields. Send the ETag you read in `If-Match`."""
        need = own_need(need_id)
        check_if_match(dumped(need))
        need = needs.update(g.api_user, need, _fields({**_current(need), **data}))
        return with_etag(dumped(need))


@bp.route("/<int:need_id>/close", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.response(200, SchoolNeedSchema)
def need_close(need_id: int):
    """Close a need (no more requests from it); `If-Match` is checked when sent."""
    need = own_need(need_id)
    check_if_match(dumped(need), required=False)
    needs.close(g.api_user, need)
    return with_etag(dumped(need))


def match_data(rank: int, match: finder.CompanyMatch) -> dict:
    return {
        "employer": {"id": match.employer.id, "name": match.employer.name},
        "rank": rank,
        "score": match.score,
        "reasons": [str(reason) for reason in match.reasons],
        "distance_km": round(match.distance_km, 1) if match.distance_km is not None else None,
        "free_capacity": match.free,
        "offers_program_area": bool(match.offers_area),
        "municipalities": list(match.places),
        "request": {"id": match.request.id, "status": match.request.status}
        if match.request is not None
        else None,
    }


@bp.route("/<int:need_id>/companies")
@bp.doc(security=SECURITY)
@bp.arguments(FinderArgs, location="query")
@bp.response(200, page_of(CompanyMatchSchema))
def need_companies(args, need_id: int):
    """Companies open to schools, best fit for the need first, with the reasons the finder page
    shows. A closed need finds none."""
    need = own_need(need_id)
    matches = []
    if need.status == NeedStatus.OPEN:
        filters = finder.Filters(
            program_area=args["program_area"],
            trade=args["trade"],
            municipality=args["municipality"],
            max_km=args["max_km"],
            only_free=args["only_free"],
        )
        matches = finder.find_companies(need, filters)
    page = _ListPage(args["page"], args["per_page"], len(matches))
    first = (page.page - 1) * page.per_page
    items = [
        match_data(first + rank, match)
        for rank, match in enumerate(matches[first : first + page.per_page], start=1)
    ]
    return page_response(page, items, CompanyMatchSchema())


@bp.route("/<int:need_id>/requests", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.arguments(SendRequestsSchema)
@bp.response(201, PartnershipListSchema)
def need_send_requests(data, need_id: int):
    """Ask one or more companies (open to schools, none asked already for this need) to
    cooperate on the need: one request each, all or none."""
    need = own_need(need_id)
    sent = partnership_service.send_requests(g.api_user, need, data["employers"], data["message"])
    items = [partnership_data(p, g.api_user) for p in sent]
    response = jsonify(PartnershipListSchema().dump({"items": items}))
    response.status_code = 201
    if len(sent) == 1:
        response.headers["Location"] = f"/api/v1/partnerships/{sent[0].id}"
    return response
