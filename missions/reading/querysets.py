"""Reading rules for statements, with intent names.

One rule gives the table, the history, the as-of view and the changes report: a contribution's
state on day D is its latest statement from a document dated on or before D ("latest" is by
document date, ties broken by the document's id, so the answer never depends on row order).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import chain, islice, repeat
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import connections, models, transaction
from django.db.models import BooleanField, Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce
from django.db.models.sql.constants import MULTI
from django.db.models.sql.where import WhereNode
from django.utils import timezone

from missions.dates import add_months

if TYPE_CHECKING:
    from missions.models.statements import Statement

T = TypeVar("T")
# A chunk of an export's rows as its columns: one sequence of values per field read.
Columns = list[Sequence[Any]]

ANY_CATEGORY_KNOWN = Q(military__isnull=False) | Q(civilian__isnull=False) | Q(police__isnull=False)

# ``Statement.effective_total`` in SQL: the stated total, else the sum of the known categories,
# else NULL (unknown), so that SUM skips it instead of adding 0 and sorting puts it apart.
EFFECTIVE_TOTAL = Case(
    When(total__isnull=False, then=F("total")),
    When(
        ANY_CATEGORY_KNOWN,
        then=Coalesce("military", Value(0))
        + Coalesce("civilian", Value(0))
        + Coalesce("police", Value(0)),
    ),
    default=None,
    output_field=IntegerField(),
)


def effective_total(
    total: int | None, military: int | None, civilian: int | None, police: int | None
) -> int | None:
    """``Statement.effective_total`` from plain values, for rows read as tuples (exports)."""
    if total is not None:
        return total
    known = [n for n in (military, civilian, police) if n is not None]
    return sum(known) if known else None


def document_reference(dossier: str, number: str, title: str) -> str:
    """``SourceDocument.reference`` from plain values: ``29521-497``, else the title."""
    return f"{dossier}-{number}" if dossier and number else title


# Rows an export reads per fetch: a few hundred tuples keep memory flat and fetches few.
EXPORT_CHUNK_ROWS = 500

# PostgreSQL plans a cursor for its first tenth by default (``cursor_tuple_fraction`` 0.1): at a
# million rows that is a hash join and a sort of everything before the first row. An export is
# read from its first row on, so plan it for the first few hundred: the nested loop down the
# mission-name index, whose first rows come at once. And no JIT: the plan of a whole export
# costs millions, which makes PostgreSQL compile it first (2.2 s before the first row at a
# million contributions, 84 ms without); the export's time is in writing rows, not in SQL.
EXPORT_CURSOR_SETTINGS = (
    "SET LOCAL cursor_tuple_fraction = 0.0001",
    "SET LOCAL jit = off",
)

# Newest first: the order that defines "latest" everywhere.
LATEST_FIRST = ("-document_date", "-document_id")
# The same order for a list of every statement: by the document's own date (which the
# statement's copies), the order of its index, so that a page walks the newest documents and
# sorts within each; the copy has no index of its own but within a contribution's (the
# statement list at 300,000 statements: 2.5 s a page by the copy, 4 ms by the document).
NEWEST_DOCUMENTS_FIRST = ("-document__date", "-document_id")


def in_force_on(day: date) -> Q:
    """Statements in force on ``day``: stated on or before it, not yet superseded on it."""
    return Q(document_date__lte=day) & (Q(superseded_on__isnull=True) | Q(superseded_on__gt=day))


def active_condition(model: type[Statement], day: date) -> Q:
    """A commitment (not explored, intended, ...) whose period covers ``day``: started (or no
    start stated) and not over (its end on or after the day, or no end and not ended)."""
    started = Q(start_date__isnull=True) | Q(start_date__lte=day)
    not_over = Q(end_date__gte=day) | Q(end_date__isnull=True) & ~Q(status=model.Status.ENDED)
    return ~Q(status__in=model.NOT_COMMITTED) & started & not_over


# What ``activity_on`` says of a row that is not active, besides the non-committing statuses.
ENDED = "ended"
NOT_STARTED = "not_started"
ACTIVE = "active"


def activity_on(model: type[Statement], day: date) -> Case:
    """Why a statement counts, or not, on ``day``: ``active``; its non-committing status
    (``explored``, ``intended``, ``not_feasible``, ``declined``); ``not_started`` (starts later);
    else ``ended``. The same rule as ``active_on``, as a value to group by."""
    return Case(
        When(status__in=model.NOT_COMMITTED, then=F("status")),
        When(active_condition(model, day), then=Value(ACTIVE)),
        When(start_date__gt=day, then=Value(NOT_STARTED)),
        default=Value(ENDED),
        output_field=models.CharField(),
    )


def in_read_transaction(chunks: Iterator[T], using: str) -> Iterator[T]:
    """``chunks`` read inside one transaction, with the export's cursor planning, on
    PostgreSQL (elsewhere, or already in a transaction, as they are).

    Outside a transaction Django declares a server-side cursor ``WITH HOLD``, and PostgreSQL
    then computes every row before it returns the first (62 s at a million contributions).
    The transaction lasts while the download streams and ends when it is read to the end or
    closed (a client that hangs up): it only reads, so either way nothing is written."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return chunks
    return _read_transaction(chunks, using)


