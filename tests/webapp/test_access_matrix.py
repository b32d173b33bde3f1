"""Every route × every role: the answer each role gets, so no page leaks by accident.

A route added without an entry here fails ``test_every_route_has_an_entry``. Other
organisations' objects answer 404 (not 403), so their existence does not leak.
"""

from __future__ import annotations

import pytest
from factories import make_candidate, make_organisation, make_site, make_slot, make_user
from flask_login.utils import _create_identifier
from school_factories import make_need, make_request
from support import CSRF_PATTERN

from webapp.models import (
    AllocationRound,
    OrganisationKind,
    Placement,
    Suggestion,
    SuggestionStatus,
)

ROLES = [
    "anonymous",
    "employer",
    "employer_b",
    "caseworker_a",
    "caseworker_b",
    "school",
    "school_b",
    "admin",
]
WRITE = "write"  # an allowed POST: it does its work (200, a redirect, or 422 for a form error)
OBJECT_ARGS = {
    "candidate_id",
    "suggestion_id",
    "placement_id",
    "site_id",
    "slot_id",
    "need_id",
    "partnership_id",
    "round_id",
    "endpoint_id",
    "delivery_id",
}
ACTIONS = {
    "employer.slot_change_state": "pause",
    "employer.placement_change_state": "start",
    "caseworker.placement_change_state": "start",
    "caseworker.suggestion_action": "withdraw",
    "api_slots.slot_action": "pause",
    "api_candidates.candidate_action": "pause",
    "api_suggestions.suggestion_action": "approve",
    "api_placements.placement_action": "start",
}


def area(role_ok: str, *, other_org: dict | None = None) -> dict:
    """One role's pages: anonymous to login, other roles 403."""
    expected = {role: 403 for role in ROLES}
    expected.update(anonymous=302, **{role_ok: 200})
    expected.update(other_org or {})
    return expected


EVERYONE = dict.fromkeys(ROLES, 200)
LOGGED_IN = {**EVERYONE, "anonymous": 302}
EMPLOYER_LIST = area("employer", other_org={"employer_b": 200})
EMPLOYER_OBJECT = area("employer", other_org={"employer_b": 404})
CASEWORKER_LIST = area("caseworker_a", other_org={"caseworker_b": 200})
CASEWORKER_OBJECT = area("caseworker_a", other_org={"caseworker_b": 404})
ADMIN = area("admin")
# API v1 takes a bearer token only: a logged-in session gets 401 like anyone (no CSRF hole).
# What each role's token may do is tested in test_api_access.py.
API_V1 = dict.fromkeys(ROLES, 401)
SCHOOL_LIST = area("school", other_org={"school_b": 200})
SCHOOL_OBJECT = area("school", other_org={"school_b": 404})
BOTH_SIDES = {**EMPLOYER_OBJECT, "caseworker_a": 200, "caseworker_b": 404}

WEBHOOK_OBJECT = {
    **dict.fromkeys(["employer_b", "caseworker_a", "admin"], 404),
    **dict.fromkeys(["caseworker_b", "school", "school_b"], 403),
    "anonymous": 302,
    "employer": 200,
}

