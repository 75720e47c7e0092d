"""The contributions table's body, and the ending-soon table's, written in one pass.

Each shown column's cell is made here as HTML, escaped here, and a row is its cells joined: the
template writes one ``<tr>`` per row and nothing per cell. (django-tables2's per-cell machinery,
a bound row and column, attrs and a template variable per cell, was most of the page's time.)
How a cell looks on the page (links, badges, "not stated") is decided here, by column name; a
column the page has no rule for (one a test adds to the registry) shows its first field as is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext

from missions.columns import Column, Registry, choice_labels, path_reader
from missions.models import SourceDocument, Statement
from missions.reading.diffs import FieldChange, TimelineEntry
from missions.reading.remaining import statement_time_left
from missions.web.formatting import (
    EN_DASH,
    SourceLinks,
    document_day,
    not_stated,
    source_link,
    status_badge,
    total_of,
    url_maker,
)

# What an accessor finds that the page shows as "not stated" (django-tables2's empty values).
EMPTY = (None, "")


@dataclass
class Page:
    """What the cells of one page share: the day the rows stand on, the "not stated" mark, and
    the links' URLs, reversed once per page rather than once per row."""

    day: date
    default: SafeString

    def __post_init__(self) -> None:
        self.mission_url = url_maker("missions:mission")
        self.links = SourceLinks()
        self.document_url = self.links.document_url

    def title(self, document: SourceDocument) -> str:
        """A document's title ("Kamerstuk ..., 4 April 2025"), once per page."""
        return self.links.title(document)


Cell = Callable[[Statement, Page], str]


def _mission(record: Statement, page: Page) -> str:
    mission = record.contribution.mission
    if mission.name in EMPTY:
        return page.default
    return format_html('<a href="{}">{}</a>', page.mission_url(mission.pk), mission.name)


def _status(record: Statement, page: Page) -> str:
    return status_badge(record.status)


def _total(record: Statement, page: Page) -> str:
    return conditional_escape(total_of(record))


def _start(record: Statement, page: Page) -> str:
    return page.default if record.start_date is None else conditional_escape(record.start_display)


def _end(record: Statement, page: Page) -> str:
    # An open end reads "open-ended", not "not stated".
    return conditional_escape(record.end_display) if record.end_display else page.default


def _time_left(record: Statement, page: Page) -> str:
    # From the day the rows stand on: the as-of day, else today. No end stated: an empty cell
    # (the end beside it says "not stated").
    return conditional_escape(statement_time_left(record, page.day))


def _source(record: Statement, page: Page) -> str:
    # The statement in force on the day; a correction standing in for it, or made since, is
    # named beside it so that a reader sees both documents.
    document = record.cited_statement.document
    cited = format_html(
        '<a href="{}" title="{}">{}</a>{}',
        *_document_link(document, page),
        format_html(' <span class="inferred">({})</span>', gettext("date inferred"))
        if document.date_inferred
        else "",
    )
    correction = record.correction
    if correction is None:
        return cited
    label = gettext("as corrected by") if record.shown_in_place else gettext("corrected by")
    return format_html(
        '{} <span class="correction">{} <a href="{}" title="{}">{}</a></span>',
        cited,
        label,
        *_document_link(correction.document, page, correction.citation),
    )


def _document_link(
    document: SourceDocument, page: Page, text: str | None = None
) -> tuple[str, str, str]:
    """(href, title, text) of a link to a document's publication, else its page."""
    url = document.url or page.document_url(document.pk)
    return url, page.title(document), text or document.reference


def _value(column: Column) -> Cell:
    """A field's value as it is (a number in the reader's locale, a choice by its label), else
    "not stated"."""
    read = path_reader(column.fields[0] if column.fields else column.key)
    labels = choice_labels(column)

    def cell(record: Statement, page: Page) -> str:
        value = read(record)
        if value in EMPTY:
            return page.default
        shown = labels.get(str(value), str(value)) if labels else str(localize(value))
        return conditional_escape(shown)

    return cell


# Cells beyond "the first field as it is". Each renders even an empty value its own way.
_CELLS: dict[str, Cell] = {
    "mission": _mission,
    "status": _status,
    "total": _total,
    "start": _start,
    "end": _end,
    "time_left": _time_left,
    "source": _source,
}
# The personnel figures, right-aligned; unknown shows as "not stated", never as 0.
COUNTS = ("military", "civilian", "police", "total")


def _opening(name: str) -> Callable[[Statement], str]:
    """A cell's ``<td>`` (with the space django-tables2 always wrote, which tests read)."""
    if name in COUNTS:
        return lambda record: '<td class="num">'
    if name == "status":
        return lambda record: f'<td class="status status-{conditional_escape(record.status)}">'
    return lambda record: "<td >"


