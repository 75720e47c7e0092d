"""How an export's cells become bytes: CSV (streamed) and XLSX (write-only), escaped alike.

- CSV is produced batch by batch from a generator, so a response or a file grows while memory
  stays flat, whatever the number of rows.
- XLSX cannot be sent before it is complete (it is a zip), so it is written by xlsxwriter in
  constant-memory mode (rows go to a temporary file, not to memory) into the target given.
- Every text cell passes through ``neutralise`` (formula injection, OWASP); numbers and dates
  are never touched, so they stay numbers and dates.
"""

from __future__ import annotations

import csv
import io
import math
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from itertools import chain, islice
from typing import IO, Any

import xlsxwriter
from xlsxwriter.utility import _preserve_whitespace, xl_col_to_name
from xlsxwriter.worksheet import Worksheet
from xlsxwriter.xmlwriter import XMLwriter

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


# --- XLSX ---------------------------------------------------------------------------------
#
# xlsxwriter builds the package (workbook, styles, frozen pane, column widths, the zip), and its
# constant-memory mode streams rows to a temporary file. Its per-cell API, though, costs about
# 5 microseconds a cell (argument checks, a cell tuple, attribute escaping), which caps an export
# of 19 columns at some 10,000 rows a second. ``StreamedSheet.append_rows`` writes the same
# ``<row>`` XML as xlsxwriter's constant-memory writer, one string per row, for the cells an
# export has (text, numbers, dates, booleans), with xlsxwriter's own escaping for text that
# needs it. It relies on xlsxwriter's worksheet attributes ``fh``, ``previous_row`` and
# ``dim_*``: hence the pin, and a test that reads every kind of cell back with openpyxl.

DATE_FORMAT = "yyyy-mm-dd"


def write_workbook(
    title: str,
    header: Sequence[str],
    widths: Sequence[int],
    rows: Iterable[Row],
    target: IO[bytes],
    *,
    preamble: Sequence[str] = (),
) -> None:
    """One sheet: the ``preamble`` lines (what the file holds), a blank row, then a bold, frozen
    header with an autofilter over it and the rows, into the seekable binary ``target``.

    The preamble stands on the data sheet itself, above the header, not on a sheet of its own:
    it is what a briefing cites (view, filters, date, sources), and it has to travel with the
    rows when the sheet is printed, mailed or copied, which a second sheet does not. The frozen
    pane then keeps the preamble and the header in sight; the importer finds the header below it.

    The rows' temporary file goes to a folder of our own, removed on the way out whatever
    happens (a failing query, a closed generator), so that no file with exported rows stays
    behind; the zip itself goes to ``target``.
    """
    with tempfile.TemporaryDirectory(prefix="tracker-xlsx-") as folder:
        workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "tmpdir": folder})
        try:
            sheet = workbook.add_worksheet(title[:31], worksheet_class=StreamedSheet)
            header_row = len(preamble) + 1 if preamble else 0
            sheet.freeze_panes(header_row + 1, 0)
            for index, width in enumerate(widths):
                # In pixels of Excel's 7-pixel digit, so that the file stores the width given
                # (set_column would add Excel's padding: 40 -> 40.71).
                sheet.set_column_pixels(index, index, width * 7)
            bold = workbook.add_format({"bold": True})
            for number, line in enumerate(preamble):
                # Escaped like any cell: a filter value typed by a reader could start with "=".
                sheet.write_string(
                    number, 0, str(neutralise(line))[:MAX_TEXT], bold if not number else None
                )
            for col, key in enumerate(header):
                sheet.write_string(header_row, col, str(key), bold)
            written = sheet.append_rows(
                rows, header_row + 1, workbook.add_format({"num_format": DATE_FORMAT})
            )
            if header:
                sheet.autofilter(header_row, 0, header_row + written, len(header) - 1)
        except BaseException:
            # Only to close the rows' file before its folder goes; the zip is not wanted.
            for sheet in workbook.worksheets():
                sheet._opt_close()
            raise
        workbook.close()


# Excel counts days from 1899-12-30 (its 1900 leap-year bug included): a date's cell value.
EXCEL_EPOCH = date(1899, 12, 30).toordinal()
# Excel's limit on a cell's text; xlsxwriter cuts longer text the same way.
MAX_TEXT = 32767
# Text that needs more than copying: XML escapes, control characters, xlsxwriter's _xHHHH_
# escape, whitespace at either end (kept only with xml:space="preserve").
_NEEDS_CARE = re.compile(r"[&<>\x00-\x08\x0b-\x1f]|_x[0-9a-fA-F]{4}_|^\s|\s$")


def _text_cell(ref: str, value: str) -> str:
    if value.startswith(FORMULA_TRIGGERS):
        value = "'" + value
    value = value[:MAX_TEXT]
    preserve = ""
    if _NEEDS_CARE.search(value):
        preserve = ' xml:space="preserve"' if _preserve_whitespace(value) else ""
        value = XMLwriter._escape_data(None, XMLwriter._escape_control_characters(value))
    return f'<c r="{ref}" t="inlineStr"><is><t{preserve}>{value}</t></is></c>'


