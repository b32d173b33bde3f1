"""From suggestion to placement: every decision, permission, notification and the capacity rule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from factories import (
    PASSWORD,
    approve_agreement,
    make_candidate,
    make_organisation,
    make_slot,
    make_user,
)
from sqlalchemy import func, select
from support import submit

from webapp.models import (
    AuditEvent,
    ModelArtifact,
    Notification,
    OrganisationKind,
    OutgoingMail,
    Placement,
    PlacementStatus,
    Suggestion,
    SuggestionStatus,
)
from webapp.services import matchmaking, placements, proposals, pseudonyms
from webapp.services.errors import DomainError, NotAllowed

SKILLS = ["plukk_og_pakk", "varemottak", "truckforerbevis"]


class World:
    """An employer with an open slot and a caseworker with a matching, consenting candidate."""

    def __init__(self, capacity=1, consent=True):
        self.employer_org = make_organisation(OrganisationKind.EMPLOYER)
        self.employer = make_user(self.employer_org, email="sjef@lager.example.no")
        self.slot = make_slot(
            self.employer_org,
            title="Lagermedarbeider med truck",
            description="Plukk og pakk, varemottak og truckkjøring på sentrallageret.",
            occupation_code="logistikkfaget",
            skills=SKILLS,
            hours_per_week=37,
            capacity=capacity,
            start_date=date.today() + timedelta(days=30),
        )
        self.nav = make_organisation(OrganisationKind.NAV_OFFICE)
        self.caseworker = make_user(self.nav, email="veileder@nav.example.no")
        self.candidate = make_candidate(
            self.nav,
            caseworker=self.caseworker,
            goals="Vil jobbe på lager med plukk og pakk og ta truckførerbevis.",
            skills=SKILLS[:2],
            occupations=["logistikkfaget"],
            hours_per_week=37,
            home_postal_code="1470",
            consent=consent,
            notes="Hemmelig notat som arbeidsgiveren aldri skal se.",
            programme="arbeidsavklaringspenger",
        )

    def suggestion(self, db) -> Suggestion:
        matchmaking.rebuild()
        return db.session.scalars(
            select(Suggestion).where(
                Suggestion.candidate_id == self.candidate.id, Suggestion.slot_id == self.slot.id
            )
        ).one()

    def proposed(self, db) -> Suggestion:
        """The pair, approved by the caseworker and proposed to the employer."""
        suggestion = self.suggestion(db)
        proposals.approve(self.caseworker, suggestion)
        proposals.propose(self.caseworker, suggestion)
        return suggestion


@pytest.fixture
def world(app_ctx, app):
    with app.test_request_context():  # services build links with url_for
        yield World()


def test_rebuild_stores_a_model_and_suggestions(world, db):
    suggestion = world.suggestion(db)
    assert suggestion.status == SuggestionStatus.SUGGESTED
    assert 0 < suggestion.score <= 1
    assert set(suggestion.factors) >= {"text_similarity", "skill_overlap"}
    assert db.session.scalar(select(func.count()).select_from(ModelArtifact)) == 1
    matcher, version = matchmaking.current_matcher()
    assert version == suggestion.model_version and matcher is not None


def test_each_process_loads_the_newest_model_version(world, db):
    world.suggestion(db)
    _, first = matchmaking.current_matcher()
    matchmaking.rebuild()
    _, second = matchmaking.current_matcher()
    assert first != second == matchmaking.latest_version()


def test_the_whole_path_to_a_completed_placement(world, db):
    suggestion = world.proposed(db)
    assert suggestion.status == SuggestionStatus.PROPOSED
    assert suggestion.answer_due == date.today() + timedelta(days=proposals.ANSWER_DAYS)
    told = db.session.scalars(select(Notification).where(Notification.user_id == world.employer.id))
    assert [n.kind for n in told] == ["proposal_new"]

    placement = proposals.accept(world.employer, suggestion)
    assert placement.status == PlacementStatus.PLANNED
    assert placement.start_date == world.slot.start_date
    told = db.session.scalars(
        select(Notification.kind).where(Notification.user_id == world.caseworker.id)
    ).all()
    assert told == ["proposal_accepted"]
    told = db.session.scalars(
        select(Notification.kind)
        .where(Notification.user_id == world.employer.id)
        .order_by(Notification.id)
    ).all()
    assert told == ["proposal_new", "agreement_employer_turn"]  # the agreement is theirs first

    approve_agreement(placement, world.employer, world.caseworker)
    placements.change_state(world.caseworker, placement, "start", today=placement.start_date)
    assert placement.follow_up_date is not None
    with pytest.raises(DomainError):
        placements.change_state(world.employer, placement, "complete")  # an outcome is required
    placements.change_state(world.employer, placement, "complete", outcome="employment")
    assert (placement.status, placement.outcome) == ("completed", "employment")

    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    for action in [
        "suggestion.approved",
        "suggestion.proposed",
        "suggestion.accepted",
        "placement.created",
        "agreement.created",
        "agreement.approved",
        "placement.start",
        "placement.complete",
    ]:
        assert action in actions
    mails = db.session.scalars(select(OutgoingMail.to)).all()
    assert set(mails) == {world.employer.email, world.caseworker.email}


@pytest.mark.parametrize(
    ("steps", "action"),
    [
        ([], "propose"),
        (["approve"], "approve"),
        (["approve", "propose"], "approve"),
        ([], "withdraw"),
    ],
)
def test_illegal_caseworker_steps_are_refused(world, db, steps, action):
    suggestion = world.suggestion(db)
    for step in steps:
        getattr(proposals, step)(world.caseworker, suggestion)
    with pytest.raises(DomainError):
        getattr(proposals, action)(world.caseworker, suggestion)


def test_only_the_own_organisations_caseworker_and_the_slots_employer_may_decide(world, db):
    suggestion = world.suggestion(db)
    stranger = make_user(make_organisation(OrganisationKind.NAV_OFFICE))
    other_employer = make_user(make_organisation())
    with pytest.raises(NotAllowed):
        proposals.approve(stranger, suggestion)
    with pytest.raises(NotAllowed):
        proposals.approve(world.employer, suggestion)
    proposals.approve(world.caseworker, suggestion)
    proposals.propose(world.caseworker, suggestion)
    with pytest.raises(NotAllowed):
        proposals.accept(other_employer, suggestion)
    with pytest.raises(NotAllowed):
        proposals.accept(world.caseworker, suggestion)


def test_no_proposal_without_consent(app_ctx, app, db):
    with app.test_request_context():
        world = World(consent=False)
        suggestion = world.suggestion(db)
        proposals.approve(world.caseworker, suggestion)
        with pytest.raises(DomainError, match="samtykke"):
            proposals.propose(world.caseworker, suggestion)
        assert suggestion.status == SuggestionStatus.APPROVED


def test_withdrawn_consent_blocks_a_pending_proposal_at_once(world, db, client, auth):
    suggestion = world.proposed(db)
    auth.login(world.caseworker.email, PASSWORD)
    url = f"/veileder/kandidater/{world.candidate.id}"
    response = submit(client, f"{url}/samtykke/trekk", form_url=url)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Suggestion, suggestion.id).status == SuggestionStatus.WITHDRAWN
    with pytest.raises(DomainError):
        proposals.accept(world.employer, db.session.get(Suggestion, suggestion.id))
    auth.logout()
    auth.login(world.employer.email, PASSWORD)
    assert client.get(f"/arbeidsgiver/forslag/{suggestion.id}").status_code == 404


def test_consent_withdrawn_after_proposal_hides_the_card(world, db, client, auth):
    suggestion = world.proposed(db)
    # Withdrawn behind the service's back: the page itself must still refuse to show anything.
    world.candidate.consent_withdrawn_at = world.candidate.consent_at + timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(DomainError, match="samtykket"):
        proposals.accept(world.employer, suggestion)
    auth.login(world.employer.email, PASSWORD)
    page = client.get(f"/arbeidsgiver/forslag/{suggestion.id}").get_data(as_text=True)
    assert "trukket samtykket" in page
    assert "Takk ja til kandidaten" not in page


@pytest.mark.parametrize("status", ["suggested", "approved", "rejected", "withdrawn"])
def test_employer_never_sees_an_unproposed_pair(world, db, client, auth, status):
    suggestion = world.suggestion(db)
    suggestion.status = status
    db.session.commit()
    auth.login(world.employer.email, PASSWORD)
    assert client.get(f"/arbeidsgiver/forslag/{suggestion.id}").status_code == 404
    assert world.candidate.display_name not in client.get("/arbeidsgiver/forslag").get_data(
        as_text=True
    )


def test_the_employer_card_shows_what_the_match_needs_and_nothing_else(world, db, client, auth):
    suggestion = world.proposed(db)
    auth.login(world.employer.email, PASSWORD)
    assert "Lagermedarbeider med truck" in client.get("/arbeidsgiver/forslag").get_data(
        as_text=True
    )
    page = client.get(f"/arbeidsgiver/forslag/{suggestion.id}").get_data(as_text=True)
    assert f"Kandidat {pseudonyms.of_suggestion(suggestion.id)}" in page
    assert f"Kandidat {suggestion.id}" not in page
    assert "Plukk og pakk" in page  # a shared skill
    assert world.caseworker.email in page
    for secret in [
        world.candidate.display_name,
        world.candidate.reference_code,
        "Hemmelig notat",
        "arbeidsavklaringspenger",
        "Arbeidsavklaringspenger",
    ]:
        assert secret not in page


def test_employer_accepts_and_declines_through_the_pages(app_ctx, app, db, client, auth):
    with app.test_request_context():
        world = World(capacity=2)
        second = make_candidate(
            world.nav,
            goals=world.candidate.goals,
            skills=SKILLS,
            consent=True,
            occupations=["logistikkfaget"],
            home_postal_code="1470",
        )
        matchmaking.rebuild()
        rows = db.session.scalars(select(Suggestion).where(Suggestion.slot_id == world.slot.id))
        pairs = {s.candidate_id: s for s in rows}
        for suggestion in pairs.values():
            proposals.approve(world.caseworker, suggestion)
            proposals.propose(world.caseworker, suggestion)
    first, other = pairs[world.candidate.id], pairs[second.id]
    auth.login(world.employer.email, PASSWORD)
    url = f"/arbeidsgiver/forslag/{first.id}"
    # A day after the slot's start (30 days from today): a fixed date would fall before it.
    day = world.slot.start_date + timedelta(days=3)
    response = submit(client, f"{url}/godta", {"start_date": day.isoformat()}, form_url=url)
    assert response.status_code == 302
    placement = db.session.scalars(select(Placement)).one()
    assert placement.start_date == day
    assert day.strftime("%d.%m.%Y") in client.get("/arbeidsgiver/").get_data(as_text=True)
    assert client.get(f"/arbeidsgiver/praksis/{placement.id}").status_code == 200

    url = f"/arbeidsgiver/forslag/{other.id}"
    bad = submit(client, f"{url}/avsla", {"reason_code": "other", "reason": ""}, form_url=url)
    assert bad.status_code == 422
    assert "Skriv en begrunnelse" in bad.get_data(as_text=True)
    good = submit(client, f"{url}/avsla", {"reason_code": "timing"}, form_url=url)
    assert good.status_code == 302
    db.session.expire_all()
    assert db.session.get(Suggestion, other.id).status == SuggestionStatus.DECLINED
    assert db.session.get(Suggestion, other.id).answer_reason_code == "timing"


def test_rejected_pairs_return_only_after_a_change(world, db):
    suggestion = world.suggestion(db)
    with pytest.raises(DomainError):
        proposals.reject(world.caseworker, suggestion, "other", "")
    proposals.reject(world.caseworker, suggestion, "too_far")
    matchmaking.refresh_for_candidate(world.candidate)
    db.session.refresh(suggestion)
    assert suggestion.status == SuggestionStatus.REJECTED
    world.candidate.goals += " Kan også jobbe kveld."
    world.candidate.updated_at = world.candidate.updated_at + timedelta(seconds=1)
    db.session.commit()
    matchmaking.refresh_for_candidate(world.candidate)
    db.session.refresh(suggestion)
    assert suggestion.status == SuggestionStatus.SUGGESTED


def test_a_full_slot_refuses_more_acceptances(app_ctx, app, db):
    with app.test_request_context():
        world = World(capacity=1)
        second = make_candidate(
            world.nav,
            goals=world.candidate.goals,
            skills=SKILLS,
            consent=True,
            home_postal_code="1470",
        )
        matchmaking.rebuild()
        rows = db.session.scalars(select(Suggestion).where(Suggestion.slot_id == world.slot.id))
        pairs = list(rows)
        assert len(pairs) == 2
        for suggestion in pairs:
            proposals.approve(world.caseworker, suggestion)
            proposals.propose(world.caseworker, suggestion)
        proposals.accept(world.employer, pairs[0])
        with pytest.raises(proposals.SlotFull):
            proposals.accept(world.employer, pairs[1])
        assert db.session.get(Suggestion, pairs[1].id).status == SuggestionStatus.PROPOSED
        assert second.id in {p.candidate_id for p in pairs}


def test_reminders_then_expiry(world, db, runner):
    suggestion = world.suggestion(db)
    proposals.approve(world.caseworker, suggestion)
    proposals.propose(world.caseworker, suggestion, answer_days=1)
    result = proposals.remind_and_expire()
    assert result == {"reminded": 1, "expired": 0}
    assert proposals.remind_and_expire() == {"reminded": 0, "expired": 0}  # once only
    result = proposals.remind_and_expire(today=date.today() + timedelta(days=2))
    assert result["expired"] == 1
    db.session.refresh(suggestion)
    assert (suggestion.status, suggestion.answer_reason_code) == ("declined", "expired")
    kinds = db.session.scalars(select(Notification.kind).order_by(Notification.id)).all()
    assert kinds == ["proposal_new", "deadline_near", "proposal_expired"]


def test_placement_reminders_and_illegal_moves(world, db):
    suggestion = world.proposed(db)
    placement = proposals.accept(world.employer, suggestion, world.slot.start_date)
    with pytest.raises(DomainError):
        placements.change_state(world.caseworker, placement, "complete", outcome="employment")
    day = placement.start_date - timedelta(days=placements.STARTING_SOON_DAYS)
    assert placements.send_reminders(day)["starting"] == 1
    approve_agreement(placement, world.employer, world.caseworker)
    placements.change_state(world.caseworker, placement, "start", today=placement.start_date)
    assert placements.send_reminders(placement.follow_up_date)["follow_ups"] == 1
    stranger = make_user(make_organisation(OrganisationKind.NAV_OFFICE))
    with pytest.raises(NotAllowed):
        placements.change_state(stranger, placement, "end_early", outcome="none")
    placements.change_state(world.caseworker, placement, "end_early", outcome="education")
    assert placement.status == PlacementStatus.ENDED_EARLY


def test_caseworker_pages_for_suggestions_and_placements(world, db, client, auth):
    suggestion = world.suggestion(db)
    auth.login(world.caseworker.email, PASSWORD)
    url = f"/veileder/kandidater/{world.candidate.id}/forslag"
    page = client.get(url).get_data(as_text=True)
    assert "Lagermedarbeider med truck" in page
    assert "Felles ferdigheter" in page
    viewed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "candidate.viewed")
    ).all()
    assert [e.detail.get("page") for e in viewed] == ["suggestions"]
    submit(client, f"/veileder/forslag/{suggestion.id}/approve", form_url=url)
    submit(client, f"/veileder/forslag/{suggestion.id}/propose", form_url=url)
    db.session.expire_all()
    assert db.session.get(Suggestion, suggestion.id).status == SuggestionStatus.PROPOSED
    ranked = client.get(f"/veileder/plasser/{world.slot.id}/kandidater").get_data(as_text=True)
    assert world.candidate.reference_code in ranked
    reject_url = f"/veileder/forslag/{suggestion.id}/avvis"
    assert client.get(reject_url).status_code == 200
    other = make_user(make_organisation(OrganisationKind.NAV_OFFICE))
    auth.logout()
    auth.login(other.email, PASSWORD)
    assert client.get(url).status_code == 404
    assert client.get(reject_url).status_code == 404
    ranked = client.get(f"/veileder/plasser/{world.slot.id}/kandidater").get_data(as_text=True)
    assert world.candidate.reference_code not in ranked


def test_commands_rebuild_and_remind(world, runner, db):
    result = runner.invoke(args=["match", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "suggestions stored" in result.output
    result = runner.invoke(args=["reminders", "run"])
    assert result.exit_code == 0, result.output
    assert "expired 0" in result.output


def test_admin_rebuilds_the_model_from_the_dashboard(world, db, client, auth):
    admin = make_user(kind=OrganisationKind.MUNICIPALITY)
    auth.login(admin.email, PASSWORD)
    response = submit(client, "/admin/matchmodell", form_url="/admin/", follow_redirects=True)
    assert "Matchmodellen er bygget" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ModelArtifact)) == 1


def test_a_candidate_who_wants_no_kind_of_slot_is_left_out_not_a_crash(world, db):
    make_candidate(world.nav, kinds=[], goals="Vet ikke ennå.", consent=True)
    result = matchmaking.rebuild()
    assert result["candidates"] == 1  # the kindless one is not matched
    assert matchmaking.rank_own_candidates(world.slot, world.nav.id)
