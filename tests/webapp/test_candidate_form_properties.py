"""Property-based tests: random input to the caseworker's forms and filters.

Whatever is posted, the answer is a page (200) or a redirect after saving (302), never a 500; and
a refused form leaves no record behind, while a saved one obeys every rule.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from factories import PASSWORD, make_candidate, make_user
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from support import csrf_token

from webapp.models import Candidate, LanguageLevel, OrganisationKind, PostalPlace
from webapp.services import candidate_fields

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any text a browser can send (no lone surrogates: they cannot be encoded as UTF-8).
any_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=50)
long_text = st.integers(0, 5000).map(lambda n: "x" * n)
numbers = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.integers(0, 45).map(str),
    st.floats(allow_nan=True).map(str),
)
dates = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31)).map(date.isoformat),
)


def some(*good):
    """Mostly plausible values, sometimes anything."""
    return st.one_of(st.sampled_from(good), any_text)


def some_list(*good):
    return st.lists(some(*good), max_size=4)


def random_values(caseworker_id: int) -> dict:
    """Per field: plausible values, edge values and anything at all."""
    return {
        "reference_code": st.one_of(
            st.from_regex(r"\A[A-Z]{1,3}-[0-9]{1,4}\Z"), any_text, long_text
        ),
        "display_name": st.one_of(st.sampled_from(["Amina K.", "Ola"]), any_text, long_text),
        "caseworker_id": some(str(caseworker_id), "", "0"),
        "programme": some(*candidate_fields.PROGRAMMES),
        "kinds": some_list("apprenticeship", "work_training", "language_practice"),
        "goals": st.one_of(any_text, long_text),
        "skills": some_list("matlaging", "kundeservice"),
        "experience": st.one_of(any_text, long_text),
        "education": any_text,
        "occupations": some_list("kokkfaget", "frisorfaget"),
        "norwegian_level": some("none", "A1", "B2", "C2"),
        "home_postal_code": some("1470", "2040", "0001", ""),
        "max_commute_km": st.one_of(numbers, any_text),
        "hours_per_week": st.one_of(numbers, any_text),
        "available_from": st.one_of(dates, any_text),
        "adaptation_needs": some_list("mentor", "reduced_hours"),
        "notes": st.one_of(any_text, long_text),
        "consent": st.sampled_from(["", "y"]),
        "consent_scope": some("Deling med arbeidsgivere", ""),
    }


@st.composite
def form_values(draw, caseworker_id: int) -> dict:
    """A valid form with a few fields (or all of them) replaced by random values."""
    values = {
        "reference_code": draw(st.from_regex(r"\A[A-Z]{2}-[0-9]{3}\Z")),
        "display_name": "Prøve Person",
        "caseworker_id": str(caseworker_id),
        "programme": "other",
        "kinds": ["work_training"],
        "goals": "",
        "skills": [],
        "experience": "",
        "education": "",
        "occupations": [],
        "norwegian_level": "B1",
        "home_postal_code": "1470",
        "max_commute_km": "20",
        "hours_per_week": "30",
        "available_from": "",
        "adaptation_needs": [],
        "notes": "",
        "consent": "",
        "consent_scope": "",
    }
    strategies = random_values(caseworker_id)
    if draw(st.booleans()):
        names = draw(st.lists(st.sampled_from(sorted(strategies)), max_size=3, unique=True))
    else:
        names = sorted(strategies)
    for name in names:
        values[name] = draw(strategies[name])
    return values


def assert_obeys_every_rule(candidate: Candidate, db) -> None:
    assert candidate_fields.REFERENCE_CODE_PATTERN.match(candidate.reference_code)
    assert 0 < len(candidate.reference_code) <= candidate_fields.REFERENCE_CODE_MAX
    assert 0 < len(candidate.display_name.strip()) <= candidate_fields.DISPLAY_NAME_MAX
    assert candidate.programme in candidate_fields.PROGRAMMES
    assert db.session.get(LanguageLevel, candidate.norwegian_level) is not None
    if candidate.home_postal_code is not None:
        assert db.session.get(PostalPlace, candidate.home_postal_code) is not None
    if candidate.hours_per_week is not None:
        assert candidate_fields.HOURS_MIN <= candidate.hours_per_week <= candidate_fields.HOURS_MAX
    if candidate.max_commute_km is not None:
        assert (
            candidate_fields.COMMUTE_MIN_KM
            <= candidate.max_commute_km
            <= candidate_fields.COMMUTE_MAX_KM
        )
    if candidate.available_from is not None:
        low, high = candidate_fields.available_from_bounds()
        assert low <= candidate.available_from <= high
    assert len(candidate.goals) <= candidate_fields.GOALS_MAX
    assert len(candidate.notes) <= candidate_fields.NOTES_MAX
    assert not candidate_fields.looks_like_national_id(candidate.reference_code)
    for text in (
        candidate.reference_code,
        candidate.display_name,
        candidate.goals,
        candidate.notes,
    ):
        assert "\x00" not in text
    if candidate.has_consent:
        assert candidate.consent_scope


def as_form(values: dict, token: str) -> dict:
    data = {"csrf_token": token}
    for key, value in values.items():
        if key == "consent" and not value:
            continue  # an unticked checkbox sends nothing
        data[key] = value
    return data


@pytest.fixture
def logged_in(client, auth, db):
    user = make_user(kind=OrganisationKind.NAV_OFFICE)
    auth.login(user.email, PASSWORD)
    return user


def test_random_registrations_never_fail_and_never_save_half_a_candidate(client, logged_in, db):
    token = csrf_token(client, "/veileder/kandidater/ny")

    @SETTINGS
    @given(values=form_values(logged_in.id))
    def check(values):
        response = client.post("/veileder/kandidater/ny", data=as_form(values, token))
        assert response.status_code in (200, 302), response.status_code
        db.session.expire_all()
        saved = db.session.scalars(select(Candidate)).all()
        if response.status_code == 200:
            assert saved == []
            assert "Skjemaet har feil som må rettes" in response.get_data(
                as_text=True
            ) or re.search(r'data-color="danger"', response.get_data(as_text=True))
            return
        assert len(saved) == 1
        assert_obeys_every_rule(saved[0], db)
        db.session.delete(saved[0])
        db.session.commit()

    check()


def test_random_edits_change_all_or_nothing(client, logged_in, db):
    candidate = make_candidate(logged_in.organisation, reference_code="FAST-1", hours_per_week=20)
    candidate_id = candidate.id
    url = f"/veileder/kandidater/{candidate_id}/endre"
    token = csrf_token(client, url)

    def snapshot() -> dict:
        db.session.expire_all()
        row = db.session.get(Candidate, candidate_id)
        return {
            column.key: getattr(row, column.key)
            for column in Candidate.__table__.columns
            if column.key != "updated_at"
        } | {"skills": [s.code for s in row.skills], "kinds": [k.code for k in row.kinds]}

    @SETTINGS
    @given(values=form_values(logged_in.id))
    def check(values):
        before = snapshot()
        response = client.post(url, data=as_form(values, token))
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 200:
            assert snapshot() == before
        else:
            assert_obeys_every_rule(db.session.get(Candidate, candidate_id), db)
        assert db.session.scalar(select(func.count()).select_from(Candidate)) == 1

    check()


query_values = st.one_of(any_text, st.sampled_from(["", "1470", "10", "distance", "yes", "all"]))


@pytest.mark.parametrize(
    ("path", "names"),
    [
        ("/veileder/kandidater", ["q", "status", "kind", "consent", "level", "page"]),
        (
            "/veileder/plasser",
            [
                "q",
                "kind",
                "occupation",
                "postal_code",
                "max_km",
                "level",
                "adaptations",
                "start_from",
                "free_only",
                "sort",
                "page",
            ],
        ),
    ],
)
def test_random_filters_never_break_the_lists(client, logged_in, db, path, names):
    make_candidate(logged_in.organisation)

    @SETTINGS
    @given(args=st.fixed_dictionaries({name: query_values for name in names}))
    def check(args):
        assert client.get(path, query_string=args).status_code == 200

    check()
