"""One spreadsheet row read into typed values: names, the source, and the statement's fields.

Only columns that are in the file count: a column left out leaves that field of an existing record
alone, while an empty cell in a column that is there means "empty" (an unknown count, no end).
Each cell reader (a count, a date with its precision, a status, a source reference) takes the
cell's text and returns a value or raises ``CellError`` whose message is written for the analyst
('"eind smarch 2028" is not a date'); the row adds its number and the column. Labels are accepted
in English and Dutch as well as the stored values, because a desk's sheet says "niet haalbaar"
where the database says ``not_feasible``.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from missions.columns import REGISTRY
from missions.dates import Bound, PreciseDate, Precision, parse_date_phrase
from missions.imports.words import DUTCH_WORDS
from missions.models import Statement, Status

# The largest count PostgreSQL's integer holds; also used on SQLite so both behave the same.
MAX_COUNT = 2_147_483_647
_INTEGER = re.compile(r"[+-]?[0-9]+(?:[.,]0+)?", re.ASCII)
_KAMERSTUK = re.compile(
    r"(?:kamerstuk(?:ken)?(?:\s+(?:i|ii))?\s+)?(?P<dossier>[0-9][0-9a-z ]*?),?\s+nr\.?\s*"
    r"(?P<number>[0-9a-z]+)",
    re.IGNORECASE | re.ASCII,
)
_REFERENCE = re.compile(r"(?P<dossier>[0-9][0-9A-Za-z -]*)-(?P<number>[0-9A-Za-z]+)", re.ASCII)

_OPEN_ENDED_WORDS = {"open-ended", "open ended", "open einde", "onbepaald", "onbepaalde tijd"}


class CellError(ValueError):
    """A cell that cannot be read; the message is shown after 'row N, column: '."""


@dataclass(frozen=True)
class SourceRef:
    """A document as a row names it: by dossier and number, or by title when it has none."""

    dossier: str = ""
    number: str = ""
    title: str = ""
    # As written, to find an unnumbered document whose title merely looks like a reference.
    text: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        """Two ways of writing one document ("29521-497", "Kamerstuk 29521, nr. 497") match."""
        return (self.dossier, self.number, "" if self.number else self.title)

    @property
    def reference(self) -> str:
        return f"{self.dossier}-{self.number}" if self.number else self.title


def quoted(text: str, limit: int = 60) -> str:
    """The cell as the analyst typed it, shortened so that a message stays one line."""
    text = " ".join(text.split())
    return f'"{text[:limit]}…"' if len(text) > limit else f'"{text}"'


def _key(text: str) -> str:
    return " ".join(text.casefold().replace("_", " ").split())


@functools.cache
def _choice_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    lookup = {_key(word): str(value) for word, value in DUTCH_WORDS.get(choices, {}).items()}
    for language in ("en", "nl"):
        with translation.override(language):
            lookup.update({_key(str(label)): value for value, label in choices.choices})
    lookup.update({_key(value): value for value in choices.values})
    return lookup


def read_choice(text: str, choices: type[models.TextChoices], *, default: str = "") -> str:
    if not text:
        return default
    value = _choice_lookup(choices).get(_key(text))
    if value is None:
        raise CellError(
            _("%(text)s is not one of: %(allowed)s")
            % {"text": quoted(text), "allowed": ", ".join(choices.values)}
        )
    return value


def read_count(text: str) -> int | None:
    """A whole number, or None for an empty cell (unknown, which is not 0)."""
    if not text:
        return None
    compact = text.replace(" ", "")
    if not _INTEGER.fullmatch(compact) or len(compact) > 15:
        raise CellError(_("%(text)s is not a whole number") % {"text": quoted(text)})
    value = int(re.split(r"[.,]", compact)[0])
    if value > MAX_COUNT:
        raise CellError(_("%(text)s is too large for a count") % {"text": quoted(text)})
    # A negative count is left to the model's own rule, so that its message is the one shown.
    return value


def read_date(text: str, bound: Bound) -> PreciseDate | None:
    """An ISO date (2028-06-30) or a phrase ("eind juni 2028"), with the precision it has."""
    if not text:
        return None
    try:
        return _parse_date(text, bound)
    except (ValueError, OverflowError) as exc:
        raise CellError(
            _('%(text)s is not a date (write 2028-06-30, "eind juni 2028" or 2026)')
            % {"text": quoted(text)}
        ) from exc


# A sheet repeats the same few dates thousands of times; parsing is pure, so remember it.
_parse_date = functools.lru_cache(maxsize=4096)(parse_date_phrase)


def read_plain_date(text: str) -> datetime.date | None:
    """A document's date: one day, so a month or a year alone is not enough."""
    value = read_date(text, Bound.START)
    if value is not None and value.precision != Precision.DAY:
        raise CellError(_("%(text)s is not a single day") % {"text": quoted(text)})
    return value.value if value else None


