"""The statements list of the API: newest document first, each page read ids first."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from missions.models import Statement
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def statements(db) -> list[int]:
    """Seven statements on four documents (two on the same day), in the list's order."""
    made = []
    for day, per_document in ((3, 2), (1, 1), (3, 2), (2, 2)):
        document = factories.document(date=date(2025, 4, day))
        made += [factories.statement(document=document) for _ in range(per_document)]
    newest_first = sorted(made, key=lambda s: (s.document.date, s.document_id, -s.pk), reverse=True)
    return [s.pk for s in newest_first]


def test_it_pages_the_statements_newest_document_first(viewer_client, statements):
    pages = [
        viewer_client.get("/api/v1/statements/", {"page_size": 3, "page": number}).json()
        for number in (1, 2, 3)
    ]

    assert [[row["id"] for row in page["results"]] for page in pages] == [
        statements[0:3],
        statements[3:6],
        statements[6:7],
    ]
    assert {page["count"] for page in pages} == {7}
    assert pages[2]["next"] is None
    # Past the end: 404, as DRF answers it.
    assert viewer_client.get("/api/v1/statements/", {"page_size": 3, "page": 4}).status_code == 404


def test_it_reads_a_page_ids_first_with_its_filters(viewer_client, statements):
    later = [pk for pk in statements if Statement.objects.get(pk=pk).document_date.day >= 2]
    with CaptureQueriesContext(connection) as queries:
        body = viewer_client.get(
            "/api/v1/statements/", {"page_size": 2, "page": 2, "date_from": "2025-04-02"}
        ).json()

    assert [row["id"] for row in body["results"]] == later[2:4]
    assert body["count"] == len(later) == 6
    (rows,) = (q["sql"] for q in queries.captured_queries if '"missions_region"' in q["sql"])
    if connection.vendor == "sqlite":
        # The ids of the page in a subquery, sorted before the nine tables are joined.
        assert '"missions_statement"."id" IN (SELECT' in rows
        assert "LIMIT 2 OFFSET 2" in rows


def test_the_contributions_list_reads_a_sorted_page_ids_first(viewer_client, statements):
    """As the table's pages: the ids of the page sorted in a subquery, then their rows joined
    (sorted by total at 100,000 contributions: page 300 took 2.1 s, ids first 0.34 s)."""
    in_force = Statement.objects.current()
    by_total = sorted(in_force, key=lambda s: (-(s.effective_total or -1), s.pk))
    with CaptureQueriesContext(connection) as queries:
        body = viewer_client.get(
            "/api/v1/contributions/", {"page_size": 3, "page": 2, "sort": "-total"}
        ).json()

    assert body["count"] == len(by_total) == 7
    shown = [row["id"] for row in body["results"]]
    assert len(shown) == 3
    assert set(shown) <= {s.pk for s in by_total}
    totals = [row["total"] for row in body["results"]]
    assert totals == sorted(totals, key=lambda t: -(t or -1))
    if connection.vendor == "sqlite":
        (rows,) = (q["sql"] for q in queries.captured_queries if '"missions_region"' in q["sql"])
        assert '"missions_statement"."id" IN (SELECT' in rows
        assert "LIMIT 3 OFFSET 3" in rows
