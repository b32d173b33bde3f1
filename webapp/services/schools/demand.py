"""Scheduled school work and unmet demand: reminders for unanswered requests, and needs whose
period started without enough students covered."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import numpy as np
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import NeedStatus, Partnership, PartnershipStatus, SchoolNeed, utcnow
from webapp.services import audit
from webapp.services.schools.needs import covered_students
from webapp.services.schools.partnerships import _tell_employer

#: A request unanswered for this many working days (Monday–Friday) gets one reminder.
REMIND_AFTER_WORKING_DAYS = 5


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (Monday–Friday)."""
    if end <= start:
        return 0
    return int(np.busday_count(start + timedelta(days=1), end + timedelta(days=1)))


def remind_unanswered(today: date | None = None) -> int:
    """Remind employers once of requests waiting 5 working days; returns how many."""
    today = today or date.today()
    waiting = db.session.scalars(
        select(Partnership).where(
            Partnership.status == PartnershipStatus.REQUESTED, Partnership.reminded_at.is_(None)
        )
    ).all()
    reminded = 0
    for p in waiting:
        if working_days_between(p.created_at.date(), today) >= REMIND_AFTER_WORKING_DAYS:
            p.reminded_at = utcnow()
            audit.record(None, "partnership.reminded", p)
            _tell_employer(p, "school_request_reminder")
            reminded += 1
    db.session.commit()
    return reminded


def record_unmet(today: date | None = None) -> int:
    """Record open needs whose period has started with students not covered; returns how many."""
    today = today or date.today()
    needs = db.session.scalars(
        select(SchoolNeed).where(
            SchoolNeed.status == NeedStatus.OPEN,
            SchoolNeed.unmet_recorded_at.is_(None),
            SchoolNeed.period_start <= today,
        )
    ).all()
    covered = covered_students(n.id for n in needs)
    recorded = 0
    for need in needs:
        missing = need.students - covered.get(need.id, 0)
        if missing > 0:
            need.unmet_recorded_at = utcnow()
            need.unmet_students = missing
            audit.record(None, "school_need.unmet", need, students=missing)
            recorded += 1
    db.session.commit()
    return recorded


def run_daily(today: date | None = None) -> dict[str, int]:
    """What the scheduler runs once a day."""
    return {"reminded": remind_unanswered(today), "unmet": record_unmet(today)}


def unmet_counts(school_id: int | None = None) -> dict[str, list[tuple[str, int, int]]]:
    """Unmet needs and students by programme area, trade and period (month the period started);
    one school's or, for admins, all. Each list holds (key, needs, students), largest first."""
    stmt = select(SchoolNeed).where(SchoolNeed.unmet_recorded_at.is_not(None))
    if school_id is not None:
        stmt = stmt.where(SchoolNeed.organisation_id == school_id)
    needs = db.session.scalars(stmt).all()
    groups: dict[str, tuple[Counter, Counter]] = {
        name: (Counter(), Counter()) for name in ("program_area", "trade", "period")
    }

    def add(group: str, key: str, students: int) -> None:
        groups[group][0][key] += 1
        groups[group][1][key] += students

    for need in needs:
        add("program_area", need.program_area_code, need.unmet_students or 0)
        for trade in need.trades or ["–"]:
            add("trade", trade, need.unmet_students or 0)
        add("period", f"{need.period_start:%Y-%m}", need.unmet_students or 0)
    return {
        name: sorted(
            ((key, count[key], students[key]) for key in count),
            key=lambda row: (-row[2], row[0]),
        )
        for name, (count, students) in groups.items()
    }
