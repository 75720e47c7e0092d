"""What an export is, and the download or file it becomes; shared by every report.

A report hands over an ``Export``: a name, the header keys, and an iterable of rows of typed cells
(int, date, str, bool or None). How a cell is written (escaped, CSV streamed, XLSX write-only) is
up to ``missions.exports.writers``, so every report is escaped and streamed the same way.

Statement columns (``missions.columns.Column``) are computed from database fields only, so that an
export of every row reads plain tuples, one query, memory flat, instead of six model instances.

The plain CSV is the machine format (scripts and the importer read it): its header is the column
keys and its values the stored ones, whatever the reader's language. The files a person opens
(CSV for Excel, XLSX) carry the labels and the choice values (status, qualifier, precision) in
the reader's language, when the export has them (``Export.labels``, ``Export.localized``); the
importer reads both.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from itertools import starmap
from typing import IO, TYPE_CHECKING, Generic, TypeVar

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _

from missions.columns import REGISTRY, choice_labels
from missions.columns import Column as StatementColumn
from missions.exports.writers import Cell, Row, csv_chunks
from missions.exports.xlsx import write_workbook

if TYPE_CHECKING:
    from django.utils.functional import Promise

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


@dataclass
class Export:
    """A report ready to write: ``rows`` is consumed once, lazily, by whichever writer runs."""

    name: str
    header: list[str]
    rows: Iterable[Row]
    widths: list[int] = field(default_factory=list)
    # Which view the file holds, for its name: "as-of-2025-05-01_eu". Empty: today's data.
    view: str = ""
    # The header in the reader's language, for the files a person opens; empty: the keys.
    labels: list[Promise | str] = field(default_factory=list)
    # Per column, stored value -> the words for it in the reader's language (None: as stored).
    localized: list[Callable[[], dict[str, str]] | None] = field(default_factory=list)
    # The lines above the XLSX header that say what the file holds (see ``write_xlsx``).
    title: Callable[[], list[str]] | None = None

    def people_header(self) -> list[str]:
        """The header of a file a person opens: the labels, in the active language."""
        return [str(label) for label in self.labels] if self.labels else list(self.header)

    def people_rows(self) -> Iterable[Row]:
        """The rows with choice values in the active language (looked up now, not per row)."""
        if not any(self.localized):
            return self.rows
        words = [(index, read()) for index, read in enumerate(self.localized) if read]
        if isinstance(self.rows, StatementRows):
            return self.rows.localized(words)
        return _localized_rows(self.rows, words)

    def filename(self, fmt: ExportFormat, today: date) -> str:
        """``contributions_2026-12-01.csv`` for today's table; an as-of view is named after its
        day instead (``contributions_as-of-2025-05-01_eu.xlsx``), so that two different views
        never download under the same name."""
        stem = self.view if self.view.startswith("as-of-") else f"{today.isoformat()}"
        if self.view and not self.view.startswith("as-of-"):
            stem = f"{stem}_{self.view}"
        return f"{self.name}_{stem}{fmt.filename_suffix}"


def _localized_rows(rows: Iterable[Row], words: list[tuple[int, dict[str, str]]]) -> Iterator[Row]:
    for row in rows:
        cells = list(row)
        for index, table in words:
            value = cells[index]
            if isinstance(value, str):
                cells[index] = table.get(value, value)
        yield cells


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
    columns: dict[str, StatementColumn] | None = None,
    keys: Sequence[str] | None = None,
) -> Export:
    """An export of ``statements`` with the columns ``keys`` (all by default; the registry's
    export columns unless ``columns`` are given), in that order, read as tuples of exactly the
    fields those columns need: one query, memory flat."""
    columns = REGISTRY.exported() if columns is None else columns
    chosen = [columns[key] for key in (keys or columns)]
    return Export(
        name,
        list(keys or columns),
        StatementRows(statements, chosen),
        [column.width for column in chosen],
        labels=[column.label for column in chosen],
        localized=[
            functools.partial(choice_labels, column) if column.choices else None
            for column in chosen
        ],
    )


class StatementRows:
    """The rows of a statement export, made a fetched chunk at a time: each column of the chunk
    computed (or read as it is), looked up in its choice labels where a person reads the file,
    and only then zipped into rows. Per value that is the compute call alone, mapped over its
    column, instead of a few Python calls per cell and a loop per row.

    Iterated, it gives the stored values (the plain CSV); ``localized`` gives the rows with the
    labels of the columns given (``Export.people_rows``). Each iteration runs the query anew.
    """

    def __init__(self, statements: StatementQuerySet, columns: list[StatementColumn]) -> None:
        self.statements = statements
        self.columns = columns

    def __iter__(self) -> Iterator[Row]:
        return self.localized([])

    def localized(self, words: list[tuple[int, dict[str, str]]]) -> Iterator[Row]:
        fields = list(dict.fromkeys(path for column in self.columns for path in column.fields))
        position = {path: index for index, path in enumerate(fields)}
        tables = dict(words)
        makers = [
            ([position[path] for path in column.fields], column.compute, tables.get(index))
            for index, column in enumerate(self.columns)
        ]
        for read in self.statements.export_columns(fields):
            cells: list[Sequence[Cell]] = []
            for places, compute, table in makers:
                if compute is None:
                    values = read[places[0]]
                else:
                    values = list(starmap(compute, zip(*[read[p] for p in places], strict=True)))
                if table is not None:
                    # A label for each stored value that has one (texts); any other as it is.
                    values = list(map(table.get, values, values))
                cells.append(values)
            yield from zip(*cells, strict=True)


def iter_csv(export: Export, fmt: ExportFormat) -> Iterator[bytes]:
    """The file as UTF-8 chunks: RFC 4180 with commas, or ``;`` with a BOM for Excel."""
    if fmt is ExportFormat.EXCEL_CSV:
        # The BOM is how Excel knows the file is UTF-8 (otherwise "Curaçao" is mangled). Header
        # and values are read in the active language now: the response streams after the view.
        header = export.people_header()
        return csv_chunks(header, export.people_rows(), ";", "\ufeff")
    return csv_chunks(export.header, export.rows)


def write_xlsx(export: Export, target: IO[bytes]) -> None:
    write_workbook(
        export.name,
        export.people_header(),
        export.widths,
        export.people_rows(),
        target,
        preamble=export.title() if export.title else (),
    )


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
