"""The contributions table: one row per contribution, its latest statement (as of a day).

Column names are the export's column keys where one exists, so the ``columns`` choice in the URL
means the same on the page and in its CSV; the table merges a few export columns into one cell
(total with its qualifier, a date with its precision, a source with its date and URL) and adds
``time_left``, which only makes sense on screen.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import django_tables2 as tables
from django.core.paginator import EmptyPage, Paginator
from django.db.models import F, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from missions.models import Statement
from missions.reading.remaining import statement_time_left
from missions.web.filters import requested_keys
from missions.web.formatting import personnel_with_qualifier

# Table column -> the export columns it shows. Ticking a column on the page picks all of them.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "mission": ("mission",),
    "mission_acronym": ("mission_acronym",),
    "organization": ("organization",),
    "region": ("region",),
    "contribution": ("contribution",),
    "capability": ("capability",),
    "status": ("status",),
    "military": ("military",),
    "civilian": ("civilian",),
    "police": ("police",),
    "total": ("total", "qualifier"),
    "start": ("start", "start_precision"),
    "end": ("end", "end_precision"),
    "time_left": (),
    "source": ("source", "source_date", "source_url"),
}


# What the table shows until the reader picks columns: what a briefing reads, narrow enough
# for a 1366 px laptop without sideways scrolling. The others are one tick away in the column
# chooser, and the downloads keep every column.
DEFAULT_COLUMNS = ("mission", "contribution", "status", "total", "end", "time_left", "source")


def table_columns(params: QueryDict) -> list[str]:
    """The table columns chosen in ``columns`` (table or export keys); the default ones when
    none is valid."""
    picked = requested_keys(params)
    shown = [
        name
        for name, keys in TABLE_COLUMNS.items()
        if name in picked or any(key in picked for key in keys)
    ]
    return shown or list(DEFAULT_COLUMNS)


def _mission_url(record: Statement) -> str:
    return reverse("missions:mission", args=[record.contribution.mission_id])


def _status_class(record: Statement) -> str:
    return f"status status-{record.status}"


class CountColumn(tables.Column):
    """A personnel figure, right-aligned; unknown shows as "not stated", never as 0."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", {"th": {"class": "num"}, "td": {"class": "num"}})
        super().__init__(*args, **kwargs)


