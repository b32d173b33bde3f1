"""The API's documents for school cooperation: needs, the company finder, requests and
partnerships, and the employer's school profile.

Input schemas carry the forms' limits (webapp/school/forms.py); the rules themselves are the
services' (webapp/services/schools), whose field errors come back with these field names.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from webapp.api.v1.common import (
    MAX_ID,
    CleanString,
    PageArgs,
    StrictSchema,
    UtcDateTime,
    code_list,
    text,
)
from webapp.api.v1.schemas import OrganisationRefSchema
from webapp.models import CooperationKind, NeedStatus, PartnershipStatus
from webapp.services.schools import needs as need_service
from webapp.services.schools import profiles as profile_service
from webapp.services.schools.partnerships import DECLINE_REASONS, MAX_EMPLOYERS_PER_SEND

KINDS = list(CooperationKind)


def _students(low: int, high: int, **kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(low, high), **kwargs)


# --- needs -----------------------------------------------------------------------------------


class SchoolNeedSchema(ma.Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(list(NeedStatus)))
    title = fields.String(required=True)
    program_area_code = fields.String(required=True)
    trades = fields.List(fields.String(), required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    students = fields.Integer(required=True)
    covered_students = fields.Integer(
        required=True, metadata={"description": "Students covered by accepted partnerships"}
    )
    period_start = fields.Date(allow_none=True, required=True)
    period_end = fields.Date(allow_none=True, required=True)
    requirements = fields.String(required=True)
    description = fields.String(required=True)
    allowed_actions = fields.List(fields.String(), required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


class SchoolNeedInputSchema(StrictSchema):
    """A new need (the need form's fields); PATCH takes any subset."""

    title = text(200, min_length=1, required=True)
    program_area_code = CleanString(
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={"description": "A code from /api/v1/taxonomies/program-areas"},
    )
    trades = code_list(
        load_default=list, metadata={"description": "Codes from /api/v1/taxonomies/occupations"}
    )
    kind = CleanString(load_default=CooperationKind.PLACEMENT, validate=validate.OneOf(KINDS))
    students = _students(need_service.MIN_STUDENTS, need_service.MAX_STUDENTS, required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    requirements = text(2000, load_default="")
    description = text(5000, load_default="")


class SchoolNeedListArgs(PageArgs):
    """The need list's filters."""

    status = CleanString(load_default="open", validate=validate.OneOf(["open", "closed", "all"]))
    program_area = text(40, load_default="")
    kind = CleanString(load_default="", validate=validate.OneOf(["", *KINDS]))
    q = text(200, load_default="")


# --- the company finder ----------------------------------------------------------------------


class RequestRefSchema(ma.Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)


class CompanyMatchSchema(ma.Schema):
    employer = fields.Nested(OrganisationRefSchema, required=True)
    rank = fields.Integer(required=True, metadata={"description": "1 is the best fit"})
    score = fields.Float(required=True, metadata={"description": "0–1, as the page's «Treff»"})
    reasons = fields.List(fields.String(), required=True)
    distance_km = fields.Float(allow_none=True, required=True)
    free_capacity = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "Students it can still take in the need's period; null: unknown"},
    )
    offers_program_area = fields.Boolean(required=True)
    municipalities = fields.List(fields.String(), required=True)
    request = fields.Nested(
        RequestRefSchema,
        allow_none=True,
        required=True,
        metadata={"description": "The open request or partnership for this need, if any"},
    )


class FinderArgs(PageArgs):
    """The finder page's filters."""

    program_area = text(40, load_default="")
    trade = text(60, load_default="")
    municipality = text(100, load_default="")
    max_km = fields.Integer(load_default=None, validate=validate.Range(1, 500))
    only_free = fields.Boolean(load_default=False)


class SendRequestsSchema(StrictSchema):
    employers = fields.List(
        fields.Integer(strict=True, validate=validate.Range(1, MAX_ID)),
        required=True,
        validate=validate.Length(min=1, max=MAX_EMPLOYERS_PER_SEND),
        metadata={"description": "Ids of the companies to ask (from the finder)"},
    )
    message = text(2000, load_default="")


# --- requests and partnerships ---------------------------------------------------------------