MATRIX = {
    "main.index": {**dict.fromkeys(ROLES, 302), "anonymous": 200},
    "main.healthz": EVERYONE,
    # Readiness is public, but the suite's database is made by create_all(), never migrated.
    "ops.readyz": dict.fromkeys(ROLES, 503),
    # Metrics answer only a token or an allow-listed address (none in the tests): hidden.
    "ops.metrics_page": dict.fromkeys(ROLES, 404),
    "main.occupation_suggestions": LOGGED_IN,
    "main.accessibility": EVERYONE,
    "main.privacy": EVERYONE,
    "main.profile": LOGGED_IN,
    "main.notifications": LOGGED_IN,
    "main.colleagues": {**LOGGED_IN, "caseworker_b": 403, "school": 403, "school_b": 403},
    "auth.login": {**dict.fromkeys(ROLES, 302), "anonymous": 200},
    "auth.register": EVERYONE,
    "auth.accept_invite": dict.fromkeys(ROLES, 410),  # a made-up token
    "auth.change_password": LOGGED_IN,
    "auth.forgot_password": EVERYONE,
    "auth.reset_password": dict.fromkeys(ROLES, 410),  # a made-up token
    "auth.logout": dict.fromkeys(ROLES, 302),
    "auth.set_language": dict.fromkeys(ROLES, 302),
    "api.me": {**EVERYONE, "anonymous": 401},
    "api_docs.openapi": EVERYONE,
    "api_docs.browse": EVERYONE,
    "api_tokens.index": LOGGED_IN,
    # Organisation admins (and the municipality's admins) manage their own organisation's
    # webhook receivers; the world's receiver is the employer's.
    "webhooks.index": {**LOGGED_IN, "caseworker_b": 403, "school": 403, "school_b": 403},
    "webhooks.deliveries": WEBHOOK_OBJECT,
    "webhooks.delete": WEBHOOK_OBJECT,
    "webhooks.send_again": {**WEBHOOK_OBJECT, "employer": WRITE},
    "api_tokens.revoke": {**dict.fromkeys(ROLES, 404), "anonymous": 302, "employer": WRITE},
    **{
        f"api_{name}": API_V1
        for name in [
            "reference.me",
            "reference.taxonomy",
            "slots.Slots",
            "slots.SlotItem",
            "slots.slot_action",
            "slots.slot_duplicate",
            "candidates.Candidates",
            "candidates.CandidateItem",
            "candidates.candidate_action",
            "candidates.consent_give",
            "candidates.consent_withdraw",
            "suggestions.Suggestions",
            "suggestions.suggestion",
            "suggestions.suggestion_action",
            "suggestions.suggestion_reject",
            "suggestions.suggestion_withdraw",
            "proposals.proposal_list",
            "proposals.proposal",
            "proposals.proposal_accept",
            "proposals.proposal_decline",
            "placements.placement_list",
            "placements.placement",
            "placements.placement_action",
            "statistics.statistics",
            "imports.candidates_import",
            "imports.slots_import",
            "imports.candidates_template",
            "imports.slots_template",
            "school_needs.SchoolNeeds",
            "school_needs.SchoolNeedItem",
            "school_needs.need_close",
            "school_needs.need_companies",
            "school_needs.need_send_requests",
            "partnerships.partnership_list",
            "partnerships.partnership",
            "partnerships.partnership_withdraw",
            "partnerships.partnership_renew",
            "partnerships.partnership_end",
            "partnerships.partnership_accept",
            "partnerships.partnership_decline",
            "school_profile.SchoolProfile",
        ]
    },
    "imports.upload": CASEWORKER_LIST,  # kind=kandidater
    "imports.template": CASEWORKER_LIST,
    "school.home": area("school"),
    **{
        f"school.{name}": SCHOOL_LIST
        for name in ["home", "needs_list", "need_new", "partnerships", "unmet"]
    },
    **{
        f"school.{name}": SCHOOL_OBJECT
        for name in ["need_detail", "need_edit", "finder_page", "partnership"]
    },
    **{
        f"school.{name}": {**SCHOOL_OBJECT, "school": WRITE}
        for name in [
            "need_close",
            "send_requests",
            "partnership_withdraw",
            "partnership_renew",
            "partnership_end",
        ]
    },
    "admin.unmet_demand": ADMIN,
    # The agreement: the placement's employer and the candidate's caseworkers; the link page is
    # public (a made-up token answers 410).
    **{
        f"agreements.{name}": BOTH_SIDES
        for name in ["detail", "versions", "version_diff", "printable", "pdf"]
    },
    **{
        f"agreements.{name}": {**BOTH_SIDES, "employer": WRITE, "caseworker_a": WRITE}
        for name in ["save_section", "sign"]
    },
    **{
        f"agreements.{name}": {**CASEWORKER_OBJECT, "caseworker_a": WRITE}
        for name in ["record_confirmation", "create_link"]
    },
    "agreements.confirm": dict.fromkeys(ROLES, 410),
    **{f"employer.{name}": EMPLOYER_LIST for name in ["school_profile", "school_requests"]},
    "employer.school_request": EMPLOYER_OBJECT,
    **{
        f"employer.{name}": {**EMPLOYER_OBJECT, "employer": WRITE}
        for name in ["school_request_accept", "school_request_decline", "school_request_end"]
    },
    **{
        f"admin.{name}": ADMIN
        for name in [
            "home",
            "organisations",
            "organisation_new",
            "organisation_detail",
            "users",
            "audit_log",
            "audit_log_csv",
            "user_detail",
            "outgoing_mail",
            "export_figure",
        ]
    },
    "admin.organisation_approve": {**ADMIN, "admin": WRITE},
    # GET: the confirmation page (deactivating); an approved organisation is not rejected.
    "admin.user_set_active": ADMIN,
    "admin.organisation_set_active": ADMIN,
    "admin.organisation_reject": {**ADMIN, "admin": 302},
    "admin.rebuild_model": {**ADMIN, "admin": WRITE},
    "admin.model_card": ADMIN,
    # Allocation rounds: admins and caseworkers see them; admins and caseworker org admins
    # start them; a round of another organisation answers 404.
    "allocation.rounds": {**area("caseworker_a", other_org={"caseworker_b": 200}), "admin": 200},
    "allocation.round_new": {
        **area("caseworker_a"),
        "caseworker_a": WRITE,
        "admin": WRITE,
    },
    "allocation.round_detail": {**CASEWORKER_OBJECT, "admin": 200},
    **{
        f"employer.{name}": EMPLOYER_LIST
        for name in ["home", "slots", "slot_new", "sites", "profile", "inbox", "placements"]
    },
    **{
        f"employer.{name}": EMPLOYER_OBJECT
        for name in [
            "slot_detail",
            "slot_edit",
            "slot_confirm_close",
            "site_edit",
            "proposal",
            "placement",
        ]
    },
    **{
        f"employer.{name}": {**EMPLOYER_OBJECT, "employer": WRITE}
        for name in [
            "slot_change_state",
            "slot_duplicate",
            "proposal_accept",
            "proposal_decline",
            "placement_change_state",
        ]
    },
    **{
        f"caseworker.{name}": CASEWORKER_LIST
        for name in [
            "home",
            "candidates",
            "candidate_new",
            "browse_slots",
            "placements",
            "slot_detail",
            "slot_candidates",
            "suggestion_queue",
        ]
    },
    **{
        f"caseworker.{name}": CASEWORKER_OBJECT
        for name in [
            "candidate_detail",
            "candidate_edit",
            "candidate_export",
            "candidate_archive",
            "candidate_suggestions",
            "suggestion_reject",
            "placement",
        ]
    },
    **{
        f"caseworker.{name}": {**CASEWORKER_OBJECT, "caseworker_a": WRITE}
        for name in [
            "candidate_pause",
            "candidate_reactivate",
            "candidate_consent_give",
            "candidate_consent_withdraw",
            "candidate_suggestions_refresh",
            "suggestion_action",
            "placement_change_state",
            "placement_follow_up",
            "slot_candidate_pick",
        ]
    },
}


