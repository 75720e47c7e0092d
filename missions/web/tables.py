"""The contributions table: one row per contribution, its latest statement (as of a day).

Its columns come from the column registry (``missions.columns``): each table column is named
after the export column it shows first and shows the cells the registry merges into it (total
with its qualifier, a date with its precision, a source with its date and URL), so the
``columns`` choice in the URL means the same on the page and in its CSV. How a cell looks on the
page (links, badges, "not stated") is decided here, by column name; sorting is the registry's
(``order_rows``), so the page, its downloads and the API sort one way.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

import django_tables2 as tables
from django.core.paginator import EmptyPage, Paginator
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext

from missions.columns import REGISTRY, Column, Registry, TableColumn
from missions.models import Statement
from missions.reading.remaining import statement_time_left
from missions.reading.sorting import order_rows, sort_keys, sortable
from missions.web.filters import requested_keys
from missions.web.formatting import not_stated, status_badge, total_of


def table_columns(params: QueryDict) -> list[str]:
    """The table columns chosen in ``columns`` (table or export keys); the default ones when
    none is valid."""
    picked = requested_keys(params)
    shown = [
        column.name
        for column in REGISTRY.table_columns()
        if column.name in picked or any(key in picked for key in column.keys)
    ]
    return shown or default_columns()


def default_columns() -> list[str]:
    """What the table shows until the reader picks columns: what a briefing reads, narrow
    enough for a 1366 px laptop without sideways scrolling. The others are one tick away in
    the column chooser, and the downloads keep every column."""
    return [column.name for column in REGISTRY.table_columns() if column.shown]


def _mission_url(record: Statement) -> str:
    return reverse("missions:mission", args=[record.contribution.mission_id])


def _status_class(record: Statement) -> str:
    return f"status status-{record.status}"


class CountColumn(tables.Column):
    """A personnel figure, right-aligned; unknown shows as "not stated", never as 0."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", {"th": {"class": "num"}, "td": {"class": "num"}})
        super().__init__(*args, **kwargs)


# How the page shows a table column beyond what the registry says: how the record is read for
# it, a link, a class. A column not named here shows its first field, as it is.
_PAGE_OPTIONS: dict[str, dict[str, Any]] = {
    "mission": {"linkify": _mission_url},
    "status": {"attrs": {"td": {"class": _status_class}}},
    "total": {"accessor": "effective_total"},
    # Called for an empty end too, so that an open end reads "open-ended".
    "end": {"empty_values": ()},
    "time_left": {"empty_values": ()},
    "source": {"accessor": "document__reference"},
}
_COUNTS = ("military", "civilian", "police", "total")


def _page_column(column: TableColumn, head: Column) -> tables.Column:
    options = {"accessor": head.fields[0] if head.fields else column.name}
    options.update(_PAGE_OPTIONS.get(column.name, {}))
    kind = CountColumn if column.name in _COUNTS else tables.Column
    return kind(column.label, orderable=bool(column.sort), **options)


class BaseContributionTable(tables.Table):
    """The page's behaviour; the columns are the registry's (``contribution_table``)."""

    def __init__(self, *args: Any, today: date, as_of: date | None = None, **kwargs: Any) -> None:
        self.today = today
        # Time left counts from the day the rows stand on: the as-of day, else today.
        self.day = as_of or today
        # An empty cell says "not stated" in words for screen readers and on hover.
        kwargs.setdefault("default", not_stated())
        super().__init__(*args, **kwargs)

    @property
    def order_by(self) -> Any:
        return tables.Table.order_by.fget(self)

    @order_by.setter
    def order_by(self, value: Any) -> None:
        # The registry sorts (``order_rows``: ties by id, so the page, its download and the API
        # list the same rows); django-tables2 only shows which columns are sorted.
        keys = value.split(",") if isinstance(value, str) else list(value or ())
        valid = [key for key in keys if key.removeprefix("-") in self.columns and sortable(key)]
        self._order_by = tables.utils.OrderByTuple(valid)
        data = getattr(self.data, "data", None)
        if valid and isinstance(data, QuerySet):
            self.data.data = order_rows(data, valid)  # type: ignore[arg-type]

    def render_status(self, record: Statement) -> str:
        return status_badge(record.status)

    def render_total(self, record: Statement) -> str:
        return total_of(record)

    def render_start(self, record: Statement) -> str:
        return record.start_display

    def render_end(self, record: Statement) -> str:
        return record.end_display or self.default

    def render_time_left(self, record: Statement) -> str:
        return statement_time_left(record, self.day)

    def render_source(self, record: Statement) -> str:
        # The statement in force on the day; a correction standing in for it, or made since,
        # is named beside it so that a reader sees both documents.
        cited = format_html(
            '<a href="{}" title="{}">{}</a>{}',
            *_document_link(record.cited_statement.document),
            format_html(' <span class="inferred">({})</span>', gettext("date inferred"))
            if record.cited_statement.document.date_inferred
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
            *_document_link(correction.document, correction.citation),
        )


