"""The API's documents for the matching flow: suggestions, proposals and placements."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from webapp.api.v1.common import (
    CleanString,
    PageArgs,
    StrictSchema,
    UtcDateTime,
    day,
    text,
    whole,
)
from webapp.api.v1.schemas import OrganisationRefSchema
from webapp.models import PlacementOutcome, SuggestionStatus
from webapp.services import proposals as proposal_service


class SlotRefSchema(ma.Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    organisation = fields.Nested(OrganisationRefSchema, required=True)


class SuggestionSchema(ma.Schema):
    id = fields.Integer(required=True)
    candidate_id = fields.Integer(required=True)
    slot = fields.Nested(SlotRefSchema, required=True)
    score = fields.Float(required=True)
    status = fields.String(required=True, validate=validate.OneOf(list(SuggestionStatus)))
    factors = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    reasons = fields.List(fields.Raw(), required=True)
    model_version = fields.String(required=True)
    reason_code = fields.String(allow_none=True, required=True)
    reason = fields.String(required=True)
    decided_at = UtcDateTime(allow_none=True, required=True)
    proposed_at = UtcDateTime(allow_none=True, required=True)
    answer_due = fields.Date(allow_none=True, required=True)
    answered_at = UtcDateTime(allow_none=True, required=True)
    answer_reason_code = fields.String(allow_none=True, required=True)
    answer_reason = fields.String(required=True)
    allowed_actions = fields.List(fields.String(), required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


class SuggestionListArgs(PageArgs):
    candidate_id = fields.Integer(load_default=None, validate=validate.Range(1, 2**31 - 1))
    slot_id = fields.Integer(load_default=None, validate=validate.Range(1, 2**31 - 1))
    status = CleanString(load_default="", validate=validate.OneOf(["", *SuggestionStatus]))


class PairSchema(StrictSchema):
    candidate_id = whole(1, 2**31 - 1, required=True)
    slot_id = whole(1, 2**31 - 1, required=True)


class RejectSchema(StrictSchema):
    reason_code = CleanString(
        required=True, validate=validate.OneOf(list(proposal_service.REJECT_REASONS))
    )
    reason = text(1000, load_default="")


class WithdrawSchema(StrictSchema):
    reason = text(1000, load_default="")


class DeclineSchema(StrictSchema):
    reason_code = CleanString(
        required=True, validate=validate.OneOf(list(proposal_service.DECLINE_REASONS))
    )
    reason = text(1000, load_default="")


class AcceptSchema(StrictSchema):
    start_date = day(allow_none=True, load_default=None)


class CaseworkerRefSchema(ma.Schema):
    name = fields.String(required=True)
    email = fields.String(required=True)


class CandidateCardSchema(ma.Schema):
    """What an employer sees of a proposed candidate: a pseudonym and what the match needs."""

    pseudonym = fields.String(required=True)
    skills = fields.List(fields.String(), required=True)
    shared_skills = fields.List(fields.String(), required=True)
    norwegian_level = fields.String(required=True)
    hours_per_week = fields.Integer(allow_none=True, required=True)
    available_from = fields.Date(allow_none=True, required=True)
    adaptations = fields.List(fields.String(), required=True)
    caseworker = fields.Nested(CaseworkerRefSchema, allow_none=True, required=True)
    organisation = fields.String(required=True)


class ProposalSchema(ma.Schema):
    id = fields.Integer(required=True)
    slot = fields.Nested(SlotRefSchema, required=True)
    status = fields.String(required=True)
    candidate = fields.Nested(CandidateCardSchema, allow_none=True, required=True)
    proposed_at = UtcDateTime(allow_none=True, required=True)
    answer_due = fields.Date(allow_none=True, required=True)
    answered_at = UtcDateTime(allow_none=True, required=True)
    answer_reason_code = fields.String(allow_none=True, required=True)
    answer_reason = fields.String(required=True)
    allowed_actions = fields.List(fields.String(), required=True)


class ProposalListArgs(PageArgs):
    status = CleanString(
        load_default="proposed", validate=validate.OneOf(["proposed", "answered", "all"])
    )
    slot_id = fields.Integer(load_default=None, validate=validate.Range(1, 2**31 - 1))


class PlacementSchema(ma.Schema):
    id = fields.Integer(required=True)
    slot = fields.Nested(SlotRefSchema, required=True)
    candidate_id = fields.Integer(
        metadata={"description": "Caseworkers only; employers see the pseudonym"}
    )
    candidate = fields.String(
        required=True, metadata={"description": "Reference code or pseudonym"}
    )
    start_date = fields.Date(allow_none=True, required=True)
    end_date = fields.Date(allow_none=True, required=True)
    follow_up_date = fields.Date(allow_none=True, required=True)
    status = fields.String(required=True)
    outcome = fields.String(allow_none=True, required=True)
    notes = fields.String(required=True)
    allowed_actions = fields.List(fields.String(), required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


class PlacementListArgs(PageArgs):
    status = CleanString(
        load_default="",
        validate=validate.OneOf(["", "planned", "active", "completed", "ended_early"]),
    )


class PlacementActionSchema(StrictSchema):
    outcome = CleanString(
        allow_none=True, load_default=None, validate=validate.OneOf(list(PlacementOutcome))
    )
    notes = text(2000, load_default="")
