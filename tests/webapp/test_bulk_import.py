"""Bulk import of candidates and slots: the forms' rules per row, errors per row and column,
one transaction, re-import by reference code, and the files Excel and people really make."""

from __future__ import annotations

import io

import pytest
from api_support import bearer, user_with_token
from factories import make_candidate, make_organisation, make_site, make_user
from support import next_year

from webapp.models import AuditEvent, Candidate, OrganisationKind, Slot
from webapp.services import bulk_import
from webapp.services.bulk_import.candidates import CandidateImporter
from webapp.services.bulk_import.reading import write_xlsx
from webapp.services.bulk_import.slots import SlotImporter

HEADER_NB = "Referansekode;Visningsnavn;Ønsket type plass;Norsknivå;Timer per uke;Tilgjengelig fra"


def csv(*lines: str, newline: str = "\n", encoding: str = "utf-8") -> bytes:
    return newline.join(lines).encode(encoding)


@pytest.fixture
def caseworker(db):
    return make_user(kind=OrganisationKind.NAV_OFFICE, password=None)


def run(
    actor, data: bytes, *, dry_run=False, all_or_nothing=False, filename="k.csv", importer=None
):
    return bulk_import.run(
        importer or CandidateImporter(),
        actor,
        data,
        filename,
        dry_run=dry_run,
        all_or_nothing=all_or_nothing,
    )


def test_a_dry_run_checks_every_row_and_saves_nothing(caseworker, db):
    data = csv(
        HEADER_NB,
        "NAV-1;Amina;Arbeidstrening;A2;30;01.02.2027",
        "NAV-2;;work_training;A2;30;2027-02-01",
        "NAV-3;Bo;ingen-slik-type;A2;99;i morgen",
    )
    report = run(caseworker, data, dry_run=True)
    assert (report.rows, report.valid, report.saved) == (3, 1, False)
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "Visningsnavn"),
        (4, "Ønsket type plass"),
        (4, "Tilgjengelig fra"),
    ]
    assert db.session.query(Candidate).count() == 0


def test_the_import_saves_valid_rows_in_one_go_and_reimport_updates(caseworker, db):
    data = csv(HEADER_NB, "NAV-1;Amina;work_training;A2;30;", "NAV-2;Bo;Språkpraksis;B1;20;")
    report = run(caseworker, data)
    assert (report.created, report.updated, report.saved) == (2, 0, True)
    again = run(caseworker, data)
    assert (again.created, again.updated) == (0, 0)
    changed = run(caseworker, csv(HEADER_NB, "nav-1;Amina H.;work_training;B1;30;"))
    assert (changed.created, changed.updated) == (0, 1)
    amina = db.session.query(Candidate).filter_by(reference_code="NAV-1").one()
    assert (amina.display_name, amina.norwegian_level) == ("Amina H.", "B1")
    assert [k.code for k in amina.kinds] == ["work_training"]
    assert amina.caseworker_id == caseworker.id
    assert db.session.query(Candidate).count() == 2
    actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert actions.count("candidate.created") == 2 and actions.count("candidate.imported") == 3


def test_all_or_nothing_saves_nothing_when_a_row_is_wrong(caseworker, db):
    data = csv(HEADER_NB, "NAV-1;Amina;work_training;A2;30;", "NAV-2;;work_training;A2;30;")
    report = run(caseworker, data, all_or_nothing=True)
    assert report.saved is False and report.valid == 1
    assert db.session.query(Candidate).count() == 0
    partial = run(caseworker, data)
    assert partial.saved is True and partial.created == 1


def test_english_headers_and_labels_work_too(caseworker, db):
    data = csv(
        "Reference code,Display name,Kinds wanted,Norwegian level",
        'NAV-9,Chen,"Work training; Language practice",b1',
    )
    report = run(caseworker, data)
    assert report.errors == [] and report.created == 1
    chen = db.session.query(Candidate).one()
    assert sorted(k.code for k in chen.kinds) == ["language_practice", "work_training"]


def test_a_bom_semicolons_and_windows_line_endings_are_read(caseworker, db):
    data = b"\xef\xbb\xbf" + csv(HEADER_NB, "NAV-1;Amina;work_training;A2;30;", newline="\r\n")
    report = run(caseworker, data)
    assert report.errors == [] and report.created == 1


