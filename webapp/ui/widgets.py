"""Long lists: the 3,000 occupations of the ESCO taxonomy in one <select>.

WTForms turns every choice into two or three new objects on each pass (parse, mark selected,
render) and makes three passes a page (validate, look for groups, render): 25–30 ms of every page
with an occupation list (browse slots, a slot's form, the school's pages). These fields check a
submitted value against a set and render each ``<option>`` from a cache, with the same HTML and
the same messages as WTForms' own.
"""

from __future__ import annotations

from itertools import groupby
from operator import attrgetter

from markupsafe import Markup
from wtforms import SelectField, SelectMultipleField
from wtforms.fields import SelectChoice
from wtforms.fields.choices import Choice
from wtforms.widgets import Select, html_params

#: Rendered <option> elements kept at most (two languages × 3,000 occupations × selected or not
#: fit many times over); past it the cache starts again.
MAX_CACHED_OPTIONS = 50_000


def plain_choices(field) -> list[SelectChoice] | None:
    """The field's choices when the fast paths apply: a list of ``SelectChoice`` with text
    values and ``str`` as the coercion, so a value is selected when it equals the data."""
    choices = field.choices
    if field.coerce is not str or not isinstance(choices, list):
        return None
    for choice in choices:
        if not isinstance(choice, SelectChoice) or not isinstance(choice.value, str):
            return None
    return choices


class LongSelect(Select):
    """A ``<select>`` whose ``<option>`` elements are rendered once per value, label and
    selection, not on every page."""

    _rendered: dict[tuple, str] = {}

    def __call__(self, field, **kwargs):
        choices = plain_choices(field)
        if choices is None:
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        if self.multiple:
            kwargs["multiple"] = True
        flags = getattr(field, "flags", {})
        for name in dir(flags):
            if name in self.validation_attrs and name not in kwargs:
                kwargs[name] = getattr(flags, name)
        if isinstance(field, SelectMultipleField):
            chosen = set(field.data or ())
        else:
            chosen = {field.data} if isinstance(field.data, str) else set()
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        if any(choice.optgroup is not None for choice in choices):
            for optgroup, group in groupby(choices, key=attrgetter("optgroup")):
                if optgroup is not None:
                    html.append(f"<optgroup {html_params(label=optgroup)}>")
                html.extend(self._option(choice, choice.value in chosen) for choice in group)
                if optgroup is not None:
                    html.append("</optgroup>")
        else:
            html.extend(self._option(choice, choice.value in chosen) for choice in choices)
        html.append("</select>")
        # Every piece is escaped: html_params escapes attributes, render_option the labels.
        return Markup("".join(html))  # noqa: S704  # nosec B704

    @classmethod
    def _option(cls, choice: SelectChoice, selected: bool) -> str:
        if choice.render_kw:
            return Select.render_option(
                Choice(choice.value, choice.label, selected, choice.render_kw)
            )
        label = choice.label
        key = (choice.value, type(label), str(label), selected)
        html = cls._rendered.get(key)
        if html is None:
            if len(cls._rendered) >= MAX_CACHED_OPTIONS:
                cls._rendered.clear()
            html = cls._rendered[key] = Select.render_option(
                Choice(choice.value, label, selected, {})
            )
        return html


class LongSelectField(SelectField):
    """A ``SelectField`` for thousands of choices. A value among them passes with one set
    lookup; anything else goes to WTForms' own check, so the message is WTForms'."""

    widget = LongSelect()

    def pre_validate(self, form):
        choices = plain_choices(self) if self.validate_choice else None
        valid = choices is not None and not self.process_errors
        if valid and self.data in {choice.value for choice in choices}:
            return
        super().pre_validate(form)


class LongSelectMultipleField(SelectMultipleField):
    """``LongSelectField`` for several values."""

    widget = LongSelect(multiple=True)

    def pre_validate(self, form):
        choices = plain_choices(self) if self.validate_choice else None
        if choices is not None and not self.process_errors and self.data:
            values = {choice.value for choice in choices}
            if all(data in values for data in self.data):
                return
        super().pre_validate(form)
