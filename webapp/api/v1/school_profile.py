"""The employer's school profile: whether and how it takes students from schools (the page
*Skoleprofil*). Employers read it; their organisation admins change it."""

from __future__ import annotations

from datetime import date

from flask import g
from flask.views import MethodView

from webapp.api.v1.common import SECURITY, check_if_match, make_blueprint, require_role, with_etag
from webapp.api.v1.school_schemas import SchoolProfileInputSchema, SchoolProfileSchema
from webapp.models import Organisation, Role
from webapp.services.schools import profiles

bp = make_blueprint(
    "api_school_profile",
    __name__,
    "/school-profile",
    "Arbeidsgiverens skoleprofil: om og hvordan virksomheten tar imot elever. Arbeidsgivere "
    "leser; virksomhetens administratorer endrer.",
)

FIELDS = [name for name in SchoolProfileInputSchema().fields]
NEW_PROFILE_STUDENTS = 2  # the profile page's default


def profile_data(organisation: Organisation) -> dict:
    profile = profiles.profile_of(organisation)
    data = {
        "open_to_schools": bool(organisation.open_to_schools),
        "program_areas": [],
        "trades": [],
        "kinds": [],
        "students_per_period": NEW_PROFILE_STUDENTS,
        "blackouts": [],
        "description": "",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        "updated_at": None,
    }
    if profile is not None:
        data.update(
            program_areas=list(profile.program_areas or []),
            trades=list(profile.trades or []),
            kinds=list(profile.kinds or []),
            students_per_period=profile.students_per_period,
            blackouts=[
                {"start": date.fromisoformat(start), "end": date.fromisoformat(end)}
                for start, end in profile.blackouts or []
            ],
            description=profile.description or "",
            contact_name=profile.contact_name or "",
            contact_email=profile.contact_email or "",
            contact_phone=profile.contact_phone or "",
            updated_at=profile.updated_at,
        )
    return data


def dumped(organisation: Organisation) -> dict:
    return SchoolProfileSchema().dump(profile_data(organisation))


def _fields(data: dict) -> profiles.ProfileFields:
    values = {name: data[name] for name in FIELDS}
    values["blackouts"] = [(period["start"], period["end"]) for period in data["blackouts"]]
    return profiles.ProfileFields(**values)


@bp.route("")
class SchoolProfile(MethodView):
    @bp.doc(security=SECURITY)
    @bp.response(200, SchoolProfileSchema)
    def get(self):
        """The organisation's school profile (the page's defaults when none is saved)."""
        user = require_role(Role.EMPLOYER)
        return with_etag(dumped(user.organisation))

    @bp.doc(security=SECURITY)
    @bp.arguments(SchoolProfileInputSchema)
    @bp.response(200, SchoolProfileSchema)
    def patch(self, data):
        """Change some of the profile's fields; the organisation's admins only. Send the ETag
        you read in `If-Match`."""
        user = require_role(Role.EMPLOYER)
        organisation = user.organisation
        profiles.require_editor(user, organisation)
        current = profile_data(organisation)
        check_if_match(SchoolProfileSchema().dump(current))
        profiles.save(g.api_user, organisation, _fields({**current, **data}))
        return with_etag(dumped(organisation))
