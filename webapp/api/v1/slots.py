"""Slots: employers keep their own (CRUD and state actions); caseworkers read open slots."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_babel import gettext as _

from webapp.api.v1.common import (
    SECURITY,
    check_if_match,
    invalid,
    make_blueprint,
    not_found,
    page_of,
    page_response,
    paginate,
    require_codes,
    require_role,
    with_etag,
)
from webapp.api.v1.schemas import SlotInputSchema, SlotListArgs, SlotSchema
from webapp.extensions import db
from webapp.models import Adaptation, LanguageLevel, Occupation, Role, Skill, Slot, SlotKind
from webapp.services import slot_search
from webapp.services import slots as slot_service
from webapp.services.capacity import free_capacity

bp = make_blueprint(
    "api_slots",
    __name__,
    "/slots",
    "Plasser. Arbeidsgivere: egne plasser, opprette, endre og tilstandshandlinger. "
    "Veiledere: åpne plasser med de samme filtrene som på sidene.",
)


def slot_data(slot: Slot, free: int | None = None, *, own: bool = False) -> dict:
    return {
        "id": slot.id,
        "status": slot.status,
        "organisation": {"id": slot.organisation_id, "name": slot.organisation.name},
        "kind": slot.kind,
        "title": slot.title,
        "occupation_code": slot.occupation_code,
        "description": slot.description,
        "skills": [skill.code for skill in slot.skills],
        "extra_skills": list(slot.extra_skills or []),
        "norwegian_level": slot.norwegian_level,
        "site_id": slot.site_id,
        "hours_per_week": slot.hours_per_week,
        "start_date": slot.start_date,
        "end_date": slot.end_date,
        "capacity": slot.capacity,
        "free_capacity": free_capacity(slot) if free is None else free,
        "adaptations": [a.code for a in slot.adaptations],
        "contact_name": slot.contact_name,
        "allowed_actions": slot_service.allowed_actions(slot) if own else [],
        "created_at": slot.created_at,
        "updated_at": slot.updated_at,
    }


def dumped(slot: Slot, *, own: bool) -> dict:
    return SlotSchema().dump(slot_data(slot, own=own))


def _readable(slot_id: int) -> tuple[Slot, bool]:
    """The slot as the token's user may see it: their own, or an open one for caseworkers."""
    user = require_role(Role.EMPLOYER, Role.CASEWORKER)
    if user.role == Role.EMPLOYER:
        slot = db.session.get(Slot, slot_id)
        if slot is None or slot.organisation_id != user.organisation_id:
            not_found()
        return slot, True
    slot = slot_search.get_visible(slot_id)
    if slot is None:
        not_found()
    return slot, False


def _own(slot_id: int) -> Slot:
    user = require_role(Role.EMPLOYER)
    slot = db.session.get(Slot, slot_id)
    if slot is None or slot.organisation_id != user.organisation_id:
        not_found()
    return slot


def _check_codes(data: dict) -> None:
    checks = {
        "kind": (SlotKind, data.get("kind")),
        "occupation_code": (Occupation, data.get("occupation_code")),
        "skills": (Skill, data.get("skills")),
        "norwegian_level": (LanguageLevel, data.get("norwegian_level")),
        "adaptations": (Adaptation, data.get("adaptations")),
    }
    require_codes({name: check for name, check in checks.items() if name in data})


def _fields(data: dict) -> slot_service.SlotFields:
    data = dict(data)
    data["extra_skills"] = list(dict.fromkeys(tag.strip() for tag in data["extra_skills"]))
    data["extra_skills"] = [tag for tag in data["extra_skills"] if tag]
    return slot_service.SlotFields(**data)


def _current_fields(slot: Slot) -> dict:
    return {
        "kind": slot.kind,
        "title": slot.title,
        "occupation_code": slot.occupation_code,
        "description": slot.description,
        "skills": [skill.code for skill in slot.skills],
        "extra_skills": list(slot.extra_skills or []),
        "norwegian_level": slot.norwegian_level,
        "site_id": slot.site_id,
        "hours_per_week": slot.hours_per_week,
        "start_date": slot.start_date,
        "end_date": slot.end_date,
        "capacity": slot.capacity,
        "adaptations": [a.code for a in slot.adaptations],
        "contact_name": slot.contact_name,
    }