def _read_transaction(chunks: Iterator[T], using: str) -> Iterator[T]:
    with transaction.atomic(using=using):
        with connections[using].cursor() as cursor:
            # SET LOCAL: for this transaction only, so a pooled connection keeps its defaults.
            for setting in EXPORT_CURSOR_SETTINGS:
                cursor.execute(setting)
        yield from chunks


def _converted_columns(values: models.QuerySet[Any], chunk_size: int) -> Iterator[Columns]:
    """The rows ``values.iterator(chunk_size=...)`` yields (Django 5.2's ``results_iter``), as
    the columns of each fetched chunk, with the database's converters mapped over a column
    rather than looped over per row.

    On SQLite every boolean and date column has converters (six and four in the contributions
    export): Django's loop over them per row took about as long as writing the XLSX cells.
    Mapped over a column they cost one call per value; and a writer that takes columns
    computes its cells a column at a time too (``missions.exports.files``).
    """
    compiler = values.query.get_compiler(using=values.db)
    # As QuerySet.iterator() decides: a server-side cursor unless the settings turn them off.
    chunked = not connections[values.db].settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    chunks = compiler.execute_sql(MULTI, chunked_fetch=chunked, chunk_size=chunk_size)
    selected = [column[0] for column in compiler.select[0 : compiler.col_count]]
    if compiler.has_composite_fields(selected):  # no export reads one; Django's own way then
        rows = compiler.results_iter(chunks, tuple_expected=True)
        chunks = iter(lambda: list(islice(rows, chunk_size)), [])
        converters = []
    else:
        converters = list(compiler.get_converters(selected).items())
    connection = compiler.connection
    for chunk in chunks:
        if not chunk:
            continue
        columns: Columns = list(zip(*chunk, strict=True))
        for position, (functions, expression) in converters:
            read = columns[position]
            for convert in functions:
                read = list(map(convert, read, repeat(expression), repeat(connection)))
            columns[position] = read
        yield columns


