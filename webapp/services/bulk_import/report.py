"""What an import found and did: counts, and every error with its row and column."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class RowError:
    row: int  # as numbered in the file: 1 is the header
    column: str  # the header as written in the file ("" for the whole row or file)
    message: str


@dataclass
class ImportReport:
    kind: str  # candidates or slots
    dry_run: bool
    all_or_nothing: bool
    rows: int = 0
    valid: int = 0
    created: int = 0
    updated: int = 0
    saved: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def invalid_rows(self) -> int:
        return len({error.row for error in self.errors if error.row > 1})

    @property
    def file_errors(self) -> list[RowError]:
        return [error for error in self.errors if error.row <= 1]

    def as_dict(self) -> dict:
        data = asdict(self)
        data["invalid_rows"] = self.invalid_rows
        return data
