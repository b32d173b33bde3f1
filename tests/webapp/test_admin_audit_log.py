"""The admin's audit log: every action in words, filters, Oslo time, paging, the CSV export."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from factories import PASSWORD, make_organisation, make_user
from sqlalchemy import text

from webapp.models import AuditEvent, OrganisationKind
from webapp.services import audit_log
from webapp.services.audit_labels import ACTIONS, OBJECT_TYPES

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"


def _recorded_codes() -> set[str]:
    """Every action code the app passes to the audit log, read from the source."""
    from webapp.services import candidates, placements, slots

    codes = set()
    for path in WEBAPP.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for call in re.finditer(r"(?:audit\.record(?:_view)?|record_view)\(", source):
            window = source[call.end() : call.end() + 300]
            # The call's own arguments: up to the first line that closes it.
            window = re.split(r"\n\s*\)|\)\n", window, maxsplit=1)[0]
            codes.update(re.findall(r'"([a-z_]+\.[a-z_]+)"', window))
            if 'f"slot.{action}"' in window:
                codes.update(f"slot.{action}" for action in slots.TRANSITIONS)
            if 'f"placement.{action}"' in window:
                codes.update(f"placement.{action}" for action in placements.TRANSITIONS)
    codes.update(audit for _sources, _target, audit in candidates.TRANSITIONS.values())
    return codes


def test_every_action_the_app_records_has_words():
    codes = _recorded_codes()
    assert len(codes) > 50  # the scan found the calls
    assert not codes - set(ACTIONS), "add labels to webapp/services/audit_labels.py"


def _event(actor, action, at, object_type="candidate", object_id="1"):
    return AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        at=at,
        detail={},
    )


@pytest.fixture
def log(db, client, auth):
    """Two organisations' people and a handful of events; the admin logged in."""
    municipality = make_organisation(OrganisationKind.MUNICIPALITY, name="Testby kommune")
    admin = make_user(municipality, name="Ada Admin", email="ada@kommune.example.no")
    nav = make_organisation(OrganisationKind.NAV_OFFICE, name="NAV Testby")
    vera = make_user(nav, name="Vera Veileder", email="vera@nav.example.no")
    employer = make_organisation(OrganisationKind.EMPLOYER, name="Lager AS")
    sjef = make_user(employer, name="Sjur Sjef", email="sjur@lager.example.no")
    db.session.add_all(
        [
            _event(vera, "candidate.created", datetime(2026, 3, 10, 9, 0)),
            _event(vera, "suggestion.approved", datetime(2026, 3, 11, 9, 0), "suggestion", "7"),
            _event(sjef, "suggestion.accepted", datetime(2026, 7, 1, 22, 30), "suggestion", "7"),
            _event(None, "suggestion.reminded", datetime(2026, 1, 15, 10, 0), "suggestion", "8"),
            _event(
                admin,
                "organisation.approved",
                datetime(2026, 2, 1, 8, 0),
                "organisation",
                str(employer.id),
            ),
        ]
    )
    db.session.commit()
    auth.login(admin.email, PASSWORD)
    return {"admin": admin, "vera": vera, "sjef": sjef, "nav": nav, "employer": employer}


def _rows(client, query: str = "") -> list[str]:
    page = client.get(f"/admin/logg?{query}").get_data(as_text=True)
    body = page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else ""
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for row in body.split("</tr>")
        if row.strip()
    ]


def test_the_log_is_in_words_with_people_organisations_links_and_oslo_time(log, client):
    page = client.get("/admin/logg").get_data(as_text=True)
    rows = " ".join(_rows(client))
    assert "Godkjente et matchforslag" in rows and "suggestion.approved" not in rows
    assert "Vera Veileder" in page and "NAV Testby" in page
    assert "02.07.2026 00:30:00" in page  # summer time: UTC+2, past midnight
    assert "15.01.2026 11:00:00" in page  # winter time: UTC+1
    assert "systemet" in page
    # An organisation links to its page; a suggestion to its own history in the log.
    assert f'href="/admin/organisasjoner/{log["employer"].id}"' in page
    assert "/admin/logg?object_type=suggestion&amp;object_id=7" in page
    assert f'href="/admin/brukere/{log["vera"].id}"' in page


