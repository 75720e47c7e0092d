"""The XLSX writer: an export's rows as one sheet, in constant memory, fast.

An XLSX file is a zip of XML parts. Two parts of the work are kept apart here:

- **The package** (workbook, styles, theme, the frozen pane, column widths, the autofilter, the
  preamble and the header) is made by xlsxwriter, in constant-memory mode, without the rows: a
  few kilobytes, whatever the export's size.
- **The rows** are written here, as the ``<row>`` XML xlsxwriter's constant-memory writer
  writes, one string per row, to an unnamed temporary file (the kernel removes it when it is
  closed, and when the process dies: no file with exported rows outlives a write). Then the
  package is copied into ``target`` with the rows spliced into its sheet, deflated at zlib's
  level 3.

Why not xlsxwriter all the way: its per-cell API costs about 5 microseconds a cell (argument
checks, a cell tuple, escaping), which caps an export of 19 columns at some 10,000 rows a second,
and it deflates at zlib's default level 6, which on this XML takes twice the time of level 3 for
a file 15% smaller. What is relied on from xlsxwriter beyond its API: the worksheet's
``dim_*`` attributes (the used range the dimension and the autofilter are written from),
``Format._get_xf_index`` (a style's number), ``Worksheet._opt_close`` (to close its files on an
error) and its escaping helpers; hence the pin, and tests that compare the sheet with
xlsxwriter's own and read every kind of cell back with openpyxl.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any

import xlsxwriter
from xlsxwriter.utility import _preserve_whitespace, xl_col_to_name
from xlsxwriter.xmlwriter import XMLwriter

from missions.exports.writers import FORMULA_TRIGGERS, Row, neutralise

DATE_FORMAT = "yyyy-mm-dd"
# The path of the one sheet in the package xlsxwriter makes.
SHEET_PART = "xl/worksheets/sheet1.xml"
# Level 3 deflates this XML in half the time of the default 6 (0.64 against 1.28 s for the 89 MB
# sheet of 100,000 contributions) into a file 15% larger (10.6 against 9.2 MB); level 1 is no
# faster and 10% larger again.
ZIP_LEVEL = 3
# Rows are written to the temporary file this many at a time: one write per row costs more
# than the row; a batch keeps memory bounded all the same.
ROWS_PER_WRITE = 200
COPY_BUFFER = 1 << 16


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

    Nothing is written to ``target`` before every row has been read: a failing query leaves it
    as it was.
    """
    header_row = len(preamble) + 1 if preamble else 0
    package = io.BytesIO()
    # xlsxwriter's own temporary files (the header's rows) go to a folder removed on the way out.
    with tempfile.TemporaryDirectory(prefix="tracker-xlsx-") as folder:
        workbook = xlsxwriter.Workbook(package, {"constant_memory": True, "tmpdir": folder})
        try:
            sheet = workbook.add_worksheet(title[:31])
            sheet.freeze_panes(header_row + 1, 0)
            for index, width in enumerate(widths):
                # In pixels of Excel's 7-pixel digit, so that the file stores the width given
                # (set_column would add Excel's padding: 40 -> 40.71).
                sheet.set_column_pixels(index, index, width * 7)
            bold = workbook.add_format({"bold": True})
            # Style indexes go by first use; the header's rows are only written out later, so
            # take bold's now: 1 for bold, 2 for dates, as xlsxwriter numbers them cell by cell.
            bold._get_xf_index()
            for number, line in enumerate(preamble):
                # Escaped like any cell: a filter value typed by a reader could start with "=".
                sheet.write_string(
                    number, 0, str(neutralise(line))[:MAX_TEXT], bold if not number else None
                )
            for col, key in enumerate(header):
                sheet.write_string(header_row, col, str(key), bold)
            date_style = workbook.add_format({"num_format": DATE_FORMAT})._get_xf_index()
            with tempfile.TemporaryFile() as rows_file:
                written, widest = _write_rows(rows, header_row + 1, date_style, rows_file)
                _extend_used_range(sheet, header_row + 1, written, widest)
                if header:
                    sheet.autofilter(header_row, 0, header_row + written, len(header) - 1)
                workbook.close()
                rows_file.seek(0)
                _repack(package, rows_file, target)
        except BaseException:
            # Only to close xlsxwriter's files before their folder goes; its zip is not wanted.
            for each in workbook.worksheets():
                each._opt_close()
            raise


def _write_rows(
    rows: Iterable[Sequence[Any]], first_row: int, date_style: int, out: IO[bytes]
) -> tuple[int, int]:
    """The ``<row>`` XML of ``rows`` from the 0-based ``first_row`` on, into ``out``: the number
    of rows written and the widest row's last column (0-based; -1 for none)."""
    cells = _CellWriter(date_style)
    number = first_row
    widest = -1
    batch: list[str] = []
    for row in rows:
        number += 1
        batch.append(cells.row_xml(row, number))
        widest = max(widest, len(row) - 1)
        if len(batch) == ROWS_PER_WRITE:
            out.write("".join(batch).encode())
            batch.clear()
    out.write("".join(batch).encode())
    return number - first_row, widest


def _extend_used_range(sheet: Any, first_row: int, written: int, widest: int) -> None:
    """Make xlsxwriter's used range (the sheet's dimension) cover the rows written here."""
    if not written:
        return
    sheet.dim_rowmax = max(sheet.dim_rowmax or 0, first_row + written - 1)
    sheet.dim_colmax = max(sheet.dim_colmax or 0, widest)
    sheet.dim_rowmin = min(sheet.dim_rowmin if sheet.dim_rowmin is not None else 0, first_row)
    sheet.dim_colmin = 0 if sheet.dim_colmin is None else min(sheet.dim_colmin, 0)


def _repack(package: io.BytesIO, rows_file: IO[bytes], target: IO[bytes]) -> None:
    """xlsxwriter's package, part by part in its order, into ``target``, with the rows of
    ``rows_file`` at the end of the sheet's data (after the preamble and the header)."""
    with (
        zipfile.ZipFile(package) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as out,
    ):
        for part in source.infolist():
            data = source.read(part)
            if part.filename != SHEET_PART:
                out.writestr(part.filename, data)
                continue
            head, tail = _split_sheet(data)
            # force_zip64: the size is not known before the rows are in, and may pass 2 GiB.
            with out.open(part.filename, "w", force_zip64=True) as sheet:
                sheet.write(head)
                shutil.copyfileobj(rows_file, sheet, COPY_BUFFER)
                sheet.write(tail)


def _split_sheet(xml: bytes) -> tuple[bytes, bytes]:
    """The sheet's XML cut where further rows go: at the end of ``<sheetData>``."""
    head, end, tail = xml.partition(b"</sheetData>")
    if end:
        return head, end + tail
    head, empty, tail = xml.partition(b"<sheetData/>")
    if not empty:
        raise ValueError("xlsxwriter wrote a sheet without <sheetData>")
    return head + b"<sheetData>", b"</sheetData>" + tail


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