def is_open_ended(text: str) -> bool:
    return _key(text) in _open_ended_words()


@functools.cache
def _open_ended_words() -> frozenset[str]:
    # Asked for every row's end: the words, and the Dutch label of the value, looked up once.
    with translation.override("nl"):
        dutch = _key(str(_("open-ended")))
    return frozenset({_key(word) for word in _OPEN_ENDED_WORDS} | {dutch})


def read_source(text: str) -> SourceRef:
    """``29521-497`` or ``Kamerstuk 29521, nr. 497``; anything else is an unnumbered title."""
    text = " ".join(text.split())
    if not text:
        raise CellError(_("every row needs its source document"))
    for pattern in (_REFERENCE, _KAMERSTUK):
        match = pattern.fullmatch(text)
        if match:
            return SourceRef(match["dossier"].strip(), match["number"], text=text)
    return SourceRef(title=text, text=text)


_SURROGATE = re.compile("[\ud800-\udfff]")
COUNT_COLUMNS = ("military", "civilian", "police", "total")
# What "open-ended" in the end column reads as: no end date, and the open_ended flag set.
OPEN_ENDED = object()
_FLAG_WORDS = {
    "true": True, "yes": True, "ja": True, "waar": True, "1": True, "x": True,
    "false": False, "no": False, "nee": False, "onwaar": False, "0": False,
}  # fmt: skip


def read_flag(text: str) -> bool | None:
    """true/false, ja/nee, yes/no (Excel's TRUE/ONWAAR too); empty says nothing."""
    if not text:
        return None
    value = _FLAG_WORDS.get(_key(text))
    if value is None:
        raise CellError(_("%(text)s is not true or false") % {"text": quoted(text)})
    return value


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
    # The names that find the records (``Importing.names``).
    organization: str = ""
    region: str = ""
    mission: str = ""
    contribution: str = ""
    source: SourceRef = field(default_factory=SourceRef)
    source_date: datetime.date | None = None
    # The document's date precision as the row gives it; "" when it gives none.
    source_date_precision: str = ""
    # Record (organization ... document) -> model field -> value, for the other columns the file
    # has: the mission's acronym, the contribution's capability, the document's URL.
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Statement model field -> value, for the columns the file has.
    statement: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def label(self) -> str:
        parts = (self.mission, self.contribution, self.source.reference)
        return " · ".join(part for part in parts if part)

    def fields_of(self, record: str) -> dict[str, Any]:
        return self.records.get(record, {})


