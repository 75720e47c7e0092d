"""Reading an uploaded file into a header and rows of text cells, or a clear refusal.

Accepted: CSV with comma, semicolon or tab (sniffed from the header line) in UTF-8 with or without
BOM, UTF-16 with BOM, or Windows-1252 (what Excel writes on a Dutch desktop); and XLSX. The format
is told from the content, not the file name, because names lie. Every cell comes back as text:
XLSX dates as ISO dates and whole numbers without ".0", so the planner reads one kind of input.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import IO
from xml.parsers import expat

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from missions.columns import REGISTRY

# The spreadsheet's own numbering: the header is row 1, so the first data row is row 2 (the
# tracker's XLSX has its title block above the header: see ``HEADER_SEARCH_ROWS``).
FIRST_DATA_ROW = 2
# The header is the first of this many rows that names every required column (in English, in
# Dutch or by key); rows above it (an export's title block) are not data.
HEADER_SEARCH_ROWS = 10

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# Limits that hold whatever a small file claims, each refused with a message that names it:
# the last spreadsheet row read (data rows and the blank rows between them), the columns, the
# cells in all, and one cell's length (Excel's own limit is 32,767 characters; a quote is far
# shorter). Together they bound the time and memory one upload can cost a worker.
MAX_SHEET_ROWS = 2 * MAX_ROWS
MAX_COLUMNS = 100
MAX_CELLS = 600_000  # 20,000 rows of the 23 known columns are 460,000
MAX_CELL_CHARS = 10_000
# An XLSX is a zip: refuse one that unpacks to far more than a 5 MB sheet can honestly hold.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024

# The exporter neutralises text starting with these by putting a ' in front (against formula
# injection); reading it back removes that quote again, so an export imports unchanged.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why, for the analyst."""


@dataclass
class Table:
    """The header (normalised names) and the data rows, each with its spreadsheet row number."""

    columns: list[str]
    rows: list[tuple[int, list[str]]]
    ignored_columns: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"columns": self.columns, "rows": self.rows, "ignored": self.ignored_columns}

    @classmethod
    def from_json(cls, data: dict) -> Table:
        rows = [(int(number), [str(cell) for cell in cells]) for number, cells in data["rows"]]
        return cls(list(data["columns"]), rows, list(data.get("ignored", [])))


def check_size(size: int) -> None:
    """Refuse a file over the limit before reading it into memory."""
    if size > MAX_BYTES:
        raise ImportFileError(
            _("The file is %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": size / 1024 / 1024, "limit": MAX_BYTES // 1024 // 1024}
        )


def read_upload(data: bytes) -> Table:
    """Parse an uploaded file; raise ImportFileError with a message for anything unreadable."""
    check_size(len(data))
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        raw_rows = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("Old Excel files (.xls) cannot be read. Save the sheet as .xlsx or CSV.")
        )
    else:
        raw_rows = _csv_rows(_decode(data))
    try:
        return _table(raw_rows)
    except csv.Error as exc:
        raise ImportFileError(_("The file is not valid CSV: %(error)s") % {"error": exc}) from exc


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("The file says it is UTF-16 but is not.")) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # What Excel writes for "CSV (separated by semicolons)" on a Dutch Windows desktop.
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file is neither an Excel workbook nor text in UTF-8 or Windows-1252.")
        ) from exc


