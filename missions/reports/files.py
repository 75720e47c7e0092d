"""What each report's download holds: its columns, typed for spreadsheets, over the report's rows.

The rows come from ``missions.reading.reports`` (the same rows as the pages); how a file is
written (CSV, CSV for Excel, XLSX, escaping, streaming) is up to ``missions.exports.files``. The
page's download and the ``report`` command both build their file here, so they write the same
bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from missions.columns import NAMING_KEYS, REGISTRY
from missions.columns import Column as StatementColumn
from missions.exports.files import Cell, Column, Export, export_of, statement_export
from missions.models import SourceDocument, Statement
from missions.reading import reports
from missions.reading.diffs import TimelineEntry
from missions.reading.querysets import StatementQuerySet, document_reference
from missions.reading.reports import Summary, SummaryRow
from missions.reading.sorting import order_rows, sort_keys
from missions.web.filters import (
    ContributionFilter,
    applied_filters,
    chosen_columns,
    filter_contributions,
)

# ``<figure>``: the stated figures added up, empty when none is stated; ``<figure>_approximate``:
# some figure added is not exact; ``<figure>_unknown``: contributions that state no figure.
SUMMARY_HEADER = [
    "by",
    "group",
    "contributions",
    *(f"{name}{suffix}" for name in reports.FIGURES for suffix in ("", "_approximate", "_unknown")),
]
# Rows for what is not in the totals of the day (ended, explored, ...), once, after the groups.
NOT_COUNTED = "not_counted"


def summary_export(summaries: list[Summary]) -> Export:
    """The summaries (from ``reports.summaries``), stacked in one sheet, each row saying what
    it groups; then the contributions not active on the day, by reason, under ``not_counted``."""

    def line(by: str, row: SummaryRow) -> list[Cell]:
        cells: list[Cell] = [by, row.group, row.contributions]
        for figure in row.figures:
            cells += [figure.known, figure.approximate, figure.unknown]
        return cells

    def rows() -> Iterator[list[Cell]]:
        for summary in summaries:
            for row in summary.rows:
                yield line(summary.by, row)
        # The same for every dimension: each counts every contribution once.
        for row in summaries[0].apart if summaries else []:
            yield line(NOT_COUNTED, row)

    widths = [14, 24, 14] + [10, 12, 10] * len(reports.FIGURES)
    return Export("summary", SUMMARY_HEADER, rows(), widths)


def expiring_export(statements: StatementQuerySet, today: date) -> Export:
    """The contributions columns, plus the days left, which Excel can sort and add up."""
    columns = {
        **REGISTRY.exported(),
        "days_left": StatementColumn(
            "days_left",
            gettext_lazy("Days left"),
            ("end_date",),
            lambda end: (end - today).days,
            width=10,
        ),
    }
    return statement_export("expiring", statements, columns)


# --- Changes between two dates ---------------------------------------------------------------


def _before(read: Callable[[Statement], Cell]) -> Callable[[TimelineEntry], Cell]:
    # Empty before a contribution's first statement: there was nothing to compare with.
    return lambda entry: None if entry.previous is None else read(entry.previous)


def _after(read: Callable[[Statement], Cell]) -> Callable[[TimelineEntry], Cell]:
    return lambda entry: read(entry.statement)


# Values shown before and after, typed (counts as numbers, dates as dates) for spreadsheets.
# The end is a date column now, so whether it is open-ended is compared beside it.
_COMPARED = (
    "status",
    "military",
    "civilian",
    "police",
    "total",
    "qualifier",
    "start",
    "end",
    "open_ended",
)


def changes_columns() -> dict[str, Column[TimelineEntry]]:
    """The changes download's columns. Made when an export is, so that a column added to the
    registry is the one read, and each cell reads its registry column without looking it up
    (a download of a busy quarter writes some 400,000 of them)."""
    columns = REGISTRY.by_key()

    def entry_cell(key: str) -> Callable[[TimelineEntry], Cell]:
        value = columns[key].value
        return lambda entry: value(entry.statement)

    return {
        "document_date": Column(
            gettext_lazy("document date"), lambda e: e.statement.document_date, 12
        ),
        "source": Column(gettext_lazy("source"), lambda e: e.statement.document.reference, 12),
        "source_url": Column(gettext_lazy("source URL"), lambda e: e.statement.document.url, 40),
        "location": Column(
            gettext_lazy("where in the document"), lambda e: e.statement.location, 14
        ),
        "kind": Column(gettext_lazy("kind"), lambda e: e.statement.kind, 12),
        # The contribution, named as in the contributions export.
        **{key: Column(columns[key].label, entry_cell(key), 28) for key in NAMING_KEYS},
        "changed": Column(
            gettext_lazy("changed"), lambda e: ", ".join(c.key for c in e.changes), 20
        ),
        **{
            f"{key}_{side}": Column(columns[key].label, pick(columns[key].value), 12)
            for key in _COMPARED
            for side, pick in (("before", _before), ("after", _after))
        },
        "description": Column(
            gettext_lazy("what changed"), lambda e: "; ".join(map(str, e.changes)), 60
        ),
    }


def changes_reads() -> tuple[str, ...]:
    """What the columns above read of a statement (the one before it is read with what is
    compared): a download reads no other field of the tables it joins. Looked up when the
    export runs, as the cells are."""
    return (
        "document_date",
        *(f"document__{name}" for name in ("dossier", "number", "title", "url")),
        "location",
        "kind",
        *(path for key in (*NAMING_KEYS, *_COMPARED) for path in REGISTRY[key].fields),
    )


def changes_export(first: date, last: date) -> Export:
    """The changes from ``first`` to ``last``, streamed (``reports.stream_changes``)."""
    return export_of(
        "changes", reports.stream_changes(first, last, changes_reads()), changes_columns()
    )


# --- The contributions table -----------------------------------------------------------------


def contributions_export(params: QueryDict, today: date) -> tuple[ContributionFilter, Export]:
    """The contributions table's rows (all pages) and chosen columns, as the page filters them.

    The page's download and the ``report`` command both come here with a query string, so they
    write the same bytes, in the page's sort order. Check ``filterset.is_valid()`` before
    writing: the page drops an invalid filter with a notice, which an export must not do
    silently.
    """
    filterset, statements = filter_contributions(params, today)
    rows = order_rows(statements, sort_keys(params))
    export = statement_export("contributions", rows, keys=chosen_columns(params))
    export.view = view_name(filterset)
    export.title = lambda: title_block(filterset, statements, today)
    return filterset, export


def title_block(
    filterset: ContributionFilter, statements: StatementQuerySet, today: date
) -> list[str]:
    """What an XLSX says above its header, in the reader's language: the view, the filters in
    words, when it was made and the documents its rows cite (one query)."""
    cleaned = filterset.form.cleaned_data if filterset.is_valid() else {}
    day = cleaned.get("as_of")
    if day:
        view = _("Contributions as the documents stood on %(day)s") % {"day": date_format(day)}
        if cleaned.get("corrected"):
            view += ", " + str(_("as corrected since"))
    else:
        view = _("Contributions as of today, %(day)s") % {"day": date_format(today)}
    shown = [
        f"{label}: {value}"
        for label, value in applied_filters(filterset)
        if label
        not in (str(filterset.filters["as_of"].label), str(filterset.filters["corrected"].label))
    ]
    cited = {document_reference(*values) for values in cited_documents(statements)}
    return [
        str(view),
        str(_("Filters: %(filters)s") % {"filters": "; ".join(shown) or _("none")}),
        str(
            _("Generated at %(moment)s")
            % {"moment": timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")}
        ),
        str(
            _("Sources (%(count)d): %(sources)s")
            % {"count": len(cited), "sources": ", ".join(sorted(map(str, cited)))}
        ),
    ]


def cited_documents(
    statements: StatementQuerySet,
) -> QuerySet[SourceDocument, tuple[str, str, str]]:
    """(dossier, number, title) of each document the rows cite, as the source column does: a
    row's document, or where a correction stands in for it (``shown_in_place``), the document of
    the statement it corrects. Documents whose id is among the rows', not a DISTINCT over every
    row joined to its documents: a quarter of the time at 100,000 contributions."""
    rows = statements.order_by()
    return (
        SourceDocument.objects.filter(
            Q(pk__in=rows.filter(Q(shown_in_place=False)).values("document"))
            | Q(pk__in=rows.filter(Q(shown_in_place=True)).values("corrects__document"))
        )
        .order_by()
        .values_list("dossier", "number", "title")
    )


def view_name(filterset: ContributionFilter) -> str:
    """The filtered view in a few words for a file name: "as-of-2025-05-01_corrected_eu"."""
    if not filterset.is_valid():
        return ""
    cleaned = filterset.form.cleaned_data
    parts = []
    if cleaned.get("as_of"):
        parts.append(f"as-of-{cleaned['as_of'].isoformat()}")
    if cleaned.get("corrected"):
        parts.append("corrected")
    parts += [str(org.acronym) for org in cleaned.get("organization") or []]
    parts += [str(region.name) for region in cleaned.get("region") or []]
    parts += list(cleaned.get("status") or [])
    if cleaned.get("document"):
        parts.append(cleaned["document"].reference)
    words = "_".join(parts)
    # Letters, digits and dashes only: the name goes into a header and onto a desktop.
    return re.sub(r"[^a-z0-9_-]+", "-", words.lower()).strip("-")[:80]
