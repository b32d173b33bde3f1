"""The hostile-input sweep's second world: the forms that only show in other states (an accepted
partnership, an active placement with an agreement waiting for the candidate, a pending
organisation, a paused candidate without consent, a notification, valid invite, reset and
agreement links, a login that goes through).

Each hostile value goes once into each field of the forms this world shows and the first
(``World`` of the access matrix) does not. ``test_every_post_route_is_swept`` lists the POST
routes in ``app.url_map`` that neither world reaches: only the allow-list below may remain.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from factories import make_candidate, make_organisation, make_user
from flask import current_app, url_for
from school_factories import make_request
from support import CSRF_PATTERN
from sweep import FILL_BY_NAME, HOSTILE, SKIP_ENDPOINTS, code_params, endpoint_of, with_query
from test_access_matrix import MATRIX, World, _client_as, _rules
from test_hostile_input import ROLES, _crawl, _get_pages, sweep_forms, sweep_params

from webapp.extensions import db
from webapp.models import (
    Notification,
    Placement,
    PlacementStatus,
    SchoolNeed,
    Suggestion,
    SuggestionStatus,
)

# POST routes no sweep reaches, each with the reason.
NOT_SWEPT = {
    # Ends the sweep's session; it has no fields besides the CSRF token.
    "auth.logout": "logging out ends the session the sweep runs in",
    # Its form shows only with ranked candidates, which needs a trained matching model (minutes
    # of training per world); it has no fields besides the CSRF token and two ids in the path.
    "caseworker.slot_candidate_pick": "needs a trained model; no fields but the CSRF token",
}
LOGIN_EMAIL = "tilstand@example.no"
_KNOWN: set = set()


class StateWorld(World):
    """The access matrix's world, with its objects swapped for ones in the other states."""

    def __init__(self):
        super().__init__()
        from webapp.services import accounts, agreement_signing, agreements, password_reset

        users, values = self.users, self.values
        employer_org = users["employer"].organisation
        nav = users["caseworker_a"].organisation
        slot = db.session.get(Placement, values["placement_id"]).slot
        # A planned placement whose agreement waits for the candidate, then started.
        candidate = make_candidate(nav, consent=True)
        accepted = Suggestion(
            candidate=candidate, slot=slot, score=0.5, status=SuggestionStatus.ACCEPTED
        )
        db.session.add(accepted)
        db.session.flush()
        placement = Placement(suggestion_id=accepted.id, candidate_id=candidate.id, slot_id=slot.id)
        db.session.add(placement)
        db.session.commit()
        agreement = agreements.get_or_create(placement, users["caseworker_a"])
        start = date.today() + timedelta(days=7)
        agreements.save_section(
            users["employer"],
            agreement,
            "employer",
            {
                "workplace": "Lageret",
                "start_date": start,
                "end_date": start + timedelta(days=90),
                "hours_per_week": 30,
                "tasks": "Plukk og pakk.",
                "goals": "Lære lagerarbeid.",
                "mentor_name": "Kari Mentor",
            },
        )
        agreements.save_section(
            users["caseworker_a"],
            agreement,
            "caseworker",
            {
                "programme_terms": "Arbeidstrening.",
                "follow_up_plan": "Samtale etter to uker.",
                "benefit": "AAP.",
                "summary": "Lageret i tre måneder.",
                "language": "nb",
            },
        )
        agreement_signing.sign(users["employer"], agreement, "employer")
        link_token = agreement_signing.create_link(users["caseworker_a"], agreement)
        placement.status = PlacementStatus.ACTIVE
        placement.follow_up_date = start
        # A paused candidate without consent; an organisation waiting for approval.
        paused = make_candidate(nav, status="paused")
        pending = make_organisation(approved=False)
        # A notification to mark as read, for every role.
        db.session.add_all(
            Notification(user_id=user.id, kind="proposal_new", params={"slot": "x", "due": "y"})
            for user in users.values()
        )
        db.session.commit()
        partnership = make_request(
            db.session.get(SchoolNeed, values["need_id"]),
            employer_org,
            status="accepted",
            requested_by=users["school"],
        )
        invited = make_user(employer_org, password=None)
        login = make_user(employer_org, email=LOGIN_EMAIL, password=FILL_BY_NAME["password"])
        self.login = {"email": LOGIN_EMAIL, "password": FILL_BY_NAME["password"]}
        values.update(
            placement_id=placement.id,
            candidate_id=paused.id,
            organisation_id=pending.id,
            partnership_id=partnership.id,
        )
        with_token = {
            "auth.accept_invite": accounts.invite_token(invited),
            "auth.reset_password": password_reset.reset_token(login),
            "agreements.confirm": link_token,
        }
        with current_app.test_request_context():
            self.token_pages = [
                (endpoint, url_for(endpoint, token=token)) for endpoint, token in with_token.items()
            ]


