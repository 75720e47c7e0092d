"""CSV, "CSV for Excel" and XLSX writers, shared by every report.

A report hands over an ``Export``: a name, the header keys, and an iterable of rows of typed cells
(int, date, str, bool or None). The writers only decide how a cell is written, so every report is
escaped and streamed the same way:

- CSV is produced row by row from a generator, so a response or a file grows while memory stays
  flat, whatever the number of rows.
- XLSX cannot be sent before it is complete (it is a zip), so it is written in openpyxl's
  write-only mode into a temporary file on disk and that file is streamed back.
- Every text cell passes through ``neutralise`` (formula injection, OWASP); numbers and dates
  are never touched, so they stay numbers and dates.

Header cells are the column keys, not their translated labels: a file is the same whatever the
reader's language, and scheduled jobs that read it keep working.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import IO, TYPE_CHECKING, Generic, TypeVar

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from missions.models import Statement

Cell = str | int | float | bool | date | None
Row = Sequence[Cell]
T = TypeVar("T")


class ExportFormat(StrEnum):
    CSV = "csv"
    EXCEL_CSV = "excel-csv"
    XLSX = "xlsx"

    @property
    def filename_suffix(self) -> str:
        return {
            ExportFormat.CSV: ".csv",
            ExportFormat.EXCEL_CSV: "_excel.csv",
            ExportFormat.XLSX: ".xlsx",
        }[self]

    @property
    def content_type(self) -> str:
        if self is ExportFormat.XLSX:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return "text/csv; charset=utf-8"


def parse_format(value: str) -> ExportFormat | None:
    """The format named ``value``, or None when there is no such format."""
    try:
        return ExportFormat(value)
    except ValueError:
        return None


FORMAT_LABELS = {
    ExportFormat.CSV: _("CSV"),
    ExportFormat.EXCEL_CSV: _("CSV for Excel"),
    ExportFormat.XLSX: _("Excel (XLSX)"),
}


@dataclass(frozen=True)
class Column(Generic[T]):
    """One export column: its label for people, how to read its cell, its width in XLSX."""

    label: Promise | str
    value: Callable[[T], Cell]
    width: int = 14


def _mission(s: Statement):
    return s.contribution.mission


# The contributions export, in the order of its fixed CSV header (later code reads it by name).
OPEN_ENDED = "open-ended"

CONTRIBUTION_COLUMNS: dict[str, Column[Statement]] = {
    "mission": Column(_("mission"), lambda s: _mission(s).name, 40),
    "mission_acronym": Column(_("acronym"), lambda s: _mission(s).acronym, 16),
    "organization": Column(_("organization"), lambda s: _mission(s).organization.acronym, 12),
    "region": Column(_("region"), lambda s: _mission(s).region.name, 20),
    "contribution": Column(_("contribution"), lambda s: s.contribution.name, 32),
    "capability": Column(_("capability"), lambda s: s.contribution.capability, 24),
    "status": Column(_("status"), lambda s: s.status, 12),
    "military": Column(_("military"), lambda s: s.military, 9),
    "civilian": Column(_("civilian experts"), lambda s: s.civilian, 9),
    "police": Column(_("police"), lambda s: s.police, 9),
    "total": Column(_("total"), lambda s: s.effective_total, 9),
    "qualifier": Column(_("qualifier"), lambda s: s.qualifier, 13),
    "start": Column(_("start"), lambda s: s.start_date, 12),
    "start_precision": Column(_("start precision"), lambda s: s.start_precision, 8),
    # An open-ended mandate has no end date; say so, so that the import can read it back.
    "end": Column(_("end"), lambda s: OPEN_ENDED if s.open_ended else s.end_date, 12),
    "end_precision": Column(_("end precision"), lambda s: s.end_precision, 8),
    "source": Column(_("source"), lambda s: s.document.reference, 12),
    "source_date": Column(_("source date"), lambda s: s.document.date, 12),
    "source_url": Column(_("source URL"), lambda s: s.document.url, 50),
}


# OWASP CSV injection: a spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Cell) -> Cell:
    """Text that a spreadsheet would run as a formula gets a leading quote; other cells pass."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@dataclass
