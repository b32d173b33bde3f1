"""LongSelect renders exactly what WTForms' Select renders, from its cache of options; the long
select fields accept and refuse exactly what WTForms' own accept and refuse."""

from __future__ import annotations

import pytest
from markupsafe import Markup
from wtforms import Form, SelectField, SelectMultipleField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired
from wtforms.widgets import Select

from webapp.ui.widgets import LongSelect, LongSelectField, LongSelectMultipleField

CHOICES = [
    SelectChoice("", "Alle"),
    SelectChoice("kokk", "Kokk & servitør", optgroup="Restaurant"),
    SelectChoice("baker", "Baker <b>", optgroup="Restaurant"),
    SelectChoice("1", "Tallet", optgroup='Andre "yrker"'),
    SelectChoice("rørlegger", Markup("<em>Rørlegger</em>"), optgroup='Andre "yrker"'),
]


class _Form(Form):
    one = SelectField(choices=CHOICES)
    many = SelectMultipleField(choices=CHOICES[1:])


class _Data:
    def __init__(self, **values):
        self.values = values

    def __contains__(self, name):
        return name in self.values

    def getlist(self, name):
        return self.values.get(name, [])

    def __iter__(self):
        return iter(self.values)

    def __len__(self):
        return len(self.values)


@pytest.mark.parametrize(
    "formdata",
    [None, _Data(one=["kokk"], many=["baker", "1"]), _Data(one=["1"], many=["rørlegger"])],
)
def test_long_select_renders_as_select(formdata):
    for _ in range(2):  # the second time from the cache
        form = _Form(formdata=formdata)
        assert LongSelect()(form.one) == Select()(form.one)
        assert LongSelect(multiple=True)(form.many) == Select(multiple=True)(form.many)


def test_long_select_passes_render_kw_through():
    form = _Form(one=None)
    form.one.choices = [SelectChoice("a", "A", render_kw={"disabled": True}), *CHOICES]
    assert LongSelect()(form.one) == Select()(form.one)
    assert "disabled" in LongSelect()(form.one)


def test_long_select_renders_a_list_without_groups_and_the_field_flags():
    class Flat(Form):
        one = SelectField(choices=[SelectChoice("a", "A"), SelectChoice("b", "B")])
        needed = SelectField(
            choices=[SelectChoice("a", "A"), SelectChoice("b", "B")],
            validators=[InputRequired()],
        )

    form = Flat(formdata=_Data(one=["b"]))
    assert LongSelect()(form.one) == Select()(form.one)
    assert LongSelect()(form.needed) == Select()(form.needed)
    assert "required" in LongSelect()(form.needed)
    assert LongSelect()(form.one, class_="x") == Select()(form.one, class_="x")


def test_long_select_renders_other_choices_the_wtforms_way():
    class Coerced(Form):
        number = SelectField(choices=[SelectChoice(1, "En"), SelectChoice(2, "To")], coerce=int)

    form = Coerced(formdata=_Data(number=["2"]))
    assert LongSelect()(form.number) == Select()(form.number)
    assert 'selected value="2"' in LongSelect()(form.number)


class _Fields(Form):
    long_one = LongSelectField(choices=CHOICES)
    one = SelectField(choices=CHOICES)
    long_many = LongSelectMultipleField(choices=CHOICES[1:])
    many = SelectMultipleField(choices=CHOICES[1:])


@pytest.mark.parametrize(
    "one, many",
    [
        (["kokk"], ["baker", "1"]),
        ([""], []),
        (["ukjent"], ["baker", "ukjent", "også-ukjent"]),
        (["Kokk"], ["rørlegger "]),
        ([], ["1"]),
    ],
)
def test_long_select_fields_accept_and_refuse_as_wtforms_does(one, many):
    form = _Fields(formdata=_Data(long_one=one, one=one, long_many=many, many=many))
    form.validate()
    assert form.long_one.errors == form.one.errors
    assert sorted(form.long_many.errors) == sorted(form.many.errors)
    assert str(LongSelect()(form.long_one)) == str(Select()(form.one)).replace(
        '"one"', '"long_one"'
    )
