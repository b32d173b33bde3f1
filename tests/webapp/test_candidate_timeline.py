"""The caseworker's candidate page tells the candidate's history as decisions, in words."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from factories import (
    PASSWORD,
    approve_agreement,
    make_candidate,
    make_organisation,
    make_slot,
    make_user,
)
from sqlalchemy import select, update

from webapp.models import AuditEvent, OrganisationKind, Suggestion
from webapp.services import audit, candidates, matchmaking, placements, proposals
from webapp.services.candidate_timeline import timeline

SKILLS = ["plukk_og_pakk", "varemottak"]


def _journey(app, db):
    """Registered, a rejected and an accepted suggestion, a placement started and completed,
    consent withdrawn; the caseworker looked at the candidate too."""
    employer_org = make_organisation(OrganisationKind.EMPLOYER)
    employer = make_user(employer_org, name="Sjur Sjef")
    for title in ["Lager dag", "Lager natt"]:
        make_slot(
            employer_org,
            title=title,
            description="Plukk og pakk og varemottak på lageret.",
            skills=SKILLS,
            hours_per_week=37,
            capacity=2,
            start_date=date.today() + timedelta(days=30),
        )
    nav = make_organisation(OrganisationKind.NAV_OFFICE)
    caseworker = make_user(nav, name="Vera Veileder")
    candidate = make_candidate(
        nav,
        caseworker=caseworker,
        goals="Vil jobbe på lager med plukk og pakk.",
        skills=SKILLS,
        hours_per_week=37,
        home_postal_code="1470",
        consent=True,
    )
    with app.test_request_context():
        audit.record(caseworker, "candidate.created", candidate)
        db.session.commit()
        matchmaking.rebuild()
        pairs = {
            s.slot.title: s
            for s in db.session.scalars(
                select(Suggestion).where(Suggestion.candidate_id == candidate.id)
            )
        }
        proposals.reject(caseworker, pairs["Lager natt"], "too_far", "")
        day = pairs["Lager dag"]
        proposals.approve(caseworker, day)
        proposals.propose(caseworker, day)
        placement = proposals.accept(employer, day)
        approve_agreement(placement, employer, caseworker)
        placements.change_state(caseworker, placement, "start", today=placement.start_date)
        placements.change_state(employer, placement, "complete", outcome="employment")
        candidates.withdraw_consent(caseworker, candidate)
        candidates.record_view(caseworker, candidate)
    # One second apart, in order, so "newest first" is a fact and not a race (a bulk statement:
    # the audit log's ORM guard refuses changes to loaded events).
    events = db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()
    for n, event_id in enumerate(events):
        db.session.execute(
            update(AuditEvent)
            .where(AuditEvent.id == event_id)
            .values(at=datetime(2026, 7, 1, 8, 0, n))
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return candidate, caseworker, placement


def test_the_timeline_is_decisions_in_words_newest_first(app, db):
    candidate, _caseworker, _placement = _journey(app, db)
    with app.test_request_context():
        texts = [entry.text for entry in timeline(candidate)]
    assert texts == [
        "Samtykket trukket tilbake",
        "Praksisplassen i «Lager dag» fullført",
        "Praksisplassen i «Lager dag» startet",
        "Arbeidsgiveren takket ja til «Lager dag»",
        "Foreslått for arbeidsgiveren: «Lager dag»",
        "Matchforslaget «Lager dag» godkjent",
        "Matchforslaget «Lager natt» avvist",
        "Registrert",
    ]


def test_the_candidate_page_shows_the_timeline_not_the_views(app, client, auth, db):
    candidate, caseworker, placement = _journey(app, db)
    auth.login(caseworker.email, PASSWORD)
    page = client.get(f"/veileder/kandidater/{candidate.id}").get_data(as_text=True)
    history = page.split('id="history-heading"')[1].split("</section>")[0]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", history))
    assert "Matchforslaget «Lager natt» avvist" in text
    assert "For langt unna" in text  # the reason, in words
    assert "Fast eller midlertidig jobb" in text  # the outcome
    assert "01.07.2026 10:00:00" in text  # Oslo summer time
    assert "Vera Veileder" in text and "Sjur Sjef" in text
    assert "candidate.viewed" not in history and "Så på" not in text
    assert f"/veileder/praksis/{placement.id}" in history
    # The views stay in the admin's log.
    assert db.session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "candidate.viewed", AuditEvent.object_id == str(candidate.id)
        )
    )
