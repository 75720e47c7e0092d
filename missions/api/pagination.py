"""Pages of API lists, with ``next`` and ``previous`` links and the number of rows."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination

MAX_PAGE_SIZE = 500


class Pages(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
