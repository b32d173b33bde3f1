"""Contract test: schemathesis calls every operation of the generated OpenAPI document with a
token of each role, and every answer must be documented and match its schema (no 5xx at all).

Examples per operation are limited (``MAX_EXAMPLES``) so the suite stays quick; run
``CONTRACT_EXAMPLES=100 CONTRACT_COVERAGE=1 pytest tests/webapp/test_api_contract.py`` for a
deeper search.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from api_support import token_for
from factories import make_candidate, make_organisation, make_site, make_slot, make_user
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from school_factories import make_need, make_open_employer, make_request

from webapp.extensions import db as _db
from webapp.models import OrganisationKind, Suggestion, SuggestionStatus

MAX_EXAMPLES = int(os.environ.get("CONTRACT_EXAMPLES", "8"))
# The coverage phase (every boundary value the schema names) takes ~15 minutes over all operations
# and roles: on for a deep run (CONTRACT_COVERAGE=1), off in the everyday suite.
COVERAGE = os.environ.get("CONTRACT_COVERAGE", "") == "1"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
KINDS = {
    "employer": OrganisationKind.EMPLOYER,
    "caseworker": OrganisationKind.NAV_OFFICE,
    "school": OrganisationKind.SCHOOL,
    "admin": OrganisationKind.MUNICIPALITY,
}


def _generated_spec() -> dict:
    """The document as the app serves it; generating it needs no database."""
    from webapp import create_app

    spec_app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with spec_app.test_client() as client:
        return client.get("/api/v1/openapi.json").get_json()


# Loaded at import, not from a fixture: schemathesis' fixture loader does not run on pytest 9.
schema = schemathesis.openapi.from_dict(_generated_spec())
schema.config.phases.coverage.enabled = COVERAGE


@pytest.fixture
def role_tokens(db):
    """A token per role, and some objects for them to find (ids 1, 2, … are likely hits)."""
    users = {role: make_user(kind=kind, password=None) for role, kind in KINDS.items()}
    users["employer"].is_admin = True  # reaches the school profile's changes
    employer, caseworker = users["employer"].organisation, users["caseworker"].organisation
    employer.open_to_schools = True
    slot = make_slot(employer, site=make_site(employer))
    candidate = make_candidate(caseworker, consent=True)
    make_slot(make_organisation(), status="open")
    _db.session.add(Suggestion(candidate=candidate, slot=slot, score=0.5))
    _db.session.add(
        Suggestion(
            candidate=make_candidate(caseworker, consent=True),
            slot=slot,
            score=0.4,
            status=SuggestionStatus.PROPOSED,
        )
    )
    _db.session.commit()
    school = users["school"].organisation
    need = make_need(school)
    make_request(need, employer, requested_by=users["school"])
    make_request(make_need(school, title="Bedriftsbesøk"), employer, status="accepted")
    make_open_employer("Annen bedrift AS")
    return {role: token_for(user) for role, user in users.items()}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_contract_for_every_role(case, app, role_tokens):
    case.operation.app = app  # the suite's app, on the test database
    for token in role_tokens.values():
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
