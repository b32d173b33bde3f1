"""Every API v1 operation × every role's token: the answer each gets, as the pages decide it.

Other organisations' objects answer 404; roles an operation is not for answer 403; no token 401.
An operation missing here fails ``test_every_operation_has_an_entry``.
"""

from __future__ import annotations

import io

import pytest
from api_support import bearer, token_for
from factories import make_candidate, make_organisation, make_site, make_slot, make_user
from school_factories import make_need, make_request
from support import next_year

from webapp.extensions import db as _db
from webapp.models import OrganisationKind, Placement, Suggestion, SuggestionStatus

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
OK = "ok"  # the owner: it does its work (2xx) or the domain refuses it for its state (409/422/428)
OWNER_ANSWERS = {200, 201, 409, 422, 428}


def expect(**answers) -> dict:
    expected = {role: 403 for role in ROLES}
    expected["anonymous"] = 401
    expected.update(answers)
    return expected


EMPLOYER_OBJECT = expect(employer=OK, employer_b=404)
CASEWORKER_OBJECT = expect(caseworker_a=OK, caseworker_b=404)
BOTH_LISTS = expect(employer=200, employer_b=200, caseworker_a=200, caseworker_b=200)
SCHOOL_OBJECT = expect(school=OK, school_b=404)
# A request is the school's and the employer's it was sent to; each side has its own actions
# (the other side's answer 403, as the service refuses them).
PARTNERSHIP = expect(school=OK, school_b=404, employer=OK, employer_b=404)
SCHOOL_ACTION = expect(school=OK, school_b=404, employer=403, employer_b=404)
EMPLOYER_ACTION = expect(school=403, school_b=404, employer=OK, employer_b=404)

