"""Ten employer colleagues accept ten school requests at the same moment; the school profile
offers three places in the period, so exactly three partnerships are agreed."""

from __future__ import annotations

import threading

import pytest
from factories import make_user
from school_factories import PERIOD, make_coordinator, make_need, make_open_employer, make_request
from sqlalchemy import func, select
from support import make_test_app

from webapp.extensions import db
from webapp.models import AuditEvent, Partnership, PartnershipStatus
from webapp.services.errors import DomainError
from webapp.services.schools import partnerships

PEOPLE = 10
OFFERED = 3


@pytest.mark.parametrize("backend", ["postgres", "sqlite"])
def test_concurrent_acceptances_never_exceed_what_the_school_profile_offers(
    backend, scratch_databases
):
    app = make_test_app(
        getattr(scratch_databases, backend)("school_concurrency"),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": PEOPLE + 2, "max_overflow": 0},
    )
    with app.app_context():
        db.create_all()
        from seeds.taxonomy import load_taxonomies

        load_taxonomies()
        employer = make_open_employer(students_per_period=OFFERED)
        users = [make_user(employer, password=None) for _ in range(PEOPLE)]
        coordinator = make_coordinator()
        requests = [
            make_request(
                make_need(coordinator.organisation, title=f"Behov {n}", students=1),
                employer,
                requested_by=coordinator,
            )
            for n in range(PEOPLE)
        ]
        pairs = [(u.id, r.id) for u, r in zip(users, requests, strict=True)]

    barrier = threading.Barrier(PEOPLE, timeout=60)
    outcomes: list[str] = []

    def accept(user_id: int, partnership_id: int) -> None:
        with app.app_context(), app.test_request_context():
            from webapp.models import User

            user = db.session.get(User, user_id)
            p = db.session.get(Partnership, partnership_id)
            barrier.wait()
            try:
                partnerships.accept(user, p, 1, *PERIOD)
                outcomes.append("accepted")
            except DomainError:
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["accepted"] * OFFERED + ["refused"] * (PEOPLE - OFFERED)
    with app.app_context():
        statuses = db.session.scalars(select(Partnership.status)).all()
        assert statuses.count(PartnershipStatus.ACCEPTED) == OFFERED
        events = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "partnership.accepted")
        )
        assert events == OFFERED
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
