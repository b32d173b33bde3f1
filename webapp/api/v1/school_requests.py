"""Requests and partnerships between schools and employers, seen from either side.

The same services as the pages (webapp/school/routes.py for the school, the employer's school
inbox in webapp/school/employer_views.py): a school sees its own requests and withdraws, ends or
renews them; an employer sees only the requests sent to it, and accepts (students and dates
confirmed), declines with a reason, or ends. Anyone else's answers 404; other roles 403.
"""

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
from webapp.api.v1.school_schemas import (
    AcceptRequestSchema,
    DeclineRequestSchema,
    EndPartnershipSchema,
    PartnershipListArgs,
    PartnershipSchema,
)
from webapp.extensions import db
from webapp.models import Partnership, PartnershipStatus, Role, SchoolNeed, User
from webapp.services.schools import partnerships as partnership_service
from webapp.services.schools.common import employer_contact

bp = make_blueprint(
    "api_partnerships",
    __name__,
    "/partnerships",
    "Forespørsler og samarbeid mellom skoler og bedrifter. Skoler: egne forespørsler, trekke "
    "tilbake, avslutte, fornye. Bedrifter: forespørsler sendt til dem, takke ja (elever og datoer "
    "bekreftet) eller nei med begrunnelse, avslutte.",
)

STATUS_GROUPS = {
    "waiting": [PartnershipStatus.REQUESTED],
    "agreed": [PartnershipStatus.ACCEPTED],
    "closed": [PartnershipStatus.DECLINED, PartnershipStatus.WITHDRAWN, PartnershipStatus.ENDED],
    "all": list(PartnershipStatus),
}
ACTIONS = {
    Role.SCHOOL: {
        PartnershipStatus.REQUESTED: ["withdraw"],
        PartnershipStatus.ACCEPTED: ["end", "renew"],
        PartnershipStatus.ENDED: ["renew"],
    },
    Role.EMPLOYER: {
        PartnershipStatus.REQUESTED: ["accept", "decline"],
        PartnershipStatus.ACCEPTED: ["end"],
    },
}


def _contact(user: User | None) -> dict | None:
    return {"name": user.name, "email": user.email} if user is not None else None


def partnership_data(p: Partnership, user: User) -> dict:
    """What both sides see on the request's page (``_partnership_facts.html``)."""
    contact_name, contact_email = employer_contact(p)
    data = {
        "id": p.id,
        "status": p.status,
        "school": {"id": p.school_id, "name": p.school.name},
        "employer": {"id": p.employer_id, "name": p.employer.name},
        "program_area_code": p.program_area_code,
        "kind": p.kind,
        "students": p.students,
        "period_start": p.period_start,
        "period_end": p.period_end,
        "school_contact": _contact(p.requested_by),
        "employer_contact": {"name": contact_name or "", "email": contact_email or ""},
        "messages": [{"body": m.body, "sent_at": m.sent_at} for m in p.messages],
        "answer_reason_code": p.answer_reason_code,
        "answer_reason": p.answer_reason or "",
        "decided_at": p.decided_at,
        "ended_at": p.ended_at,
        "end_note": p.end_note or "",
        "renewed_from_id": p.renewed_from_id,
        "allowed_actions": ACTIONS.get(user.role, {}).get(p.status, []),
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }
    if user.role == Role.SCHOOL:  # the need is the school's own business
        data["need_id"] = p.school_need_id
    return data


def dumped(p: Partnership, user: User) -> dict:
    return PartnershipSchema().dump(partnership_data(p, user))


def _visible(partnership_id: int) -> Partnership:
    """The school's own request, or one sent to the employer; anything else answers 404."""
    user = require_role(Role.SCHOOL, Role.EMPLOYER)
    p = db.session.get(Partnership, partnership_id)
    if p is None or not partnership_service.may_see(user, p):
        not_found()
    return p