class ContributionTable(tables.Table):
    mission = tables.Column(
        _("Mission"),
        accessor="contribution__mission__name",
        linkify=_mission_url,
        order_by=("contribution__mission__name", "contribution__name"),
    )
    mission_acronym = tables.Column(
        _("Acronym"),
        accessor="contribution__mission__acronym",
        order_by=("contribution__mission__acronym", "contribution__name"),
    )
    organization = tables.Column(
        _("Organization"),
        accessor="contribution__mission__organization__acronym",
        order_by=("contribution__mission__organization__acronym", "contribution__mission__name"),
    )
    region = tables.Column(
        _("Region"),
        accessor="contribution__mission__region__name",
        order_by=("contribution__mission__region__name", "contribution__mission__name"),
    )
    contribution = tables.Column(
        _("Contribution"), accessor="contribution__name", order_by=("contribution__name",)
    )
    capability = tables.Column(
        _("Capability"), accessor="contribution__capability", order_by=("contribution__capability",)
    )
    status = tables.Column(_("Status"), attrs={"td": {"class": _status_class}})
    military = CountColumn(_("Military"))
    civilian = CountColumn(_("Civilian"))
    police = CountColumn(_("Police"))
    total = CountColumn(_("Total"), accessor="effective_total")
    start = tables.Column(_("Start"), accessor="start_date", order_by=("start_date",))
    end = tables.Column(_("End"), accessor="end_date", order_by=("end_date",), empty_values=())
    time_left = tables.Column(
        _("Time left"), accessor="end_date", order_by=("end_date",), empty_values=()
    )
    source = tables.Column(
        _("Source"),
        accessor="document__reference",
        order_by=("document__date", "document__dossier", "document__number"),
    )

    class Meta:
        model = Statement
        fields = tuple(TABLE_COLUMNS)
        sequence = tuple(TABLE_COLUMNS)
        order_by_field = "sort"
        per_page = 50
        template_name = "_partials/table.html"
        attrs = {"class": "data"}

    def __init__(self, *args: Any, today: date, as_of: date | None = None, **kwargs: Any) -> None:
        self.today = today
        # Time left counts from the day the rows stand on: the as-of day, else today.
        self.day = as_of or today
        # An empty cell says "not stated" in words for screen readers and on hover.
        kwargs.setdefault(
            "default",
            format_html(
                '<span class="unknown" title="{0}"><span aria-hidden="true">&ndash;</span>'
                '<span class="visually-hidden">{0}</span></span>',
                gettext("not stated"),
            ),
        )
        super().__init__(*args, **kwargs)

    @property
    def order_by(self):  # type: ignore[override]
        return tables.Table.order_by.fget(self)  # type: ignore[attr-defined]

    @order_by.setter
    def order_by(self, value) -> None:
        tables.Table.order_by.fset(self, value)  # type: ignore[attr-defined]
        # Rows that tie on the sorted columns (the same end, no end) come in one fixed order, by
        # id, on every database: the page, its download and the API then list the same rows.
        data = getattr(self.data, "data", None)
        if value and isinstance(data, QuerySet) and "pk" not in data.query.order_by:
            self.data.data = data.order_by(*data.query.order_by, "pk")

    def render_status(self, record: Statement) -> str:
        # The words carry the status; the class only adds colour for those who see it.
        return format_html(
            '<span class="badge status-{}">{}</span>', record.status, record.get_status_display()
        )

    def render_total(self, record: Statement) -> str:
        return personnel_with_qualifier(record.effective_total, record.qualifier)

    def order_total(self, queryset: QuerySet, is_descending: bool) -> tuple[QuerySet, bool]:
        # Sort by the total shown: the stated total, else the sum of the known categories.
        queryset = queryset.with_shown_total()
        ordering = (
            F("shown_total").desc(nulls_last=True)
            if is_descending
            else F("shown_total").asc(nulls_last=True)
        )
        return queryset.order_by(ordering, "pk"), True

    def render_start(self, record: Statement) -> str:
        return record.start_display

    def render_end(self, record: Statement) -> str:
        # Called for an empty end too, so that an open end reads "open-ended".
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


def column_choices() -> list[tuple[str, str, str]]:
    """(name, value sent in ``columns``, label) per table column, for the column picker.

    The value names the export columns too ("total,qualifier"), so the download keeps them."""
    return [
        (name, ",".join(keys or (name,)), str(ContributionTable.base_columns[name].verbose_name))
        for name, keys in TABLE_COLUMNS.items()
    ]


def build_table(
    rows: QuerySet[Statement],
    params: QueryDict,
    today: date,
    as_of: date | None = None,
    row_count: int | None = None,
) -> tuple[ContributionTable, list[str]]:
    """The table the query string asks for (columns, sort, page), and a notice for each value
    that could not be used. A bad value is ignored, never an error page. ``row_count``, when
    known (``missions.web.counting``), spares the paginator its COUNT."""
    notices = []
    shown = table_columns(params)
    unknown = sorted(requested_keys(params) - set(TABLE_COLUMNS) - set(_export_keys()))
    if unknown:
        notices.append(gettext("Unknown columns ignored: %(keys)s.") % {"keys": ", ".join(unknown)})
    table = ContributionTable(
        rows,
        today=today,
        as_of=as_of,
        exclude=[name for name in TABLE_COLUMNS if name not in shown],
    )
    sort = [key for value in params.getlist("sort") for key in value.split(",") if key]
    table.order_by = sort
    ignored = [key for key in sort if key not in table.order_by]
    if ignored:
        notices.append(
            gettext("Cannot sort by %(keys)s; the default order is used.")
            % {"keys": ", ".join(ignored)}
        )
    notices.extend(_paginate(table, params.get("page"), row_count))
    return table, notices


def _export_keys() -> list[str]:
    return [key for keys in TABLE_COLUMNS.values() for key in keys]


class CountedPaginator(Paginator):
    """A paginator told its row count (``count=None``: it counts, as Django's does)."""

    def __init__(self, *args: Any, count: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # ``count`` is a cached_property


def _paginate(table: ContributionTable, raw_page: str | None, count: int | None) -> list[str]:
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
