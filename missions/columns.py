"""The contributions layout, each column once: the table, the three exports, the import and the
facets all read it from here.

A ``Column`` says how its cell is read from a statement (ORM paths and a compute function, so an
export reads plain tuples), its label (one translated label: headers in the reader's language,
and the importer reads it back in either language), its export width, whether its values are
choices (shown in the reader's language in the files people open), where the table shows it
(its own column, or merged into another: the qualifier beside the total), whether it is a facet,
its sort paths, and how the importer reads it (``Importing``). Adding a column is one entry here.

``REGISTRY`` is the layout; ``Registry.extended`` adds a column for a while (tests), and
everything that uses the layout asks it at call time, so the extra column shows everywhere.
The cells computed from several fields are in ``missions.exports.cells``; sorting by the
columns' paths (the table, its downloads and the API alike) in ``missions.reading.sorting``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from operator import attrgetter
from typing import TYPE_CHECKING

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from missions.dates import Precision
from missions.exports.cells import (
    INFERRED_FIELDS,
    cited,
    correction_cell,
    inferred_cell,
    pick_cited,
    qualifier_cell,
)
from missions.exports.writers import Cell
from missions.models import Qualifier, StatementKind, Status
from missions.reading.querysets import document_reference, effective_total

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    from missions.models import Statement
else:
    _StrOrPromise = str


@dataclass(frozen=True)
class Importing:
    """How the importer reads a column: into which record (``target``: organization, region,
    mission, contribution, document or statement) and field, with which reader (``reader``:
    name, text, count, choice, date, precision, source, plain_date, flag; see
    ``missions.imports.rows``). ``names``: the column finds the record (by name or
    reference) rather than setting one of its fields. ``required``: a file without it is
    refused."""

    target: str
    field: str
    reader: str = "text"
    names: bool = False
    required: bool = False


# Compared and hashed by identity (``eq=False``): the registry's lookups are cached on tuples of
# columns, and a field-by-field hash would translate every lazy label on every lookup (a changes
# CSV at 100,000 contributions spent 27 of its 28 s in ``gettext`` that way).
@dataclass(frozen=True, eq=False)
class Column:
    key: str
    label: _StrOrPromise
    # Paths from a statement (``contribution__mission__name``); ``compute`` makes the cell from
    # their values, in order (without it, the one path's value is the cell).
    fields: tuple[str, ...] = ()
    compute: Callable[..., Cell] | None = None
    width: int = 14
    exported: bool = True
    # The values are these choices: written as their labels where a person reads the file.
    choices: type[models.TextChoices] | None = None
    imports: Importing | None = None
    # The table column that shows this cell (its own key, or the column it is merged into);
    # ``shown``: that table column is on the page until the reader picks columns.
    table: str = ""
    shown: bool = False
    facet: bool = False
    # Paths the table and the exports sort this column by ("-key" reverses each).
    sort: tuple[str, ...] = ()
    # Sort by an annotation the queryset must first add (``with_shown_total``).
    sort_annotation: str = ""

    # ``fields`` as readers of a loaded statement, made once: a changes CSV reads some
    # 400,000 cells, and splitting each path on every read was a fifth of its time.
    _readers: tuple[Callable[[object], object], ...] = dataclass_field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_readers", tuple(path_reader(path) for path in self.fields))

    def value(self, statement: Statement) -> Cell:
        """The cell of a statement already loaded (the API, the changes report)."""
        values = [read(statement) for read in self._readers]
        return self.compute(*values) if self.compute else values[0]  # type: ignore[return-value]


def path_reader(path: str) -> Callable[[object], object]:
    """What reads ``path`` (``corrects__document__date``) of a loaded statement: None past an
    empty relation, as the LEFT JOIN of an export reads it."""
    names = tuple(path.split("__"))
    if len(names) == 1:
        return attrgetter(names[0])

    def read(statement: object) -> object:
        value: object = statement
        for name in names:
            if value is None:
                return None
            value = getattr(value, name)
        return value

    return read


_MISSION = "contribution__mission__"
_DOCUMENT = ("document__dossier", "document__number", "document__title")
_FIGURES = ("military", "civilian", "police", "total")


def _named(target: str, field: str = "name") -> Importing:
    return Importing(target, field, "name", names=True, required=True)


def _statement(field: str, reader: str = "text") -> Importing:
    return Importing("statement", field, reader)


COLUMNS: tuple[Column, ...] = (
    Column(
        "mission", _("Mission"), (_MISSION + "name",), width=40, imports=_named("mission"),
        table="mission", shown=True, sort=(_MISSION + "name", "contribution__name"),
    ),
    Column(
        "mission_acronym", _("Acronym"), (_MISSION + "acronym",), width=16,
        imports=Importing("mission", "acronym"), table="mission_acronym",
        sort=(_MISSION + "acronym", "contribution__name"),
    ),
    Column(
        "organization", _("Organization"), (_MISSION + "organization__acronym",), width=12,
        imports=_named("organization", "acronym"), table="organization", facet=True,
        sort=(_MISSION + "organization__acronym", _MISSION + "name"),
    ),
    Column(
        "region", _("Region"), (_MISSION + "region__name",), width=20,
        imports=_named("region"), table="region", facet=True,
        sort=(_MISSION + "region__name", _MISSION + "name"),
    ),
    Column(
        "contribution", _("Contribution"), ("contribution__name",), width=32,
        imports=_named("contribution"), table="contribution", shown=True,
        sort=("contribution__name",),
    ),
    Column(
        "capability", _("Capability"), ("contribution__capability",), width=24,
        imports=Importing("contribution", "capability"), table="capability",
        sort=("contribution__capability",),
    ),
    Column(
        "status", _("Status"), ("status",), width=12, choices=Status,
        imports=Importing("statement", "status", "choice", required=True), table="status",
        shown=True, facet=True, sort=("status",),
    ),
    *(
        Column(key, label, (key,), width=9, imports=_statement(key, "count"), table=key,
               sort=(key,))
        for key, label in (
            ("military", _("Military")),
            ("civilian", _("Civilian")),
            ("police", _("Police")),
        )
    ),
    Column(
        "total", _("Total"), _FIGURES[3:] + _FIGURES[:3], effective_total, width=9,
        imports=_statement("total", "count"), table="total", shown=True,
        sort=("shown_total",), sort_annotation="shown_total",
    ),
    Column(
        "qualifier", _("Qualifier"), ("qualifier", *_FIGURES), qualifier_cell, width=13,
        choices=Qualifier, imports=_statement("qualifier", "choice"), table="total",
    ),
    Column(
        "start", _("Start"), ("start_date",), width=12, imports=_statement("start_date", "date"),
        table="start", sort=("start_date",),
    ),
    Column(
        "start_precision", _("Start precision"), ("start_precision",), width=8,
        choices=Precision, imports=_statement("start_precision", "precision"), table="start",
    ),
    Column(
        "end", _("End"), ("end_date",), width=12, imports=_statement("end_date", "date"),
        table="end", shown=True, sort=("end_date",),
    ),
    Column(
        "end_precision", _("End precision"), ("end_precision",), width=8, choices=Precision,
        imports=_statement("end_precision", "precision"), table="end",
    ),
    Column(
        "open_ended", _("Open-ended"), ("open_ended",), width=8,
        imports=_statement("open_ended", "flag"), table="end",
    ),
    # Shown on the page only: from the day the rows stand on, so not a cell of a file.
    Column(
        "time_left", _("Time left"), ("end_date",), exported=False, table="time_left",
        shown=True, sort=("end_date",),
    ),
    Column(
        "source", _("Source"), cited(*_DOCUMENT), pick_cited(document_reference), width=12,
        imports=Importing("document", "reference", "source", names=True, required=True),
        table="source", shown=True,
        sort=("document__date", "document__dossier", "document__number"),
    ),
    Column(
        "source_date", _("Source date"), cited("document__date"), pick_cited(), width=12,
        imports=Importing("document", "date", "plain_date"), table="source",
    ),
    # "januari jl.": a document known to the month is dated on its first day, and this says so.
    Column(
        "source_date_precision", _("Source date precision"), cited("document__date_precision"),
        pick_cited(), width=8, choices=Precision,
        imports=Importing("document", "date_precision", "source_precision"), table="source",
    ),
    Column(
        "source_url", _("Source URL"), cited("document__url"), pick_cited(), width=50,
        imports=Importing("document", "url"), table="source",
    ),
    Column(
        "location", _("Where in the document"), cited("location"), pick_cited(), width=16,
        imports=_statement("location"),
    ),
    Column(
        "quote", _("Quote"), cited("quote"), pick_cited(), width=60, imports=_statement("quote")
    ),
    Column(
        "corrected_by", _("Corrected by"),
        ("shown_in_place", *_DOCUMENT, "location", "corrected_by__document__dossier",
         "corrected_by__document__number", "corrected_by__document__title",
         "corrected_by__location"),
        correction_cell, width=20,
    ),
    Column(
        "inferred", _("Inferred, not stated"), INFERRED_FIELDS, inferred_cell, width=30,
    ),
    # Not in the export, but a desk's own sheet may have them.
    Column(
        "kind", _("Kind"), ("kind",), exported=False, choices=StatementKind,
        imports=_statement("kind", "choice"),
    ),
    Column("conditions", _("Conditions"), ("conditions",), exported=False,
           imports=_statement("conditions")),
)  # fmt: skip

# What the changes report names each row by, before what changed.
NAMING_KEYS = ("mission", "mission_acronym", "contribution")
# The order rows come in unless the reader sorts: by mission (then contribution), then id.
DEFAULT_SORT = "mission"


@dataclass(frozen=True)
class TableColumn:
    """A column of the page's table: named after its first cell's column, showing ``keys``."""

    name: str
    label: _StrOrPromise
    keys: tuple[str, ...]
    shown: bool
    sort: tuple[str, ...]


class Registry:
    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns: tuple[Column, ...] = tuple(columns)
        # The last ``by_key`` and the columns it is of: a lookup per cell (a changes CSV asks
        # some 400,000) then costs no hash of every column.
        self._keyed: tuple[tuple[Column, ...], dict[str, Column]] | None = None

    def __getitem__(self, key: str) -> Column:
        return self.by_key()[key]

    def by_key(self) -> dict[str, Column]:
        keyed = self._keyed
        if keyed is None or keyed[0] is not self.columns:
            keyed = self._keyed = (self.columns, _by_key(self.columns))
        return keyed[1]

    def exported(self) -> dict[str, Column]:
        """The export's columns, in the order of its header."""
        return {c.key: c for c in self.columns if c.exported}

    def imported(self) -> dict[str, Column]:
        """Every column the importer reads (the export's and a desk sheet's own)."""
        return {c.key: c for c in self.columns if c.imports is not None}

    def required(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns if c.imports and c.imports.required)

    def table_columns(self) -> list[TableColumn]:
        return _table_columns(self.columns)

    def facets(self) -> dict[str, str]:
        """Facet (a filter of the same name) -> the path each row is grouped by."""
        return {c.key: c.fields[0] for c in self.columns if c.facet}

    def header_key(self, text: str) -> str:
        """The column a header cell names: its key, or its label in English or Dutch."""
        name = normalize_header(text)
        return _header_keys(self.columns).get(name, name)

    @contextmanager
    def extended(self, *columns: Column) -> Iterator[Registry]:
        """The layout with ``columns`` added at the end, for the length of a ``with`` block."""
        before = self.columns
        self.columns = before + tuple(columns)
        try:
            yield self
        finally:
            self.columns = before