def test_lines_in_different_encodings_are_each_decoded(caseworker, db):
    data = (
        csv(HEADER_NB, "NAV-1;Åse;work_training;A2;30;")
        + b"\n"
        + "NAV-2;Bjørn;work_training;A2;30;".encode("cp1252")
    )
    report = run(caseworker, data)
    assert report.errors == []
    names = sorted(c.display_name for c in db.session.query(Candidate))
    assert names == ["Bjørn", "Åse"]


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "@SUM(A1)", "+CMD(1)", "-2+IMPORT(1)"])
def test_formula_looking_cells_are_row_errors(caseworker, db, cell):
    report = run(caseworker, csv(HEADER_NB, f"NAV-1;{cell};work_training;A2;30;"))
    assert [(e.row, e.column) for e in report.errors] == [(2, "Visningsnavn")]
    assert db.session.query(Candidate).count() == 0


def test_duplicate_reference_codes_within_the_file_are_row_errors(caseworker, db):
    data = csv(HEADER_NB, "NAV-1;Amina;work_training;A2;30;", "nav-1;Bo;work_training;A2;30;")
    report = run(caseworker, data)
    assert [(e.row, e.column) for e in report.errors] == [(3, "Referansekode")]
    assert "rad 2" in report.errors[0].message
    assert report.created == 1


def test_unknown_or_missing_columns_stop_the_file(caseworker, db):
    report = run(caseworker, csv("Referansekode;Favorittfarge", "NAV-1;blå"))
    assert {(e.row, e.column) for e in report.errors} == {(1, "Favorittfarge"), (1, "Visningsnavn")}
    assert report.saved is False


def test_a_file_that_is_not_a_spreadsheet_is_one_clear_error(caseworker, db):
    report = run(caseworker, b"\x00\x01\x02binary", filename="x.csv")
    assert len(report.errors) == 1 and report.errors[0].row == 1
    broken = run(caseworker, b"PK\x03\x04not really a zip", filename="x.xlsx")
    assert len(broken.errors) == 1


def test_the_forms_rules_apply_to_each_row(caseworker, db):
    make_candidate(caseworker.organisation, reference_code="NAV-OLD", status="archived")
    data = csv(
        HEADER_NB + ";Notater;Postnummer",
        "NAV 1;Amina;work_training;A2;30;;;",
        "NAV-2;010190 12345;work_training;A2;30;;;",
        "NAV-3;Bo;work_training;A2;30;;;9999",
        "NAV-OLD;Old;work_training;A2;30;;;",
    )
    report = run(caseworker, data, dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "Referansekode"),
        (3, "Visningsnavn"),
        (4, "Postnummer"),
        (5, "Referansekode"),
    ]