@bp.route("")
class Slots(MethodView):
    @bp.doc(security=SECURITY)
    @bp.arguments(SlotListArgs, location="query")
    @bp.response(200, page_of(SlotSchema))
    def get(self, args):
        """List slots: an employer's own, or (caseworkers) open slots with the browse filters."""
        user = require_role(Role.EMPLOYER, Role.CASEWORKER)
        if user.role == Role.EMPLOYER:
            stmt = slot_service.employer_slots_query(user.organisation, args["status"], args["q"])
            pagination = paginate(stmt, args)
            figures = slot_service.slot_figures(list(pagination.items))
            items = [slot_data(slot, figures[slot.id].free, own=True) for slot in pagination.items]
            return page_response(pagination, items, SlotSchema())
        filters = slot_search.SlotFilters(
            q=args["q"],
            kind=args["kind"],
            occupation=args["occupation"],
            postal_code=args["postal_code"],
            max_km=args["max_km"],
            level=args["level"],
            adaptations=args["adaptations"],
            start_from=args["start_from"],
            free_only=args["free_only"],
            sort=args["sort"],
        )
        results = slot_search.search(filters, page=args["page"], per_page=args["per_page"])
        items = [slot_data(hit.slot, hit.free_capacity) for hit in results.hits]
        return page_response(results.page, items, SlotSchema())

    @bp.doc(security=SECURITY)
    @bp.arguments(SlotInputSchema)
    @bp.response(201, SlotSchema)
    def post(self, data):
        """Create a slot (a draft; publish it with the `publish` action). Employers."""
        user = require_role(Role.EMPLOYER)
        _check_codes(data)
        slot = slot_service.create_slot(user, _fields(data))
        response = with_etag(dumped(slot, own=True), 201)
        response.headers["Location"] = f"/api/v1/slots/{slot.id}"
        return response


@bp.route("/<int:slot_id>")
class SlotItem(MethodView):
    @bp.doc(security=SECURITY)
    @bp.response(200, SlotSchema)
    def get(self, slot_id: int):
        """One slot, with its ETag."""
        slot, own = _readable(slot_id)
        return with_etag(dumped(slot, own=own))

    @bp.doc(security=SECURITY)
    @bp.arguments(SlotInputSchema(partial=True))
    @bp.response(200, SlotSchema)
    def patch(self, data, slot_id: int):
        """Change some of a slot's fields. Send the ETag you read in `If-Match`. Employers."""
        slot = _own(slot_id)
        check_if_match(dumped(slot, own=True))
        _check_codes(data)
        merged = {**_current_fields(slot), **data}
        if (
            merged["start_date"]
            and merged["end_date"]
            and merged["end_date"] <= merged["start_date"]
        ):
            invalid("end_date", _("Sluttdato må være etter startdato."))
        slot = slot_service.update_slot(g.api_user, slot, _fields(merged))
        return with_etag(dumped(slot, own=True))


@bp.route("/<int:slot_id>/<any(publish, pause, reopen, close):action>", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.response(200, SlotSchema)
def slot_action(slot_id: int, action: str):
    """Publish, pause, reopen or close a slot. Employers; `If-Match` is checked when sent."""
    slot = _own(slot_id)
    check_if_match(dumped(slot, own=True), required=False)
    slot = slot_service.change_state(g.api_user, slot, action)
    return with_etag(dumped(slot, own=True))


@bp.route("/<int:slot_id>/duplicate", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.response(201, SlotSchema)
def slot_duplicate(slot_id: int):
    """A draft copy of a slot. Employers."""
    slot = _own(slot_id)
    copy = slot_service.duplicate_slot(g.api_user, slot)
    response = with_etag(dumped(copy, own=True), 201)
    response.headers["Location"] = f"/api/v1/slots/{copy.id}"
    return response