def read_row(
    row: int, columns: list[str], cells: list[str], seen: CellMemo | None = None
) -> RowValues:
    """Read every cell; an unreadable cell becomes an error naming its column, not an exception.

    Which columns there are and how each is read is the registry's (``Importing``). Each column
    has one reader, a pure function of the text; ``seen`` (one per file) remembers what it made
    of a text, since a file repeats the same statuses, dates and sources thousands of times."""
    by_column = {name: cells[index] for index, name in enumerate(columns) if name}
    values = RowValues(row=row, columns=frozenset(by_column))
    seen = {} if seen is None else seen

    def read(column: str, reader: Callable[[str], Any]) -> Any:
        text = by_column.get(column, "")
        found = seen.get((column, text))
        if found is None:
            found = seen[column, text] = _read_cell(text, reader)
        value, message = found
        if message:
            values.errors.append(RowError(row, column, message))
        return value

    for key, column in REGISTRY.imported().items():
        spec = column.imports
        assert spec is not None  # imported() holds only columns with one
        if spec.target == "statement":
            continue
        if spec.reader == "source":
            values.source = read(key, read_source) or SourceRef()
        elif spec.reader == "plain_date":
            values.source_date = read(key, read_plain_date)
        elif spec.reader == "source_precision":
            values.source_date_precision = read(key, _document_precision) or ""
        elif spec.names:
            setattr(values, spec.target, read(key, _name) or "")
        elif key in values.columns:
            values.records.setdefault(spec.target, {})[spec.field] = read(key, str) or ""
    empty = frozenset(name for name, text in by_column.items() if not text)
    values.statement = _statement_fields(values.columns, empty, read)
    return values


# (column, text) -> (value, "") or (None, why the text cannot be read); values are immutable.
CellMemo = dict[tuple[str, str], tuple[Any, str]]


def _read_cell(text: str, reader: Callable[[str], Any]) -> tuple[Any, str]:
    try:
        if "\x00" in text:
            # PostgreSQL cannot store a NUL character; say so instead of failing on save.
            raise CellError(_("contains a NUL character"))
        if _SURROGATE.search(text):
            # Nor can SQLite store half of a UTF-16 pair (no decoded file holds one).
            raise CellError(_("contains a character that is not valid text"))
        return reader(text), ""
    except CellError as exc:
        return None, str(exc)


def _document_precision(text: str) -> str:
    return read_choice(text, Precision)


def _name(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise CellError(_("is empty; every row needs it"))
    return text


_READERS: dict[str, Callable[[str], Any]] = {"text": str, "count": read_count, "flag": read_flag}


def _statement_fields(
    present: frozenset[str], empty: frozenset[str], read: Callable
) -> dict[str, Any]:
    fields: dict[str, Any] = {"status": read("status", lambda t: read_choice(t, Status))}
    sides = {"start", "end", "start_precision", "end_precision"}
    for key, column in REGISTRY.imported().items():
        spec = column.imports
        assert spec is not None
        if spec.target != "statement" or key not in present or key in sides or key == "status":
            continue
        if spec.reader == "choice" and column.choices is not None:
            default = cast(models.Field, Statement._meta.get_field(spec.field)).get_default()
            value = read(key, lambda t, c=column.choices, d=default: read_choice(t, c, default=d))
        else:
            value = read(key, _READERS[spec.reader])
        if spec.reader == "flag" and value is None:
            continue  # an empty cell says nothing about the flag
        fields[spec.field] = value
    # The export leaves the qualifier empty on a row without any figure: nothing to qualify, so
    # the statement keeps its own (a new one gets the default).
    if "qualifier" in empty and all(fields.get(name) is None for name in COUNT_COLUMNS):
        fields.pop("qualifier", None)
    for side, bound in (("start", Bound.START), ("end", Bound.END)):
        precision_column = f"{side}_precision"
        phrase_precision = ""
        if side in present:
            value = read(side, lambda t, b=bound: _read_period(t, b))
            if side == "end" and value is OPEN_ENDED:
                # The layout before the open_ended column wrote "open-ended" here; still read.
                fields["open_ended"] = True
            elif side == "end" and value is not None:
                # A stated end is not open-ended; a file whose flag says so anyway is refused
                # by the model's own rule (end given with open-ended), in the end column.
                fields.setdefault("open_ended", False)
            # An empty end without the flag says nothing about open-endedness: an open-ended
            # statement stays open-ended, a new one is not.
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