def _csv_rows(text: str) -> Iterator[list[str]]:
    first_line, _newline, rest = text.partition("\n")
    if first_line.strip().lower() in ("sep=,", "sep=;", "sep=\t"):
        # Excel's own hint line; Excel hides it, so the header still is row 1 for the analyst.
        delimiter, text = first_line.strip()[4], rest
    else:
        delimiter = max((",", ";", "\t"), key=first_line.count)
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False):
        yield [_clean_text(cell) for cell in row]


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                raise ImportFileError(
                    _("The workbook unpacks to %(size)d MB; the limit is %(limit)d MB.")
                    % {"size": unpacked // 2**20, "limit": MAX_UNPACKED_BYTES // 2**20}
                )
            last_row = check_workbook_limits(archive)
    except (zipfile.BadZipFile, ValueError, OSError, expat.ExpatError, EOFError) as exc:
        if isinstance(exc, ImportFileError):
            raise
        raise ImportFileError(_("The file looks like a zip but is not a valid XLSX.")) from exc
    return _guarded_xlsx_rows(data, last_row)


def check_workbook_limits(archive: zipfile.ZipFile) -> int:
    """Stream every XML part once, before openpyxl reads it, and stop at the first limit.

    openpyxl loads all shared strings up front and fills every gap between two rows with empty
    rows, so a small file can ask for millions of either. Counted here with expat, which builds
    no tree: shared strings and cells against MAX_CELLS, each text against MAX_CELL_CHARS, the
    rows and columns that hold a value against the sheet's limits. Returns the last row that
    holds a value, so that reading stops there.
    """
    limits = _WorkbookLimits()
    for info in archive.infolist():
        if info.filename.endswith((".xml", ".rels")) and not info.is_dir():
            with archive.open(info) as part:
                limits.scan(part)
    return limits.last_row


class _WorkbookLimits:
    def __init__(self) -> None:
        self.counts = {"si": 0, "c": 0}
        self.last_row = 0
        self.row = 0
        self.text = -1  # characters of the text element being read; -1 outside one
        self.cell_column = ""
        self.cell_has_value = False

    def scan(self, part: IO[bytes]) -> None:
        parser = expat.ParserCreate(namespace_separator="}")
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._characters
        # A workbook part never has a DOCTYPE; refusing one rules out entity expansion.
        parser.StartDoctypeDeclHandler = self._doctype
        while chunk := part.read(64 * 1024):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        tag = name[name.rfind("}") + 1 :]
        if tag == "si" or tag == "c":
            # Shared strings and cells are counted apart: a sheet can hold as many of each.
            self.counts[tag] += 1
            if self.counts[tag] > MAX_CELLS:
                raise ImportFileError(
                    _("The workbook holds more than %(limit)s cells; split it.")
                    % {"limit": f"{MAX_CELLS:,}"}
                )
        if tag == "row":
            # "r" may be left out: then the row follows the one before.
            self.row = _number(attributes.get("r", "")) or self.row + 1
        elif tag == "c":
            reference = attributes.get("r", "")
            self.cell_column = reference.rstrip("0123456789")
            self.cell_has_value = False
        elif tag in ("t", "v"):
            self.text = 0
            self.cell_has_value = True

    def _end(self, name: str) -> None:
        tag = name[name.rfind("}") + 1 :]
        if tag in ("t", "v"):
            self.text = -1
        elif tag == "c" and self.cell_has_value:
            _check_column(self.cell_column)
            if self.row > MAX_SHEET_ROWS:
                raise ImportFileError(_row_too_far(self.row))
            self.last_row = max(self.last_row, self.row)

    def _characters(self, data: str) -> None:
        if self.text >= 0:
            self.text += len(data)
            if self.text > MAX_CELL_CHARS:
                raise ImportFileError(_cell_too_long())

    @staticmethod
    def _doctype(*args: object) -> None:
        raise ImportFileError(_("The file could not be read as an Excel workbook."))


def _number(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 10 else 0


def _check_column(letters: str) -> None:
    column = 0
    for letter in letters.upper()[:4]:
        column = column * 26 + ord(letter) - ord("A") + 1
    if column > MAX_COLUMNS:
        raise ImportFileError(
            _("The sheet has a value in column %(column)s; at most %(limit)d columns are read.")
            % {"column": letters[:10], "limit": MAX_COLUMNS}
        )


def _row_too_far(row: int) -> str:
    return _(
        "The sheet has a value in row %(row)s; at most %(limit)s rows are read (data rows and "
        "the blank rows between them). Remove the far-away cells or split the file."
    ) % {"row": f"{row:,}", "limit": f"{MAX_SHEET_ROWS:,}"}


def _cell_too_long() -> str:
    return _("A cell holds more than %(limit)s characters, the limit for one cell.") % {
        "limit": f"{MAX_CELL_CHARS:,}"
    }


def _guarded_xlsx_rows(data: bytes, last_row: int) -> Iterator[list[str]]:
    # openpyxl is third-party parsing of untrusted input and raises many kinds of errors (zip,
    # XML, KeyError for a missing part, ValueError for bad values); any of them means one thing
    # for the analyst, so they are all turned into one message here and nowhere else.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ImportFileError(_("The file could not be read as an Excel workbook.")) from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The workbook has no sheet."))
        sheet = workbook.worksheets[0]
        top = max(min(last_row, HEADER_SEARCH_ROWS), 1)
        head = [
            [_xlsx_cell(value) for value in values]
            for values in sheet.iter_rows(min_row=1, max_row=top, values_only=True)
        ]
        at = header_index(head)
        yield from head[:at]
        header = head[at] if head else []
        while header and not header[-1]:
            header.pop()
        yield header
        width = len(header)
        rows = sheet.iter_rows(
            min_row=at + 2, max_row=max(last_row, 1), max_col=max(width, 1), values_only=True
        )
        for values in rows:
            yield [_xlsx_cell(value) for value in values]
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(_("The file could not be read as an Excel workbook.")) from exc
    finally:
        workbook.close()


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _clean_text(str(value))


def _clean_text(cell: str) -> str:
    cell = cell.strip()
    if cell.startswith("'") and cell[1:2] in FORMULA_STARTS and len(cell) > 1:
        return cell[1:]
    return cell


def header_index(rows: list[list[str]]) -> int:
    """Which of the first rows is the header: the first naming every required column, else
    the first row (whose missing columns are then reported)."""
    required = set(REGISTRY.required())
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if required <= {REGISTRY.header_key(cell) for cell in cells if cell}:
            return index
    return 0


def _table(raw_rows: Iterable[list[str]]) -> Table:
    iterator = iter(raw_rows)
    head = list(islice(iterator, HEADER_SEARCH_ROWS))
    at = header_index(head)
    header = head[at] if head else None
    if not header or not any(header):
        raise ImportFileError(_("The first row must be the header with the column names."))
    columns = [REGISTRY.header_key(name) for name in header]
    _check_columns(columns)
    rows: list[tuple[int, list[str]]] = []
    width = len(columns)
    # The layout's derived columns (corrected_by, inferred) are read by no one, silently: an
    # export imports without a warning. Columns the layout does not know are named.
    known = {*REGISTRY.imported(), *REGISTRY.exported()}
    # Spreadsheet row numbers: the header's own, plus one per row after it.
    first = FIRST_DATA_ROW + at
    for number, cells in enumerate(chain(head[at + 1 :], iterator), start=first):
        if any(len(cell) > MAX_CELL_CHARS for cell in cells):
            raise ImportFileError(_cell_too_long())
        if not any(cells):
            # Excel leaves empty rows at the end and between blocks; they are not statements.
            continue
        if number > MAX_SHEET_ROWS:
            raise ImportFileError(_row_too_far(number))
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(limit)s data rows. Split it into smaller files.")
                % {"limit": f"{MAX_ROWS:,}"}
            )
        rows.append((number, (cells + [""] * width)[:width]))
    if not rows:
        raise ImportFileError(_("The file has a header but no data rows."))
    ignored = [name for name in columns if name and name not in known]
    return Table(columns, rows, ignored)


def _check_columns(columns: list[str]) -> None:
    missing = [name for name in REGISTRY.required() if name not in columns]
    if missing:
        raise ImportFileError(
            ngettext(
                "The header lacks the required column %(columns)s. "
                "The first row must name the columns: %(expected)s.",
                "The header lacks the required columns %(columns)s. "
                "The first row must name the columns: %(expected)s.",
                len(missing),
            )
            % {"columns": ", ".join(missing), "expected": ", ".join(REGISTRY.imported())}
        )
    duplicates = sorted({name for name in columns if name and columns.count(name) > 1})
    if duplicates:
        raise ImportFileError(
            _("The header names these columns more than once: %(columns)s.")
            % {"columns": ", ".join(duplicates)}
        )
