"""One spreadsheet row read into typed values: names, the source, and the statement's fields.

Only columns that are in the file count: a column left out leaves that field of an existing record
alone, while an empty cell in a column that is there means "empty" (an unknown count, no end).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from missions.dates import Bound, PreciseDate, Precision
from missions.imports.cells import (
    CellError,
    SourceRef,
    is_open_ended,
    read_choice,
    read_count,
    read_date,
    read_plain_date,
    read_source,
)
from missions.models import Qualifier, StatementKind, Status

_SURROGATE = re.compile("[\ud800-\udfff]")
COUNT_COLUMNS = ("military", "civilian", "police", "total")
TEXT_COLUMNS = ("location", "quote", "conditions")
# What "open-ended" in the end column reads as: no end date, and the open_ended flag set.
OPEN_ENDED = object()


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("row %(row)d, %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("row %(row)d: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class RowValues:
    row: int
    columns: frozenset[str]
    organization: str = ""
    region: str = ""
    mission: str = ""
    mission_acronym: str = ""
    contribution: str = ""
    capability: str = ""
    source: SourceRef = field(default_factory=SourceRef)
    source_date: datetime.date | None = None
    source_url: str = ""
    # Statement model field -> value, for the columns the file has.
    statement: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def label(self) -> str:
        parts = (self.mission, self.contribution, self.source.reference)
        return " · ".join(part for part in parts if part)


def read_row(row: int, columns: list[str], cells: list[str]) -> RowValues:
    """Read every cell; an unreadable cell becomes an error naming its column, not an exception."""
    by_column = {name: cells[index] for index, name in enumerate(columns) if name}
    values = RowValues(row=row, columns=frozenset(by_column))

    def read(column: str, reader: Callable[[str], Any]) -> Any:
        text = by_column.get(column, "")
        try:
            if "\x00" in text:
                # PostgreSQL cannot store a NUL character; say so instead of failing on save.
                raise CellError(_("contains a NUL character"))
            if _SURROGATE.search(text):
                # Nor can SQLite store half of a UTF-16 pair (no decoded file holds one).
                raise CellError(_("contains a character that is not valid text"))
            return reader(text)
        except CellError as exc:
            values.errors.append(RowError(row, column, str(exc)))
            return None

    for column in ("organization", "region", "mission", "contribution"):
        setattr(values, column, read(column, _name) or "")
    for column in ("mission_acronym", "capability", "source_url"):
        setattr(values, column, read(column, str) or "")
    values.source = read("source", read_source) or SourceRef()
    values.source_date = read("source_date", read_plain_date)
    values.statement = _statement_fields(values.columns, read)
    return values


def _name(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise CellError(_("is empty; every row needs it"))
    return text


def _statement_fields(present: frozenset[str], read: Callable) -> dict[str, Any]:
    fields: dict[str, Any] = {"status": read("status", lambda t: read_choice(t, Status))}
    for column in COUNT_COLUMNS:
        if column in present:
            fields[column] = read(column, read_count)
    if "qualifier" in present:
        fields["qualifier"] = read(
            "qualifier", lambda t: read_choice(t, Qualifier, default=Qualifier.EXACT)
        )
    if "kind" in present:
        fields["kind"] = read(
            "kind", lambda t: read_choice(t, StatementKind, default=StatementKind.DECISION)
        )
    for column in TEXT_COLUMNS:
        if column in present:
            fields[column] = read(column, str)
    for side, bound in (("start", Bound.START), ("end", Bound.END)):
        precision_column = f"{side}_precision"
        phrase_precision = ""
        if side in present:
            value = read(side, lambda t, b=bound: _read_period(t, b))
            if side == "end" and value is not None:
                # An empty end says nothing about open-endedness (the report has no column for
                # it): an open-ended statement stays open-ended, a new one is not.
                fields["open_ended"] = value is OPEN_ENDED
            if value is OPEN_ENDED:
                value = None
            fields[f"{side}_date"] = value.value if value else None
            phrase_precision = value.precision if value else ""
        if precision_column in present:
            # An explicit precision wins; an empty one takes the phrase's ("eind juni" = month).
            written = read(precision_column, lambda t: read_choice(t, Precision))
            fields[precision_column] = written or phrase_precision
        elif side in present:
            fields[precision_column] = phrase_precision
    return fields


def _read_period(text: str, bound: Bound) -> PreciseDate | object | None:
    if bound == Bound.END and is_open_ended(text):
        return OPEN_ENDED
    return read_date(text, bound)