def test_the_log_speaks_the_readers_language(log, client, db):
    log["admin"].locale = "en"
    db.session.commit()
    page = client.get("/admin/logg").get_data(as_text=True)
    assert "Approved a match suggestion" in page and "Godkjente et matchforslag" not in page
    assert "2 Jul 2026, 00:30:00" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("actor=vera", ["Godkjente et matchforslag", "Registrerte en kandidat"]),
        ("action=suggestion.accepted", ["Takket ja til et forslag"]),
        ("object_type=organisation", ["Godkjente en organisasjon"]),
        ("object_type=suggestion&object_id=7", ["Takket ja", "Godkjente et matchforslag"]),
        # 22:30 UTC on 1 July is 2 July in Oslo: the period is in Norwegian days.
        ("date_from=2026-07-02&date_to=2026-07-02", ["Takket ja til et forslag"]),
        ("date_from=2026-03-11&date_to=2026-07-01", ["Godkjente et matchforslag"]),
    ],
)
def test_each_filter(log, client, query, expected):
    rows = _rows(client, query)
    assert len(rows) == len(expected), rows
    for row, words in zip(rows, expected, strict=True):
        assert words in row


def test_filters_by_organisation_and_actor_id(log, client):
    rows = _rows(client, f"organisation={log['employer'].id}")
    assert len(rows) == 1 and "Sjur Sjef" in rows[0]
    rows = _rows(client, f"actor_id={log['admin'].id}")
    assert all("Ada Admin" in row for row in rows) and len(rows) >= 1


def test_a_bad_filter_says_so_instead_of_failing(log, client):
    response = client.get("/admin/logg?date_from=2026-07-02&date_to=2026-07-01")
    assert response.status_code == 200
    assert "Til-datoen kan ikke være før fra-datoen." in response.get_data(as_text=True)
    assert client.get("/admin/logg.csv?date_from=nei").status_code == 400
    assert client.get("/admin/logg?action=%00drop").status_code == 200


def test_paging(log, client, db):
    vera = log["vera"]
    db.session.add_all(
        [_event(vera, "candidate.updated", datetime(2025, 1, 1, 8, n)) for n in range(55)]
    )
    db.session.commit()
    first = _rows(client, "action=candidate.updated")
    second = _rows(client, "action=candidate.updated&page=2")
    assert (len(first), len(second)) == (50, 5)
    page = client.get("/admin/logg?action=candidate.updated").get_data(as_text=True)
    assert "page=2" in page and "action=candidate.updated" in page


def test_the_csv_export_is_the_filtered_log_and_safe_in_a_spreadsheet(log, client, db):
    log["sjef"].name = "=1+2"
    db.session.commit()
    response = client.get("/admin/logg.csv?object_type=suggestion&object_id=7")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "Tid (norsk tid);Hvem;Organisasjon;Handling;Handlingskode;Objekt;Objekt-id"
    assert lines[1].startswith("2026-07-02 00:30:00;'=1+2;Lager AS;")
    assert "Takket ja til et forslag;suggestion.accepted;Forslag;7" in lines[1]
    assert "Godkjente et matchforslag" in lines[2]
    assert len(lines) == 3


def test_the_csv_export_reads_in_batches(log, client, db, monkeypatch):
    monkeypatch.setattr(audit_log, "EXPORT_BATCH", 2)
    lines = client.get("/admin/logg.csv").get_data().decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 6  # the five, and the admin's login
    times = [line.split(";")[0] for line in lines[1:]]
    assert times == sorted(times, reverse=True)


def test_object_types_have_words():
    for code in ["candidate", "suggestion", "placement", "organisation", "user", "slot"]:
        assert code in OBJECT_TYPES


def test_the_filters_use_the_indexes(app_ctx, db):
    """On SQLite: the action and person filters read an index in order, with no sort step."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the query plan is SQLite's")
    for filters, index in [
        (audit_log.Filters(action="user.login"), "ix_audit_event_action_at"),
        (audit_log.Filters(actor_id=1), "ix_audit_event_actor_at"),
        (audit_log.Filters(date_from=date(2026, 1, 1)), "ix_audit_event_at"),
    ]:
        stmt = audit_log.statement(filters).limit(50)
        compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = " ".join(
            str(row[-1]) for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
        )
        assert index in plan, plan
        assert "TEMP B-TREE" not in plan, plan