def _document_link(document, text: str | None = None) -> tuple[str, str, str]:
    """(href, title, text) of a link to a document's publication, else its page."""
    url = document.url or reverse("missions:document", args=[document.pk])
    title = f"{document.citation}, {date_format(document.date)}"
    return url, title, text or document.reference


@functools.cache
def _table_class(columns: tuple[Column, ...]) -> type[BaseContributionTable]:
    heads = {column.key: column for column in columns}
    table_columns = Registry(columns).table_columns()
    attrs: dict[str, Any] = {c.name: _page_column(c, heads[c.name]) for c in table_columns}
    names = tuple(c.name for c in table_columns)
    attrs["Meta"] = type(
        "Meta",
        (),
        {
            "sequence": names,
            "order_by_field": "sort",
            "per_page": 50,
            "template_name": "_partials/table.html",
            "attrs": {"class": "data"},
        },
    )
    return type("ContributionTable", (BaseContributionTable,), attrs)


def contribution_table() -> type[BaseContributionTable]:
    """The table class of the registry as it stands (a test may have added a column)."""
    return _table_class(REGISTRY.columns)


ContributionTable = contribution_table()


def column_choices() -> list[tuple[str, str, str]]:
    """(name, value sent in ``columns``, label) per table column, for the column picker.

    The value names the export columns too ("total,qualifier"), so the download keeps them."""
    return [
        (column.name, ",".join(column.keys or (column.name,)), str(column.label))
        for column in REGISTRY.table_columns()
    ]


def build_table(
    rows: QuerySet[Statement],
    params: QueryDict,
    today: date,
    as_of: date | None = None,
    row_count: int | None = None,
) -> tuple[BaseContributionTable, list[str]]:
    """The table the query string asks for (columns, sort, page), and a notice for each value
    that could not be used. A bad value is ignored, never an error page. ``row_count``, when
    known (``missions.web.counting``), spares the paginator its COUNT."""
    notices = []
    shown = table_columns(params)
    names = [column.name for column in REGISTRY.table_columns()]
    unknown = sorted(requested_keys(params) - set(names) - set(REGISTRY.exported()))
    if unknown:
        notices.append(gettext("Unknown columns ignored: %(keys)s.") % {"keys": ", ".join(unknown)})
    table = contribution_table()(
        rows,
        today=today,
        as_of=as_of,
        exclude=[name for name in names if name not in shown],
    )
    sort = sort_keys(params)
    table.order_by = sort
    ignored = [key for key in sort if key not in table.order_by]
    if ignored:
        notices.append(
            gettext("Cannot sort by %(keys)s; the default order is used.")
            % {"keys": ", ".join(ignored)}
        )
    notices.extend(_paginate(table, params.get("page"), row_count))
    return table, notices


class CountedPaginator(Paginator):
    """A paginator told its row count (``count=None``: it counts, as Django's does)."""

    def __init__(self, *args: Any, count: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # ``count`` is a cached_property


def _paginate(table: BaseContributionTable, raw_page: str | None, count: int | None) -> list[str]:
    """Show the page asked for; a page that does not exist gives the nearest one and a notice."""
    per_page = ContributionTable._meta.per_page
    counted = {"paginator_class": CountedPaginator, "count": count}
    try:
        number = int(raw_page) if raw_page else 1
    except ValueError:
        table.paginate(per_page=per_page, page=1, **counted)
        return [gettext("“%(page)s” is not a page number; showing page 1.") % {"page": raw_page}]
    try:
        table.paginate(per_page=per_page, page=number, **counted)
    except EmptyPage:
        last = table.paginator.num_pages
        table.page = table.paginator.page(last if number > 1 else 1)
        return [
            gettext("There is no page %(page)s; showing page %(shown)s of %(last)s.")
            % {"page": number, "shown": table.page.number, "last": last}
        ]
    return []