class World:
    def __init__(self):
        employer_org = make_organisation(OrganisationKind.EMPLOYER, open_to_schools=True)
        nav_a = make_organisation(OrganisationKind.NAV_OFFICE)
        school_org = make_organisation(OrganisationKind.SCHOOL)
        self.users = {
            "employer": make_user(employer_org, password=None, is_admin=True),
            "employer_b": make_user(password=None, is_admin=True),
            "caseworker_a": make_user(nav_a, password=None, is_admin=True),
            "caseworker_b": make_user(kind=OrganisationKind.NAV_OFFICE, password=None),
            "school": make_user(school_org, password=None),
            "school_b": make_user(kind=OrganisationKind.SCHOOL, password=None),
            "admin": make_user(kind=OrganisationKind.MUNICIPALITY, password=None),
        }
        site = make_site(employer_org)
        slot = make_slot(employer_org, site=site, capacity=2)
        candidate = make_candidate(nav_a, consent=True)
        proposed = Suggestion(
            candidate=candidate, slot=slot, score=0.7, status=SuggestionStatus.PROPOSED
        )
        placed_candidate = make_candidate(nav_a, consent=True)
        accepted = Suggestion(
            candidate=placed_candidate, slot=slot, score=0.6, status=SuggestionStatus.ACCEPTED
        )
        from webapp.extensions import db

        db.session.add_all([proposed, accepted])
        db.session.flush()
        placement = Placement(
            suggestion_id=accepted.id, candidate_id=placed_candidate.id, slot_id=slot.id
        )
        db.session.add(placement)
        allocation_round = AllocationRound(organisation_id=nav_a.id, totals={})
        db.session.add(allocation_round)
        db.session.commit()
        from webapp.services import api_tokens

        api_token, _raw = api_tokens.create(
            self.users["employer"], name="Matrise", scopes=["read"], days=30
        )
        from webapp.models.webhook import WebhookDelivery, WebhookEndpoint

        endpoint = WebhookEndpoint(
            organisation_id=employer_org.id,
            url="https://127.0.0.1:9/hook",  # the discard port: refused at once, no network
            secret="whsec_test",
            events="placement.changed",
        )
        db.session.add(endpoint)
        db.session.flush()
        delivery = WebhookDelivery(
            endpoint_id=endpoint.id,
            event="placement.changed",
            event_id="00000000-0000-0000-0000-000000000000",
            payload={},
            status="failed",
            next_attempt_at=endpoint.created_at,
        )
        db.session.add(delivery)
        db.session.commit()
        need = make_need(school_org)
        request = make_request(need, employer_org, requested_by=self.users["school"])
        self.values = {
            "token_id": api_token.id,
            "endpoint_id": endpoint.id,
            "delivery_id": delivery.id,
            "proposal_id": proposed.id,
            "name": "skills",
            "kind": "kandidater",
            "file_format": "csv",
            "round_id": allocation_round.id,
            "candidate_id": candidate.id,
            "suggestion_id": proposed.id,
            "placement_id": placement.id,
            "site_id": site.id,
            "slot_id": slot.id,
            "organisation_id": employer_org.id,
            "user_id": self.users["caseworker_b"].id,
            "token": "not-a-real-invite",
            "need_id": need.id,
            "partnership_id": request.id,
            "key": "funnel",
            "fmt": "csv",
            "number": 1,
            "change": "deaktiver",
        }


