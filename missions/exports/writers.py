"""How an export's cells become bytes: the cell types, formula escaping and CSV (streamed).

- CSV is produced batch by batch from a generator, so a response or a file grows while memory
  stays flat, whatever the number of rows. XLSX is in ``missions.exports.xlsx``.
- Every text cell passes through ``neutralise`` (formula injection, OWASP); numbers and dates
  are never touched, so they stay numbers and dates.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from itertools import chain, islice
from typing import Any

Cell = str | int | float | bool | date | None
Row = Sequence[Cell]

# OWASP CSV injection: a spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Cell) -> Cell:
    """Text that a spreadsheet would run as a formula gets a leading quote; other cells pass."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


# --- CSV -------------------------------------------------------------------------------------


def _csv_text(value: Cell) -> str:
    """How a cell reads in CSV: what every faster path below must write, byte for byte."""
    value = neutralise(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


# Cells of these types csv.writer writes as ``_csv_text`` does (None as "", the others with
# str(), and a date's str is its ISO form), text as long as it starts with no formula trigger.
# Not so booleans ("True"), datetimes (a space, not "T"), nor subclasses of anything.
_WRITTEN_AS_IS = frozenset({str, int, float, date, type(None)})


def _csv_cells(row: Row) -> list[Cell]:
    """``_csv_text`` of each cell, except where csv.writer writes the cell the same way."""
    return [
        ("'" + value if value.startswith(FORMULA_TRIGGERS) else value)
        if value.__class__ is str
        else value
        if value.__class__ in _WRITTEN_AS_IS
        else _csv_text(value)
        for value in row
    ]


def _formula_start(delimiter: str) -> re.Pattern[str]:
    """A field of CSV text that starts with a formula trigger, bare or quoted. csv.writer quotes
    any field holding a CR, so a bare CR after a delimiter is the end of a line, not a trigger."""
    d = re.escape(delimiter)
    return re.compile(
        rf"""
        [=+\-@\t"]              # a trigger or a quote: rare characters, so found fast
        (?<=[{d}\n].)           # at the start of a field: after a delimiter or a line break
        (?:(?<=")[=+\-@\t\r]    # a quoted field whose text starts with a trigger
          |(?<!"))              # or a bare field that starts with one
        """,
        re.VERBOSE,
    )


def _written(writer: Any, buffer: io.StringIO, rows: list[Row], formula: re.Pattern[str]) -> str:
    """The CSV text of ``rows``; ``buffer`` (the writer's target) is left empty.

    A large export writes millions of cells, and converting each in Python takes longer than
    writing them. So a batch of cells all of plain types (the usual case) goes to csv.writer as
    it is, and is written again cell by cell only when its text shows a field that may start
    with a formula trigger (a negative number looks the same, and gets the slow path too).
    """
    if _WRITTEN_AS_IS.issuperset(map(type, chain.from_iterable(rows))):
        writer.writerows(rows)
        text = _take(buffer)
        # The batch's first field follows no delimiter: test it as if after a line break.
        if not formula.search("\n" + text[:2]) and not formula.search(text):
            return text
    writer.writerows(map(_csv_cells, rows))
    return _take(buffer)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


# Rows are sent in batches: one chunk per row would make many tiny writes; a batch keeps
# memory bounded all the same.
CSV_BATCH_ROWS = 500


def csv_chunks(
    header: Sequence[str], rows: Iterable[Row], delimiter: str = ",", prefix: str = ""
) -> Iterator[bytes]:
    """The CSV file as UTF-8 chunks, lines ended with CRLF as RFC 4180 says and Excel expects.

    The header (after ``prefix``, e.g. a BOM) comes first, on its own, so that a download starts
    before the rows are read."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    yield (prefix + _take(buffer)).encode()
    formula = _formula_start(delimiter)
    rows = iter(rows)
    while batch := list(islice(rows, CSV_BATCH_ROWS)):
        yield _written(writer, buffer, batch, formula).encode()
