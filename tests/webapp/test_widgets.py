"""LongSelect renders exactly what WTForms' Select renders, from its cache of options."""

from __future__ import annotations

import pytest
from markupsafe import Markup
from wtforms import Form, SelectField, SelectMultipleField
from wtforms.fields import SelectChoice
from wtforms.widgets import Select

from webapp.ui.widgets import LongSelect

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
