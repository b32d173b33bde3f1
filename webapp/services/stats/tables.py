"""The shape every dashboard figure takes: a titled table of aggregate rows.

Charts, the screen-reader table and the CSV/XLSX exports all read the same rows, so a cell that is
suppressed (``None``) is suppressed everywhere at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# A cell that counts fewer people than this is suppressed (DESIGN.md §5).
SUPPRESS_BELOW = 5
# A share of nothing or a median of nobody: not hidden, there is simply no figure.
NOT_APPLICABLE = "–"


def suppress(count: int | None) -> int | None:
    """The count, or ``None`` when it names 1–4 people (nobody, 0, has nothing to protect)."""
    count = int(count or 0)
    return count if count == 0 or count >= SUPPRESS_BELOW else None


def share(part: int | None, whole: int | None) -> float | str | None:
    """``part`` of ``whole`` in per cent (one decimal); hidden when either count is hidden."""
    if part is None or whole is None:
        return None
    if whole == 0:
        return NOT_APPLICABLE
    return round(100.0 * part / whole, 1)


def median_over(value, people: int | None, decimals: int = 1) -> float | str | None:
    """A median is shown only when at least ``SUPPRESS_BELOW`` people stand behind it."""
    if not people:
        return NOT_APPLICABLE
    if value is None or people < SUPPRESS_BELOW:
        return None
    return round(float(value), decimals)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # label: a row heading; count: people; places: slot places (not people); rate: per cent;
    # days: a median duration in days.
    kind: str = "count"


@dataclass
class Table:
    key: str
    title: str
    description: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    chart: list[str] = field(default_factory=list)  # keys of the columns drawn as bars
    ignores: list[str] = field(default_factory=list)  # filters that do not apply to this table

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    @property
    def chart_max(self) -> float:
        """The largest value drawn, so every bar of the chart shares one scale."""
        values = [
            row[self.index(key)]
            for row in self.rows
            for key in self.chart
            if isinstance(row[self.index(key)], int | float)
        ]
        return max(values, default=0) or 1