class StreamedSheet(Worksheet):
    """A worksheet for ``Workbook(..., {"constant_memory": True})`` and ``add_worksheet(name,
    worksheet_class=StreamedSheet)``: cells through the usual API first (the header), then
    every further row through ``append_rows``."""

    def append_rows(self, rows: Iterable[Sequence[Any]], first_row: int, date_format: Any) -> int:
        """Write ``rows`` from the 0-based ``first_row`` on; the number of rows written."""
        # Flush the row that xlsxwriter still holds (the header) and take over from there.
        self._write_single_row(first_row)
        write = self.fh.write
        cells = _CellWriter(date_format._get_xf_index())
        number = first_row
        widest = -1
        for row in rows:
            write(cells.row_xml(row, number + 1))
            widest = max(widest, len(row) - 1)
            number += 1
        # xlsxwriter ships no type hints for these; they are None or a 0-based index.
        self.dim_rowmax: int | None
        self.dim_colmax: int | None
        self.dim_rowmin: int | None
        self.dim_colmin: int | None
        if number > first_row:
            self.dim_rowmax = max(self.dim_rowmax or 0, number - 1)
            self.dim_colmax = max(self.dim_colmax or 0, widest)
            self.dim_rowmin = min(self.dim_rowmin if self.dim_rowmin is not None else 0, first_row)
            self.dim_colmin = 0 if self.dim_colmin is None else min(self.dim_colmin, 0)
        # Rows before this one are on disk: xlsxwriter's own writes must come after them.
        self.previous_row = number
        return number - first_row


# Text cells already escaped, by value: an export repeats its texts (organization, region,
# status, precision, a mission's name down its contributions, a document's reference), and
# escaping is most of a text cell's cost. Rows come sorted, so a repeated text comes back soon:
# a thousand entries hit as often as ten thousand. Bounded in entries and in each text's length
# (a quote may be 32,767 characters), so memory stays flat (about 0.4 MiB) whatever the texts.
TEXT_CACHE_SIZE = 1_000
CACHED_TEXT_LENGTH = 120


class _CellWriter:
    """The ``<row>`` XML of rows of one sheet; per cell only the cell reference is new work."""

    def __init__(self, date_style: int) -> None:
        self.date_style = date_style
        # '<c r="A', '<c r="B', ...: each cell is its column's head, the row number, its body.
        self.heads: list[str] = []
        # Text -> the rest of its cell after the reference ('" t="inlineStr"><is>...</c>').
        self.bodies: dict[str, str] = {}

    def row_xml(self, row: Sequence[Any], number: int) -> str:
        heads = self.heads
        if len(row) > len(heads):
            heads += [f'<c r="{xl_col_to_name(i)}' for i in range(len(heads), len(row))]
        bodies = self.bodies
        style = self.date_style
        n = str(number)
        cells: list[str] = []
        add = cells.append
        # One loop with the types inline: a function call per cell would cost more than the
        # cell. zip stops at the row's end; ``heads`` may be longer.
        for head, value in zip(heads, row, strict=False):
            kind = value.__class__
            if kind is str:
                if not value:
                    continue
                body = bodies.get(value)
                if body is None:
                    body = _text_body(value)
                    if len(value) <= CACHED_TEXT_LENGTH:
                        if len(bodies) >= TEXT_CACHE_SIZE:
                            bodies.clear()
                        bodies[value] = body
                add(head + n + body)
            elif value is None:
                continue
            elif kind is int:
                add(f'{head}{n}"><v>{value}</v></c>')
            elif kind is date:
                add(f'{head}{n}" s="{style}"><v>{value.toordinal() - EXCEL_EPOCH}</v></c>')
            elif value != "":  # a subclass of str (a lazy translation) may be empty too
                add(_other_cell(head[len('<c r="') :] + n, value, style))
        return f'<row r="{n}">{"".join(cells)}</row>'


def _text_body(value: str) -> str:
    """A text cell after its reference: ``_text_cell`` with the reference cut off."""
    return _text_cell("", value)[len('<c r="') :]


def _other_cell(ref: str, value: Any, date_style: int) -> str:
    """The rare cells: booleans, floats, datetimes, subclasses of str (lazy translations)."""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{int(value)}</v></c>'
    if isinstance(value, float):
        # As xlsxwriter writes numbers; Excel has no NaN or infinity, so those stay blank.
        return f'<c r="{ref}"><v>{value:.16G}</v></c>' if math.isfinite(value) else ""
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)
        delta = value - datetime(1899, 12, 30)
        serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
        return f'<c r="{ref}" s="{date_style}"><v>{serial:.16G}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{date_style}"><v>{value.toordinal() - EXCEL_EPOCH}</v></c>'
    return _text_cell(ref, str(value))