@dataclass(frozen=True)
class Layout:
    """How each shown column of a page makes its cell: its opening tag and its content."""

    cells: tuple[tuple[Callable[[Statement], str], Cell], ...]

    @classmethod
    def of(cls, shown: Sequence[str], registry: Registry) -> Layout:
        """The cells of the columns named ``shown``, in that order (choices in the language
        active now)."""
        return cls(
            tuple((_opening(name), _CELLS.get(name) or _value(registry[name])) for name in shown)
        )

    def rows(self, records: Sequence[Statement], page: Page) -> list[SafeString]:
        """Each record's cells, joined: the inside of its ``<tr>``."""
        return [
            # Every cell above is escaped or built by format_html.
            mark_safe(
                "".join(
                    f"{opening(record)}{cell(record, page)}</td>" for opening, cell in self.cells
                )
            )
            for record in records
        ]


def ending_rows(rows: Sequence[Any], day: date, organization: bool) -> SafeString:
    """The ending-soon table's rows (the dashboard's lists, the expiring report), written in one
    pass as the contributions table's are: mission, contribution, organization (when asked),
    status, end, time left and source. ``rows`` have a ``statement`` (``with_related``) and may
    have its ``time_left`` counted already (the expiring report's)."""
    mission_url = url_maker("missions:mission")
    links = SourceLinks()
    default = not_stated()
    written = []
    for row in rows:
        statement = row.statement
        contribution = statement.contribution
        mission = contribution.mission
        time_left = getattr(row, "time_left", "") or statement_time_left(statement, day)
        cells = [
            format_html('<a href="{}">{}</a>', mission_url(contribution.mission_id), mission.label),
            conditional_escape(contribution.name),
        ]
        if organization:
            cells.append(conditional_escape(mission.organization.acronym))
        cells += [
            status_badge(statement.status),
            conditional_escape(statement.end_display) if statement.end_display else default,
            conditional_escape(time_left),
            source_link(statement, links),
        ]
        # Every cell above is escaped or built by format_html.
        written.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    return mark_safe("".join(written))


def change_rows(entries: Sequence[TimelineEntry]) -> SafeString:
    """The changes report's rows, in one pass: the document's date, the source, the kind (a
    correction in bold, its row marked), mission, contribution, and what changed from the
    contribution's statement before (each field "before -> after", "first statement" when there
    was none). ``entries`` come from ``reports.changes``, their statements read with
    ``reports.CHANGE_ROW_READS``."""
    mission_url = url_maker("missions:mission")
    links = SourceLinks()
    first = format_html("<em>{}</em>", gettext("first statement"))
    no_change = conditional_escape(gettext("no change"))
    # A page's rows share a few dates and kinds, and many a change ("status: planned ->
    # extended") and mission: each is written once per page (escaping was most of the time).
    days: dict[int, str] = {}  # by document
    kinds: dict[str, str] = {}
    items: dict[FieldChange, str] = {}
    missions: dict[int, str] = {}
    written = []
    for entry in entries:
        statement = entry.statement
        contribution = statement.contribution
        day = days.get(statement.document_id)
        if day is None:
            day = days[statement.document_id] = escape(document_day(statement.document))
        kind = kinds.get(statement.kind)
        if kind is None:
            kind = kinds[statement.kind] = escape(str(Statement.Kind(statement.kind).label))
        mission = missions.get(contribution.mission_id)
        if mission is None:
            mission = missions[contribution.mission_id] = (
                f'<a href="{escape(mission_url(contribution.mission_id))}">'
                f"{escape(contribution.mission.label)}</a>"
            )
        changes = "".join(
            items.get(change) or items.setdefault(change, _change_item(change))
            for change in entry.changes
        )
        correction = entry.is_correction
        cells = (
            day,
            source_link(statement, links),
            f"<strong>{kind}</strong>" if correction else kind,
            mission,
            escape(contribution.name),
            ("" if entry.previous else first + " ")
            + (f"<ul>{changes}</ul>" if changes else no_change),
        )
        # Every cell above is escaped (``html.escape``, as Django's ``escape``) or made safe.
        written.append(
            ('<tr class="correction">' if correction else "<tr>")
            + "".join(f"<td>{cell}</td>" for cell in cells)
            + "</tr>"
        )
    return mark_safe("".join(written))


def _change_item(change: FieldChange) -> str:
    """One change as a list item, "<li>Status: planned -> extended</li>", escaped."""
    return (
        f"<li>{escape(capfirst(change.label))}: {escape(change.before or EN_DASH)}"
        f" \N{RIGHTWARDS ARROW} {escape(change.after or EN_DASH)}</li>"
    )
