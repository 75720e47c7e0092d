"""Sorting the contributions: the table, its downloads and the API read ``sort`` here, once.

The paths each column sorts by are the column registry's (``missions.columns``); django-tables2
only shows which columns are sorted (``missions.web.tables``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import F, OrderBy
from django.http import QueryDict

from missions.columns import DEFAULT_SORT, REGISTRY, Registry

if TYPE_CHECKING:
    from missions.reading.querysets import StatementQuerySet


def sort_keys(params: QueryDict) -> list[str]:
    """The ``sort`` parameter (repeated or comma-separated), as sent: "-end", "mission"."""
    return [key for value in params.getlist("sort") for key in value.split(",") if key]


def sortable(key: str, registry: Registry = REGISTRY) -> bool:
    column = registry.by_key().get(key.removeprefix("-"))
    return column is not None and bool(column.sort) and column.table == column.key


def order_rows(
    rows: StatementQuerySet, keys: Sequence[str], registry: Registry = REGISTRY
) -> StatementQuerySet:
    """``rows`` sorted by the sortable ``keys`` (others are left out: see ``sortable``), then
    by id, so that rows tying on the keys come in one order on every database."""
    ordering: list[str | OrderBy] = []
    for key in keys:
        if not sortable(key, registry):
            continue
        column = registry[key.removeprefix("-")]
        descending = key.startswith("-")
        if column.sort_annotation:
            # The total shown: unknown sorts last both ways, as it is no figure at all.
            rows = rows.with_shown_total()
            expression = F(column.sort_annotation)
            ordering.append(
                expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
            )
        else:
            ordering += [f"-{path}" if descending else path for path in column.sort]
    if not ordering:
        return rows
    return rows.order_by(*ordering, "pk")


def default_order(registry: Registry = REGISTRY) -> tuple[str, ...]:
    return (*registry[DEFAULT_SORT].sort, "pk")
