"""Retention: candidates archived longer than the period are anonymised everywhere, once."""

from __future__ import annotations

import re
from datetime import datetime

from factories import make_candidate, make_organisation, make_slot, make_user
from sqlalchemy import inspect, text

from webapp.models import (
    AuditEvent,
    Candidate,
    Notification,
    OrganisationKind,
    OutgoingMail,
    Placement,
    Suggestion,
)
from webapp.services import audit, retention

NOW = datetime(2027, 6, 15, 12, 0)
# Strings that only this person's data contains: none may survive anywhere.
PERSONAL = {
    "display_name": "Zyxwa Personsen",
    "reference_code": "REF-QX42",
    "goals": "hemmeligmål-qq vil bli sveiser",
    "experience": "hemmeligerfaring-qq",
    "education": "hemmeligutdanning-qq",
    "notes": "hemmelignotat-qq rusproblemer",
    "consent_scope": "hemmeligsamtykke-qq",
}
# The marker "qq" as a word of its own (a search index keeps it so). A bare substring test also
# matched random salts and tokens ("scrypt:…$4zqqFOLX…" of another user) and failed now and then.
MARKER = re.compile(r"(?<![A-Za-z0-9])qq(?![A-Za-z0-9])")


def _archived_person(db, archived_at: datetime, **values) -> Candidate:
    nav = make_organisation(OrganisationKind.NAV_OFFICE)
    caseworker = make_user(nav)
    candidate = make_candidate(
        nav,
        caseworker=caseworker,
        adaptation_needs=["quiet_workspace"],
        home_postal_code="1470",
        hours_per_week=30,
        max_commute_km=15,
        consent=True,
        **values,
    )
    slot = make_slot(capacity=2)
    suggestion = Suggestion(
        candidate_id=candidate.id,
        slot_id=slot.id,
        score=0.8,
        status="accepted",
        factors={"shared_terms": ["hemmeligmål-qq"]},
        reasons=[{"key": "shares", "terms": "hemmeligerfaring-qq"}],
        reason="hemmeligbegrunnelse-qq",
        answer_reason="hemmeligsvar-qq",
    )
    db.session.add(suggestion)
    db.session.flush()
    placement = Placement(
        suggestion_id=suggestion.id,
        candidate_id=candidate.id,
        slot_id=slot.id,
        status="completed",
        outcome="employment",
        notes="hemmeligoppfølging-qq",
    )
    db.session.add(placement)
    db.session.flush()
    audit.record(caseworker, "candidate.consent_given", candidate, scope=PERSONAL["consent_scope"])
    audit.record(
        caseworker,
        "suggestion.rejected",
        suggestion,
        reason_code="other",
        reason="hemmeligbegrunnelse-qq",
    )
    audit.record(
        caseworker,
        "placement.complete",
        placement,
        outcome="employment",
        before="active",
        after="completed",
    )
    db.session.add(
        Notification(
            user_id=caseworker.id,
            kind="proposal_accepted",
            params={"candidate": PERSONAL["reference_code"], "slot": slot.title},
        )
    )
    db.session.add(
        OutgoingMail(
            to=caseworker.email,
            subject="Arbeidsgiveren takket ja",
            body=f"Kandidat {PERSONAL['reference_code']} fikk ja til «{slot.title}».",
        )
    )
    candidate.status = "archived"
    candidate.archived_at = archived_at
    db.session.commit()
    return candidate


def _every_row_as_text(db) -> str:
    """Every row of every table (search indexes included), as text."""
    names = inspect(db.engine).get_table_names()
    out = []
    with db.engine.connect() as conn:
        for name in names:
            # Table names come from the database's own catalogue, not from input.
            for row in conn.execute(text(f'SELECT * FROM "{name}"')):  # noqa: S608
                out.append(
                    " ".join(
                        v.decode("utf-8", "ignore") if isinstance(v, bytes) else str(v) for v in row
                    )
                )
    return "\n".join(out)


def test_no_personal_field_of_an_anonymised_candidate_survives_in_any_table(db):
    values = {k: v for k, v in PERSONAL.items() if k != "consent_scope"}
    person = _archived_person(db, datetime(2026, 5, 1), **values)
    person.consent_scope = PERSONAL["consent_scope"]
    db.session.commit()
    before = _every_row_as_text(db)
    assert all(value in before for value in PERSONAL.values())  # the scan would see them

    report = retention.run(now=NOW, months=12)

    assert report.candidates == [person.id]
    after = _every_row_as_text(db)
    survivors = [
        line
        for line in after.splitlines()
        if MARKER.search(line) or any(v in line for v in PERSONAL.values())
    ]
    assert not survivors, f"still stored: {survivors}"
    db.session.expire_all()
    anonymised = db.session.get(Candidate, person.id)
    assert anonymised.anonymised_at == NOW and anonymised.adaptation_needs == []
    # The statistics keep their counts: the placement, its outcome, every audit event.
    placement = db.session.query(Placement).filter_by(candidate_id=person.id).one()
    assert (placement.status, placement.outcome) == ("completed", "employment")
    events = db.session.query(AuditEvent).order_by(AuditEvent.id).all()
    assert [e.action for e in events] == [
        "candidate.consent_given",
        "suggestion.rejected",
        "placement.complete",
    ]
    assert events[1].detail == {"reason_code": "other", "anonymised": True}
    assert events[2].detail["outcome"] == "employment"


def test_retention_waits_for_the_period_and_runs_once(db, runner):
    recent = _archived_person(db, datetime(2026, 7, 1), reference_code="NY-1")
    old = _archived_person(db, datetime(2026, 6, 14), reference_code="GAMMEL-1")
    active = make_candidate(reference_code="AKTIV-1")
    assert retention.run(now=NOW, months=12).candidates == [old.id]
    second = retention.run(now=NOW, months=12)
    assert second.candidates == [] and second.counts == {"candidates": 0}
    db.session.expire_all()
    assert db.session.get(Candidate, recent.id).reference_code == "NY-1"
    assert db.session.get(Candidate, active.id).reference_code == "AKTIV-1"

    result = runner.invoke(args=["retention", "run", "--now", "2027-07-02 00:00:00"])
    assert result.exit_code == 0, result.output
    assert f"Anonymised 1 candidate(s): ids [{recent.id}]" in result.output
    result = runner.invoke(args=["retention", "run", "--now", "2027-07-02 00:00:00"])
    assert "Nothing to anonymise." in result.output


def test_the_period_is_counted_in_calendar_months():
    assert retention.months_before(datetime(2027, 3, 31, 8), 1) == datetime(2027, 2, 28, 8)
    assert retention.months_before(datetime(2027, 1, 15), 12) == datetime(2026, 1, 15)