def _answer(p: Partnership, status: int = 200):
    response = with_etag(dumped(p, g.api_user), status)
    if status == 201:
        response.headers["Location"] = f"/api/v1/partnerships/{p.id}"
    return response


@bp.route("")
@bp.doc(security=SECURITY)
@bp.arguments(PartnershipListArgs, location="query")
@bp.response(200, page_of(PartnershipSchema))
def partnership_list(args):
    """Schools: their own requests and partnerships (optionally for one need). Employers: the
    requests sent to them. Filter by the pages' tabs: `waiting`, `agreed`, `closed`."""
    user = require_role(Role.SCHOOL, Role.EMPLOYER)
    school = user.role == Role.SCHOOL
    owner = Partnership.school_id if school else Partnership.employer_id
    stmt = select(Partnership).where(
        owner == user.organisation_id, Partnership.status.in_(STATUS_GROUPS[args["status"]])
    )
    if args["need_id"] is not None:
        need = db.session.get(SchoolNeed, args["need_id"])
        if need is None or need.organisation_id != user.organisation_id:
            not_found()
        stmt = stmt.where(Partnership.school_need_id == need.id)
    if school:  # as the pages order them
        stmt = stmt.order_by(Partnership.period_start.desc(), Partnership.id.desc())
    else:
        stmt = stmt.order_by(Partnership.period_start, Partnership.id)
    pagination = paginate(stmt, args)
    items = [partnership_data(p, user) for p in pagination.items]
    return page_response(pagination, items, PartnershipSchema())


@bp.route("/<int:partnership_id>")
@bp.doc(security=SECURITY)
@bp.response(200, PartnershipSchema)
def partnership(partnership_id: int):
    """One request or partnership, with both sides' contacts and the school's message."""
    return _answer(_visible(partnership_id))


@bp.route("/<int:partnership_id>/withdraw", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.response(200, PartnershipSchema)
def partnership_withdraw(partnership_id: int):
    """Withdraw a request the employer has not answered. Schools."""
    p = _visible(partnership_id)
    check_if_match(dumped(p, g.api_user), required=False)
    partnership_service.withdraw(g.api_user, p)
    return _answer(p)


@bp.route("/<int:partnership_id>/renew", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.response(201, PartnershipSchema)
def partnership_renew(partnership_id: int):
    """Ask the same employer for the same cooperation one school year later: a new request.
    Schools."""
    p = _visible(partnership_id)
    check_if_match(dumped(p, g.api_user), required=False)
    return _answer(partnership_service.renew(g.api_user, p), 201)


@bp.route("/<int:partnership_id>/end", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.arguments(EndPartnershipSchema)
@bp.response(200, PartnershipSchema)
def partnership_end(data, partnership_id: int):
    """End an agreed partnership with a note; the other side is told. Either side."""
    p = _visible(partnership_id)
    check_if_match(dumped(p, g.api_user), required=False)
    partnership_service.end(g.api_user, p, data["note"])
    return _answer(p)


@bp.route("/<int:partnership_id>/accept", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.arguments(AcceptRequestSchema)
@bp.response(200, PartnershipSchema)
def partnership_accept(data, partnership_id: int):
    """Accept a request with the students and dates confirmed: at most the students the school
    asked for, and no more than the school profile has room for in the period. Employers."""
    p = _visible(partnership_id)
    check_if_match(dumped(p, g.api_user), required=False)
    p = partnership_service.accept(
        g.api_user, p, data["students"], data["period_start"], data["period_end"]
    )
    return _answer(p)


@bp.route("/<int:partnership_id>/decline", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.arguments(DeclineRequestSchema)
@bp.response(200, PartnershipSchema)
def partnership_decline(data, partnership_id: int):
    """Decline with a reason code (`no_capacity`, `period_not_possible`, `not_relevant`, or
    `other` with a text). Employers."""
    p = _visible(partnership_id)
    check_if_match(dumped(p, g.api_user), required=False)
    partnership_service.decline(g.api_user, p, data["reason_code"], data["reason"])
    return _answer(p)
