"""Reading rules for statements, with intent names.

One rule gives the table, the history, the as-of view and the changes report: a contribution's
state on day D is its latest statement from a document dated on or before D ("latest" is by
document date, ties broken by the document's id, so the answer never depends on row order).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models import Case, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from missions.dates import add_months

if TYPE_CHECKING:
    pass

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

# Newest first: the order that defines "latest" everywhere.
LATEST_FIRST = ("-document_date", "-document_id")


class StatementQuerySet(models.QuerySet["Statement"]):
    def as_of(self, day: date | None) -> Self:
        """Each contribution's latest statement from a document dated on or before ``day``.

        ``None`` means no cut-off: the current state. Filters chained before or after narrow the
        result (e.g. ``.as_of(d).filter(status=...)`` is "latest statements that say ..."); they do
        not change which statement is the latest.
        """
        candidates = self.model._default_manager.filter(contribution=OuterRef("contribution"))
        if day is not None:
            candidates = candidates.filter(document_date__lte=day)
        latest = candidates.order_by(*LATEST_FIRST).values("pk")[:1]
        return self.filter(pk=Subquery(latest))

    def current(self) -> Self:
        """Each contribution's latest statement, whatever its date."""
        return self.as_of(None)

    def active_on(self, day: date) -> Self:
        """Statements whose period covers ``day`` and that commit to something (not explored or
        found not feasible). Chain after ``as_of`` for "what was running on that day"."""
        from missions.models import Statement

        started = Q(start_date__isnull=True) | Q(start_date__lte=day)
        not_over = Q(end_date__gte=day) | Q(end_date__isnull=True) & ~Q(
            status=Statement.Status.ENDED
        )
        return self.exclude(status__in=Statement.NOT_COMMITTED).filter(started & not_over)

    def expiring_within(self, *, months: int, today: date) -> Self:
        """Statements whose end falls from ``today`` up to ``months`` calendar months later."""
        return self.filter(end_date__gte=today, end_date__lte=add_months(today, months))

    def published_between(self, first: date, last: date) -> Self:
        """Statements from documents dated ``first`` to ``last``, both included."""
        return self.filter(document_date__gte=first, document_date__lte=last)

    def with_related(self) -> Self:
        """Everything a table row or export shows, in the same query."""
        return self.select_related(
            "document",
            "contribution__mission__organization",
            "contribution__mission__region",
        )

    def with_shown_total(self) -> Self:
        """Annotate ``shown_total``: the total a reader sees (see ``EFFECTIVE_TOTAL``)."""
        return self.annotate(shown_total=EFFECTIVE_TOTAL)

    def export_rows(
        self, fields: Sequence[str], chunk_size: int = EXPORT_CHUNK_ROWS
    ) -> Iterator[tuple[Any, ...]]:
        """The values of ``fields`` (paths such as ``contribution__mission__name``) per row, as
        plain tuples in this queryset's order, fetched ``chunk_size`` rows at a time.

        For exports of every row: a model instance per table joined (six per statement) costs
        ten times the time and memory of a tuple. One query; ``select_related`` is not needed.
        """
        return self.values_list(*fields).iterator(chunk_size=chunk_size)

    def newest_first(self) -> Self:
        return self.order_by(*LATEST_FIRST)