def _client_as(app, world, role):
    """A client logged in as ``role`` without a password check (speed: 7 roles × 80 routes)."""
    client = app.test_client()
    if role != "anonymous":
        with app.test_request_context(environ_base=client.environ_base):
            identifier = _create_identifier()  # what session protection expects of this client
        with client.session_transaction() as session:
            session.update(_user_id=world.users[role].get_id(), _fresh=True, _id=identifier)
    return client


def _request(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    if method == "DELETE":
        return client.delete(url)
    page = client.get("/konto") if client.get_cookie("session") else client.get("/logg-inn")
    match = CSRF_PATTERN.search(page.get_data(as_text=True))
    token = match.group(1) if match else ""
    return client.post(url, data={"csrf_token": token})


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def test_every_route_has_an_entry(app):
    missing = sorted({rule.endpoint for rule in _rules(app)} - set(MATRIX))
    assert not missing, f"add these routes to the access matrix: {missing}"
    assert all(set(expected) == set(ROLES) for expected in MATRIX.values())


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_route_answers_each_role_as_expected(endpoint, app, db):
    world = World()
    (rule,) = [r for r in _rules(app) if r.endpoint == endpoint]
    values = {arg: world.values.get(arg) for arg in rule.arguments}
    if "action" in rule.arguments:
        values["action"] = ACTIONS[endpoint]
    with app.test_request_context():
        from flask import url_for

        url = url_for(endpoint, **values)
    method = "GET" if "GET" in rule.methods else "POST" if "POST" in rule.methods else "DELETE"
    expected = MATRIX[endpoint]
    # Refusals first: an allowed write may change what later requests see.
    order = sorted(ROLES, key=lambda role: expected[role] == WRITE)
    answers = {}
    for role in order:
        response = _request(_client_as(app, world, role), method, url)
        answers[role] = response.status_code
    wrong = {
        role: (answers[role], expected[role])
        for role in ROLES
        if not (
            answers[role] in (200, 302, 422)
            if expected[role] == WRITE
            else answers[role] == expected[role]
        )
    }
    assert not wrong, f"{method} {url}: role → (got, expected): {wrong}"
