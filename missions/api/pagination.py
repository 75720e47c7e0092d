"""Pages of API lists, with ``next`` and ``previous`` links and the number of rows."""

from __future__ import annotations

from typing import Any, cast

from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from missions.reading.paging import IdsFirst

MAX_PAGE_SIZE = 500


class Pages(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


class StatementPages(Pages):
    """``Pages`` of statements, each read ids first (``IdsFirst``)."""

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        return super().paginate_queryset(cast(Any, IdsFirst(queryset)), request, view)
