"""The API's documents: what each resource looks like going out and coming in.

Input schemas carry the same limits as the forms (lengths, ranges, required fields, taxonomy
codes); the services check the rest, and their field errors come back with the same field names.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from webapp.api.v1.common import (
    CleanString,
    PageArgs,
    StrictSchema,
    UtcDateTime,
    code_list,
    day,
    text,
    whole,
)
from webapp.models import SlotStatus
from webapp.models.api_token import SCOPES
from webapp.services import candidate_fields
from webapp.services import slots as slot_service

# --- shared ----------------------------------------------------------------------------------


class ProblemFieldSchema(ma.Schema):
    in_ = fields.String(data_key="in", metadata={"description": "json, query, path or file"})
    field = fields.String(metadata={"description": "The field (dotted path) that is wrong"})
    detail = fields.String()
    row = fields.Integer(metadata={"description": "Row in an imported file (1 = header)"})


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    errors = fields.List(fields.Nested(ProblemFieldSchema))


class OrganisationRefSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class MeSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    role = fields.String(
        required=True, validate=validate.OneOf(["employer", "caseworker", "school", "admin"])
    )
    organisation = fields.Nested(OrganisationRefSchema, required=True)
    token = fields.Dict(required=True)


class TaxonomyEntrySchema(ma.Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class TaxonomySchema(ma.Schema):
    items = fields.List(fields.Nested(TaxonomyEntrySchema), required=True)


class TaxonomyArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    lang = CleanString(load_default="nb", validate=validate.OneOf(["nb", "en"]))


# --- slots -----------------------------------------------------------------------------------


class SlotSchema(ma.Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(list(SlotStatus)))
    organisation = fields.Nested(OrganisationRefSchema, required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    occupation_code = fields.String(allow_none=True, required=True)
    description = fields.String(required=True)
    skills = fields.List(fields.String(), required=True)
    extra_skills = fields.List(fields.String(), required=True)
    norwegian_level = fields.String(required=True)
    site_id = fields.Integer(allow_none=True, required=True)
    hours_per_week = fields.Integer(allow_none=True, required=True)
    start_date = fields.Date(allow_none=True, required=True)
    end_date = fields.Date(allow_none=True, required=True)
    capacity = fields.Integer(required=True)
    free_capacity = fields.Integer(required=True)
    adaptations = fields.List(fields.String(), required=True)
    contact_name = fields.String(required=True)
    allowed_actions = fields.List(fields.String(), required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


class SlotInputSchema(StrictSchema):
    """A new slot (all fields the form asks for); PATCH takes any subset."""

    kind = CleanString(required=True, validate=validate.Length(min=1, max=40))
    title = text(200, min_length=1, required=True)
    occupation_code = CleanString(
        allow_none=True, load_default=None, validate=validate.Length(max=40)
    )
    description = text(5000, min_length=1, required=True)
    skills = code_list(load_default=list)
    extra_skills = fields.List(
        CleanString(validate=validate.Length(min=1, max=60)),
        load_default=list,
        validate=validate.Length(max=10),
    )
    norwegian_level = CleanString(load_default="none", validate=validate.Length(max=10))
    site_id = whole(1, 2**31 - 1, required=True)
    hours_per_week = whole(slot_service.MIN_HOURS, slot_service.MAX_HOURS, required=True)
    start_date = day(required=True)
    end_date = day(allow_none=True, load_default=None)
    capacity = whole(slot_service.MIN_CAPACITY, slot_service.MAX_CAPACITY, load_default=1)
    adaptations = code_list(load_default=list)
    contact_name = text(200, load_default="")

    @ma.validates_schema
    def end_after_start(self, data, **kwargs):
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end <= start:
            from flask_babel import gettext as _

            raise ma.ValidationError(_("Sluttdato må være etter startdato."), "end_date")


class SlotListArgs(PageArgs):
    """Employers: their own slots by status and text. Caseworkers: the browse filters."""

    status = CleanString(load_default="", validate=validate.OneOf(["", *SlotStatus]))
    q = text(200, load_default="")
    kind = text(40, load_default="")
    occupation = text(40, load_default="")
    postal_code = CleanString(load_default=None, validate=validate.Regexp(r"^\d{4}$"))
    max_km = fields.Integer(load_default=None, validate=validate.Range(1, 1000))
    level = text(10, load_default="")
    adaptations = fields.List(text(40), load_default=list)
    start_from = day(load_default=None)
    free_only = fields.Boolean(load_default=False)
    sort = CleanString(
        load_default="newest", validate=validate.OneOf(["newest", "start", "distance"])
    )


# --- candidates ------------------------------------------------------------------------------


class ConsentSchema(ma.Schema):
    in_force = fields.Boolean(required=True)
    given_at = UtcDateTime(allow_none=True, required=True)
    scope = fields.String(required=True)
    withdrawn_at = UtcDateTime(allow_none=True, required=True)


class CandidateSchema(ma.Schema):
    id = fields.Integer(required=True)
    reference_code = fields.String(required=True)
    display_name = fields.String(required=True)
    status = fields.String(required=True)
    caseworker_id = fields.Integer(allow_none=True, required=True)
    programme = fields.String(required=True)
    kinds = fields.List(fields.String(), required=True)
    goals = fields.String(required=True)
    skills = fields.List(fields.String(), required=True)
    experience = fields.String(required=True)
    education = fields.String(required=True)
    occupations = fields.List(fields.String(), required=True)
    norwegian_level = fields.String(required=True)
    home_postal_code = fields.String(allow_none=True, required=True)
    max_commute_km = fields.Integer(allow_none=True, required=True)
    hours_per_week = fields.Integer(allow_none=True, required=True)
    available_from = fields.Date(allow_none=True, required=True)
    adaptation_needs = fields.List(fields.String(), required=True)
    notes = fields.String(required=True)
    consent = fields.Nested(ConsentSchema, required=True)
    allowed_actions = fields.List(fields.String(), required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


class CandidateInputSchema(StrictSchema):
    reference_code = text(candidate_fields.REFERENCE_CODE_MAX, min_length=1, required=True)
    display_name = text(candidate_fields.DISPLAY_NAME_MAX, min_length=1, required=True)
    caseworker_id = whole(1, 2**31 - 1, allow_none=True, load_default=None)
    programme = CleanString(
        load_default="other", validate=validate.OneOf(candidate_fields.PROGRAMMES)
    )
    kinds = code_list(load_default=list)
    goals = text(candidate_fields.GOALS_MAX, load_default="")
    skills = code_list(load_default=list)
    experience = text(candidate_fields.EXPERIENCE_MAX, load_default="")
    education = text(candidate_fields.EDUCATION_MAX, load_default="")
    occupations = code_list(load_default=list)
    norwegian_level = CleanString(load_default="none", validate=validate.Length(max=10))
    home_postal_code = CleanString(
        allow_none=True, load_default=None, validate=validate.Length(max=10)
    )
    max_commute_km = whole(
        candidate_fields.COMMUTE_MIN_KM,
        candidate_fields.COMMUTE_MAX_KM,
        allow_none=True,
        load_default=None,
    )
    hours_per_week = whole(
        candidate_fields.HOURS_MIN, candidate_fields.HOURS_MAX, allow_none=True, load_default=None
    )
    available_from = day(allow_none=True, load_default=None)
    adaptation_needs = code_list(load_default=list)
    notes = text(candidate_fields.NOTES_MAX, load_default="")


class CandidateCreateSchema(CandidateInputSchema):
    consent = fields.Boolean(load_default=False, metadata={"description": "Consent given now"})
    consent_scope = text(candidate_fields.CONSENT_SCOPE_MAX, load_default="")


class ConsentInputSchema(StrictSchema):
    scope = text(candidate_fields.CONSENT_SCOPE_MAX, min_length=1, required=True)


class CandidateListArgs(PageArgs):
    q = text(200, load_default="")
    status = CleanString(
        load_default="", validate=validate.OneOf(["", "all", "active", "paused", "archived"])
    )
    kind = text(40, load_default="")
    consent = CleanString(load_default="", validate=validate.OneOf(["", "yes", "no"]))
    level = text(10, load_default="")


# --- statistics and tokens -------------------------------------------------------------------


class StatisticsArgs(ma.Schema):
    """The dashboard's filters."""

    class Meta:
        unknown = ma.EXCLUDE

    date_from = day(load_default=None)
    date_to = day(load_default=None)
    organisation_id = fields.Integer(load_default=None, validate=validate.Range(1, 2**31 - 1))
    slot_kind = text(40, load_default=None, allow_none=True)
    municipality = text(100, load_default=None, allow_none=True)


class StatisticsColumnSchema(ma.Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "label count places rate days"})


class StatisticsTableSchema(ma.Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    columns = fields.List(fields.Nested(StatisticsColumnSchema), required=True)
    rows = fields.List(
        fields.List(fields.Raw(allow_none=True)),
        required=True,
        metadata={"description": "One value per column; null where fewer than 5 are counted"},
    )


class StatisticsSchema(ma.Schema):
    """Counts only; a count below 5 people is null (suppressed)."""

    headline = fields.Dict(
        keys=fields.String(), values=fields.Integer(allow_none=True), required=True
    )
    tables = fields.List(fields.Nested(StatisticsTableSchema), required=True)


TOKEN_SCOPES = list(SCOPES)
