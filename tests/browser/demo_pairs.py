"""Demo pairs the journeys start from (shared by the placement and agreement journeys)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Candidate, Organisation, Slot, Suggestion, SuggestionStatus

DEMO_EMPLOYER = "Akershus universitetssykehus (Ahus)"


def demo_employer_suggestions():
    """Suggested pairs of a consenting NAV candidate and a slot of the demo employer (Ahus) of a
    kind that needs an agreement (not a school placement), best first."""
    return (
        select(Suggestion)
        .join(Slot, Slot.id == Suggestion.slot_id)
        .join(Organisation, Organisation.id == Slot.organisation_id)
        .join(Candidate, Candidate.id == Suggestion.candidate_id)
        .where(
            Organisation.name == DEMO_EMPLOYER,
            Slot.kind != "school_placement",  # a kind that needs the agreement signed
            Suggestion.status == SuggestionStatus.SUGGESTED,
            Candidate.consent_at.is_not(None),
            Candidate.reference_code.startswith("NAV"),
        )
        .order_by(Suggestion.score.desc(), Suggestion.id)
    )


def starting_after_today(slot: Slot) -> None:
    """Move the slot's period on by whole years (52 weeks: the same weekdays) until it starts
    after today. The demo's slots start on fixed days from January 2027 (seeds/demo.py), and
    the journeys check that starting a placement today is early: once the calendar passes
    the slot's start, that would no longer be so."""
    year = timedelta(weeks=52)
    while slot.start_date is not None and slot.start_date <= date.today():
        slot.start_date += year
        slot.end_date = slot.end_date + year if slot.end_date else None
    db.session.commit()