MATRIX = {
    ("GET", "/api/v1/me"): {**dict.fromkeys(ROLES, 200), "anonymous": 401},
    ("GET", "/api/v1/taxonomies/{name}"): {**dict.fromkeys(ROLES, 200), "anonymous": 401},
    ("GET", "/api/v1/slots"): BOTH_LISTS,
    ("POST", "/api/v1/slots"): expect(employer=OK, employer_b=422),
    ("GET", "/api/v1/slots/{slot_id}"): expect(
        employer=200, employer_b=404, caseworker_a=200, caseworker_b=200
    ),
    ("PATCH", "/api/v1/slots/{slot_id}"): EMPLOYER_OBJECT,
    ("POST", "/api/v1/slots/{slot_id}/{action}"): EMPLOYER_OBJECT,
    ("POST", "/api/v1/slots/{slot_id}/duplicate"): EMPLOYER_OBJECT,
    ("GET", "/api/v1/candidates"): expect(caseworker_a=200, caseworker_b=200),
    ("POST", "/api/v1/candidates"): expect(caseworker_a=OK, caseworker_b=OK),
    ("GET", "/api/v1/candidates/{candidate_id}"): CASEWORKER_OBJECT,
    ("PATCH", "/api/v1/candidates/{candidate_id}"): CASEWORKER_OBJECT,
    ("POST", "/api/v1/candidates/{candidate_id}/{action}"): CASEWORKER_OBJECT,
    ("POST", "/api/v1/candidates/{candidate_id}/consent"): CASEWORKER_OBJECT,
    ("DELETE", "/api/v1/candidates/{candidate_id}/consent"): CASEWORKER_OBJECT,
    ("GET", "/api/v1/suggestions"): expect(caseworker_a=200, caseworker_b=200),
    ("POST", "/api/v1/suggestions"): CASEWORKER_OBJECT,
    ("GET", "/api/v1/suggestions/{suggestion_id}"): CASEWORKER_OBJECT,
    ("POST", "/api/v1/suggestions/{suggestion_id}/{action}"): CASEWORKER_OBJECT,
    ("POST", "/api/v1/suggestions/{suggestion_id}/reject"): CASEWORKER_OBJECT,
    ("POST", "/api/v1/suggestions/{suggestion_id}/withdraw"): CASEWORKER_OBJECT,
    ("GET", "/api/v1/proposals"): expect(employer=200, employer_b=200),
    ("GET", "/api/v1/proposals/{proposal_id}"): EMPLOYER_OBJECT,
    ("POST", "/api/v1/proposals/{proposal_id}/accept"): EMPLOYER_OBJECT,
    ("POST", "/api/v1/proposals/{proposal_id}/decline"): EMPLOYER_OBJECT,
    ("GET", "/api/v1/placements"): BOTH_LISTS,
    ("GET", "/api/v1/placements/{placement_id}"): expect(
        employer=OK, employer_b=404, caseworker_a=OK, caseworker_b=404
    ),
    ("POST", "/api/v1/placements/{placement_id}/{action}"): expect(
        employer=OK, employer_b=404, caseworker_a=OK, caseworker_b=404
    ),
    ("GET", "/api/v1/statistics"): expect(admin=200),
    ("POST", "/api/v1/candidates/import"): expect(caseworker_a=OK, caseworker_b=OK),
    ("GET", "/api/v1/candidates/import/template"): expect(caseworker_a=200, caseworker_b=200),
    ("POST", "/api/v1/slots/import"): expect(employer=OK, employer_b=OK),
    ("GET", "/api/v1/slots/import/template"): expect(employer=200, employer_b=200),
    ("GET", "/api/v1/school-needs"): expect(school=200, school_b=200),
    ("POST", "/api/v1/school-needs"): expect(school=OK, school_b=OK),
    ("GET", "/api/v1/school-needs/{need_id}"): SCHOOL_OBJECT,
    ("PATCH", "/api/v1/school-needs/{need_id}"): SCHOOL_OBJECT,
    ("POST", "/api/v1/school-needs/{need_id}/close"): SCHOOL_OBJECT,
    ("GET", "/api/v1/school-needs/{need_id}/companies"): SCHOOL_OBJECT,
    ("POST", "/api/v1/school-needs/{need_id}/requests"): SCHOOL_OBJECT,
    ("GET", "/api/v1/partnerships"): expect(school=200, school_b=200, employer=200, employer_b=200),
    ("GET", "/api/v1/partnerships/{partnership_id}"): PARTNERSHIP,
    ("POST", "/api/v1/partnerships/{partnership_id}/withdraw"): SCHOOL_ACTION,
    ("POST", "/api/v1/partnerships/{partnership_id}/renew"): SCHOOL_ACTION,
    ("POST", "/api/v1/partnerships/{partnership_id}/end"): PARTNERSHIP,
    ("POST", "/api/v1/partnerships/{partnership_id}/accept"): EMPLOYER_ACTION,
    ("POST", "/api/v1/partnerships/{partnership_id}/decline"): EMPLOYER_ACTION,
    # Any employer reads its own; only the organisation's admins change it ("employer" is one).
    ("GET", "/api/v1/school-profile"): expect(employer=200, employer_b=200),
    ("PATCH", "/api/v1/school-profile"): expect(employer=OK, employer_b=403),
}
UPLOADS = {"/api/v1/candidates/import", "/api/v1/slots/import"}
ACTIONS = {"slot_id": "pause", "candidate_id": "pause", "suggestion_id": "approve"}
ACTIONS_BY_PATH = {"/api/v1/placements/{placement_id}/{action}": "start"}