class Export:
    """A report ready to write: ``rows`` is consumed once, lazily, by whichever writer runs."""

    name: str
    header: list[str]
    rows: Iterable[Row]
    widths: list[int] = field(default_factory=list)

    def filename(self, fmt: ExportFormat, today: date) -> str:
        return f"{self.name}_{today.isoformat()}{fmt.filename_suffix}"


def rows_from(items: Iterable[T], columns: Sequence[Column[T]]) -> Iterator[list[Cell]]:
    for item in items:
        yield [column.value(item) for column in columns]


def export_of(
    name: str, items: Iterable[T], columns: dict[str, Column[T]], keys: Sequence[str] | None = None
) -> Export:
    """An export of ``items`` with the columns ``keys`` (all of them by default), in that order."""
    chosen = [columns[key] for key in (keys or columns)]
    return Export(
        name,
        list(keys or columns),
        rows_from(items, chosen),
        [column.width for column in chosen],
    )


# --- CSV -------------------------------------------------------------------------------------


def _csv_text(value: Cell) -> str:
    value = neutralise(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


# Rows are sent in batches: one chunk per row would make many tiny writes; a batch keeps
# memory bounded all the same.
CSV_BATCH_ROWS = 500


def iter_csv(export: Export, fmt: ExportFormat) -> Iterator[bytes]:
    """The file as UTF-8 chunks: RFC 4180 with commas, or ``;`` with a BOM for Excel."""
    excel = fmt is ExportFormat.EXCEL_CSV
    # Both flavours end lines with CRLF, as RFC 4180 says and Excel expects.
    writer = csv.writer(_Echo(), delimiter=";" if excel else ",", lineterminator="\r\n")
    # The BOM is how Excel knows the file is UTF-8 (otherwise "Curaçao" is mangled).
    yield ("\ufeff" if excel else "").encode() + writer.writerow(export.header).encode()
    batch: list[str] = []
    for row in export.rows:
        batch.append(writer.writerow([_csv_text(value) for value in row]))
        if len(batch) >= CSV_BATCH_ROWS:
            yield "".join(batch).encode()
            batch = []
    if batch:
        yield "".join(batch).encode()


# --- XLSX ------------------------------------------------------------------------------------

DATE_FORMAT = "yyyy-mm-dd"


def write_xlsx(export: Export, target: IO[bytes]) -> None:
    """Write the workbook to ``target``; write-only mode keeps rows out of memory."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=export.name[:31])
    # Frozen header and widths must be set before the first row is written.
    sheet.freeze_panes = "A2"
    for index, width in enumerate(export.widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for key in export.header:
        cell = WriteOnlyCell(sheet, value=key)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in export.rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    workbook.save(target)


def _xlsx_cell(sheet, value: Cell):
    value = neutralise(value)
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


# --- Writing to a response or a stream ------------------------------------------------------


def export_response(export: Export, fmt: ExportFormat, today: date):
    """The export as a download named after the report and ``today``."""
    filename = export.filename(fmt, today)
    if fmt is ExportFormat.XLSX:
        # On disk, not in memory: an unnamed temporary file, removed when the response closes it.
        spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        write_xlsx(export, spool)
        spool.seek(0)
        return FileResponse(
            spool, as_attachment=True, filename=filename, content_type=fmt.content_type
        )
    response = StreamingHttpResponse(iter_csv(export, fmt), content_type=fmt.content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def write_export(export: Export, fmt: ExportFormat, target: IO[bytes]) -> None:
    """The same bytes as the download, written to a binary stream (a file or stdout)."""
    if fmt is ExportFormat.XLSX:
        # A zip is written with seeks; stdout through a pipe cannot seek, so go via a file.
        with tempfile.TemporaryFile() as spool:
            write_xlsx(export, spool)
            spool.seek(0)
            shutil.copyfileobj(spool, target)
        return
    for chunk in iter_csv(export, fmt):
        target.write(chunk)
