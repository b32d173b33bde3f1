"""The placement agreement's rules: made on acceptance, signed in order, voided by an edit, the
candidate's single-use link, the start rule per slot kind, reminders, versions and audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from factories import approve_agreement
from sqlalchemy import select
from test_proposals import World

from webapp.models import (
    Agreement,
    AgreementLink,
    AgreementSignature,
    AgreementStatus,
    AuditEvent,
    Notification,
    PlacementStatus,
    utcnow,
)
from webapp.services import (
    agreement_notices,
    agreement_signing,
    agreements,
    placements,
    proposals,
)
from webapp.services.errors import DomainError, NotAllowed

EMPLOYER_PART = {
    "workplace": "Sentrallageret, Lørenskog",
    "hours_per_day": 7.5,
    "hours_per_week": 37,
    "tasks": "Plukk og pakk, varemottak.",
    "goals": "Ta truckførerbevis og lære varemottak.",
    "mentor_name": "Åse Øvrebø",
    "mentor_contact": "aase@lager.example.no",
}
CASEWORKER_PART = {
    "programme_terms": "Arbeidstrening med AAP.",
    "follow_up_plan": "Samtale etter to uker.",
    "benefit": "AAP dekker perioden; ingen lønn.",
    "summary": "Du skal jobbe på lageret. Åse er mentoren din.",
    "language": "nb",
}


@pytest.fixture
def world(app_ctx, app):
    with app.test_request_context():
        yield World()


def _placement(world, db):
    return proposals.accept(world.employer, world.proposed(db))


def _filled(world, db):
    placement = _placement(world, db)
    agreement = placement.agreement
    start = placement.start_date
    employer_part = {**EMPLOYER_PART, "start_date": start, "end_date": start + timedelta(days=60)}
    agreements.save_section(world.employer, agreement, "employer", employer_part)
    agreements.save_section(world.caseworker, agreement, "caseworker", CASEWORKER_PART)
    return placement, agreement


def _actions(db, agreement):
    return db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.object_type == "agreement", AuditEvent.object_id == str(agreement.id))
        .order_by(AuditEvent.id)
    ).all()


def test_accepting_makes_a_draft_agreement_filled_in_from_the_slot(world, db):
    placement = _placement(world, db)
    agreement = placement.agreement
    assert agreement.status == AgreementStatus.DRAFT and agreement.version == 1
    assert agreement.hours_per_week == 37 and agreement.start_date == placement.start_date
    assert agreement.tasks.startswith("Plukk og pakk")
    assert [v.side for v in agreement.versions] == ["system"]
    kinds = db.session.scalars(select(Notification.kind).order_by(Notification.id)).all()
    assert "agreement_employer_turn" in kinds
    assert _actions(db, agreement) == ["agreement.created"]


def test_signing_goes_employer_candidate_caseworker_and_then_the_placement_starts(world, db):
    placement, agreement = _filled(world, db)
    with pytest.raises(DomainError, match="Praksisplassen kan ikke starte"):
        placements.change_state(world.caseworker, placement, "start", today=placement.start_date)
    agreement_signing.sign(world.employer, agreement, "employer")
    agreement_signing.record_confirmation(world.caseworker, agreement, "in_person", date.today())
    agreement_signing.sign(world.caseworker, agreement, "caseworker")
    assert agreement.status == AgreementStatus.APPROVED and agreement.approved_at
    placements.change_state(world.caseworker, placement, "start", today=placement.start_date)
    assert placement.status == PlacementStatus.ACTIVE
    assert _actions(db, agreement)[-3:] == [
        "agreement.signed",
        "agreement.signed",
        "agreement.approved",
    ]


@pytest.mark.parametrize("party", ["candidate", "caseworker"])
def test_signing_out_of_order_is_refused(world, db, party):
    _, agreement = _filled(world, db)
    with pytest.raises(DomainError, match="Avtalen venter på arbeidsgiveren"):
        if party == "candidate":
            agreement_signing.record_confirmation(
                world.caseworker, agreement, "phone", date.today()
            )
        else:
            agreement_signing.sign(world.caseworker, agreement, "caseworker")
    db.session.rollback()
    assert db.session.scalars(select(AgreementSignature)).all() == []


def test_signing_twice_is_refused(world, db):
    _, agreement = _filled(world, db)
    agreement_signing.sign(world.employer, agreement, "employer")
    with pytest.raises(DomainError, match="allerede signert av arbeidsgiveren"):
        agreement_signing.sign(world.employer, agreement, "employer")
    assert len(db.session.scalars(select(AgreementSignature)).all()) == 1


def test_nobody_signs_for_another_party(world, db):
    _, agreement = _filled(world, db)
    with pytest.raises(NotAllowed):
        agreement_signing.sign(world.caseworker, agreement, "employer")
    with pytest.raises(NotAllowed):
        agreements.save_section(world.employer, agreement, "caseworker", CASEWORKER_PART)


def test_the_employer_signs_only_a_complete_part(world, db):
    placement = _placement(world, db)
    with pytest.raises(DomainError, match="Fyll ut før avtalen signeres: .*Mål for praksisplassen"):
        agreement_signing.sign(world.employer, placement.agreement, "employer")


def test_an_edit_of_a_signed_agreement_needs_the_void_confirmed_and_then_voids_all(world, db):
    _, agreement = _filled(world, db)
    agreement_signing.sign(world.employer, agreement, "employer")
    agreement_signing.record_confirmation(world.caseworker, agreement, "phone", date.today())
    version = agreement.version
    changed = {**CASEWORKER_PART, "benefit": "AAP og reisestøtte."}
    with pytest.raises(DomainError) as refused:
        agreements.save_section(world.caseworker, agreement, "caseworker", changed)
    assert refused.value.field == "confirm_void"
    db.session.refresh(agreement)
    assert agreement.version == version and agreement.benefit == CASEWORKER_PART["benefit"]
    assert len(agreements.active_signatures(agreement)) == 2

    agreements.save_section(world.caseworker, agreement, "caseworker", changed, confirm_void=True)
    assert agreements.active_signatures(agreement) == []
    assert agreement.status == AgreementStatus.DRAFT and agreement.version == version + 1
    assert agreement.versions[-1].voided_signatures and agreement.versions[-1].changed == [
        "benefit"
    ]
    assert "agreement.voided" in _actions(db, agreement)
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "agreement_voided")
    ).all()
    assert world.employer.id in told  # the other side is told; the editor knows already
    assert agreement_signing.next_party(agreement) == "employer"


def test_saving_the_same_values_makes_no_version(world, db):
    _, agreement = _filled(world, db)
    version = agreement.version
    assert not agreements.save_section(world.caseworker, agreement, "caseworker", CASEWORKER_PART)
    assert agreement.version == version


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"start_date": -1}, "start_date"),
        ({"end_date": 400}, "end_date"),
        ({"start_date": 20, "end_date": 10}, "end_date"),
        ({"hours_per_week": 40}, "hours_per_week"),
        ({"hours_per_day": 30}, "hours_per_day"),
    ],
)
def test_dates_outside_the_slot_and_hours_above_it_are_refused_and_nothing_is_saved(
    world, db, values, field
):
    world.slot.end_date = world.slot.start_date + timedelta(days=365)
    db.session.commit()
    placement = _placement(world, db)
    agreement = placement.agreement
    part = {**EMPLOYER_PART, "start_date": placement.start_date, "end_date": None}
    for name in ("start_date", "end_date"):
        if name in values:
            part[name] = world.slot.start_date + timedelta(days=values[name])
    part.update({k: v for k, v in values.items() if k.startswith("hours")})
    with pytest.raises(DomainError) as refused:
        agreements.save_section(world.employer, agreement, "employer", part)
    assert refused.value.field == field
    db.session.rollback()
    stored = db.session.get(Agreement, agreement.id)
    assert stored.version == 1 and stored.goals == ""
    assert len(stored.versions) == 1


def test_the_candidates_link_works_once_and_only_for_its_version(world, db):
    _, agreement = _filled(world, db)
    agreement_signing.sign(world.employer, agreement, "employer")
    token = agreement_signing.create_link(world.caseworker, agreement)
    stored = db.session.scalars(select(AgreementLink)).one()
    assert stored.token_hash == agreement_signing.token_hash(token) and token not in str(
        stored.token_hash
    )
    assert agreement_signing.open_link(token).agreement_id == agreement.id
    agreement_signing.confirm_by_link(token)
    assert agreement_signing.next_party(agreement) == "caseworker"
    with pytest.raises(agreement_signing.LinkInvalid, match="allerede brukt"):
        agreement_signing.confirm_by_link(token)
    with pytest.raises(agreement_signing.LinkInvalid, match="finnes ikke"):
        agreement_signing.open_link("made-up")


def test_an_expired_link_is_refused(world, db):
    _, agreement = _filled(world, db)
    agreement_signing.sign(world.employer, agreement, "employer")
    token = agreement_signing.create_link(world.caseworker, agreement)
    link = db.session.scalars(select(AgreementLink)).one()
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(agreement_signing.LinkInvalid, match="utløpt"):
        agreement_signing.confirm_by_link(token)
    assert agreement_signing.next_party(agreement) == "candidate"


def test_an_edit_or_a_new_link_ends_the_old_link(world, db):
    _, agreement = _filled(world, db)
    agreement_signing.sign(world.employer, agreement, "employer")
    first = agreement_signing.create_link(world.caseworker, agreement)
    second = agreement_signing.create_link(world.caseworker, agreement)
    with pytest.raises(agreement_signing.LinkInvalid, match="endret etter at lenken ble sendt"):
        agreement_signing.open_link(first)
    changed = {**CASEWORKER_PART, "summary": "Ny tekst."}
    agreements.save_section(world.caseworker, agreement, "caseworker", changed, confirm_void=True)
    with pytest.raises(agreement_signing.LinkInvalid):
        agreement_signing.open_link(second)


def test_a_recorded_confirmation_needs_a_real_day(world, db):
    _, agreement = _filled(world, db)
    agreement_signing.sign(world.employer, agreement, "employer")
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        agreement_signing.record_confirmation(world.caseworker, agreement, "phone", tomorrow)
    assert refused.value.field == "confirmed_on"
    with pytest.raises(DomainError) as refused:
        agreement_signing.record_confirmation(world.caseworker, agreement, "fax", date.today())
    assert refused.value.field == "method"


def test_school_placements_start_without_an_agreement(world, db, app):
    placement = _placement(world, db)
    world.slot.kind = "school_placement"
    db.session.commit()
    placements.change_state(world.caseworker, placement, "start", today=placement.start_date)
    assert placement.status == PlacementStatus.ACTIVE


def test_which_kinds_need_one_is_configurable(world, db, app):
    placement = _placement(world, db)
    app.config["AGREEMENT_OPTIONAL_KINDS"] = ("work_training",)
    try:
        placements.change_state(world.caseworker, placement, "start", today=placement.start_date)
    finally:
        app.config["AGREEMENT_OPTIONAL_KINDS"] = ("school_placement",)
    assert placement.status == PlacementStatus.ACTIVE


def test_a_placement_from_before_agreements_gets_one_when_opened(world, db):
    placement = _placement(world, db)
    db.session.delete(placement.agreement)
    db.session.commit()
    db.session.refresh(placement)
    assert placement.agreement is None
    with pytest.raises(DomainError):
        placements.change_state(world.caseworker, placement, "start", today=placement.start_date)
    approve_agreement(placement, world.employer, world.caseworker)
    placements.change_state(world.caseworker, placement, "start", today=placement.start_date)
    assert placement.status == PlacementStatus.ACTIVE


def test_a_placement_started_before_agreements_keeps_none(world, db):
    placement = _placement(world, db)
    db.session.delete(placement.agreement)
    placement.status = PlacementStatus.ACTIVE  # as in the demo's history
    db.session.commit()
    db.session.refresh(placement)
    assert agreements.get_or_create(placement, world.caseworker) is None
    assert db.session.scalars(select(Agreement)).all() == []


def test_an_unsigned_agreement_is_reminded_three_days_before_the_start(world, db):
    placement, agreement = _filled(world, db)
    day = placement.start_date - timedelta(days=agreement_notices.REMIND_DAYS_BEFORE_START)
    assert agreement_notices.send_reminders(day - timedelta(days=1)) == {"agreements_unsigned": 0}
    assert agreement_notices.send_reminders(day) == {"agreements_unsigned": 1}
    reminded = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "agreement_unsigned")
    ).all()
    assert reminded == [world.employer.id]  # the employer has not signed: its turn
    approve_agreement(placement, world.employer, world.caseworker)
    assert agreement_notices.send_reminders(day) == {"agreements_unsigned": 0}


def test_the_diff_shows_what_changed_between_versions(world, db):
    _, agreement = _filled(world, db)
    changed = {**CASEWORKER_PART, "follow_up_plan": "Samtale etter to uker.\nSamtale 01.05."}
    agreements.save_section(world.caseworker, agreement, "caseworker", changed)
    older, newer = agreement.versions[-2:]
    changes = agreements.diff(older, newer)
    assert [c["field"] for c in changes] == ["follow_up_plan"]
    assert changes[0]["lines"] == [("+", "Samtale 01.05.")]
    assert newer.created_by_id == world.caseworker.id and newer.changed == ["follow_up_plan"]
