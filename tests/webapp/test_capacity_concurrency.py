"""Twenty people accept twenty proposals for a slot with three places at the same moment."""

from __future__ import annotations

import threading
import time

import pytest
from factories import make_candidate, make_organisation, make_slot, make_user
from sqlalchemy import func, select
from support import make_test_app

from webapp.extensions import db
from webapp.models import (
    AuditEvent,
    OrganisationKind,
    Placement,
    Suggestion,
    SuggestionStatus,
    utcnow,
)
from webapp.services import proposals

PEOPLE = 20
CAPACITY = 3


@pytest.mark.parametrize("backend", ["postgres", "sqlite"])
def test_concurrent_acceptances_never_overfill_a_slot(backend, scratch_databases):
    # A connection for every person, so all twenty really are in flight at once.
    app = make_test_app(
        getattr(scratch_databases, backend)("concurrency"),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": PEOPLE + 2, "max_overflow": 0},
    )
    with app.app_context():
        db.create_all()
        from seeds.taxonomy import load_taxonomies

        load_taxonomies()
        employer_org = make_organisation(OrganisationKind.EMPLOYER)
        employers = [make_user(employer_org, password=None) for _ in range(PEOPLE)]
        slot = make_slot(employer_org, capacity=CAPACITY)
        nav = make_organisation(OrganisationKind.NAV_OFFICE)
        ids = []
        for _ in range(PEOPLE):
            candidate = make_candidate(nav, consent=True)
            suggestion = Suggestion(
                candidate_id=candidate.id,
                slot_id=slot.id,
                score=0.5,
                status=SuggestionStatus.PROPOSED,
                proposed_at=utcnow(),
            )
            db.session.add(suggestion)
            db.session.commit()
            ids.append(suggestion.id)
        employer_ids = [u.id for u in employers]

    barrier = threading.Barrier(PEOPLE, timeout=60)
    outcomes: list[str] = []

    def accept(user_id: int, suggestion_id: int) -> None:
        with app.app_context(), app.test_request_context():
            from webapp.models import User

            user = db.session.get(User, user_id)
            suggestion = db.session.get(Suggestion, suggestion_id)
            barrier.wait()
            try:
                proposals.accept(user, suggestion)
                outcomes.append("accepted")
            except proposals.SlotFull:
                outcomes.append("full")
            finally:
                db.session.remove()

    pairs = zip(employer_ids, ids, strict=True)
    threads = [threading.Thread(target=accept, args=pair) for pair in pairs]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    elapsed = time.perf_counter() - started

    assert sorted(outcomes) == ["accepted"] * CAPACITY + ["full"] * (PEOPLE - CAPACITY)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Placement)) == CAPACITY
        statuses = db.session.scalars(select(Suggestion.status)).all()
        assert statuses.count(SuggestionStatus.ACCEPTED) == CAPACITY
        assert statuses.count(SuggestionStatus.PROPOSED) == PEOPLE - CAPACITY
        accepted_events = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "suggestion.accepted")
        )
        assert accepted_events == CAPACITY  # nothing half-written by the refused ones
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    print(f"\n{backend}: {PEOPLE} concurrent acceptances, capacity {CAPACITY}: {elapsed:.2f} s")
