"""What an export is, and the download or file it becomes; shared by every report.

A report hands over an ``Export``: a name, the header keys, and an iterable of rows of typed cells
(int, date, str, bool or None). How a cell is written (escaped, CSV streamed, XLSX write-only) is
up to ``missions.exports.writers``, so every report is escaped and streamed the same way.

Statement columns (``FieldColumn``) are computed from database fields only, so that an export of
every row reads plain tuples, one query, memory flat, instead of six model instances per row.

Header cells are the column keys, not their translated labels: a file is the same whatever the
reader's language, and scheduled jobs that read it keep working.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from operator import itemgetter
from typing import IO, TYPE_CHECKING, Generic, TypeVar

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _

from missions.exports.writers import Cell, Row, csv_chunks, write_workbook
from missions.reading.querysets import document_reference, effective_total

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from missions.models import Statement
    from missions.reading.querysets import StatementQuerySet

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


@dataclass(frozen=True)
class FieldColumn:
    """A column of statements computed from database fields only, so that an export of every
    row reads plain tuples (``StatementQuerySet.export_rows``) instead of model instances.

    ``fields`` are paths from a statement (``contribution__mission__name``); ``compute`` makes
    the cell from their values, in that order (without it, the one field is the cell). The same
    definition reads a statement already loaded (``value``), e.g. in the changes report.
    """

    label: Promise | str
    fields: tuple[str, ...]
    width: int = 14
    compute: Callable[..., Cell] | None = None

    def value(self, statement: Statement) -> Cell:
        values = [_read_path(statement, path) for path in self.fields]
        return self.compute(*values) if self.compute else values[0]


def _read_path(statement: Statement, path: str) -> object:
    """``corrects__document__date`` of a loaded statement; None past an empty relation, as the
    LEFT JOIN of an export reads it."""
    value: object = statement
    for name in path.split("__"):
        if value is None:
            return None
        value = getattr(value, name)
    return value


def _field(label: Promise | str, path: str, width: int) -> FieldColumn:
    return FieldColumn(label, (path,), width)


# An open-ended mandate has no end date; say so, so that the import can read it back.
OPEN_ENDED = "open-ended"


def _end(end_date: date | None, open_ended: bool) -> Cell:
    return OPEN_ENDED if open_ended else end_date


_MISSION = "contribution__mission__"
_DOCUMENT = ("document__dossier", "document__number", "document__title")


def _cited(*paths: str) -> tuple[str, ...]:
    """The fields of the statement a row cites, then those of the statement it corrects: a
    correction standing in for the statement in force (``shown_in_place``) cites the latter."""
    return ("shown_in_place", *paths, *(f"corrects__{path}" for path in paths))


def _pick_cited(compute: Callable[..., Cell] | None = None) -> Callable[..., Cell]:
    def cell(in_place: bool, *values: object) -> Cell:
        half = len(values) // 2
        chosen = values[half:] if in_place else values[:half]
        return compute(*chosen) if compute else chosen[0]  # type: ignore[return-value]

    return cell


def _correction(
    in_place: bool,
    dossier: str,
    number: str,
    title: str,
    location: str,
    later_dossier: str | None,
    later_number: str | None,
    later_title: str | None,
    later_location: str | None,
) -> Cell:
    """ "29521-497, answer 11": the correction standing in for this row, or made later."""
    if in_place:
        reference, where = document_reference(dossier, number, title), location
    elif later_title is not None:
        reference = document_reference(later_dossier or "", later_number or "", later_title)
        where = later_location
    else:
        return ""
    return f"{reference}, {where}" if where else reference


def _inferred(
    date_inferred: bool,
    number_inferred: bool,
    document_note: str,
    start_inferred: bool,
    end_inferred: bool,
    note: str,
) -> Cell:
    """What the row gives that its source does not state, with how it was inferred:
    "source date, source number (…); end (derived: …)". Empty when everything is stated."""
    parts = []
    document_parts = [
        name
        for name, flag in (("source date", date_inferred), ("source number", number_inferred))
        if flag
    ]
    if document_parts:
        parts.append(", ".join(document_parts) + (f" ({document_note})" if document_note else ""))
    statement_parts = [
        name for name, flag in (("start", start_inferred), ("end", end_inferred)) if flag
    ]
    if statement_parts:
        parts.append(", ".join(statement_parts) + (f" ({note})" if note else ""))
    return "; ".join(parts)


def _cited_column(label: Promise | str, paths: tuple[str, ...], width: int, compute=None):
    return FieldColumn(label, _cited(*paths), width, _pick_cited(compute))


# The contributions export, in the order of its fixed CSV header (later code reads it by name).
CONTRIBUTION_COLUMNS: dict[str, FieldColumn] = {
    "mission": _field(_("mission"), _MISSION + "name", 40),
    "mission_acronym": _field(_("acronym"), _MISSION + "acronym", 16),
    "organization": _field(_("organization"), _MISSION + "organization__acronym", 12),
    "region": _field(_("region"), _MISSION + "region__name", 20),
    "contribution": _field(_("contribution"), "contribution__name", 32),
    "capability": _field(_("capability"), "contribution__capability", 24),
    "status": _field(_("status"), "status", 12),
    "military": _field(_("military"), "military", 9),
    "civilian": _field(_("civilian experts"), "civilian", 9),
    "police": _field(_("police"), "police", 9),
    "total": FieldColumn(
        _("total"), ("total", "military", "civilian", "police"), 9, effective_total
    ),
    "qualifier": _field(_("qualifier"), "qualifier", 13),
    "start": _field(_("start"), "start_date", 12),
    "start_precision": _field(_("start precision"), "start_precision", 8),
    "end": FieldColumn(_("end"), ("end_date", "open_ended"), 12, _end),
    "end_precision": _field(_("end precision"), "end_precision", 8),
    "source": _cited_column(_("source"), _DOCUMENT, 12, document_reference),
    "source_date": _cited_column(_("source date"), ("document__date",), 12),
    "source_url": _cited_column(_("source URL"), ("document__url",), 50),
    "location": _cited_column(_("where in the document"), ("location",), 16),
    "quote": _cited_column(_("quote"), ("quote",), 60),
    "corrected_by": FieldColumn(
        _("corrected by"),
        (
            "shown_in_place",
            *_DOCUMENT,
            "location",
            "corrected_by__document__dossier",
            "corrected_by__document__number",
            "corrected_by__document__title",
            "corrected_by__location",
        ),
        20,
        _correction,
    ),
    "inferred": FieldColumn(
        _("inferred, not stated"),
        (
            "document__date_inferred",
            "document__number_inferred",
            "document__inference_note",
            "start_inferred",
            "end_inferred",
            "inference_note",
        ),
        30,
        _inferred,
    ),
}


@dataclass
class Export:
    """A report ready to write: ``rows`` is consumed once, lazily, by whichever writer runs."""

    name: str
    header: list[str]
    rows: Iterable[Row]
    widths: list[int] = field(default_factory=list)
    # Which view the file holds, for its name: "as-of-2025-05-01_eu". Empty: today's data.
    view: str = ""

    def filename(self, fmt: ExportFormat, today: date) -> str:
        """``contributions_2026-12-01.csv`` for today's table; an as-of view is named after its
        day instead (``contributions_as-of-2025-05-01_eu.xlsx``), so that two different views
        never download under the same name."""
        stem = self.view if self.view.startswith("as-of-") else f"{today.isoformat()}"
        if self.view and not self.view.startswith("as-of-"):
            stem = f"{stem}_{self.view}"
        return f"{self.name}_{stem}{fmt.filename_suffix}"


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


def statement_export(
    name: str,
    statements: StatementQuerySet,
    columns: dict[str, FieldColumn],
    keys: Sequence[str] | None = None,
) -> Export:
    """An export of ``statements`` with the columns ``keys`` (all by default), in that order,
    read as tuples of exactly the fields those columns need: one query, memory flat."""
    chosen = [columns[key] for key in (keys or columns)]
    return Export(
        name,
        list(keys or columns),
        _field_rows(statements, chosen),
        [column.width for column in chosen],
    )


def _field_rows(statements: StatementQuerySet, columns: list[FieldColumn]) -> Iterator[Row]:
    fields = list(dict.fromkeys(path for column in columns for path in column.fields))
    position = {path: index for index, path in enumerate(fields)}
    # Computed cells are appended to the row read, then one itemgetter puts every cell in its
    # column's place: per row, one call per computed column and no other Python-level loop.
    computed: list[Callable[[tuple], Cell]] = []
    places: list[int] = []
    for column in columns:
        if column.compute is None:
            places.append(position[column.fields[0]])
        else:
            places.append(len(fields) + len(computed))
            computed.append(_cell_of(column.compute, [position[path] for path in column.fields]))
    pick = _getter(places)
    for row in statements.export_rows(fields):
        if computed:
            row += tuple([cell(row) for cell in computed])
        yield pick(row)


def _cell_of(compute: Callable[..., Cell], places: list[int]) -> Callable[[tuple], Cell]:
    read = _getter(places)
    return lambda row: compute(*read(row))


def _getter(places: list[int]) -> Callable[[tuple], tuple]:
    """The values at ``places`` of a row, always as a tuple (itemgetter of one gives a value)."""
    if len(places) == 1:
        (place,) = places
        return lambda row: (row[place],)
    return itemgetter(*places)


def iter_csv(export: Export, fmt: ExportFormat) -> Iterator[bytes]:
    """The file as UTF-8 chunks: RFC 4180 with commas, or ``;`` with a BOM for Excel."""
    if fmt is ExportFormat.EXCEL_CSV:
        # The BOM is how Excel knows the file is UTF-8 (otherwise "Curaçao" is mangled).
        return csv_chunks(export.header, export.rows, ";", "\ufeff")
    return csv_chunks(export.header, export.rows)


def write_xlsx(export: Export, target: IO[bytes]) -> None:
    write_workbook(export.name, export.header, export.widths, export.rows, target)


# --- Writing to a response or a stream ------------------------------------------------------


def export_response(export: Export, fmt: ExportFormat, today: date):
    """The export as a download named after the report and ``today``."""
    filename = export.filename(fmt, today)
    if fmt is ExportFormat.XLSX:
        # On disk, not in memory: an unnamed temporary file, removed when the response closes it.
        spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        try:
            write_xlsx(export, spool)
        except BaseException:
            spool.close()  # freed now, not when the traceback is collected
            raise
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