def test_xlsx_files_are_read_including_dates_and_numbers(caseworker, db):
    from datetime import datetime

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Referansekode", "Visningsnavn", "Timer per uke", "Tilgjengelig fra"])
    sheet.append(["NAV-1", "Amina", 30, datetime(2027, 2, 1)])
    sheet.append(["NAV-2", '=CONCAT("a","b")', 20, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run(caseworker, buffer.getvalue(), filename="k.xlsx")
    assert [(e.row, e.column) for e in report.errors] == [(3, "Visningsnavn")]
    amina = db.session.query(Candidate).one()
    assert (amina.hours_per_week, str(amina.available_from)) == (30, "2027-02-01")


def test_only_caseworkers_import_candidates(db):
    from webapp.services.errors import NotAllowed

    employer = make_user(kind=OrganisationKind.EMPLOYER, password=None)
    with pytest.raises(NotAllowed):
        run(employer, csv(HEADER_NB))


# --- slots -------------------------------------------------------------------------------------


SLOT_HEADER = "Referansekode;Type plass;Tittel;Beskrivelse;Arbeidssted;Timer per uke;Startdato"
# A new slot may not start in the past: a hard-coded day would be refused once it has passed.
START, BEFORE_START = next_year(2, 1).isoformat(), next_year(1, 1).isoformat()
START_NB = next_year(2, 1).strftime("%d.%m.%Y")


def test_employers_import_slots_as_drafts_and_reimport_updates(db):
    organisation = make_organisation(OrganisationKind.EMPLOYER)
    employer = make_user(organisation, password=None)
    site = make_site(organisation, name="Lager Robsrud")
    data = csv(
        SLOT_HEADER,
        f"L-1;Arbeidstrening;Lagermedarbeider;Plukk og pakk;lager robsrud;30;{START_NB}",
        f"L-2;work_training;Sjåfør;Kjøre varer;Ukjent sted;30;{START}",
    )
    report = run(employer, data, importer=SlotImporter())
    assert [(e.row, e.column) for e in report.errors] == [(3, "Arbeidssted")]
    assert report.created == 1
    (slot,) = db.session.query(Slot).all()
    assert (slot.status, slot.site_id, slot.reference_code) == ("draft", site.id, "L-1")
    again = run(
        employer,
        csv(SLOT_HEADER, f"L-1;work_training;Lagermedarbeider II;Plukk;Lager Robsrud;20;{START}"),
        importer=SlotImporter(),
    )
    assert (again.created, again.updated) == (0, 1)
    db.session.refresh(slot)
    assert (slot.title, slot.hours_per_week) == ("Lagermedarbeider II", 20)


def test_slot_rows_follow_the_slot_forms_rules(db):
    organisation = make_organisation(OrganisationKind.EMPLOYER)
    employer = make_user(organisation, password=None)
    make_site(organisation, name="Butikken")
    data = csv(
        SLOT_HEADER + ";Sluttdato;Antall plasser",
        f"S-1;work_training;;Beskrivelse;Butikken;30;{START};;1",
        f"S-2;work_training;Tittel;Beskrivelse;Butikken;41;{START};;1",
        f"S-3;work_training;Tittel;Beskrivelse;Butikken;30;{START};{BEFORE_START};1",
        f"S-4;work_training;Tittel;Beskrivelse;Butikken;30;{START};;0",
    )
    report = run(employer, data, importer=SlotImporter(), dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "Tittel"),
        (3, "Timer per uke"),
        (4, "Sluttdato"),
        (5, "Antall plasser"),
    ]


# --- over the API ------------------------------------------------------------------------------


def test_the_api_imports_a_file_after_a_dry_run(client, db):
    user, token = user_with_token("caseworker")
    body = csv(HEADER_NB, "NAV-1;Amina;work_training;A2;30;")
    dry = client.post(
        "/api/v1/candidates/import",
        data={"file": (io.BytesIO(body), "kandidater.csv")},
        headers=bearer(token),
    )
    assert dry.status_code == 200, dry.json
    assert dry.json["dry_run"] is True and dry.json["valid"] == 1 and dry.json["saved"] is False
    done = client.post(
        "/api/v1/candidates/import?dry_run=false",
        data={"file": (io.BytesIO(body), "kandidater.csv")},
        headers=bearer(token),
    )
    assert done.json["created"] == 1 and db.session.query(Candidate).count() == 1


def test_the_api_answers_a_problem_when_nothing_could_be_saved(client, db):
    _user, token = user_with_token("caseworker")
    body = csv(HEADER_NB, "NAV-1;;work_training;A2;30;")
    answer = client.post(
        "/api/v1/candidates/import?dry_run=false&all_or_nothing=true",
        data={"file": (io.BytesIO(body), "k.csv")},
        headers=bearer(token),
    )
    assert answer.status_code == 422 and answer.content_type == "application/problem+json"
    assert answer.json["errors"] == [
        {
            "in": "file",
            "row": 2,
            "field": "Visningsnavn",
            "detail": answer.json["errors"][0]["detail"],
        }
    ]


def test_the_templates_download_in_both_languages_and_formats(client, db):
    _user, token = user_with_token("employer")
    csv_nb = client.get("/api/v1/slots/import/template", headers=bearer(token))
    assert csv_nb.data.startswith(b"\xef\xbb\xbfReferansekode;Type plass")
    _caseworker, other = user_with_token("caseworker")
    xlsx_en = client.get(
        "/api/v1/candidates/import/template?format=xlsx&lang=en", headers=bearer(other)
    )
    from openpyxl import load_workbook

    header = [c.value for c in next(load_workbook(io.BytesIO(xlsx_en.data)).active.iter_rows())]
    assert header[:2] == ["Reference code", "Display name"]


def test_an_employer_cannot_import_candidates_over_the_api(client, db):
    _user, token = user_with_token("employer")
    answer = client.post(
        "/api/v1/candidates/import",
        data={"file": (io.BytesIO(csv(HEADER_NB)), "k.csv")},
        headers=bearer(token),
    )
    assert answer.status_code == 403


def test_the_template_is_a_valid_import(client, db):
    user, token = user_with_token("caseworker")
    template = client.get("/api/v1/candidates/import/template", headers=bearer(token)).data
    report = run(user, template, dry_run=True)
    assert report.errors == [] and report.valid == 1
    assert write_xlsx(["a"], [["b"]], "t").startswith(b"PK")
