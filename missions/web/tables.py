"""The contributions table: one row per contribution, its latest statement (as of a day).

Its columns come from the column registry (``missions.columns``): each table column is named
after the export column it shows first and shows the cells the registry merges into it (total
with its qualifier, a date with its precision, a source with its date and URL), so the
``columns`` choice in the URL means the same on the page and in its CSV. django-tables2 keeps the
headers, which columns are sorted and the page; how a cell looks (links, badges, "not stated")
is ``missions.web.cells``'s, which writes a page's rows in one pass. Sorting is the registry's
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
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django_tables2.data import TableQuerysetData

from missions.columns import REGISTRY, Column, Registry, TableColumn
from missions.models import Statement
from missions.reading.sorting import order_rows, sort_keys, sortable
from missions.web.cells import COUNTS, Layout, Page
from missions.web.filters import requested_keys
from missions.web.formatting import not_stated


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


# The personnel figures' headers are right-aligned like their cells (``missions.web.cells``).
_NUMBER_HEADER = {"th": {"class": "num"}}


def _page_column(column: TableColumn) -> tables.Column:
    # django-tables2 keeps the header, sort and page state; the cells are ``cells.Layout``'s.
    attrs = _NUMBER_HEADER if column.name in COUNTS else {}
    return tables.Column(column.label, orderable=bool(column.sort), attrs=attrs)


class PageByIds(TableQuerysetData):
    """The table's rows, whose page (a slice) is read ids first (``page_by_ids``)."""

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, slice) and key.step is None and key.stop is not None:
            return self.data.page_by_ids(key.start or 0, key.stop)
        return super().__getitem__(key)


class BaseContributionTable(tables.Table):
    """The page's behaviour; the columns are the registry's (``contribution_table``)."""

    def __init__(
        self, data: Any, *args: Any, today: date, as_of: date | None = None, **kwargs: Any
    ) -> None:
        self.today = today
        # Time left counts from the day the rows stand on: the as-of day, else today.
        self.day = as_of or today
        # An empty cell says "not stated" in words for screen readers and on hover.
        kwargs.setdefault("default", not_stated())
        if isinstance(data, QuerySet):
            data = PageByIds(data)
        super().__init__(data, *args, **kwargs)

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

    @cached_property
    def body_rows(self) -> list[SafeString]:
        """The page's rows, each its cells' HTML, made in one pass over its records."""
        rows = self.page.object_list if hasattr(self, "page") else self.rows
        records = [row.record for row in rows]
        shown = [column.name for column in self.columns]
        return Layout.of(shown, REGISTRY).rows(records, Page(self.day, self.default))


@functools.cache
def _table_class(columns: tuple[Column, ...]) -> type[BaseContributionTable]:
    table_columns = Registry(columns).table_columns()
    attrs: dict[str, Any] = {c.name: _page_column(c) for c in table_columns}
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
