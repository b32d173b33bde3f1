"""Widgets for long lists: the 3,000 occupations of the ESCO taxonomy in one <select>."""

from __future__ import annotations

from wtforms.widgets import Select

#: Rendered <option> elements kept at most (two languages × 3,000 occupations × selected or not
#: fit many times over); past it the cache starts again.
MAX_CACHED_OPTIONS = 50_000


class LongSelect(Select):
    """A ``<select>`` whose ``<option>`` elements are rendered once per value, label and
    selection, not on every page: WTForms builds each one's attributes anew, which made the
    3,000 occupations 80 ms of every page with an occupation list (browse slots, a slot's form).
    """

    _rendered: dict[tuple, str] = {}

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw:
            return Select.render_option(choice, **kwargs)
        label = choice.label
        key = (type(choice.value), choice.value, type(label), str(label), bool(choice.selected))
        html = cls._rendered.get(key)
        if html is None:
            if len(cls._rendered) >= MAX_CACHED_OPTIONS:
                cls._rendered.clear()
            html = cls._rendered[key] = Select.render_option(choice)
        return html
