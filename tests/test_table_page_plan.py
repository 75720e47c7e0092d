"""A page of the table is read ids first (``page_by_ids``): the same rows in the same order, and a
plan that joins the nine tables a row shows for the page's 50 ids only."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.http import QueryDict

from bench.synthetic import generate
from missions.reading.sorting import order_rows
from missions.web.filters import filter_contributions

TODAY = date(2026, 12, 2)


@pytest.fixture
def analyzed(db):
    generate(1000, seed=1)  # the bench's portfolio: a document per 20, three statements each
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _rows(query: str, sort: list[str]):
    _filterset, rows = filter_contributions(QueryDict(query), TODAY)
    return order_rows(rows, sort) if sort else rows


@pytest.mark.parametrize(
    ("query", "sort", "page"),
    [
        ("status=explored", [], 1),
        ("", [], 2),
        ("", ["-total"], 3),
        ("as_of=2025-05-01&corrected=1", ["-end"], 1),
        ("organization=EU", ["source"], 2),
        ("status=extended", ["-end"], 1),
    ],
)
def test_a_page_read_ids_first_holds_the_rows_of_the_plain_slice(analyzed, query, sort, page):
    rows = _rows(query, sort)
    start, stop = (page - 1) * 50, page * 50

    paged = list(rows.page_by_ids(start, stop))

    assert [row.pk for row in paged] == [row.pk for row in rows[start:stop]]
    assert paged
    # What a row shows (its correction mark, its total) is still annotated.
    assert [row.shown_in_place for row in paged] == [row.shown_in_place for row in rows[start:stop]]


def test_a_rare_status_is_found_on_narrow_rows_and_joined_for_its_page_only(analyzed):
    """``?status=explored`` probed about 1,350 contributions at 100,000, each joined to nine
    tables before it was known to be explored. Now the probing reads only the statement, its
    contribution and mission (by index), and the joins are made for the 50 ids found."""
    sql, params = _rows("status=explored", []).page_by_ids(0, 50).query.sql_with_params()
    if connection.vendor == "postgresql":
        # PostgreSQL plans ``id IN (subquery LIMIT 50)`` as a hash semi-join over every
        # statement joined to its nine tables (12 s at 1,000,000 contributions) and the plain
        # page well (an index scan on the mission name): it gets the plain page.
        assert " IN (SELECT " not in sql, sql
        assert sql.endswith("LIMIT 50"), sql
        return
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [str(row[-1]) for row in cursor.fetchall()]
        assert plan[0] == "SEARCH missions_statement USING INTEGER PRIMARY KEY (rowid=?)", plan
        assert plan[1].startswith("LIST SUBQUERY"), plan
        # The subquery: mission and contribution names from their indexes alone.
        assert plan[2] == (
            "SCAN missions_mission USING COVERING INDEX sqlite_autoindex_missions_mission_1"
        ), plan
        assert plan[3].startswith("SEARCH missions_contribution USING COVERING INDEX"), plan
        # None of the nine joins of a shown row is inside the subquery.
        subquery = plan[2:5]
        assert not any("sourcedocument" in step or "organization" in step for step in subquery)