class World:
    def __init__(self):
        employer_org = make_organisation(OrganisationKind.EMPLOYER)
        nav_a = make_organisation(OrganisationKind.NAV_OFFICE)
        users = {
            "employer": make_user(employer_org, password=None, is_admin=True),
            "employer_b": make_user(kind=OrganisationKind.EMPLOYER, password=None),
            "caseworker_a": make_user(nav_a, password=None),
            "caseworker_b": make_user(kind=OrganisationKind.NAV_OFFICE, password=None),
            "school": make_user(kind=OrganisationKind.SCHOOL, password=None),
            "school_b": make_user(kind=OrganisationKind.SCHOOL, password=None),
            "admin": make_user(kind=OrganisationKind.MUNICIPALITY, password=None),
        }
        self.tokens = {role: token_for(user) for role, user in users.items()}
        site = make_site(employer_org)
        slot = make_slot(employer_org, site=site, capacity=3)
        candidate = make_candidate(nav_a, consent=True)
        proposed = Suggestion(
            candidate=candidate, slot=slot, score=0.7, status=SuggestionStatus.PROPOSED
        )
        placed = make_candidate(nav_a, consent=True)
        accepted = Suggestion(
            candidate=placed, slot=slot, score=0.6, status=SuggestionStatus.ACCEPTED
        )
        _db.session.add_all([proposed, accepted])
        _db.session.flush()
        placement = Placement(suggestion_id=accepted.id, candidate_id=placed.id, slot_id=slot.id)
        _db.session.add(placement)
        _db.session.commit()
        employer_org.open_to_schools = True
        need = make_need(users["school"].organisation)
        partnership = make_request(need, employer_org, requested_by=users["school"])
        self.values = {
            "slot_id": slot.id,
            "candidate_id": candidate.id,
            "suggestion_id": proposed.id,
            "proposal_id": proposed.id,
            "placement_id": placement.id,
            "name": "skills",
            "need_id": need.id,
            "partnership_id": partnership.id,
        }
        self.bodies = {
            ("POST", "/api/v1/slots"): {
                "kind": "work_training",
                "title": "Ny plass",
                "description": "Beskrivelse",
                "site_id": site.id,
                "hours_per_week": 20,
                "start_date": next_year(3, 1).isoformat(),
            },
            ("PATCH", "/api/v1/slots/{slot_id}"): {"title": "Endret"},
            ("POST", "/api/v1/candidates"): {"reference_code": "NY-1", "display_name": "Ny"},
            ("PATCH", "/api/v1/candidates/{candidate_id}"): {"goals": "Nye mål"},
            ("POST", "/api/v1/candidates/{candidate_id}/consent"): {"scope": "Deling"},
            ("POST", "/api/v1/suggestions"): {"candidate_id": candidate.id, "slot_id": slot.id},
            ("POST", "/api/v1/suggestions/{suggestion_id}/reject"): {"reason_code": "too_far"},
            ("POST", "/api/v1/proposals/{proposal_id}/decline"): {"reason_code": "timing"},
            ("POST", "/api/v1/school-needs"): {
                "title": "Utplassering",
                "program_area_code": "HO",
                "students": 2,
                "period_start": "2027-03-08",
                "period_end": "2027-03-26",
            },
            ("PATCH", "/api/v1/school-needs/{need_id}"): {"students": 3},
            ("POST", "/api/v1/school-needs/{need_id}/requests"): {"employers": [employer_org.id]},
            ("POST", "/api/v1/partnerships/{partnership_id}/end"): {"note": "Slutt"},
            ("POST", "/api/v1/partnerships/{partnership_id}/accept"): {
                "students": 1,
                "period_start": "2027-03-08",
                "period_end": "2027-03-26",
            },
            ("POST", "/api/v1/partnerships/{partnership_id}/decline"): {
                "reason_code": "no_capacity"
            },
            ("PATCH", "/api/v1/school-profile"): {"students_per_period": 3},
        }

    def url(self, template: str) -> str:
        values = dict(self.values)
        if "{action}" in template:
            key = template.split("{", 1)[1].split("}", 1)[0]
            values["action"] = ACTIONS_BY_PATH.get(template) or ACTIONS[key]
        return template.format(**values)


def test_every_operation_has_an_entry(client, db):
    spec = client.get("/api/v1/openapi.json").json
    operations = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "patch", "put", "delete"}
    }
    assert operations == set(MATRIX)


@pytest.mark.parametrize(("method", "path"), sorted(MATRIX))
def test_operation_answers_each_roles_token_as_expected(method, path, client, db):
    world = World()
    url = world.url(path)
    body = world.bodies.get((method, path))
    expected = MATRIX[(method, path)]
    answers = {}
    for role in sorted(ROLES, key=lambda role: expected[role] == OK):  # refusals first
        headers = bearer(world.tokens[role]) if role != "anonymous" else {}
        if path in UPLOADS:
            upload = {"file": (io.BytesIO(b"Referansekode\nX-1\n"), "rows.csv")}
            response = client.open(url, method=method, data=upload, headers=headers)
        else:
            response = client.open(url, method=method, json=body, headers=headers)
        answers[role] = response.status_code
        assert response.status_code < 500, response.get_data(as_text=True)
    wrong = {
        role: (answers[role], expected[role])
        for role in ROLES
        if not (
            answers[role] in OWNER_ANSWERS
            if expected[role] == OK
            else answers[role] == expected[role]
        )
    }
    assert not wrong, f"{method} {url}: role → (got, expected): {wrong}"
