"""The administrators' figures, checked by hand on a small data set (numbers worked out below).

The world: employer E1 in Lørenskog offers an apprenticeship (10 places, starts March 2026); E2 in
Lillestrøm a work training (8 places, April); a draft slot never counts. Ten placements came from
accepted proposals: seven NAV candidates on the apprenticeship, three refugee-service candidates on
the work training. Other pairs were declined (3), withdrawn (2), are waiting for an answer (2),
rejected by the caseworker (4), approved but not yet proposed (3) or only suggested (5): 29 in all.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from factories import make_candidate, make_organisation, make_site, make_slot

from webapp.models import (
    OrganisationKind,
    Partnership,
    Placement,
    ProgramArea,
    SchoolNeed,
    Suggestion,
)
from webapp.services import stats
from webapp.services.stats import exports
from webapp.services.stats.tables import share, suppress

PROPOSED_AT = datetime(2026, 3, 1, 9, 0)
PLACED_AT = datetime(2026, 3, 10, 12, 0)
NA = "–"

# (status, outcome, score, answer after days, days from registration to placement)
APPRENTICES = [
    ("active", None, 0.85, 1, 10),
    ("completed", "employment", 0.85, 2, 20),
    ("completed", "employment", 0.85, 3, 30),
    ("completed", "employment", 0.85, 4, 40),
    ("completed", "apprenticeship_contract", 0.85, 5, 50),
    ("completed", "apprenticeship_contract", 0.85, 6, 60),
    ("ended_early", "none", 0.85, 7, 70),
]
TRAINEES = [
    ("planned", None, 0.5, 2, 15),
    ("completed", "further_training", 0.5, 4, 25),
    ("ended_early", "other", 0.5, 10, 100),
]


class World:
    pass


def _suggestion(db, candidate, slot, status, *, score=0.6, answer_days=None, proposed=False):
    suggestion = Suggestion(candidate_id=candidate.id, slot_id=slot.id, score=score, status=status)
    if proposed or answer_days is not None:
        suggestion.proposed_at = PROPOSED_AT
    if answer_days is not None:
        suggestion.answered_at = PROPOSED_AT + timedelta(days=answer_days)
    db.session.add(suggestion)
    db.session.flush()
    suggestion.created_at = datetime(2026, 2, 1, 8, 0)
    return suggestion


def _placements(db, world, slot, owner, specs, start):
    for status, outcome, score, answer_days, waited in specs:
        candidate = make_candidate(owner, consent=True)
        candidate.created_at = PLACED_AT - timedelta(days=waited)
        suggestion = _suggestion(
            db, candidate, slot, "accepted", score=score, answer_days=answer_days
        )
        placement = Placement(
            suggestion_id=suggestion.id,
            candidate_id=candidate.id,
            slot_id=slot.id,
            status=status,
            outcome=outcome,
            start_date=start,
            end_date=date(2026, 9, 1) if outcome else None,
        )
        db.session.add(placement)
        db.session.flush()
        placement.created_at = PLACED_AT


@pytest.fixture
def world(db):
    w = World()
    w.e1 = make_organisation(name="Lørenskog Bygg")
    w.e2 = make_organisation(name="Strømmen Drift")
    w.nav = make_organisation(OrganisationKind.NAV_OFFICE)
    w.refugee = make_organisation(OrganisationKind.REFUGEE_SERVICE)
    w.apprenticeship = make_slot(
        w.e1, kind="apprenticeship", capacity=10, start_date=date(2026, 3, 10)
    )
    w.training = make_slot(
        site=make_site(w.e2, postal_code="2010"),
        kind="work_training",
        capacity=8,
        start_date=date(2026, 4, 5),
    )
    make_slot(w.e1, kind="work_training", capacity=2, status="draft")
    _placements(db, w, w.apprenticeship, w.nav, APPRENTICES, date(2026, 3, 15))
    _placements(db, w, w.training, w.refugee, TRAINEES, date(2026, 4, 20))

    def others(slot, owner, status, count, **values):
        for _ in range(count):
            _suggestion(db, make_candidate(owner), slot, status, **values)

    others(w.training, w.refugee, "declined", 1, score=0.9, answer_days=1)
    others(w.training, w.refugee, "declined", 1, score=0.9, answer_days=1)
    others(w.training, w.refugee, "declined", 1, score=0.9, answer_days=7)
    others(w.apprenticeship, w.nav, "withdrawn", 2, proposed=True)
    others(w.apprenticeship, w.nav, "proposed", 2, proposed=True)
    others(w.training, w.nav, "rejected", 4)
    others(w.training, w.nav, "approved", 3)
    others(w.training, w.nav, "suggested", 5)
    db.session.commit()
    return w


def _rows(table) -> dict:
    return {str(row[0]): row[1:] for row in table.rows}


def _figure(key, **filters):
    return _rows(stats.figure(key, stats.make_filters(**filters)))


def test_counts_of_one_to_four_people_are_suppressed_and_zero_is_not():
    assert [suppress(n) for n in (0, 1, 4, 5, 12)] == [0, None, None, 5, 12]


def test_a_share_of_a_suppressed_count_is_suppressed_and_of_nothing_is_not_applicable():
    assert share(None, 10) is None
    assert share(3, None) is None
    assert share(0, 0) == NA
    assert share(7, 10) == 70.0


def test_places_offered_and_filled_by_slot_kind(world):
    rows = _figure("places_by_kind")
    assert rows["Lærlingplass"] == [10, 7, 70.0]
    assert rows["Arbeidstrening (NAV)"] == [
        8,
        None,
        None,
    ]  # 3 people: suppressed; draft not offered
    assert rows["Språkpraksis"] == [0, 0, NA]


def test_places_offered_and_filled_by_month(world):
    assert _figure("places_by_month") == {"2026-03": [10, 7, 70.0], "2026-04": [8, None, None]}


def test_free_capacity_counts_planned_and_active_placements_as_taken(world):
    rows = _figure("free_capacity")
    assert rows["Lærlingplass"] == [1, 9]  # one active placement
    assert rows["Arbeidstrening (NAV)"] == [1, 7]  # one planned; the draft is not open


def test_funnel_from_suggested_to_completed(world):
    rows = _figure("funnel")
    assert [row[0] for row in rows.values()] == [29, 20, 17, 10, 9, 6]
    assert [row[1] for row in rows.values()] == [100.0, 69.0, 58.6, 34.5, 31.0, 20.7]


def test_employer_answer_rate_and_median_answer_time(world):
    rows = _figure("employer_answers")
    # Withdrawn proposals do not count; the two still waiting count as unanswered.
    assert rows["Lærlingplass"] == [9, 7, 77.8, 4.0]
    assert rows["Arbeidstrening (NAV)"] == [6, 6, 100.0, 3.0]  # answers after 1,1,2,4,7,10 days
    assert rows["Alle typer"] == [15, 13, 86.7, 4.0]


def test_median_days_from_registration_to_placement(world):
    rows = _figure("days_to_placement")
    assert rows["NAV-kontor"] == [7, 40]
    assert rows["Flyktningtjenesten"] == [None, None]  # three people
    assert rows["Alle"] == [10, 35]  # (30 + 40) / 2


def test_outcomes_by_slot_kind_and_by_organisation_kind(world):
    by_kind = _figure("outcomes_by_kind")
    assert by_kind["Lærlingplass"] == [6, 5, 0, 83.3]
    assert by_kind["Arbeidstrening (NAV)"] == [None, 0, None, None]
    assert by_kind["Lærekandidat"] == [0, 0, 0, NA]
    by_owner = _figure("outcomes_by_organisation_kind")
    assert by_owner["NAV-kontor"] == [6, 5, 0, 83.3]
    assert by_owner["Flyktningtjenesten"] == [None, 0, None, None]


def test_acceptance_rate_by_score_band(world):
    rows = _figure("acceptance_by_score")
    assert rows["80–100"] == [10, 7, 70.0]
    assert rows["40–60"] == [None, None, None]
    assert rows["0–20"] == [0, 0, NA]


def test_school_needs_met_and_unmet_by_programme_area(db, world):
    school = make_organisation(OrganisationKind.SCHOOL)
    areas = db.session.scalars(db.select(ProgramArea).order_by(ProgramArea.name_nb)).all()
    first, second = areas[0], areas[1]

    def need(area, students):
        row = SchoolNeed(
            organisation_id=school.id, program_area_code=area.code, title="YFF", students=students
        )
        db.session.add(row)
        db.session.flush()
        return row

    met = need(first, 6)
    need(first, 3)
    need(first, 5)
    need(second, 2)
    db.session.add(
        Partnership(
            school_id=school.id, employer_id=world.e1.id, school_need_id=met.id, status="accepted"
        )
    )
    db.session.commit()
    rows = _figure("school_needs")
    assert rows[first.name_nb] == [3, 1, 2, 8]
    assert rows[second.name_nb] == [1, 0, 1, None]
    assert _figure("school_needs", organisation_id=world.e1.id)[first.name_nb] == [1, 1, 0, 0]


def test_slot_kind_filter_keeps_only_that_kind(world):
    rows = _figure("funnel", slot_kind="apprenticeship")
    assert [row[0] for row in rows.values()] == [11, 11, 11, 7, 7, 5]
    assert list(_figure("places_by_kind", slot_kind="apprenticeship")) == ["Lærlingplass"]


def test_organisation_filter_on_a_caseworker_office_counts_its_candidates(world):
    rows = _figure("places_by_kind", organisation_id=world.nav.id)
    assert rows["Lærlingplass"] == [10, 7, 70.0]
    assert rows["Arbeidstrening (NAV)"] == [8, 0, 0.0]
    table = stats.figure("places_by_kind", stats.make_filters(organisation_id=world.nav.id))
    assert table.ignores == ["organisation"]  # places belong to employers


def test_organisation_filter_on_an_employer_counts_its_slots(world):
    rows = _figure("places_by_kind", organisation_id=world.e2.id)
    assert rows["Lærlingplass"] == [0, 0, NA]
    assert rows["Arbeidstrening (NAV)"] == [8, None, None]


def test_municipality_filter_uses_where_the_slot_is(world):
    rows = _figure("free_capacity", municipality="Lørenskog")
    assert rows["Arbeidstrening (NAV)"] == [0, 0]  # the Strømmen slot is in Lillestrøm
    assert rows["Lærlingplass"] == [1, 9]


def test_period_filter_keeps_what_starts_inside_it(world):
    assert _figure("places_by_month", date_from=date(2026, 4, 1), date_to=date(2026, 4, 30)) == {
        "2026-04": [8, None, None]
    }
    assert _figure("funnel", date_from=date(2026, 3, 1))["Foreslått av modellen"] == [0, NA]


def test_in_a_period_each_figure_counts_by_its_own_date(world):
    """The placement figures share one scan; each still picks its rows by its own date: the
    start for places filled, the end for outcomes, the agreement for days to placement."""
    march = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}
    september = {"date_from": date(2026, 9, 1), "date_to": date(2026, 9, 30)}
    assert _figure("places_by_kind", **march)["Lærlingplass"] == [10, 7, 70.0]
    assert _figure("places_by_kind", **march)["Arbeidstrening (NAV)"] == [0, 0, NA]
    assert _figure("places_by_month", **march) == {"2026-03": [10, 7, 70.0]}
    assert _figure("outcomes_by_kind", **march)["Lærlingplass"] == [0, 0, 0, NA]
    assert _figure("days_to_placement", **march)["Alle"] == [10, 35]
    assert _figure("places_by_kind", **september)["Lærlingplass"] == [0, 0, NA]
    assert _figure("places_by_month", **september) == {}
    assert _figure("outcomes_by_kind", **september)["Lærlingplass"] == [6, 5, 0, 83.3]
    assert _figure("outcomes_by_organisation_kind", **september)["NAV-kontor"] == [6, 5, 0, 83.3]
    assert _figure("days_to_placement", **september)["Alle"] == [0, NA]
    # Free capacity is now, whatever the period.
    assert _figure("free_capacity", **september)["Lærlingplass"] == [1, 9]


def test_the_page_counts_open_slots_from_the_figures_scan_unless_a_filter_chooses_slots(world):
    everything = stats.Scans(stats.make_filters())
    assert stats.headline(everything)["slots_open"] == 2
    one_kind = stats.Scans(stats.make_filters(slot_kind="apprenticeship"))
    assert stats.headline(one_kind)["slots_open"] == 2  # the headline is never filtered
    assert stats.headline()["slots_open"] == 2


def test_exports_neutralise_formulas_and_keep_numbers():
    table = stats.Table(
        "test",
        "Test",
        "",
        [stats.Column("label", "=Navn", "label"), stats.Column("n", "Antall")],
        [['=HYPERLINK("http://x")', 5], ["+1", None], ["-2", 7], ["@sum", 0], ["\tx", 1]],
    )
    text = exports.to_csv(table).decode("utf-8-sig")
    assert text.splitlines() == [
        "'=Navn;Antall",
        '"\'=HYPERLINK(""http://x"")";5',
        "'+1;<5",
        "'-2;7",
        "'@sum;0",
        "'\tx;1",
    ]
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(exports.to_xlsx(table))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1] == ['\'=HYPERLINK("http://x")', 5]
    assert values[2] == ["'+1", "<5"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


# --- the pages ------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, auth, db):
    from factories import PASSWORD, make_user

    admin = make_user(kind=OrganisationKind.MUNICIPALITY)
    auth.login(admin.email, PASSWORD)
    return client


def test_the_dashboard_draws_each_figure_with_its_table_and_downloads(world, admin_client):
    page = admin_client.get("/admin/").get_data(as_text=True)
    for title in [
        "Fra forslag til fullført praksis",
        "Aksept etter matchpoeng",
        "Ledig kapasitet nå",
    ]:
        assert title in page
    assert page.count('<svg class="app-chart" aria-hidden="true"') == len(stats.figures())
    assert "<td>70,0 %</td>" in page  # the apprenticeship's fill rate, in bokmål
    assert "/admin/tall/funnel.csv" in page and "/admin/tall/funnel.xlsx" in page


def test_the_dashboard_filters_and_says_which_filter_a_table_ignores(world, admin_client):
    page = admin_client.get(
        f"/admin/?organisation={world.nav.id}&slot_kind=&municipality=&date_from=&date_to="
    ).get_data(as_text=True)
    assert "Filteret på organisasjonen gjelder ikke denne tabellen." in page
    assert f"/admin/tall/funnel.csv?organisation={world.nav.id}" in page


@pytest.mark.parametrize(
    "query",
    [
        "date_from=0001-01-01",
        "date_to=9999-12-31",
        "date_from=2026-05-01&date_to=2026-04-01",
        "organisation=99999999999999999999",
        "organisation=abc",
        "slot_kind=%00no-such-kind",
        "municipality=Atlantis",
    ],
)
def test_bad_filters_show_a_message_not_an_error(world, admin_client, query):
    response = admin_client.get(f"/admin/?{query}")
    assert response.status_code == 200
    assert "Rett feilene i filteret" in response.get_data(as_text=True)
    assert admin_client.get(f"/admin/tall/funnel.csv?{query}").status_code == 400


def test_an_export_is_the_suppressed_aggregate_with_the_filters_applied(world, admin_client):
    response = admin_client.get("/admin/tall/places_by_kind.csv?slot_kind=work_training")
    assert response.headers["Content-Disposition"].endswith('places_by_kind.csv"')
    lines = response.get_data().decode("utf-8-sig").splitlines()
    assert lines == [
        "Type plass;Plasser tilbudt;Plasser fylt;Andel fylt (%)",
        "Arbeidstrening (NAV);8;<5;<5",
    ]
    xlsx = admin_client.get("/admin/tall/funnel.xlsx")
    assert xlsx.mimetype == exports.XLSX_MIMETYPE and xlsx.get_data()[:2] == b"PK"
    assert admin_client.get("/admin/tall/nope.csv").status_code == 404


def test_the_audit_log_shows_oslo_time_and_the_actors_organisation(db, admin_client):
    from factories import make_user

    from webapp.models import AuditEvent

    actor = make_user(make_organisation(OrganisationKind.NAV_OFFICE, name="NAV Testby"))
    db.session.add_all(
        [
            AuditEvent(
                actor_id=actor.id,
                action="candidate.created",
                object_type="candidate",
                object_id="1",
                at=datetime(2026, 7, 1, 10, 0),
                detail={},
            ),
            AuditEvent(
                actor_id=None,
                action="suggestion.reminded",
                object_type="suggestion",
                object_id="2",
                at=datetime(2026, 1, 15, 10, 0),
                detail={},
            ),
        ]
    )
    db.session.commit()
    page = admin_client.get("/admin/logg").get_data(as_text=True)
    assert "01.07.2026 12:00:00" in page  # summer time: UTC+2
    assert "15.01.2026 11:00:00" in page  # winter time: UTC+1
    assert "NAV Testby" in page


def test_the_dashboard_tables_are_kept_a_minute_and_say_when_they_were_counted(
    app, world, admin_client, monkeypatch
):
    """Counting the tables at 100,000 candidates takes a second: within STATS_CACHE_SECONDS a
    reload shows the same count, with its time; the headline (what waits now) is always fresh."""
    from webapp.services.stats import recent

    monkeypatch.setitem(app.config, "STATS_CACHE_SECONDS", 60)
    monkeypatch.setitem(app.extensions, "arbeidsbro.recent_tables", {})
    counted_at = datetime(2026, 12, 7, 9, 0)
    monkeypatch.setattr(recent, "utcnow", lambda: counted_at)

    def tables_and_open_slots():
        page = admin_client.get("/admin/").get_data(as_text=True)
        headline, rest = page.split('id="figures"', 1)
        tables = rest.split("Matchmodellen</h2>", 1)[0]  # the rebuild form's CSRF token varies
        assert "csrf_token" not in tables
        opened = headline.split("Åpne plasser</th><td>", 1)[1].split("<", 1)[0]
        return tables, int(opened)

    first, opened = tables_and_open_slots()
    assert "Talt 07.12.2026 10:00:00; tallene telles på nytt når de er eldre enn 60" in first
    make_slot(world.e1, kind="apprenticeship", capacity=40)
    kept, opened_now = tables_and_open_slots()
    assert kept == first
    assert opened_now == opened + 1
    counted_at += timedelta(seconds=61)
    recounted, _opened = tables_and_open_slots()

    def without_time(tables: str) -> str:
        return re.sub(r'<p [^>]*id="figures-counted">.*?</p>', "", tables)

    assert without_time(recounted) != without_time(first)  # the new slot is counted
    assert "/admin/tall/funnel.csv" in recounted