@functools.cache
def _by_key(columns: tuple[Column, ...]) -> dict[str, Column]:
    return {column.key: column for column in columns}


@functools.cache
def _table_columns(columns: tuple[Column, ...]) -> list[TableColumn]:
    heads = [c for c in columns if c.table == c.key]
    return [
        TableColumn(
            head.key,
            head.label,
            tuple(c.key for c in columns if c.table == head.key and c.exported),
            head.shown,
            head.sort,
        )
        for head in heads
    ]


@functools.cache
def _header_keys(columns: tuple[Column, ...]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for language in ("en", "nl"):
        with translation.override(language):
            keys.update({normalize_header(str(c.label)): c.key for c in columns})
    # A key always means itself, whatever a label says.
    keys.update({c.key: c.key for c in columns})
    return keys


def normalize_header(name: str) -> str:
    """'Mission acronym ' and 'MISSION_ACRONYM' both mean mission_acronym."""
    return "_".join(name.replace("\ufeff", "").strip().lower().replace("-", " ").split())


REGISTRY = Registry(COLUMNS)


def choice_labels(column: Column) -> dict[str, str]:
    """Stored value -> its label in the active language, for a choices column."""
    if column.choices is None:
        return {}
    return {str(value): str(label) for value, label in column.choices.choices}
