"""The heart of the product, end to end in two browsers: the caseworker approves and proposes,
the employer accepts, the placement starts and is completed with an outcome."""

from __future__ import annotations

import re

from demo_pairs import demo_employer_suggestions, starting_after_today
from factories import approve_agreement
from playwright.sync_api import expect
from sqlalchemy import select
from test_smoke import DEMO_LOGINS, log_in

from webapp.extensions import db
from webapp.models import (
    Placement,
    Slot,
    Suggestion,
    User,
)
from webapp.services import pseudonyms


def _pseudonym(app, suggestion_id: int) -> str:
    with app.test_request_context():
        return f"Kandidat {pseudonyms.of_suggestion(suggestion_id)}"


def _a_pair_for_the_demo_employer(app) -> tuple[int, int, str]:
    """A suggested pair: a consenting NAV candidate and an Ahus slot (the demo employer) of a
    kind that needs an agreement (not a school placement)."""
    with app.app_context():
        rows = db.session.scalars(demo_employer_suggestions()).all()
        # Pages name a suggestion's buttons by the slot's title: take one whose title is the
        # only one of its kind among the candidate's suggestions, so a name means one card.
        for suggestion in rows:
            titles = db.session.scalars(
                select(Slot.title)
                .join(Suggestion, Suggestion.slot_id == Slot.id)
                .where(Suggestion.candidate_id == suggestion.candidate_id)
            ).all()
            if titles.count(suggestion.slot.title) == 1:
                starting_after_today(suggestion.slot)
                return suggestion.id, suggestion.candidate_id, suggestion.slot.title
        raise AssertionError("the demo should give Ahus suggestions for NAV candidates")


def _sign_off_the_agreement(app, suggestion_id: int) -> None:
    """Every signature on the placement's agreement (its own journey, page by page, is
    test_agreement_journey.py): this journey goes on to the start."""
    with app.test_request_context():
        placement = db.session.scalars(
            select(Placement).where(Placement.suggestion_id == suggestion_id)
        ).one()
        employer, caseworker = (
            db.session.scalars(select(User).where(User.email == DEMO_LOGINS[role][0])).one()
            for role in ("employer", "caseworker")
        )
        approve_agreement(placement, employer, caseworker)
        db.session.remove()


def test_caseworker_and_employer_take_a_match_to_a_completed_placement(
    browser, live_app, base_url, check_accessibility
):
    suggestion_id, candidate_id, slot_title = _a_pair_for_the_demo_employer(live_app)
    caseworker = browser.new_context(base_url=base_url).new_page()
    employer = browser.new_context(base_url=base_url).new_page()

    log_in(caseworker, base_url, "caseworker")
    caseworker.goto(f"{base_url}/veileder/kandidater/{candidate_id}")
    caseworker.get_by_role("link", name="Se forslag og bestem").click()
    card = caseworker.locator(f"#suggestion-{suggestion_id}")
    expect(card).to_contain_text(slot_title)
    card.get_by_text("Hvorfor denne matchen").click()  # the factors, in words
    expect(card.locator("dl.app-factors")).to_be_visible()
    check_accessibility(caseworker)
    card.get_by_role("button", name=re.compile("^Godkjenn")).click()
    expect(caseworker.get_by_text("Forslaget er godkjent.")).to_be_visible()
    card = caseworker.locator(f"#suggestion-{suggestion_id}")
    card.get_by_label(re.compile("^Kort notat til arbeidsgiveren")).fill(
        "Har erfaring fra omsorg og vil gjerne lære mer."
    )
    card.get_by_role("button", name=re.compile("^Send til arbeidsgiver")).click()
    expect(caseworker.get_by_text("Forslaget er sendt til arbeidsgiveren.")).to_be_visible()
    check_accessibility(caseworker)

    log_in(employer, base_url, "employer")
    # At least this proposal unread (other journeys in the session may have added theirs).
    expect(employer.get_by_role("link", name="Varsler")).to_contain_text(re.compile(r"\d+ ulest"))
    with employer.expect_navigation():
        employer.get_by_role("navigation", name="Hovedmeny").get_by_role(
            "link", name="Forslag"
        ).click()
    check_accessibility(employer)
    pseudonym = _pseudonym(live_app, suggestion_id)
    employer.get_by_role("link", name=pseudonym).click()
    expect(employer.get_by_role("heading", name=pseudonym)).to_be_visible()
    expect(employer.get_by_text("Har erfaring fra omsorg og vil gjerne lære mer.")).to_be_visible()
    check_accessibility(employer)
    employer.get_by_role("button", name="Takk ja til kandidaten").click()
    expect(employer.get_by_text("Dere har takket ja.")).to_be_visible()
    expect(employer.locator("#contact")).to_contain_text("Avtal oppstarten med veilederen")
    check_accessibility(employer)
    # The placement starts only once the agreement is approved; the demo's slots start in 2027:
    # starting today is early, and says why (issue: hardening).
    _sign_off_the_agreement(live_app, suggestion_id)
    employer.reload()
    employer.get_by_role("button", name="Marker som startet").click()
    expect(employer.get_by_text("Skriv hvorfor den starter tidligere.")).to_be_visible()
    employer.get_by_label("Hvorfor starter praksisplassen før startdatoen?").fill(
        "Kandidaten kan begynne med opplæring allerede nå."
    )
    employer.get_by_role("button", name="Marker som startet").click()
    expect(employer.get_by_text("Praksisplassen er startet.")).to_be_visible()

    caseworker.get_by_role("link", name=re.compile("^Varsler")).click()
    # Newest first; other journeys in the same demo session may have older ones.
    expect(caseworker.get_by_text("Arbeidsgiveren takket ja", exact=True).first).to_be_visible()
    check_accessibility(caseworker)
    # The placements list also holds the demo's year of history: go by the candidate's page.
    caseworker.goto(f"{base_url}/veileder/kandidater/{candidate_id}")
    with caseworker.expect_navigation():
        caseworker.get_by_role("link", name=slot_title).first.click()
    check_accessibility(caseworker)
    caseworker.get_by_label("Utfall").select_option("apprenticeship_contract")
    caseworker.get_by_role("button", name="Fullført").click()
    expect(caseworker.get_by_text("Praksisplassen er fullført.")).to_be_visible()
    expect(caseworker.get_by_text("Lærekontrakt")).to_be_visible()

    caseworker.context.close()
    employer.context.close()
