"""The placement agreement end to end in three browsers: the employer accepts, fills in its part
and signs; the caseworker writes its part and sends the candidate a link; the candidate confirms
on the link page without logging in; the caseworker approves and the placement starts. Then an
edit voids every signature. axe runs on every agreement page, and the PDF's text is read back."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from demo_pairs import demo_employer_suggestions, starting_after_today
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select
from test_smoke import log_in

from webapp.extensions import db
from webapp.models import Placement
from webapp.services import proposals


def _proposed_pair(app) -> tuple[int, str, object, object]:
    """A demo pair for an Ahus slot that needs an agreement (not a school placement), approved
    and proposed by the caseworker (those pages: the placement journey)."""
    with app.app_context():
        suggestion = db.session.scalars(demo_employer_suggestions()).first()
        assert suggestion is not None, "the demo should suggest NAV candidates for Ahus slots"
        suggestion_id, slot_title = suggestion.id, suggestion.slot.title
        caseworker = suggestion.candidate.caseworker
        starting_after_today(suggestion.slot)
        proposals.approve(caseworker, suggestion)
        proposals.propose(caseworker, suggestion)
        slot = suggestion.slot
        return suggestion_id, slot_title, slot.start_date, slot.end_date


def _save(page, check_accessibility, message: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Lagre endringene").click()
    expect(page.get_by_text(message)).to_be_visible()
    check_accessibility(page)


def test_three_parties_agree_before_day_one_and_an_edit_voids_the_signatures(
    browser, live_app, base_url, check_accessibility
):
    suggestion_id, slot_title, slot_start, slot_end = _proposed_pair(live_app)
    employer = browser.new_context(base_url=base_url).new_page()
    caseworker = browser.new_context(base_url=base_url).new_page()
    candidate = browser.new_context(base_url=base_url).new_page()

    # The employer accepts; the placement cannot start before the agreement is approved.
    log_in(employer, base_url, "employer")
    employer.goto(f"{base_url}/arbeidsgiver/forslag/{suggestion_id}")
    employer.get_by_role("button", name="Takk ja til kandidaten").click()
    expect(employer.get_by_text("Dere har takket ja.")).to_be_visible()
    with live_app.app_context():
        placement_id = db.session.scalar(
            select(Placement.id).where(Placement.suggestion_id == suggestion_id)
        )
    employer.get_by_role("button", name="Marker som startet").click()
    expect(employer.get_by_text("Praksisplassen kan ikke starte før avtalen")).to_be_visible()

    with employer.expect_navigation():
        employer.get_by_role("link", name="Åpne avtalen").click()
    expect(employer.get_by_role("heading", level=1)).to_contain_text(slot_title)
    check_accessibility(employer)
    employer.set_viewport_size({"width": 375, "height": 800})
    assert employer.evaluate("document.documentElement.scrollWidth") <= 375
    employer.set_viewport_size({"width": 1280, "height": 800})
    employer.get_by_label("Arbeidsoppgaver").fill("Bære prøver til laboratoriet.\nRydde lager.")
    employer.get_by_label("Mål for praksisplassen").fill("Lære rutinene på avdelingen.")
    employer.get_by_label("Veileder på arbeidsplassen (mentor)").fill("Åse Ødegård")
    employer.get_by_label("Arbeidssted").fill("Ahus, Lørenskog")
    employer.get_by_label("Timer per dag").fill("6")
    employer.get_by_label("Timer per uke").fill("30")
    end = slot_end or slot_start + timedelta(days=90)
    employer.get_by_label("Sluttdato").fill(end.isoformat())
    _save(employer, check_accessibility, "Endringen er lagret som versjon 2.")
    with employer.expect_navigation():
        employer.get_by_role("button", name="Signer avtalen").click()
    expect(employer.get_by_text("Avtalen er signert.", exact=True)).to_be_visible()

    # The caseworker writes its part and makes the candidate's link.
    log_in(caseworker, base_url, "caseworker")
    caseworker.goto(f"{base_url}/avtale/{placement_id}")
    check_accessibility(caseworker)
    caseworker.get_by_label("Tiltaket og vilkårene").fill("Arbeidstrening i tre måneder.")
    caseworker.get_by_label("Oppfølgingsplan med datoer").fill("Samtale etter to uker.")
    caseworker.get_by_label("Hva ytelsen dekker").fill("AAP dekker perioden.")
    caseworker.get_by_label("Sammendrag på enkelt språk").fill(
        "Du skal jobbe på Ahus i tre måneder. Åse er veilederen din der."
    )
    caseworker.get_by_label("Jeg forstår at endringen").check()  # the employer has signed
    _save(caseworker, check_accessibility, "Signaturene er ugyldige")
    # Its edit voided the employer's signature: the employer signs the new version again.
    employer.reload()
    with employer.expect_navigation():
        employer.get_by_role("button", name="Signer avtalen").click()
    expect(employer.get_by_text("Avtalen er signert.", exact=True)).to_be_visible()

    caseworker.reload()
    with caseworker.expect_navigation():
        caseworker.get_by_role("button", name="Lag lenke til kandidaten").click()
    check_accessibility(caseworker)
    link = caseworker.get_by_label("Kandidatens lenke").input_value()
    assert "/avtale/bekreft/" in link

    # The candidate: no account, only the summary and a button, on a phone's width.
    candidate.set_viewport_size({"width": 375, "height": 800})
    candidate.goto(link)
    assert candidate.evaluate("document.documentElement.scrollWidth") <= 375
    expect(candidate.get_by_text("Åse er veilederen din der.")).to_be_visible()
    expect(candidate.get_by_text("Bære prøver")).to_have_count(0)
    check_accessibility(candidate)
    with candidate.expect_navigation():
        candidate.get_by_role("button", name="Jeg bekrefter avtalen").click()
    expect(candidate.get_by_text("Takk! Du har bekreftet avtalen.")).to_be_visible()
    check_accessibility(candidate)
    candidate.goto(link)
    expect(candidate.get_by_text("Lenken er allerede brukt.")).to_be_visible()
    check_accessibility(candidate)

    # The caseworker approves last; now the placement starts.
    caseworker.goto(f"{base_url}/avtale/{placement_id}")
    with caseworker.expect_navigation():
        caseworker.get_by_role("button", name="Godkjenn avtalen").click()
    expect(caseworker.get_by_text("Avtalen er godkjent.", exact=True)).to_be_visible()
    check_accessibility(caseworker)
    caseworker.goto(f"{base_url}/veileder/praksis/{placement_id}")
    caseworker.get_by_label("Hvorfor starter praksisplassen før startdatoen?").fill(
        "Avtalen er godkjent, og kandidaten kan begynne med opplæring nå."
    )
    caseworker.get_by_role("button", name="Marker som startet").click()
    expect(caseworker.get_by_text("Praksisplassen er startet.")).to_be_visible()

    # The document: printable page and PDF, with the signatures.
    caseworker.goto(f"{base_url}/avtale/{placement_id}/utskrift")
    expect(caseworker.get_by_role("heading", level=1)).to_contain_text("Avtale om praksisplass")
    check_accessibility(caseworker)
    pdf = caseworker.context.request.get(f"{base_url}/avtale/{placement_id}/avtale.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "Åse er veilederen din der." in text and "Lære rutinene på avdelingen." in text
    assert "bekreftet med lenke" in text and "ikke signert" not in text

    # An edit after the signatures voids them all, and only with the void confirmed.
    employer.goto(f"{base_url}/avtale/{placement_id}")
    employer.get_by_label("Mål for praksisplassen").fill("Lære rutinene og ta HMS-kurs.")
    employer.get_by_role("button", name="Lagre endringene").click()
    expect(employer.get_by_text("Bekreft at du vil endre den").first).to_be_visible()
    check_accessibility(employer)
    employer.get_by_label("Jeg forstår at endringen").check()
    _save(employer, check_accessibility, "Signaturene er ugyldige")
    expect(employer.get_by_text("ikke signert", exact=True)).to_have_count(3)

    caseworker.goto(f"{base_url}/avtale/{placement_id}/versjoner")
    expect(caseworker.get_by_text("signaturer ugyldige").first).to_be_visible()
    check_accessibility(caseworker)
    last = re.compile(r"^Versjon \d+$")
    with caseworker.expect_navigation():
        caseworker.get_by_role("link", name=last).last.click()
    expect(caseworker.get_by_text("Lære rutinene og ta HMS-kurs.")).to_be_visible()
    check_accessibility(caseworker)

    # The employer was told when it was its turn and when the agreement was approved.
    employer.goto(f"{base_url}/varsler")
    expect(employer.get_by_text("Avtalen er godkjent", exact=True).first).to_be_visible()
    expect(employer.get_by_text(re.compile("venter på dere")).first).to_be_visible()
    employer.get_by_role("button", name="Merk alle som lest").click()  # later journeys count theirs
    caseworker.goto(f"{base_url}/varsler")
    waiting = caseworker.get_by_text("Avtalen venter på godkjenning", exact=True)
    expect(waiting.first).to_be_visible()
    caseworker.get_by_role("button", name="Merk alle som lest").click()

    for page in (employer, caseworker, candidate):
        page.context.close()
