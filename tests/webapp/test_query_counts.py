"""Every list and home page costs the same number of SQL statements with 5 rows as with 50.

A page that loads what its template shows lazily, row by row, sends one more statement per row
(N+1); the pages load what they show with the page instead. The worlds below give each role a
list long enough to fill a page (50 rows) or a short one (5), and every page is requested once to
warm up (translations, session) and once to count.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from factories import make_candidate, make_organisation, make_site, make_slot, make_user
from flask_login.utils import _create_identifier
from sqlalchemy import select
from support import TAXONOMY_TABLES

from webapp.extensions import db as _db
from webapp.extensions import limiter
from webapp.models import (
    AuditEvent,
    Notification,
    Occupation,
    OrganisationKind,
    OutgoingMail,
    Placement,
    PlacementStatus,
    PostalPlace,
    Suggestion,
    SuggestionStatus,
    utcnow,
)

REASONS = [
    {"key": "shared_skills", "params": {"skills": ["kundeservice", "matlaging"]}},
    {"key": "occupation_match", "params": {"occupation": "kokkfaget"}},
    {"key": "hours_fit", "params": {"candidate_hours": 30, "slot_hours": 37.5}},
    {"key": "missing_skills", "params": {"skills": ["truckforerbevis"]}},
    {"key": "blocked_adaptations", "params": {"missing": ["mentor"]}},
]

PAGES = {
    "caseworker": [
        "/veileder/",
        "/veileder/kandidater",
        "/veileder/kandidater?q=kandidat",
        "/veileder/kandidater/{candidate}",
        "/veileder/kandidater/{candidate}/forslag",
        "/veileder/plasser",
        "/veileder/plasser?q=plass&postal_code=1470&max_km=50&sort=distance",
        "/veileder/praksis",
        "/veileder/praksis?vis=oppstart",
        "/veileder/forslag?vis=svar",
        "/veileder/forslag?vis=venter",
        "/veileder/forslag?vis=sterke",
        "/varsler",
    ],
    "employer": [
        "/arbeidsgiver/",
        "/arbeidsgiver/plasser",
        "/arbeidsgiver/plasser?q=plass",
        "/arbeidsgiver/forslag",
        "/arbeidsgiver/forslag?status=answered",
        "/arbeidsgiver/praksis",
        "/arbeidsgiver/steder",
        "/kolleger",
        "/varsler",
    ],
    "school": ["/skole/", "/varsler"],
    "admin": [
        "/admin/",
        "/admin/organisasjoner",
        "/admin/brukere",
        "/admin/logg",
        "/admin/e-post",
        "/varsler",
    ],
}


class World:
    """``n`` of everything each role lists: candidates, slots, suggestions, placements, …"""

    def __init__(self, n: int):
        admin_org = make_organisation(OrganisationKind.MUNICIPALITY)
        employer_org = make_organisation(open_to_schools=True)
        nav = make_organisation(OrganisationKind.NAV_OFFICE)
        school = make_organisation(OrganisationKind.SCHOOL)
        self.users = {
            # Signed in through the session below, so no password is hashed.
            "admin": make_user(admin_org, is_admin=True, password=None),
            "employer": make_user(employer_org, is_admin=True, password=None),
            "caseworker": make_user(nav, password=None),
            "school": make_user(school, password=None),
        }
        for k in range(n):
            make_user(employer_org, password=None)  # no password to hash: invited
            make_user(make_organisation(approved=False), password=None)
            make_site(employer_org, name=f"Sted {k}") if k < 3 else None
        site = make_site(employer_org)
        # Open slots of other employers at other places, so the browse page's rows differ.
        places = _db.session.scalars(
            select(PostalPlace.postal_code).order_by(PostalPlace.postal_code).limit(n)
        ).all()
        trades = _db.session.scalars(select(Occupation.code).order_by(Occupation.code)).all()
        for k, code in enumerate(places):
            other = make_organisation()
            make_slot(
                other,
                site=make_site(other, postal_code=code),
                title=f"Annen plass {k}",
                occupation_code=trades[k % len(trades)],
            )
        slots = [
            make_slot(
                employer_org,
                site=site,
                title=f"Plass {k}",
                occupation_code="kokkfaget",
                skills=["kundeservice"],
                adaptations=["mentor"],
                capacity=n + 1,
            )
            for k in range(n)
        ]
        caseworker = self.users["caseworker"]
        candidates = [
            make_candidate(
                nav,
                reference_code=f"K-{k:03d}",
                display_name=f"Kandidat {k}",
                caseworker=caseworker,
                kinds=["work_training", "apprenticeship"],
                skills=["kundeservice"],
                occupations=["kokkfaget"],
                consent=True,
            )
            for k in range(n + 2)
        ]
        first = candidates[0]
        self.candidate = first.id
        soon = date.today() + timedelta(days=7)
        session = _db.session
        for k, slot in enumerate(slots):
            session.add(
                Suggestion(candidate=first, slot=slot, score=0.5 + k / 1000, reasons=REASONS)
            )
            session.add(
                Suggestion(
                    candidate=candidates[1],
                    slot=slot,
                    score=0.6,
                    reasons=REASONS,
                    status=SuggestionStatus.PROPOSED,
                    proposed_at=utcnow(),
                    proposed_by=caseworker,
                    answer_due=soon,
                )
            )
            accepted = Suggestion(
                candidate=candidates[k + 2],
                slot=slot,
                score=0.7,
                reasons=REASONS,
                status=SuggestionStatus.ACCEPTED,
                answered_at=utcnow(),
                answered_by=self.users["employer"],
            )
            session.add(accepted)
            session.flush()
            session.add(
                Placement(
                    suggestion=accepted,
                    candidate=candidates[k + 2],
                    slot=slot,
                    start_date=soon,
                    follow_up_date=date.today(),
                    status=PlacementStatus.PLANNED,
                )
            )
        for k in range(n):
            session.add(
                AuditEvent(
                    actor=caseworker,
                    action="candidate.updated",
                    object_type="candidate",
                    object_id=str(first.id),
                    detail={"fields": ["goals"]},
                )
            )
            session.add(OutgoingMail(to=f"m{k}@example.no", subject="Emne", body="Tekst"))
            for user in self.users.values():
                session.add(Notification(user=user, kind="proposal_received", link="/", params={}))
        session.commit()


def _wipe(app) -> None:
    with app.app_context():
        _db.session.remove()
        with _db.engine.begin() as conn:
            for table in reversed(_db.metadata.sorted_tables):
                if table.name not in TAXONOMY_TABLES:
                    conn.execute(table.delete())
        limiter.reset()


def _client_of(app, user):
    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session.update(_user_id=user.get_id(), _fresh=True, _id=identifier)
    return client


def _statements_per_page(app, count_queries, role: str, n: int) -> dict[str, int]:
    with app.app_context():
        world = World(n)
        client = _client_of(app, world.users[role])
        urls = [url.format(candidate=world.candidate) for url in PAGES[role]]
    counts = {}
    for url, pattern in zip(urls, PAGES[role], strict=True):
        assert client.get(url).status_code == 200, url
        with count_queries() as counted:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[pattern] = len(counted)
    return counts


@pytest.mark.parametrize("role", sorted(PAGES))
def test_list_and_home_pages_send_as_many_statements_for_50_rows_as_for_5(app, count_queries, role):
    few = _statements_per_page(app, count_queries, role, 5)
    _wipe(app)
    many = _statements_per_page(app, count_queries, role, 50)
    grown = {url: (few[url], many[url]) for url in few if many[url] != few[url]}
    assert grown == {}, f"statements (5 rows, 50 rows) per page that grew: {grown}"
