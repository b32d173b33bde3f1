"""Candidates: caseworkers keep their own organisation's, and record consent."""

from __future__ import annotations

from flask import g
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
from webapp.api.v1.schemas import (
    CandidateCreateSchema,
    CandidateInputSchema,
    CandidateListArgs,
    CandidateSchema,
    ConsentInputSchema,
)
from webapp.models import Candidate, Role
from webapp.services import candidate_search
from webapp.services import candidates as candidate_service
from webapp.services.candidate_fields import CandidateFields

bp = make_blueprint(
    "api_candidates",
    __name__,
    "/candidates",
    "Kandidater i veilederens egen organisasjon: registrere, endre, pause, arkivere, samtykke.",
)

FIELDS = [name for name in CandidateInputSchema().fields]


def candidate_data(candidate: Candidate) -> dict:
    return {
        "id": candidate.id,
        "reference_code": candidate.reference_code,
        "display_name": candidate.display_name,
        "status": candidate.status,
        "caseworker_id": candidate.caseworker_id,
        "programme": candidate.programme,
        "kinds": [kind.code for kind in candidate.kinds],
        "goals": candidate.goals,
        "skills": [skill.code for skill in candidate.skills],
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
        "consent": {
            "in_force": candidate.has_consent,
            "given_at": candidate.consent_at,
            "scope": candidate.consent_scope,
            "withdrawn_at": candidate.consent_withdrawn_at,
        },
        "allowed_actions": candidate_service.allowed_actions(candidate),
        "created_at": candidate.created_at,
        "updated_at": candidate.updated_at,
    }


def dumped(candidate: Candidate) -> dict:
    return CandidateSchema().dump(candidate_data(candidate))


def own_candidate(candidate_id: int) -> Candidate:
    """A candidate of the caseworker's own organisation; any other answers 404."""
    user = require_role(Role.CASEWORKER)
    candidate = candidate_service.get(user, candidate_id)
    if candidate is None:
        not_found()
    return candidate


def _fields(data: dict) -> CandidateFields:
    return CandidateFields(**{name: data[name] for name in FIELDS})


def _current(candidate: Candidate) -> dict:
    data = candidate_data(candidate)
    return {name: data[name] for name in FIELDS}


@bp.route("")
class Candidates(MethodView):
    @bp.doc(security=SECURITY)
    @bp.arguments(CandidateListArgs, location="query")
    @bp.response(200, page_of(CandidateSchema))
    def get(self, args):
        """The organisation's candidates, filtered like the candidate list. Caseworkers."""
        user = require_role(Role.CASEWORKER)
        filters = candidate_search.CandidateFilters(
            q=args["q"],
            status=args["status"],
            kind=args["kind"],
            consent=args["consent"],
            level=args["level"],
        )
        pagination = paginate(candidate_search.search_statement(user, filters), args)
        items = [candidate_data(c) for c in pagination.items]
        return page_response(pagination, items, CandidateSchema())

    @bp.doc(security=SECURITY)
    @bp.arguments(CandidateCreateSchema)
    @bp.response(201, CandidateSchema)
    def post(self, data):
        """Register a candidate; consent only when `consent` is true with a scope. Caseworkers."""
        user = require_role(Role.CASEWORKER)
        candidate = candidate_service.create(
            user, _fields(data), consent=data["consent"], consent_scope=data["consent_scope"]
        )
        response = with_etag(dumped(candidate), 201)
        response.headers["Location"] = f"/api/v1/candidates/{candidate.id}"
        return response


@bp.route("/<int:candidate_id>")
class CandidateItem(MethodView):
    @bp.doc(security=SECURITY)
    @bp.response(200, CandidateSchema)
    def get(self, candidate_id: int):
        """One candidate (the look is audited, as on the page)."""
        candidate = own_candidate(candidate_id)
        candidate_service.record_view(g.api_user, candidate, page="api")
        return with_etag(dumped(candidate))

    @bp.doc(security=SECURITY)
    @bp.arguments(CandidateInputSchema(partial=True))
    @bp.response(200, CandidateSchema)
    def patch(self, data, candidate_id: int):
        """Change some fields. Send the ETag you read in `If-Match`."""
        candidate = own_candidate(candidate_id)
        check_if_match(dumped(candidate))
        merged = {**_current(candidate), **data}
        candidate = candidate_service.update(g.api_user, candidate, _fields(merged))
        return with_etag(dumped(candidate))


@bp.route("/<int:candidate_id>/<any(pause, reactivate, archive):action>", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.response(200, CandidateSchema)
def candidate_action(candidate_id: int, action: str):
    """Pause, reactivate or archive a candidate; `If-Match` is checked when sent."""
    candidate = own_candidate(candidate_id)
    check_if_match(dumped(candidate), required=False)
    candidate = candidate_service.change_status(g.api_user, candidate, action)
    return with_etag(dumped(candidate))


@bp.route("/<int:candidate_id>/consent", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.arguments(ConsentInputSchema)
@bp.response(200, CandidateSchema)
def consent_give(data, candidate_id: int):
    """Record the candidate's consent, with what it covers."""
    candidate = own_candidate(candidate_id)
    candidate = candidate_service.give_consent(g.api_user, candidate, data["scope"])
    return with_etag(dumped(candidate))


@bp.route("/<int:candidate_id>/consent", methods=["DELETE"])
@bp.doc(security=SECURITY)
@bp.response(200, CandidateSchema)
def consent_withdraw(candidate_id: int):
    """Withdraw consent now; proposals waiting at employers are withdrawn with it."""
    candidate = own_candidate(candidate_id)
    candidate_service.withdraw_consent(g.api_user, candidate)
    return with_etag(dumped(candidate))
