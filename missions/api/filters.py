"""The pages' filters, adapted for the API: the same FilterSet, stricter about bad input.

The contributions endpoint runs ``missions.web.filters.filter_contributions`` with the request's
query string, exactly as the table page and its download do, and sorts with the table's own
``sort`` rule (``missions.reading.sorting``). Where the page drops an invalid filter with
a notice, the API answers 400 naming the parameter: a script must not silently get other rows.
The OpenAPI parameters are derived from the FilterSet's fields, so the schema cannot drift.
"""

from __future__ import annotations

from datetime import date

import django_filters
from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from missions.columns import REGISTRY
from missions.dates import validate_date_in_range
from missions.models import Statement
from missions.reading.querysets import StatementQuerySet
from missions.reading.sorting import order_rows, sort_keys, sortable
from missions.web.filters import MAX_ID, ContributionFilter, filter_contributions


def contribution_rows(params: QueryDict, today: date) -> StatementQuerySet:
    """The table's rows for ``params`` (filters, as_of, sort), or a 400 naming what is wrong."""
    filterset, rows = filter_contributions(params, today)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    sort = sort_keys(params)
    unknown = [key for key in sort if key.removeprefix("-") not in sortable_columns()]
    if unknown:
        raise ValidationError(
            {"sort": [_("Cannot sort by %(keys)s.") % {"keys": ", ".join(unknown)}]}
        )
    return order_rows(rows, sort)


def sortable_columns() -> list[str]:
    """The table's columns a row list can be sorted by, in the table's order."""
    return [column.name for column in REGISTRY.table_columns() if sortable(column.name)]


def _parameter(name: str, field: django_filters.Filter) -> OpenApiParameter:
    description = str(field.label or name)
    if field.extra.get("help_text"):
        description += f": {field.extra['help_text']}"
    many = isinstance(
        field, django_filters.MultipleChoiceFilter | django_filters.ModelMultipleChoiceFilter
    )
    enum = None
    kind: OpenApiTypes | dict[str, object]
    if isinstance(field, django_filters.DateFilter):
        kind = OpenApiTypes.DATE
    elif isinstance(field, django_filters.BooleanFilter):
        kind = OpenApiTypes.BOOL
    elif isinstance(field, django_filters.NumberFilter):
        kind = OpenApiTypes.INT
    elif isinstance(field, django_filters.ModelChoiceFilter):
        kind = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    else:
        kind = OpenApiTypes.STR
        if isinstance(field, django_filters.MultipleChoiceFilter) and "choices" in field.extra:
            enum = [value for value, _label in field.extra["choices"]]
    return OpenApiParameter(
        name,
        kind,
        OpenApiParameter.QUERY,
        description=description,
        many=many,
        enum=enum,
        explode=True if many else None,
    )


def contribution_parameters() -> list[OpenApiParameter]:
    """Every filter of the table as a query parameter, plus ``sort``."""
    parameters = [_parameter(name, f) for name, f in ContributionFilter.base_filters.items()]
    columns = sortable_columns()
    parameters.append(
        OpenApiParameter(
            "sort",
            OpenApiTypes.STR,
            OpenApiParameter.QUERY,
            description=_("Column to sort by, '-' first for descending; comma-separated."),
            enum=columns + [f"-{name}" for name in columns],
        )
    )
    return parameters


class IdFilter(django_filters.NumberFilter):
    """A whole number that fits an id column (a bigger one would overflow the query)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StatementFilter(django_filters.FilterSet):
    """The statements endpoint: by contribution, mission, document, and document date range."""

    contribution = IdFilter(field_name="contribution_id", label="Contribution id")
    mission = IdFilter(field_name="contribution__mission_id", label="Mission id")
    document = IdFilter(field_name="document_id", label="Source document id")
    date_from = django_filters.DateFilter(
        field_name="document_date",
        lookup_expr="gte",
        label="Document dated on or after",
        validators=[validate_date_in_range],
    )
    date_to = django_filters.DateFilter(
        field_name="document_date",
        lookup_expr="lte",
        label="Document dated on or before",
        validators=[validate_date_in_range],
    )

    class Meta:
        model = Statement
        fields: list[str] = []