class StatementQuerySet(models.QuerySet["Statement"]):
    def as_of(self, day: date | None = None, *, corrected: bool = False) -> Self:
        """Each contribution's statement in force on ``day`` (today when None).

        In force: the latest statement from a document dated on or before the day (a range
        filter on ``document_date`` and ``superseded_on``, the same SQL on every database).
        With ``corrected``, the state on that day *as we know it now*: a statement that a later
        correction names is replaced by that correction, which then carries
        ``shown_in_place=True`` (its values stand in for the statement in force on the day).

        Filters chained before or after narrow the result (``.as_of(d).filter(status=...)`` is
        "statements in force that say ..."); they do not change which statement is in force.
        """
        if day is None:
            # "Current" is as of today: a document dated later takes effect on its date.
            day = timezone.localdate()
        in_force = in_force_on(day)
        if not corrected:
            return self.filter(in_force).annotate(shown_in_place=Value(False))
        replacements = self.model._default_manager.filter(
            in_force, corrected_by__isnull=False
        ).values("corrected_by")
        return self.filter(
            (in_force & Q(corrected_by__isnull=True)) | Q(pk__in=replacements)
        ).annotate(
            shown_in_place=Case(
                When(document_date__gt=day, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )

    def current(self, *, corrected: bool = False) -> Self:
        """Each contribution's statement in force today."""
        return self.as_of(None, corrected=corrected)

    def corrected_later(self) -> Self:
        """Rows whose statement a later correction names (as-of views say so in a line)."""
        return self.filter(corrected_by__isnull=False, shown_in_place=False)

    def active_on(self, day: date) -> Self:
        """Statements whose period covers ``day`` and that commit to something (not explored or
        found not feasible). Chain after ``as_of`` for "what was running on that day"."""
        return self.filter(active_condition(self.model, day))

    def with_activity(self, day: date) -> Self:
        """Annotate ``activity``: ``active`` on ``day``, else why not (see ``activity_on``)."""
        return self.annotate(activity=activity_on(self.model, day))

    def expiring_within(self, *, months: int, today: date) -> Self:
        """Commitments whose end falls from ``today`` up to ``months`` calendar months later,
        both days included. The one rule for "expiring": the table's filter, the expiring report
        and the dashboard's lists all use it. A status that commits to nothing (explored,
        intended, ...) has no mandate to expire."""
        return self.exclude(status__in=self.model.NOT_COMMITTED).filter(
            end_date__gte=today, end_date__lte=add_months(today, months)
        )

    def published_between(self, first: date, last: date) -> Self:
        """Statements from documents dated ``first`` to ``last``, both included.

        Read by the document's own date (the same as the statement's ``document_date``), so that
        the database walks the period's documents by their date index."""
        return self.filter(document__date__gte=first, document__date__lte=last)

    def with_related(self) -> Self:
        """Everything a table row or export shows, in the same query."""
        return self.select_related(
            "document",
            "contribution__mission__organization",
            "contribution__mission__region",
            # What a row cites when a correction stands in for it, or corrected it later.
            "corrects__document",
            "corrected_by__document",
        )

    def reading(self, paths: Iterable[str]) -> Self:
        """Each statement with only ``paths`` read (``document__date``, ``contribution__name``),
        in the same query: every relation a path crosses is joined (``select_related``) and read
        for those fields alone. For pages and files that show a few fields of a wide join: the
        rest of the six tables' columns would be read and converted for nothing (and touching
        a field left out costs a query, which the query-count tests would show)."""
        paths = tuple(paths)
        relations = {path.rpartition("__")[0] for path in paths if "__" in path}
        return self.select_related(*sorted(relations)).only(*paths)

    def page_by_ids(self, start: int, stop: int) -> Self:
        """Rows ``start`` to ``stop`` of this queryset, in its order, in one query whose ids come
        first: a subquery reads only what the filters and the sort need (the statement, its
        contribution and mission, by their indexes) and sorts those narrow rows; the outer query
        joins everything a row shows for those 50 ids alone. Reading whole rows while looking
        for a rare status made each probed row join nine tables (the filtered table at 100,000
        contributions: ~1,350 probed for 50 shown).

        On SQLite only. PostgreSQL reads the plain page well (an index scan on the mission
        name and an incremental sort: 35 ms at 1,000,000 contributions), but plans ``id IN
        (subquery LIMIT 50)`` as a hash semi-join of the 50 ids with every statement already
        joined to its nine tables: 12 s at 1,000,000 (``make bench``, EXPLAIN ANALYZE)."""
        if connections[self.db].vendor != "sqlite":
            return self[start:stop]
        ids = self.values("pk")[start:stop]
        rows = self.all()
        # The ids already carry every filter: repeating them outside (the corrected view's
        # subquery over every statement in force) would only be read twice.
        rows.query.where = WhereNode()
        return rows.filter(pk__in=ids)

    def with_shown_total(self) -> Self:
        """Annotate ``shown_total``: the total a reader sees (see ``EFFECTIVE_TOTAL``)."""
        return self.annotate(shown_total=EFFECTIVE_TOTAL)

    def export_columns(
        self, fields: Sequence[str], chunk_size: int = EXPORT_CHUNK_ROWS
    ) -> Iterator[Columns]:
        """The values of ``fields`` (paths such as ``contribution__mission__name``) in this
        queryset's order, fetched ``chunk_size`` rows at a time and handed over as each chunk's
        columns (one sequence per field, in the order given; ``zip(*columns)`` gives its rows).

        For exports of every row: a model instance per table joined (six per statement) costs
        ten times the time and memory of a tuple. One query; ``select_related`` is not needed.

        On PostgreSQL the rows come through a server-side cursor inside a transaction of their
        own: outside one, Django declares the cursor ``WITH HOLD``, and PostgreSQL then computes
        every row before it returns the first (62 s at a million contributions). Inside it the
        cursor is planned for its first rows (``EXPORT_CURSOR_SETTINGS``).
        """
        return in_read_transaction(
            _converted_columns(self.values_list(*fields), chunk_size), self.db
        )

    def export_rows(
        self, fields: Sequence[str], chunk_size: int = EXPORT_CHUNK_ROWS
    ) -> Iterator[tuple[Any, ...]]:
        """The same values as plain tuples, one per row (``export_columns``)."""
        return chain.from_iterable(
            zip(*columns, strict=True) for columns in self.export_columns(fields, chunk_size)
        )

    def newest_first(self) -> Self:
        return self.order_by(*LATEST_FIRST)


def related_count(related: type[models.Model], link: str) -> Coalesce:
    """How many rows of ``related`` name the outer row by ``link`` (a foreign key), as a
    subquery per row along that key's index, to annotate a list that is paged: a page of 50
    counts for those 50. Joined and grouped instead (``Count("statements")``), every related
    row of every listed row is counted before the page is cut (the documents page at 5,000
    documents and 300,000 statements: 96 ms of 135; the admin's missions: 193 ms)."""
    counted = (
        related._default_manager.filter(**{link: models.OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    # No related row: no group, so no row; that is 0.
    return Coalesce(models.Subquery(counted), 0, output_field=IntegerField())


class SourceDocumentQuerySet(models.QuerySet):
    def with_statement_count(self) -> Self:
        """Annotate ``statement_count``: how many statements each document made
        (``related_count``)."""
        from missions.models.statements import Statement  # the models import this module

        return self.annotate(statement_count=related_count(Statement, "document"))
