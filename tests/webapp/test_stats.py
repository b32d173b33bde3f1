"""The administrators' figures: aggregates only, small cells suppressed."""

from __future__ import annotations

from datetime import timedelta

from factories import PASSWORD, make_candidate, make_slot, make_user

from webapp.models import OrganisationKind, Placement, PlacementStatus
from webapp.services import stats


def _placements(db, count: int, outcome: str | None = None, days: int = 10) -> None:
    slot = make_slot(capacity=count + 1)
    for _ in range(count):
        candidate = make_candidate(consent=True)
        placement = Placement(
            candidate_id=candidate.id,
            slot_id=slot.id,
            status=PlacementStatus.COMPLETED,
            outcome=outcome,
        )
        db.session.add(placement)
        db.session.flush()
        placement.created_at = candidate.created_at + timedelta(days=days)
    db.session.commit()


def test_small_counts_are_suppressed(db):
    _placements(db, 3, outcome="employment")
    figures = stats.placement_figures()
    assert figures["filled"] is None
    assert figures["median_days_to_placement"] is None
    assert figures["outcomes"]["employment"] is None
    assert figures["outcomes"]["education"] == 0  # nobody: nothing to protect


def test_figures_from_five_people_on(db):
    _placements(db, 5, outcome="apprenticeship_contract", days=21)
    figures = stats.placement_figures()
    assert figures["filled"] == 5
    assert figures["median_days_to_placement"] == 21
    assert figures["outcomes"]["apprenticeship_contract"] == 5


def test_the_dashboard_shows_the_figures(client, auth, db):
    _placements(db, 6, outcome="employment", days=30)
    admin = make_user(kind=OrganisationKind.MUNICIPALITY)
    auth.login(admin.email, PASSWORD)
    page = client.get("/admin/").get_data(as_text=True)
    assert "Utfall av avsluttede praksisplasser" in page
    assert "<td>30</td>" in page