def url_for_path(app, endpoint: str) -> str:
    with app.test_request_context():
        return url_for(endpoint)


def _forms_by_role(app, world, pages_of=None):
    """role → (client, query parameters per page, POST forms) over ``world``."""
    crawled = {}
    for role in ROLES:
        client = _client_as(app, world, role)
        pages = _get_pages(app, world, role)
        if pages_of is not None:
            pages = pages_of(role, pages)
        crawled[role] = (client, *_crawl(app, client, world, role, pages))
    return crawled


def _state_pages(app, world, role):
    """Pages that redirect ``role`` in the first world (a state it lacks) but may show here."""
    pages = []
    for rule in _rules(app):
        if "GET" in rule.methods and MATRIX[rule.endpoint][role] == 302:
            with app.test_request_context():
                url = url_for(rule.endpoint, **{a: world.values.get(a) for a in rule.arguments})
            pages.append((rule.endpoint, url))
    return pages


def _form_key(app, form):
    return endpoint_of(app, form.action.split("?")[0], "POST"), tuple(form.names)


def _state_crawl(app):
    """The second world's new forms per role: those the first world does not show."""
    if not _KNOWN:  # the first world's forms, by route and fields: the same in every test
        _KNOWN.update(
            _form_key(app, form)
            for _client, _params, forms in _forms_by_role(app, World()).values()
            for _page, form in forms
        )
    known = set(_KNOWN)
    world = StateWorld()

    def pages_of(role, pages):
        if role == "anonymous":
            return pages + world.token_pages
        return pages + _state_pages(app, world, role)

    crawled = _forms_by_role(app, world, pages_of)
    new = {}
    for role, (client, params, forms) in crawled.items():
        fresh = [(page, form) for page, form in forms if _form_key(app, form) not in known]
        known |= {_form_key(app, form) for _page, form in fresh}  # each form once, not per role
        token_params = {url: params[url] for _e, url in world.token_pages if url in params}
        new[role] = (client, token_params, fresh)
    return world, new


@pytest.mark.parametrize("value_name", sorted(HOSTILE))
def test_state_forms_survive_hostile_input(value_name, app, db):
    hostile = HOSTILE[value_name]
    world, new = _state_crawl(app)
    failures = []
    for role in ROLES:
        client, params, forms = new[role]
        sweep_params(client, params, hostile, value_name, failures)
        sweep_forms(app, client, forms, hostile, value_name, failures)
    # A login that goes through, so the view reads ``next`` (the first world's logins fail).
    for name in sorted(code_params(app, "auth.login")):
        client = app.test_client()
        token = CSRF_PATTERN.search(client.get("/logg-inn").get_data(as_text=True)).group(1)
        url = with_query(url_for_path(app, "auth.login"), name, hostile)
        response = client.post(url, data={**world.login, "csrf_token": token})
        if response.status_code >= 500 or response.status_code == 200:
            failures.append(f"POST {url[:80]} as a valid login → {response.status_code}")
    assert not failures, "\n".join(failures)
    assert any(forms for _c, _p, forms in new.values()), "the second world showed no new form"


def test_every_post_route_is_swept(app, db):
    world_one = _forms_by_role(app, World())
    _world, new = _state_crawl(app)
    reached = {
        endpoint_of(app, form.action.split("?")[0], "POST")
        for crawled in (world_one, new)
        for _client, _params, forms in crawled.values()
        for _page, form in forms
    }
    posts = {
        rule.endpoint
        for rule in _rules(app)
        if "POST" in rule.methods and not rule.endpoint.startswith("api_")  # API: its own sweep
    }
    missing = sorted(posts - reached - set(NOT_SWEPT) - SKIP_ENDPOINTS)
    assert not missing, f"no sweep reaches these POST routes: give a world their state: {missing}"
    assert not (set(NOT_SWEPT) & reached), (
        "an allow-listed route is swept now: drop it from the list"
    )
