"""The agreement pages: each side edits its part, the void needs a tick, the candidate's link page
works without login and only once, versions and their diff, the printout and the PDF's text."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from factories import PASSWORD
from pypdf import PdfReader
from sqlalchemy import select
from support import submit
from test_agreements import CASEWORKER_PART, EMPLOYER_PART, _filled, _placement
from test_proposals import World

from webapp.models import AgreementLink, AgreementSignature, utcnow
from webapp.services import agreement_signing, pseudonyms


@pytest.fixture
def world(app_ctx, app):
    with app.test_request_context():
        yield World()


def _client(app, user):
    client = app.test_client()
    submit(client, "/logg-inn", {"email": user.email, "password": PASSWORD})
    return client


def _form(values: dict) -> dict:
    return {k: ("" if v is None else str(v)) for k, v in values.items()}


def test_the_employer_fills_in_and_signs_on_the_page(world, db, app):
    placement = _placement(world, db)
    client = _client(app, world.employer)
    url = f"/avtale/{placement.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Arbeidsgiverens del" in page and world.candidate.display_name not in page
    start = placement.start_date
    values = {**EMPLOYER_PART, "start_date": start, "end_date": start + timedelta(days=30)}
    saved = submit(client, f"{url}/del", _form(values), form_url=url)
    assert saved.status_code == 302
    assert "Endringen er lagret som versjon 2." in client.get(url).get_data(as_text=True)
    signed = submit(client, f"{url}/signer", form_url=url)
    assert signed.status_code == 302
    assert "Avtalen er signert." in client.get(url).get_data(as_text=True)
    twice = submit(client, f"{url}/signer", form_url=url, follow_redirects=True)
    assert "allerede signert av arbeidsgiveren" in twice.get_data(as_text=True)


def test_hours_above_the_slots_are_shown_on_the_field_and_nothing_is_saved(world, db, app):
    placement = _placement(world, db)
    client = _client(app, world.employer)
    url = f"/avtale/{placement.id}"
    values = {**EMPLOYER_PART, "hours_per_week": "45", "start_date": placement.start_date}
    refused = submit(client, f"{url}/del", _form(values), form_url=url)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Plassen har 37 timer i uka." in page and 'aria-invalid="true"' in page
    db.session.refresh(placement.agreement)
    assert placement.agreement.version == 1


def test_an_edit_of_a_signed_agreement_without_the_tick_is_refused(world, db, app):
    placement, agreement = _filled(world, db)
    agreement_signing.sign(world.employer, agreement, "employer")
    client = _client(app, world.caseworker)
    url = f"/avtale/{placement.id}"
    assert "blir alle signaturer ugyldige" in client.get(url).get_data(as_text=True)
    changed = {**CASEWORKER_PART, "benefit": "Endret."}
    refused = submit(client, f"{url}/del", _form(changed), form_url=url)
    assert refused.status_code == 422
    assert "Bekreft at du vil endre den" in refused.get_data(as_text=True)
    db.session.refresh(agreement)
    assert agreement.benefit == CASEWORKER_PART["benefit"]
    saved = submit(client, f"{url}/del", {**_form(changed), "confirm_void": "y"}, form_url=url)
    assert saved.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Signaturene er ugyldige" in page
    db.session.refresh(agreement)
    assert agreement.benefit == "Endret." and agreement_signing.next_party(agreement) == "employer"


def test_the_candidates_link_page_shows_the_summary_and_confirms_once(world, db, app):
    placement, agreement = _filled(world, db)
    agreement_signing.sign(world.employer, agreement, "employer")
    caseworker = _client(app, world.caseworker)
    url = f"/avtale/{placement.id}"
    created = submit(caseworker, f"{url}/lenke", form_url=url)
    link = re.search(r'value="(http[^"]+/avtale/bekreft/[^"]+)"', created.get_data(as_text=True))
    path = link.group(1).split("localhost", 1)[1]

    candidate = app.test_client()  # no login
    page = candidate.get(path).get_data(as_text=True)
    assert CASEWORKER_PART["summary"] in page
    for private in (EMPLOYER_PART["tasks"], CASEWORKER_PART["benefit"], world.candidate.notes):
        assert private not in page
    done = submit(candidate, path)
    assert "Du har bekreftet avtalen" in done.get_data(as_text=True)
    again = candidate.get(path)
    assert again.status_code == 410 and "allerede brukt" in again.get_data(as_text=True)
    assert submit(candidate, path).status_code == 410
    signatures = db.session.scalars(select(AgreementSignature.method)).all()
    assert sorted(signatures) == ["account", "link"]


def test_an_expired_link_answers_410(world, db, app):
    _, agreement = _filled(world, db)
    agreement_signing.sign(world.employer, agreement, "employer")
    token = agreement_signing.create_link(world.caseworker, agreement)
    db.session.scalars(select(AgreementLink)).one().expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = app.test_client().get(f"/avtale/bekreft/{token}")
    assert response.status_code == 410 and "utløpt" in response.get_data(as_text=True)


def test_the_caseworker_records_a_phone_confirmation_and_approves(world, db, app):
    placement, agreement = _filled(world, db)
    agreement_signing.sign(world.employer, agreement, "employer")
    client = _client(app, world.caseworker)
    url = f"/avtale/{placement.id}"
    no_method = submit(client, f"{url}/kandidat", {"confirmed_on": str(date.today())}, form_url=url)
    assert no_method.status_code == 422
    recorded = submit(
        client,
        f"{url}/kandidat",
        {"method": "phone", "confirmed_on": str(date.today()), "note": "Ringte"},
        form_url=url,
    )
    assert recorded.status_code == 302
    approved = submit(client, f"{url}/signer", form_url=url, follow_redirects=True)
    assert "Avtalen er godkjent." in approved.get_data(as_text=True)


def test_versions_diff_print_and_pdf(world, db, app):
    placement, agreement = _filled(world, db)
    agreement_signing.sign(world.employer, agreement, "employer")
    client = _client(app, world.caseworker)
    url = f"/avtale/{placement.id}"
    listing = client.get(f"{url}/versjoner").get_data(as_text=True)
    assert "Versjon 3" in listing
    diff = client.get(f"{url}/versjoner/3").get_data(as_text=True)
    assert "Oppfølgingsplan med datoer" in diff and "<ins>" in diff
    assert client.get(f"{url}/versjoner/99").status_code == 404
    printed = client.get(f"{url}/utskrift").get_data(as_text=True)
    assert (
        "Avtale om praksisplass, versjon 3" in printed and world.candidate.display_name in printed
    )

    response = client.get(f"{url}/avtale.pdf")
    assert response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for expected in ("Avtale om praksisplass", "Åse Øvrebø", "Mål for praksisplassen"):
        assert expected in text
    assert "signert i Arbeidsbro" in text and "ikke signert" in text

    employer_pdf = _client(app, world.employer).get(f"{url}/avtale.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(employer_pdf.data)).pages)
    assert (
        world.candidate.display_name not in text
        and f"Kandidat {pseudonyms.of_placement(placement)}" in text
    )


def test_the_document_is_in_the_candidates_language(world, db, app):
    placement, agreement = _filled(world, db)
    agreement.language = "en"
    db.session.commit()
    client = _client(app, world.caseworker)
    response = client.get(f"/avtale/{placement.id}/avtale.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Placement agreement" in text and "Goals for the placement" in text


def test_other_organisations_get_404(world, db, app):
    from factories import make_user

    from webapp.models import OrganisationKind

    placement = _placement(world, db)
    stranger = make_user(kind=OrganisationKind.EMPLOYER, email="annen@firma.example.no")
    client = _client(app, stranger)
    assert client.get(f"/avtale/{placement.id}").status_code == 404
    assert client.get(f"/avtale/{placement.id}/avtale.pdf").status_code == 404
