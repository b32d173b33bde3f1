"""A slot an employer publishes shows up in a fitting candidate's suggestions at once (live
matching: no model rebuild between the two)."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect
from sqlalchemy import select
from test_smoke import log_in


def _a_demo_candidate_of_the_caseworker(live_app):
    """One of NAV Lørenskog's active demo candidates who wants work training and needs nothing."""
    from seeds.demo import DEMO_LOGINS
    from webapp.extensions import db
    from webapp.models import Candidate, User

    with live_app.app_context():
        caseworker = db.session.scalar(
            select(User).where(User.email == DEMO_LOGINS["caseworker"][0])
        )
        for candidate in db.session.scalars(
            select(Candidate)
            .where(Candidate.organisation_id == caseworker.organisation_id)
            .order_by(Candidate.id)
        ):
            kinds = {k.code for k in candidate.kinds}
            if (
                candidate.status == "active"
                and "work_training" in kinds
                and not candidate.adaptation_needs
                and candidate.goals
            ):
                return candidate.id, candidate.goals, candidate.norwegian_level
    raise AssertionError("the demo has no active work-training candidate without needs")


def test_a_published_slot_reaches_a_fitting_candidates_suggestions_at_once(
    page, base_url, live_app, check_accessibility
):
    candidate_id, goals, _level = _a_demo_candidate_of_the_caseworker(live_app)
    title = "Live-test: " + goals[:60]
    log_in(page, base_url, "employer")
    page.goto(base_url + "/arbeidsgiver/plasser/ny")
    page.get_by_label("Type plass").select_option("work_training")
    page.get_by_label("Tittel").fill(title)
    page.get_by_label("Beskrivelse").fill(goals + " " + goals)
    page.get_by_label("Krav til norsknivå").select_option("none")
    page.get_by_label("Arbeidssted").select_option(index=0)
    page.get_by_label("Timer per uke").fill("30")
    page.get_by_label("Startdato").fill((date.today() + timedelta(days=30)).isoformat())
    page.get_by_label("Antall plasser").fill("1")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.get_by_role("button", name="Publiser").click()
    expect(page.get_by_text("Plassen er nå åpen.")).to_be_visible()
    page.get_by_role("button", name="Logg ut").click()

    log_in(page, base_url, "caseworker")
    page.goto(f"{base_url}/veileder/kandidater/{candidate_id}/forslag")
    expect(page.get_by_role("heading", name=title, exact=False).first).to_be_visible()
    check_accessibility(page)
