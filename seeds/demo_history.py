"""A year of invented history for the demo (``seeds/data/demo/history.yaml``).

Past slots of the demo employers (closed now), past candidates of NAV and the refugee service,
the pairs the model suggested them, the caseworkers' and employers' decisions with answer times,
the placements with their outcomes, school needs met and unmet, and the audit trail of it all.
Deterministic (a fixed seed, fixed dates) and idempotent (skipped when the history exists).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

import yaml
from sqlalchemy import insert, select

# seeds.demo imports this module to call it; its names are read when the history is made.
from seeds import demo
from webapp.extensions import db
from webapp.models import (
    AuditEvent,
    Candidate,
    Occupation,
    Organisation,
    OrganisationKind,
    Partnership,
    Placement,
    ProgramArea,
    SchoolNeed,
    Site,
    Skill,
    Slot,
    SlotKind,
    SlotStatus,
    Suggestion,
    User,
)

with open(Path(__file__).parent / "data" / "demo" / "history.yaml", encoding="utf-8") as _file:
    PLAN = yaml.safe_load(_file)
NAV_NAME = "NAV Lørenskog"
REFUGEE_NAME = "Flyktning- og innvandrertjenesten Lørenskog"
SCHOOL_NAME = "Lørenskog videregående skole"
REFUGEE_KINDS = {"language_practice", "work_practice"}


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour))


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _score(rng: random.Random, mean: float) -> float:
    return round(min(0.98, max(0.2, rng.gauss(mean, 0.1))), 3)


class _History:
    def __init__(self):
        self.rng = random.Random(PLAN["seed"])
        self.today: date = PLAN["today"]
        self.events: list[dict] = []
        self.paired: set[tuple[int, int]] = set()
        self.registered: set[int] = set()

    def event(self, actor, action, object_type, object_id, at, **detail):
        self.events.append(
            {
                "actor_id": actor.id if actor else None,
                "action": action,
                "object_type": object_type,
                "object_id": str(object_id),
                "at": at,
                "detail": detail,
            }
        )

    # --- slots and people -------------------------------------------------------------------

    def slots(self) -> list[tuple[Slot, User | None]]:
        made = []
        for spec in demo.EMPLOYERS:
            employer = db.session.scalar(select(Organisation).where(Organisation.name == spec.name))
            site = db.session.scalar(select(Site).where(Site.organisation_id == employer.id))
            answerer = db.session.scalar(select(User).where(User.organisation_id == employer.id))
            keys = [k for k in spec.slots if demo.SLOTS[k].kind != "school_placement"]
            for number in range(PLAN["slots_per_employer"]):
                slot_spec = demo.SLOTS[keys[number % len(keys)]]
                start = PLAN["first_start"] + timedelta(weeks=self.rng.randint(0, 40))
                slot = Slot(
                    organisation_id=employer.id,
                    site_id=site.id,
                    kind=slot_spec.kind,
                    title=slot_spec.title,
                    occupation_code=slot_spec.occupation,
                    description=slot_spec.description,
                    norwegian_level=slot_spec.level,
                    hours_per_week=slot_spec.hours,
                    start_date=start,
                    end_date=start + timedelta(weeks=PLAN["weeks"][slot_spec.kind]),
                    capacity=self.rng.choice(PLAN["capacity"]),
                    status=SlotStatus.CLOSED,
                    skills=[db.session.get(Skill, code) for code in slot_spec.skills],
                )
                db.session.add(slot)
                db.session.flush()
                slot.created_at = _at(start - timedelta(weeks=8))
                made.append((slot, answerer))
        return made

    def candidates(self, organisation, caseworker, prefix: str, count: int) -> list[Candidate]:
        intro = prefix == "FIT"
        archetypes = [
            a for a in demo.ARCHETYPES if (a.programme == "introduksjonsprogrammet") == intro
        ]
        people = []
        for number in range(1, count + 1):
            archetype = archetypes[(number - 1) % len(archetypes)]
            first, initial = self.rng.choice(demo.FIRST_NAMES), self.rng.choice("ABDEFHKLMNORST")
            candidate = Candidate(
                organisation_id=organisation.id,
                caseworker_id=caseworker.id,
                reference_code=f"{prefix}-H{number:03d}",
                display_name=f"Demo {first} {initial}.",
                programme=archetype.programme,
                goals=archetype.goals,
                experience=archetype.experience,
                education=archetype.education,
                norwegian_level=self.rng.choice(archetype.levels),
                home_postal_code=self.rng.choice(demo.POSTAL_CODES),
                hours_per_week=self.rng.choice([20, 30, 37]),
                notes="Oppfunnet demoperson (historikk).",
                consent_at=demo.DEMO_CONSENT_AT,
                consent_scope="Deling av profil med arbeidsgivere i Arbeidsbro",
                kinds=[db.session.get(SlotKind, k) for k in archetype.kinds],
                skills=[db.session.get(Skill, s) for s in archetype.skills],
                occupations=[db.session.get(Occupation, o) for o in archetype.occupations],
            )
            db.session.add(candidate)
            people.append(candidate)
        db.session.flush()
        return people

    def register(self, candidate: Candidate, day: date) -> None:
        self.registered.add(candidate.id)
        candidate.created_at = _at(day, 9)
        candidate.consent_at = _at(day, 9) + timedelta(minutes=20)
        caseworker = candidate.caseworker
        self.event(caseworker, "candidate.created", "candidate", candidate.id, candidate.created_at)
        self.event(
            caseworker,
            "candidate.consent_given",
            "candidate",
            candidate.id,
            candidate.consent_at,
            scope=candidate.consent_scope,
        )

    # --- pairs --------------------------------------------------------------------------------

    def suggestion(self, candidate, slot, status, created: datetime, score: float) -> Suggestion:
        suggestion = Suggestion(
            candidate_id=candidate.id,
            slot_id=slot.id,
            score=score,
            status=status,
            model_version="demo-2026",
        )
        db.session.add(suggestion)
        db.session.flush()
        suggestion.created_at = created
        self.paired.add((candidate.id, slot.id))
        return suggestion

    def decide(self, suggestion, candidate, action: str, at: datetime, **detail) -> None:
        suggestion.decided_by_id, suggestion.decided_at = candidate.caseworker_id, at
        self.event(candidate.caseworker, action, "suggestion", suggestion.id, at, **detail)

    def propose(self, suggestion, candidate, at: datetime) -> None:
        suggestion.proposed_at, suggestion.proposed_by_id = at, candidate.caseworker_id
        suggestion.answer_due = (at + timedelta(days=14)).date()
        self.event(candidate.caseworker, "suggestion.proposed", "suggestion", suggestion.id, at)

    def place(self, slot: Slot, answerer, candidate: Candidate) -> None:
        rng = self.rng
        answered = _at(slot.start_date - timedelta(days=rng.randint(7, 21)), 14)
        proposed = answered - timedelta(days=rng.choice(PLAN["answer_days"]))
        approved = proposed - timedelta(days=rng.randint(0, 3), hours=2)
        created = approved - timedelta(days=rng.randint(1, 10))
        low, high = PLAN["days_registered_before_start"]
        registered = min(
            slot.start_date - timedelta(days=rng.randint(low, high)), created.date() - timedelta(3)
        )
        self.register(candidate, registered)
        suggestion = self.suggestion(candidate, slot, "accepted", created, _score(rng, 0.74))
        self.decide(suggestion, candidate, "suggestion.approved", approved)
        self.propose(suggestion, candidate, proposed)
        suggestion.answered_at, suggestion.answered_by_id = answered, getattr(answerer, "id", None)
        placement = Placement(
            suggestion_id=suggestion.id,
            candidate_id=candidate.id,
            slot_id=slot.id,
            start_date=slot.start_date,
            end_date=slot.end_date,
            status="planned",
        )
        db.session.add(placement)
        db.session.flush()
        placement.created_at = answered
        self.event(answerer, "suggestion.accepted", "suggestion", suggestion.id, answered)
        self.event(answerer, "placement.created", "placement", placement.id, answered)
        if slot.start_date > self.today:
            return
        placement.status = "active"
        self.event(
            candidate.caseworker,
            "placement.start",
            "placement",
            placement.id,
            _at(slot.start_date, 8),
            before="planned",
            after="active",
        )
        early = rng.random() < PLAN["ended_early_chance"]
        if slot.end_date > self.today and not early:
            return
        if early:
            length = (min(slot.end_date, self.today) - slot.start_date).days
            placement.end_date = slot.start_date + timedelta(days=rng.randint(1, max(1, length)))
            placement.status, action = "ended_early", "placement.end_early"
            placement.outcome = _weighted(rng, PLAN["outcomes_ended_early"])
        else:
            placement.status, action = "completed", "placement.complete"
            placement.outcome = _weighted(rng, PLAN["outcomes"][slot.kind])
        ended = _at(placement.end_date, 15)
        placement.updated_at = ended
        self.event(
            candidate.caseworker,
            action,
            "placement",
            placement.id,
            ended,
            before="active",
            after=placement.status,
            outcome=placement.outcome,
        )
        candidate.status, candidate.archived_at = "archived", ended + timedelta(days=14)

    def other_pair(self, candidate: Candidate, slot: Slot, answerer) -> None:
        rng = self.rng
        outcome = _weighted(rng, PLAN["other_outcomes"])
        created = _at(slot.start_date - timedelta(days=rng.randint(20, 60)), 11)
        if created <= candidate.created_at:
            return
        suggestion = self.suggestion(candidate, slot, outcome, created, _score(rng, 0.58))
        decided = created + timedelta(days=rng.randint(1, 6))
        if outcome == "suggested":
            return
        if outcome == "rejected":
            suggestion.reason_code = rng.choice(PLAN["reject_reasons"])
            self.decide(
                suggestion,
                candidate,
                "suggestion.rejected",
                decided,
                reason_code=suggestion.reason_code,
            )
            return
        self.decide(suggestion, candidate, "suggestion.approved", decided)
        if outcome == "approved":
            return
        proposed = decided + timedelta(hours=rng.randint(1, 48))
        self.propose(suggestion, candidate, proposed)
        if outcome == "proposed":
            return
        if outcome == "withdrawn":
            self.event(
                candidate.caseworker,
                "suggestion.withdrawn",
                "suggestion",
                suggestion.id,
                proposed + timedelta(days=2),
                reason="candidate_not_interested",
            )
            return
        answered = proposed + timedelta(days=rng.choice(PLAN["answer_days"]))
        suggestion.answered_at, suggestion.answered_by_id = answered, getattr(answerer, "id", None)
        suggestion.answer_reason_code = rng.choice(PLAN["decline_reasons"])
        self.event(
            answerer,
            "suggestion.declined",
            "suggestion",
            suggestion.id,
            answered,
            reason_code=suggestion.answer_reason_code,
        )

    # --- schools ------------------------------------------------------------------------------

    def school_needs(self) -> None:
        school = db.session.scalar(select(Organisation).where(Organisation.name == SCHOOL_NAME))
        partners = db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.EMPLOYER, Organisation.open_to_schools)
            .where(Organisation.approved_at.is_not(None))
            .order_by(Organisation.name)
        ).all()
        for number, (area_code, students, met) in enumerate(PLAN["school_needs"]):
            area = db.session.get(ProgramArea, area_code)
            start = date(2026, 3, 2) + timedelta(weeks=6 * number)
            need = SchoolNeed(
                organisation_id=school.id,
                program_area_code=area_code,
                title=f"Utplassering Vg1 {area.name_nb.lower()}, våren 2026",
                students=students,
                period_start=start,
                period_end=start + timedelta(weeks=2),
            )
            db.session.add(need)
            db.session.flush()
            need.created_at = _at(start - timedelta(weeks=10))
            if met:
                db.session.add(
                    Partnership(
                        school_id=school.id,
                        employer_id=partners[number % len(partners)].id,
                        school_need_id=need.id,
                        program_area_code=area_code,
                        students=students,
                        period_start=need.period_start,
                        period_end=need.period_end,
                        status="accepted",
                        decided_at=_at(start - timedelta(weeks=6)),
                    )
                )


def seed_demo_history() -> int:
    """Add the demo's year of history once; the number of placements it made (0 if it existed)."""
    exists = db.session.scalar(select(Candidate.id).where(Candidate.reference_code == "NAV-H001"))
    if exists:
        return 0
    history = _History()
    rng = history.rng
    pools = {}
    for prefix, name in [("NAV", NAV_NAME), ("FIT", REFUGEE_NAME)]:
        organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
        caseworker = db.session.scalar(
            select(User).where(User.organisation_id == organisation.id).order_by(User.id)
        )
        pools[prefix] = history.candidates(
            organisation, caseworker, prefix, PLAN["candidates"][prefix]
        )
        rng.shuffle(pools[prefix])
    slots = sorted(history.slots(), key=lambda pair: (pair[0].start_date, pair[0].id))
    placed = 0
    for slot, answerer in slots:
        for _ in range(slot.capacity):
            if rng.random() >= PLAN["fill_chance"]:
                continue
            prefix = "FIT" if slot.kind in REFUGEE_KINDS or rng.random() < 0.3 else "NAV"
            if not pools[prefix]:
                continue
            history.place(slot, answerer, pools[prefix].pop())
            placed += 1
    people = db.session.scalars(
        select(Candidate).where(Candidate.reference_code.like("%-H%")).order_by(Candidate.id)
    ).all()
    for candidate in people:  # the ones never placed: registered, and some archived since
        if candidate.id not in history.registered:
            history.register(candidate, PLAN["first_start"] + timedelta(days=rng.randint(0, 200)))
            if rng.random() < 0.5:
                candidate.status = "archived"
                candidate.archived_at = candidate.created_at + timedelta(days=120)
    low, high = PLAN["other_suggestions"]
    for candidate in people:
        for _ in range(rng.randint(low, high)):
            slot, answerer = rng.choice(slots)
            if (candidate.id, slot.id) not in history.paired:
                history.other_pair(candidate, slot, answerer)
    history.school_needs()
    db.session.execute(insert(AuditEvent), history.events)
    return placed
