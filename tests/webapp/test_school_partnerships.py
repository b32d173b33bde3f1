"""Requests and partnerships: the lifecycle, its rules and bad input, notifications both ways,
the audit trail, reminders after five working days, renewal and unmet demand."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from factories import PASSWORD, make_organisation, make_user
from school_factories import (
    make_coordinator,
    make_need,
    make_open_employer,
    make_request,
    make_school,
)
from support import submit

from webapp.models import (
    AuditEvent,
    Notification,
    OrganisationKind,
    OutgoingMail,
    Partnership,
    PartnershipStatus,
)
from webapp.services.errors import DomainError, NotAllowed
from webapp.services.schools import demand, partnerships
from webapp.services.schools.demand import working_days_between


@pytest.fixture
def world(db):
    school = make_school()
    coordinator = make_coordinator(school)
    employer = make_open_employer("Sykehjem AS", students_per_period=4)
    employer_user = make_user(employer, is_admin=True, locale="en")
    need = make_need(school, students=4)
    return school, coordinator, employer, employer_user, need


def actions(db, prefix="partnership") -> list[str]:
    return [
        e.action
        for e in db.session.query(AuditEvent).order_by(AuditEvent.id)
        if e.action.startswith(prefix)
    ]


def error_next_to(page: str, field: str) -> str:
    match = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', page)
    assert match, f"no message next to {field}"
    return match.group(1)


def test_a_request_reaches_the_employer_in_their_language_and_is_audited(db, world):
    school, coordinator, employer, employer_user, need = world
    (p,) = partnerships.send_requests(coordinator, need, [employer.id], "Hei fra skolen")
    assert p.status == "requested" and p.requested_by_id == coordinator.id
    note = db.session.query(Notification).filter_by(user_id=employer_user.id).one()
    assert note.kind == "school_request_new"
    mail = db.session.query(OutgoingMail).filter_by(to=employer_user.email).one()
    assert mail.subject == f"Request from {school.name}"  # the reader's language: English
    assert actions(db) == ["partnership.requested"]
    assert [m.body for m in p.messages] == ["Hei fra skolen"]


def test_one_request_to_several_companies_sends_one_each(db, world):
    _, coordinator, employer, _, need = world
    other = make_open_employer("Barnehage AS")
    sent = partnerships.send_requests(coordinator, need, [employer.id, other.id])
    assert {p.employer_id for p in sent} == {employer.id, other.id}


@pytest.mark.parametrize(
    "case", ["closed_to_schools", "twice_in_one_go", "already_open", "id_beyond_the_database"]
)
def test_bad_requests_are_refused_and_nothing_is_sent(db, world, case):
    _, coordinator, employer, _, need = world
    ids = [employer.id]
    if case == "closed_to_schools":
        ids = [employer.id, make_organisation(OrganisationKind.EMPLOYER, name="Lukket AS").id]
    elif case == "twice_in_one_go":
        ids = [employer.id, employer.id]
    elif case == "id_beyond_the_database":  # the sweep's 2**63: an OverflowError, a 500
        ids = [employer.id, 2**63]
    else:
        partnerships.send_requests(coordinator, need, [employer.id])
    before = db.session.query(Partnership).count()
    with pytest.raises(DomainError) as raised:
        partnerships.send_requests(coordinator, need, ids)
    db.session.rollback()
    assert raised.value.field == "employers"
    assert db.session.query(Partnership).count() == before


def test_a_refused_request_shows_the_message_next_to_the_companies(db, client, auth, world):
    _, coordinator, employer, _, need = world
    closed = make_organisation(OrganisationKind.EMPLOYER, name="Lukket AS")
    auth.login(coordinator.email, PASSWORD)
    url = f"/skole/behov/{need.id}/bedrifter"
    response = submit(client, url, {"employers": [str(employer.id), str(closed.id)]})
    assert response.status_code == 422
    assert "Lukket AS tar ikke imot forespørsler fra skoler." in error_next_to(
        response.get_data(as_text=True), "employers"
    )
    assert db.session.query(Partnership).count() == 0
    response = submit(client, url, {"employers": [str(employer.id)]})
    assert response.status_code == 302
    again = submit(client, url, {"employers": [str(employer.id)]})
    assert "allerede en åpen forespørsel" in error_next_to(
        again.get_data(as_text=True), "employers"
    )
    assert db.session.query(Partnership).count() == 1


def test_the_employer_accepts_with_numbers_and_dates_and_the_school_is_told(db, world):
    _, coordinator, employer, employer_user, need = world
    (p,) = partnerships.send_requests(coordinator, need, [employer.id])
    partnerships.accept(employer_user, p, 3, date(2027, 3, 8), date(2027, 3, 19))
    assert (p.status, p.students, p.period_end) == ("accepted", 3, date(2027, 3, 19))
    note = db.session.query(Notification).filter_by(user_id=coordinator.id).one()
    assert note.kind == "school_request_accepted"
    assert actions(db) == ["partnership.requested", "partnership.accepted"]


@pytest.mark.parametrize(
    ("students", "start", "end", "field", "message"),
    [
        (5, date(2027, 3, 8), date(2027, 3, 26), "students", "Skolen spurte om 4 elever"),
        (4, date(2027, 3, 26), date(2027, 3, 8), "period_end", "Perioden kan ikke slutte"),
        (0, date(2027, 3, 8), date(2027, 3, 26), "students", "Skriv inn hvor mange"),
        (4, date(1, 1, 1), date(2027, 3, 26), "period_start", "Velg en dato mellom"),
    ],
)
def test_bad_acceptances_are_refused_and_nothing_changes(
    db, world, students, start, end, field, message
):
    _, coordinator, employer, employer_user, need = world
    (p,) = partnerships.send_requests(coordinator, need, [employer.id])
    with pytest.raises(DomainError) as raised:
        partnerships.accept(employer_user, p, students, start, end)
    assert raised.value.field == field and message in raised.value.message
    db.session.refresh(p)
    assert p.status == "requested"


def test_accepting_more_than_the_school_profile_offers_in_the_period_is_refused(db, world):
    school, coordinator, employer, employer_user, need = world
    earlier = make_need(school, title="Første gruppe", students=3)
    make_request(earlier, employer, status=PartnershipStatus.ACCEPTED)
    (p,) = partnerships.send_requests(coordinator, need, [employer.id])
    with pytest.raises(DomainError) as raised:
        partnerships.accept(employer_user, p, 2, need.period_start, need.period_end)
    assert "plass til 1 elever til" in raised.value.message
    partnerships.accept(employer_user, p, 1, need.period_start, need.period_end)
    assert p.status == "accepted"


def test_the_accept_form_shows_bad_input_next_to_the_fields(db, client, auth, world):
    _, coordinator, employer, employer_user, need = world
    (p,) = partnerships.send_requests(coordinator, need, [employer.id])
    auth.login(employer_user.email, PASSWORD)
    url = f"/arbeidsgiver/skoler/{p.id}/godta"
    data = {"students": "9", "period_start": "2027-03-08", "period_end": "2027-03-26"}
    response = submit(client, url, data, form_url=f"/arbeidsgiver/skoler/{p.id}")
    assert response.status_code == 422
    message = error_next_to(response.get_data(as_text=True), "students")
    assert message == "The school asked for 4 students. You cannot take more."  # reader: English
    db.session.refresh(p)
    assert p.status == "requested"


def test_the_employer_declines_with_a_reason_code(db, world):
    _, coordinator, employer, employer_user, need = world
    (p,) = partnerships.send_requests(coordinator, need, [employer.id])
    with pytest.raises(DomainError):
        partnerships.decline(employer_user, p, "bored")
    with pytest.raises(DomainError):
        partnerships.decline(employer_user, p, "other", "  ")
    partnerships.decline(employer_user, p, "period_not_possible")
    assert (p.status, p.answer_reason_code) == ("declined", "period_not_possible")
    assert db.session.query(Notification).filter_by(user_id=coordinator.id).one().kind == (
        "school_request_declined"
    )


def test_the_school_withdraws_and_may_then_ask_again(db, world):
    _, coordinator, employer, employer_user, need = world
    (p,) = partnerships.send_requests(coordinator, need, [employer.id])
    partnerships.withdraw(coordinator, p)
    assert p.status == "withdrawn"
    with pytest.raises(DomainError):
        partnerships.accept(employer_user, p, 1, need.period_start, need.period_end)
    (again,) = partnerships.send_requests(coordinator, need, [employer.id])
    assert again.status == "requested"


def test_either_side_ends_a_partnership_with_a_note_and_the_school_renews_it(db, world):
    _, coordinator, employer, employer_user, need = world
    (p,) = partnerships.send_requests(coordinator, need, [employer.id])
    partnerships.accept(employer_user, p, 4, need.period_start, need.period_end)
    with pytest.raises(DomainError):
        partnerships.end(employer_user, p, "")
    partnerships.end(employer_user, p, "Gjennomført")
    assert (p.status, p.end_note) == ("ended", "Gjennomført")
    renewal = partnerships.renew(coordinator, p)
    assert renewal.status == "requested" and renewal.renewed_from_id == p.id
    assert renewal.period_start == date(2028, 3, 6)  # 52 weeks on: the same weekday and week
    with pytest.raises(DomainError):
        partnerships.renew(coordinator, p)
    assert actions(db) == [
        "partnership.requested",
        "partnership.accepted",
        "partnership.ended",
        "partnership.renewal_requested",
    ]


def test_only_the_two_parties_act_on_a_request(db, world):
    _, coordinator, employer, _, need = world
    (p,) = partnerships.send_requests(coordinator, need, [employer.id])
    stranger = make_user(make_open_employer("Annen AS"), is_admin=True)
    other_school = make_coordinator(make_school("Annen skole"))
    with pytest.raises(NotAllowed):
        partnerships.accept(stranger, p, 1, need.period_start, need.period_end)
    with pytest.raises(NotAllowed):
        partnerships.withdraw(other_school, p)
    with pytest.raises(NotAllowed):
        partnerships.send_requests(other_school, need, [employer.id])


def test_pages_of_other_organisations_answer_404(db, client, auth, world):
    _, coordinator, employer, _, need = world
    (p,) = partnerships.send_requests(coordinator, need, [employer.id])
    stranger = make_user(make_open_employer("Annen AS"), is_admin=True)
    auth.login(stranger.email, PASSWORD)
    assert client.get(f"/arbeidsgiver/skoler/{p.id}").status_code == 404
    assert "Testskolen" not in client.get("/arbeidsgiver/skoler").get_data(as_text=True)


def test_working_days_skip_weekends():
    friday = date(2026, 12, 4)
    assert working_days_between(friday, date(2026, 12, 7)) == 1  # Monday
    assert working_days_between(friday, date(2026, 12, 11)) == 5  # next Friday
    assert working_days_between(friday, friday) == 0


def test_a_request_waiting_five_working_days_gets_one_reminder(db, world):
    _, coordinator, employer, employer_user, need = world
    (p,) = partnerships.send_requests(coordinator, need, [employer.id])
    p.created_at = datetime(2026, 12, 4, 9, 0)  # a Friday
    db.session.commit()
    assert demand.remind_unanswered(date(2026, 12, 10)) == 0  # four working days
    assert demand.remind_unanswered(date(2026, 12, 11)) == 1
    assert demand.remind_unanswered(date(2026, 12, 14)) == 0  # once only
    # In the order they were sent (PostgreSQL returns rows in no set order without ORDER BY).
    sent = db.session.query(Notification).filter_by(user_id=employer_user.id)
    kinds = [n.kind for n in sent.order_by(Notification.id)]
    assert kinds == ["school_request_new", "school_request_reminder"]


def test_the_daily_command_runs_reminders_and_unmet_demand(runner, db, world):
    result = runner.invoke(args=["schools", "daily"])
    assert result.exit_code == 0 and "reminded 0" in result.output


def test_a_need_uncovered_when_its_period_starts_is_recorded_as_unmet(db, world):
    school, coordinator, employer, employer_user, need = world
    covered = make_need(school, title="Dekket", students=2)
    make_request(covered, employer, status=PartnershipStatus.ACCEPTED, students=2)
    make_request(need, employer, status=PartnershipStatus.ACCEPTED, students=1)
    assert demand.record_unmet(date(2027, 3, 7)) == 0  # not started yet
    assert demand.record_unmet(date(2027, 3, 8)) == 1
    assert need.unmet_students == 3
    assert demand.record_unmet(date(2027, 3, 9)) == 0  # recorded once
    counts = demand.unmet_counts(school.id)
    assert counts["program_area"] == [("HO", 1, 3)]
    assert counts["trade"] == [("helsearbeiderfaget", 1, 3)]
    assert counts["period"] == [("2027-03", 1, 3)]
    assert demand.unmet_counts(make_school("Annen skole").id)["program_area"] == []


def test_unmet_demand_is_shown_to_the_school_and_to_admins(db, client, auth, world):
    school, coordinator, *_ = world
    demand.record_unmet(date(2027, 3, 8))
    admin = make_user(kind=OrganisationKind.MUNICIPALITY)
    auth.login(admin.email, PASSWORD)
    page = client.get("/admin/skoler/udekket").get_data(as_text=True)
    assert "Helse- og oppvekstfag" in page and "Helsearbeiderfaget" in page
    assert "<td>1</td><td>under 5</td>" in page  # four students: a suppressed cell
    auth.logout()
    auth.login(coordinator.email, PASSWORD)
    own = client.get("/skole/udekket").get_data(as_text=True)
    assert "Helse- og oppvekstfag" in own and "<td>1</td><td>4</td>" in own  # its own needs


def test_the_scheduled_daily_job_does_the_school_work_too(db, world, monkeypatch):
    # The RQ schedule runs jobs.run_reminders; it once left the school requests and the unmet
    # demand to `flask reminders run` only.
    from webapp.scheduled import jobs

    _, coordinator, employer, _user, need = world
    (p,) = partnerships.send_requests(coordinator, need, [employer.id])
    p.created_at = datetime.now() - timedelta(days=10)  # at least five working days
    db.session.commit()
    monkeypatch.setattr(jobs, "_in_app", lambda work, *args: work(*args))
    done = jobs.run_reminders()
    assert done["school_requests_reminded"] == 1
    assert "school_needs_unmet" in done and "expired" in done and "agreements_unsigned" in done


def test_the_reminders_command_prints_every_part_of_the_daily_run(runner, db, world):
    result = runner.invoke(args=["reminders", "run"])
    assert result.exit_code == 0, result.output
    for part in ("expired 0", "agreements unsigned 0", "school requests reminded 0"):
        assert part in result.output