class ContactSchema(ma.Schema):
    name = fields.String(required=True)
    email = fields.String(required=True)


class MessageSchema(ma.Schema):
    body = fields.String(required=True)
    sent_at = UtcDateTime(required=True)


class PartnershipSchema(ma.Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(list(PartnershipStatus)))
    school = fields.Nested(OrganisationRefSchema, required=True)
    employer = fields.Nested(OrganisationRefSchema, required=True)
    need_id = fields.Integer(
        allow_none=True, metadata={"description": "The school's need (schools only)"}
    )
    program_area_code = fields.String(allow_none=True, required=True)
    kind = fields.String(required=True)
    students = fields.Integer(required=True)
    period_start = fields.Date(allow_none=True, required=True)
    period_end = fields.Date(allow_none=True, required=True)
    school_contact = fields.Nested(ContactSchema, allow_none=True, required=True)
    employer_contact = fields.Nested(ContactSchema, required=True)
    messages = fields.List(fields.Nested(MessageSchema), required=True)
    answer_reason_code = fields.String(allow_none=True, required=True)
    answer_reason = fields.String(required=True)
    decided_at = UtcDateTime(allow_none=True, required=True)
    ended_at = UtcDateTime(allow_none=True, required=True)
    end_note = fields.String(required=True)
    renewed_from_id = fields.Integer(allow_none=True, required=True)
    allowed_actions = fields.List(fields.String(), required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


class PartnershipListSchema(ma.Schema):
    items = fields.List(fields.Nested(PartnershipSchema), required=True)


class PartnershipListArgs(PageArgs):
    """The pages' tabs: waiting for an answer, agreed, closed (declined, withdrawn, ended)."""

    status = CleanString(
        load_default="all", validate=validate.OneOf(["all", "waiting", "agreed", "closed"])
    )
    need_id = fields.Integer(load_default=None, validate=validate.Range(1, MAX_ID))


class AcceptRequestSchema(StrictSchema):
    """The students and dates the employer confirms (at most what the school asked for)."""

    students = _students(1, need_service.MAX_STUDENTS, required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)


class DeclineRequestSchema(StrictSchema):
    reason_code = CleanString(required=True, validate=validate.OneOf(list(DECLINE_REASONS)))
    reason = text(1000, load_default="", metadata={"description": "Required with `other`"})


class EndPartnershipSchema(StrictSchema):
    note = text(1000, min_length=1, required=True)


# --- the employer's school profile -----------------------------------------------------------


class PeriodSchema(StrictSchema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)


class SchoolProfileSchema(ma.Schema):
    open_to_schools = fields.Boolean(required=True)
    program_areas = fields.List(fields.String(), required=True)
    trades = fields.List(fields.String(), required=True)
    kinds = fields.List(fields.String(validate=validate.OneOf(KINDS)), required=True)
    students_per_period = fields.Integer(required=True)
    blackouts = fields.List(fields.Nested(PeriodSchema), required=True)
    description = fields.String(required=True)
    contact_name = fields.String(required=True)
    contact_email = fields.String(required=True)
    contact_phone = fields.String(required=True)
    updated_at = UtcDateTime(allow_none=True, required=True)


def _email_or_empty(value: str) -> None:
    """An e-mail address, or nothing (the profile page's contact e-mail is optional)."""
    if not value:
        return
    try:
        validate.Email()(value)
    except ma.ValidationError as error:
        from flask_babel import gettext as _

        raise ma.ValidationError(_("Skriv inn en gyldig e-postadresse.")) from error


class SchoolProfileInputSchema(StrictSchema):
    """PATCH: any subset of the profile page's fields."""

    open_to_schools = fields.Boolean()
    program_areas = code_list()
    trades = code_list()
    kinds = fields.List(
        CleanString(validate=validate.OneOf(KINDS)), validate=validate.Length(max=len(KINDS))
    )
    students_per_period = _students(profile_service.MIN_STUDENTS, profile_service.MAX_STUDENTS)
    blackouts = fields.List(fields.Nested(PeriodSchema), validate=validate.Length(max=3))
    description = text(2000)
    contact_name = text(200)
    contact_email = CleanString(validate=[validate.Length(max=254), _email_or_empty])
    contact_phone = text(30)
