"""An outside system, over HTTP against a live server, with nothing but the OpenAPI document
and two personal API tokens: a caseworker's system registers a candidate, records consent, reads
the candidate's suggestions, approves and proposes one; the employer's system accepts it; a
placement appears on both sides."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest


class ApiClient:
    """A tiny client that only calls operations the published spec describes."""

    def __init__(self, base_url: str, token: str, spec: dict):
        self.base_url, self.token, self.spec = base_url, token, spec

    def call(self, method: str, template: str, body=None, headers=None, query=None, **path):
        operations = self.spec["paths"].get(template, {})
        assert method.lower() in operations, f"{method} {template} is not in the spec"
        url = self.base_url + template.format(**path)
        if query:
            url += "?" + urllib.parse.urlencode(query)
        request = urllib.request.Request(  # noqa: S310 - the test's own http://127.0.0.1 server
            url,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Accept": "application/json",
                **({"Content-Type": "application/json"} if body is not None else {}),
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, dict(response.headers), json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), json.loads(error.read() or b"{}")


@pytest.fixture
def tokens(live_app):
    """One token for the demo caseworker and one for the demo employer, made as on the profile."""
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.models import Organisation, OrganisationKind, User
    from webapp.services import api_tokens

    with live_app.app_context():

        def first_user(kind):
            return db.session.scalar(
                select(User)
                .join(Organisation)
                .where(Organisation.kind == kind, Organisation.approved_at.is_not(None))
                .order_by(User.id)
            )

        caseworker = first_user(OrganisationKind.NAV_OFFICE)
        employer = first_user(OrganisationKind.EMPLOYER)
        made = {}
        for role, user in (("caseworker", caseworker), ("employer", employer)):
            _token, raw = api_tokens.create(
                user, name="Ende-til-ende", scopes=["read", "write"], days=30
            )
            made[role] = raw
        return made


def test_an_outside_system_takes_a_candidate_to_a_placement(live_server, tokens):
    spec_url = live_server + "/api/v1/openapi.json"
    with urllib.request.urlopen(spec_url, timeout=30) as response:  # noqa: S310
        spec = json.loads(response.read())
    assert spec["openapi"].startswith("3.1")
    nav = ApiClient(live_server, tokens["caseworker"], spec)
    boss = ApiClient(live_server, tokens["employer"], spec)

    # The employer's system lists its open slots; the candidate will be registered for one.
    status, _h, own = boss.call("GET", "/api/v1/slots", query={"status": "open", "per_page": 100})
    assert status == 200, own
    slot = next(s for s in own["items"] if s["free_capacity"] > 0)

    # The caseworker's system registers a candidate who wants just that kind of place.
    status, headers, candidate = nav.call(
        "POST",
        "/api/v1/candidates",
        {
            "reference_code": "API-E2E-1",
            "display_name": "Testkandidat",
            "kinds": [slot["kind"]],
            "goals": f"{slot['title']}. {slot['description']}",
            "skills": slot["skills"],
            "occupations": [slot["occupation_code"]] if slot["occupation_code"] else [],
            "norwegian_level": "C2",
            "hours_per_week": slot["hours_per_week"],
        },
    )
    assert status == 201, candidate
    assert candidate["consent"]["in_force"] is False
    status, _h, candidate = nav.call(
        "POST",
        "/api/v1/candidates/{candidate_id}/consent",
        {"scope": "Deling av profil med arbeidsgivere i Arbeidsbro"},
        candidate_id=candidate["id"],
    )
    assert status == 200 and candidate["consent"]["in_force"] is True

    # It reads the candidate's suggestions: that slot is among them.
    query = {"candidate_id": candidate["id"], "per_page": 100}
    status, _h, suggestions = nav.call("GET", "/api/v1/suggestions", query=query)
    assert status == 200 and suggestions["items"], suggestions
    (ours,) = [s for s in suggestions["items"] if s["slot"]["id"] == slot["id"]]
    assert ours["status"] == "suggested" and ours["allowed_actions"] == ["approve", "reject"]

    # It approves and proposes it, each time sending the ETag it read.
    status, headers, ours = nav.call(
        "GET", "/api/v1/suggestions/{suggestion_id}", suggestion_id=ours["id"]
    )
    for action in ("approve", "propose"):
        status, headers, ours = nav.call(
            "POST",
            "/api/v1/suggestions/{suggestion_id}/{action}",
            headers={"If-Match": headers["ETag"]},
            suggestion_id=ours["id"],
            action=action,
        )
        assert status == 200, ours
    assert ours["status"] == "proposed"

    # The employer's system finds the proposal (a pseudonym, no name) and accepts it.
    status, _h, inbox = boss.call("GET", "/api/v1/proposals", query={"slot_id": slot["id"]})
    (proposal,) = inbox["items"]
    assert proposal["id"] == ours["id"]
    assert "Testkandidat" not in json.dumps(proposal)
    status, headers, placement = boss.call(
        "POST", "/api/v1/proposals/{proposal_id}/accept", {}, proposal_id=proposal["id"]
    )
    assert status == 201, placement
    assert (
        placement["status"] == "planned"
        and placement["candidate"] == proposal["candidate"]["pseudonym"]
    )

    # The placement appears for the caseworker's system, with the candidate it registered.
    status, _h, placements = nav.call("GET", "/api/v1/placements", query={"status": "planned"})
    assert [p["id"] for p in placements["items"] if p["candidate_id"] == candidate["id"]] == [
        placement["id"]
    ]
    status, _h, mine = boss.call(
        "GET", "/api/v1/placements/{placement_id}", placement_id=placement["id"]
    )
    assert status == 200 and mine["slot"]["id"] == slot["id"]
