"""The input-cleaning layer: control characters never reach a view, numbers and dates are bounded,
page numbers clamp, and every form in the app is built on the cleaning base form."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import request
from flask_wtf import FlaskForm
from sqlalchemy import select
from support import submit
from test_employer_slots import add_site, employer, slot_data  # noqa: F401 - fixture
from wtforms import DateField, IntegerField, StringField, TextAreaField

from webapp.models import Site, Slot
from webapp.ui import params
from webapp.ui.forms import BaseForm
from webapp.ui.input import DATE_MAX, clean_text


def _all_form_classes():
    """Every form class the app has imported (the ``app`` fixture imports every blueprint)."""
    seen, todo = set(), [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return {form for form in seen if form.__module__.startswith("webapp.")}


def test_every_form_in_the_app_is_built_on_the_cleaning_base_form(app):
    forms = _all_form_classes()
    assert len(forms) > 10
    outside = sorted(
        f"{f.__module__}.{f.__qualname__}" for f in forms if not issubclass(f, BaseForm)
    )
    assert not outside, f"build these on webapp.ui.forms.BaseForm: {outside}"


def test_control_characters_and_bidi_overrides_never_reach_a_view(app):
    hostile = "a\x00b\x1b\x7fc\u202ed\u200fe"
    with app.test_request_context(
        "/", method="POST", query_string={"q": hostile}, data={"f": hostile}
    ):
        assert request.args["q"] == "abcd\u200fe"  # the right-to-left mark is kept for Arabic
        assert request.form["f"] == "abcd\u200fe"
        assert request.values.getlist("q") == ["abcd\u200fe"]


def test_tabs_and_line_breaks_survive_cleaning():
    assert clean_text("  en\tto\r\ntre  ") == "en\tto\r\ntre"


@pytest.mark.parametrize(
    ("given", "page"),
    [("3", 3), ("-1", 1), ("0", 1), ("abc", 1), ("", 1), ("9" * 23, params.MAX_PAGE), ("1e309", 1)],
)
def test_page_numbers_clamp_to_a_range_the_database_can_offset(app, given, page):
    with app.test_request_context("/", query_string={"page": given}):
        assert params.page_number() == page


def test_query_helpers_bound_text_choices_numbers_and_dates(app):
    query = {
        "q": "x" * 500,
        "kind": "bogus",
        "n": str(2**63),
        "d": "9999-12-31",
        "ok": "2030-01-02",
    }
    with app.test_request_context("/", query_string=query):
        assert params.arg_text("q") == "x" * params.DEFAULT_TEXT_MAX
        assert params.arg_choice("kind", ["a", "b"], default="a") == "a"
        assert params.arg_int("n", low=0, high=10) == 10
        assert params.arg_date("d") is None
        assert params.arg_date("ok") == date(2030, 1, 2)


class _Plain(BaseForm):
    class Meta:
        csrf = False

    name = StringField()
    text = TextAreaField()
    number = IntegerField()
    day = DateField()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "x" * 256, "Skriv høyst 255 tegn."),
        ("text", "x" * 10_001, "Skriv høyst 10000 tegn."),
        ("number", str(2**63), "Tallet er for stort."),
        ("day", "9999-12-31", "Velg en dato mellom 01.01.2000 og 31.12.2100."),
        ("day", "1999-12-31", "Velg en dato mellom 01.01.2000 og 31.12.2100."),
    ],
)
def test_a_base_form_bounds_fields_that_name_no_limit_of_their_own(app, field, value, message):
    with app.test_request_context("/", method="POST", data={field: value}):
        form = _Plain()
        assert not form.validate()
        assert form.errors[field] == [message]


def test_a_base_form_keeps_a_date_at_the_edge_of_the_window(app):
    with app.test_request_context("/", method="POST", data={"day": DATE_MAX.isoformat()}):
        form = _Plain()
        form.validate()
        assert "day" not in form.errors


def test_a_blank_occupation_saves_a_slot_without_one(client, employer, db):  # noqa: F811
    add_site(client)
    site = db.session.scalars(select(Site)).one()
    response = submit(client, "/arbeidsgiver/plasser/ny", slot_data(site.id, occupation_code="   "))
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    slot = db.session.scalars(select(Slot)).one()
    assert slot.occupation_code is None


def test_a_new_slot_cannot_start_in_the_past(client, employer, db):  # noqa: F811
    add_site(client)
    site = db.session.scalars(select(Site)).one()
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    response = submit(client, "/arbeidsgiver/plasser/ny", slot_data(site.id, start_date=yesterday))
    assert response.status_code == 200
    assert "Startdatoen kan ikke være passert." in response.get_data(as_text=True)
    assert db.session.scalars(select(Slot)).first() is None


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_slot_dates_outside_the_window_are_refused(client, employer, db, day):  # noqa: F811
    add_site(client)
    site = db.session.scalars(select(Site)).one()
    response = submit(client, "/arbeidsgiver/plasser/ny", slot_data(site.id, end_date=day))
    assert response.status_code == 200
    assert "Velg en dato mellom 01.01.2000 og 31.12.2100." in response.get_data(as_text=True)
    assert db.session.scalars(select(Slot)).first() is None


@pytest.mark.parametrize("typed", ["2027-08-15", "15.08.2027"])
def test_a_date_is_read_from_the_picker_or_typed_the_norwegian_way(app, typed):
    with app.test_request_context("/", method="POST", data={"day": typed}):
        form = _Plain()
        form.validate()
        assert form.day.data == date(2027, 8, 15)


def test_an_unreadable_date_names_the_format(app):
    with app.test_request_context("/", method="POST", data={"day": "15/08/27"}):
        form = _Plain()
        assert not form.validate()
        assert form.errors["day"] == ["Skriv en gyldig dato (dd.mm.åååå)."]


@pytest.mark.parametrize(
    ("language", "hint"),
    [
        ("nb", "Velg i kalenderen, eller skriv dd.mm.åååå (for eksempel 15.08.2027)."),
        ("en", "Pick a date in the calendar, or type dd.mm.yyyy (for example 15.08.2027)."),
    ],
)
def test_every_date_field_has_a_hint_in_the_users_language(client, employer, language, hint):  # noqa: F811
    add_site(client)
    submit(client, "/sprak", {"language": language}, form_url="/konto")
    page = client.get("/arbeidsgiver/plasser/ny").get_data(as_text=True)
    assert page.count(hint) == 2  # start and end
    assert 'aria-describedby="start_date-hint"' in page
