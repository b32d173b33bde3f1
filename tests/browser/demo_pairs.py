"""Demo pairs the journeys start from (shared by the placement and agreement journeys)."""

from __future__ import annotations

from sqlalchemy import select

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
