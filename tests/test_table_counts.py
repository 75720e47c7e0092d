"""The contributions table's counts, stored per data version (missions.web.counting): the same
counts as counting them afresh, reused until any write, never stale, and the export's cursor."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.models import Count
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.synthetic import generate
from missions.models import DataVersion, Statement, TableCounts
from missions.models import table_counts as stored_counts
from missions.models.data_version import current_version
from missions.web.counting import FACET_GROUPS, count, table_counts
from missions.web.filters import filter_contributions
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 2)


def _sql_of(client, url: str) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, [query["sql"] for query in captured.captured_queries]


def _facet(response, name: str) -> dict[str, int]:
    facet = next(facet for facet in response.context["facets"] if facet.name == name)
    return {option.value: option.count for option in facet.options if option.count}


def _counted_apart(params: str) -> tuple[int, dict[str, dict[str, str | int]]]:
    """The counts as the table had them before they were stored: a COUNT of the rows and one
    GROUP BY per facet over the other filters, by acronym and name (joins and all)."""
    filterset, rows = filter_contributions(QueryDict(params), TODAY)
    keys = {
        "organization": "contribution__mission__organization__acronym",
        "region": "contribution__mission__region__name",
        "status": "status",
    }
    facets = {}
    for name, key in keys.items():
        grouped = filterset.filter_without(name).order_by().values(key).annotate(n=Count("pk"))
        facets[name] = {str(group[key]): group["n"] for group in grouped}
    return rows.count(), facets


@pytest.fixture
def mixed():
    """Two organizations and regions, statements from two documents with several statuses."""
    eu, un = f.organization(acronym="EU"), f.organization(acronym="UN")
    sea, land = f.region(name="Red Sea"), f.region(name="Balkans")
    early, late = f.document(date=date(2025, 1, 10)), f.document(date=date(2025, 6, 1))
    statuses = ["new", "explored", "extended", "ended", "explored", "continued"]
    for i, status in enumerate(statuses):
        mission = f.mission(organization=(eu, un)[i % 2], region=(sea, land)[i // 3])
        contribution = f.contribution(mission=mission)
        f.statement(contribution=contribution, document=early, status="new")
        if i % 3:
            f.statement(contribution=contribution, document=late, status=status)


VIEWS = [
    "",
    "as_of=2025-03-01",
    "as_of=2025-07-01&corrected=1",
    "status=explored",
    "status=explored&status=new&organization=EU",
    "status=explored&organization=UN&region=Balkans",
    "organization=EU&region=Red+Sea&status=new&status=ended&status=explored",
    "status=bogus",  # an invalid choice: left out, the other filters (none) count
]


@pytest.mark.parametrize("params", VIEWS)
def test_it_counts_what_a_count_and_a_group_by_per_facet_count(mixed, params):
    filterset, _rows = filter_contributions(QueryDict(params), TODAY)
    counted = count(filterset)
    rows, facets = _counted_apart(params)

    assert counted.rows == rows
    for name in FACET_GROUPS:
        assert counted.facets[name] == facets[name], name


@pytest.mark.parametrize("params", VIEWS)
def test_it_shows_the_same_counts_stored_as_counted(mixed, viewer_client, params):
    counted, _sql = _sql_of(viewer_client, f"/?{params}")
    stored, sql = _sql_of(viewer_client, f"/?{params}")

    assert not [query for query in sql if "GROUP BY" in query or "COUNT(" in query]
    rows, facets = _counted_apart(params)
    for response in (counted, stored):
        assert response.context["table"].paginator.count == rows
        for name in FACET_GROUPS:
            assert _facet(response, name) == {k: v for k, v in facets[name].items() if v}


def test_it_counts_again_after_any_write(mixed, viewer_client):
    before, _sql = _sql_of(viewer_client, "/?status=explored")
    assert before.context["table"].paginator.count == 2
    version = current_version()
    # Viewing stores counts; that is no write to the data (the version stays).
    _sql_of(viewer_client, "/?status=explored")
    assert current_version() == version

    late = Statement.objects.filter(status="new").order_by("pk").first()
    f.statement(
        contribution=late.contribution,
        document=f.document(date=date(2025, 9, 1)),
        status="explored",
    )
    after, sql = _sql_of(viewer_client, "/?status=explored")

    assert [query for query in sql if "GROUP BY" in query]
    assert after.context["table"].paginator.count == 3
    assert _facet(after, "status")["explored"] == 3
    assert "Showing 1\u20133 of 3 contributions" in after.content.decode()


def test_it_counts_again_after_a_write_that_bypasses_the_models(mixed, viewer_client):
    _sql_of(viewer_client, "/")
    Statement.objects.filter(status="explored").update(status="ended")  # one UPDATE, no save()
    response, sql = _sql_of(viewer_client, "/")
    assert [query for query in sql if "GROUP BY" in query]
    assert "explored" not in _facet(response, "status")


def test_it_keeps_counts_per_day_so_current_moves_on_with_the_date(
    mixed, viewer_client, monkeypatch
):
    monkeypatch.setattr(timezone, "localdate", lambda: date(2025, 3, 1))
    first, _sql = _sql_of(viewer_client, "/")
    monkeypatch.setattr(timezone, "localdate", lambda: date(2025, 7, 1))
    later, _sql = _sql_of(viewer_client, "/")
    # On 1 March only the January statements are in force, all "new"; by July four moved on.
    assert _facet(first, "status") == {"new": 6}
    assert _facet(later, "status") == {"new": 2, "explored": 2, "extended": 1, "continued": 1}


def test_it_never_stores_a_search(mixed, viewer_client):
    _sql_of(viewer_client, "/?q=contribution")
    _response, sql = _sql_of(viewer_client, "/?q=contribution")
    assert [query for query in sql if "GROUP BY" in query]
    assert not TableCounts.objects.exists()


def test_it_keeps_only_the_counts_of_the_current_version(db):
    DataVersion.objects.update_or_create(pk=1, defaults={"version": 7})
    stored_counts.store("old view", 6, "{}")
    stored_counts.store("view", 7, '{"n": 7}')
    # A reader that read version 6 before a write and counted since never overwrites 7's.
    stored_counts.store("view", 6, '{"n": 6}')

    assert list(TableCounts.objects.values_list("key", "version", "counts")) == [
        ("view", 7, '{"n": 7}')
    ]
    assert stored_counts.lookup("view") == (7, '{"n": 7}')
    assert stored_counts.lookup("other view") == (7, None)


def test_it_counts_once_per_request(mixed, viewer_client):
    filterset, _rows = filter_contributions(QueryDict(""), TODAY)
    assert table_counts(filterset) is table_counts(filterset)


# --- the export's cursor ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_it_reads_an_export_in_a_transaction_planned_for_its_first_rows():
    f.portfolio(3)
    rows = Statement.objects.as_of(TODAY).export_rows(["pk", "status"], chunk_size=2)
    first = next(rows)
    if connection.vendor == "postgresql":
        # Outside a transaction Django would declare the cursor WITH HOLD: PostgreSQL then
        # computes every row before the first.
        assert connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("SHOW cursor_tuple_fraction")
            assert cursor.fetchone()[0] == "0.0001"
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
    else:
        # SQLite streams rows as its cursor steps; a transaction would take the write lock.
        assert not connection.in_atomic_block
    assert len([first, *rows]) == 3
    assert not connection.in_atomic_block


# --- the page's plan --------------------------------------------------------------------------


def test_it_reads_a_page_down_the_mission_name_index_once_analyzed(db):
    """With the planner's statistics (generate_data, load_real_data and restore run ANALYZE),
    a page of the table walks the missions in name order and stops after 50 rows; it does not
    read and sort every statement in force (1.6 s at 100,000 contributions on SQLite)."""
    generate(1000, seed=1)  # the bench's portfolio: a document per 20, three statements each
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _filterset, rows = filter_contributions(QueryDict(""), TODAY)
    sql, params = rows[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "missions_mission_unique_name" in plan, plan
            assert "Seq Scan on missions_statement" not in plan, plan
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            assert plan.splitlines()[0].startswith("SCAN missions_mission USING INDEX"), plan
            assert "SCAN missions_statement" not in plan, plan
            assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
