"""Filters that say what they leave out, and one rule for "expiring" (table filter, report)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from missions.dates import add_months
from missions.models import Statement, Status
from missions.reading import reports
from tests import factories as f


def _rows(response) -> list[str]:
    return [row.record.contribution.name for row in response.context["table"].paginated_rows]


def test_it_says_how_many_rows_without_an_end_an_end_filter_leaves_out(viewer_client, real_data):
    """The issue's case: "EU, ends on or before 30 June 2027" has nothing to show, and says
    that 5 of the 6 EU rows state no end (the sixth, Aspides, ends in June 2028)."""
    response = viewer_client.get("/", {"organization": "EU", "end_before": "2027-06-30"})

    assert _rows(response) == []
    assert response.context["notices"][0] == (
        "5 rows without a stated end (open-ended or not given) are not shown: an end filter "
        "cannot place them."
    )
    assert "5 rows without a stated end" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [{"end_after": "2025-01-01"}, {"end_before": "2030-01-01"}, {"expires_within": "12"}],
)
def test_it_counts_the_rows_left_out_by_each_end_filter(viewer_client, db, params):
    f.statement(contribution=f.contribution(name="open"), open_ended=True)
    f.statement(contribution=f.contribution(name="unknown"))
    f.statement(contribution=f.contribution(name="dated"), end_date=add_months(date.today(), 6))

    response = viewer_client.get("/", params)

    assert response.context["notices"][0].startswith("2 rows without a stated end")


def test_it_says_nothing_without_an_end_filter(viewer_client, db):
    f.statement(contribution=f.contribution(name="open"), open_ended=True)

    response = viewer_client.get("/", {"status": "continued"})

    assert response.context["notices"] == []


@pytest.fixture
def ending(db):
    """Mandates ending on and around the edges of a 3-month horizon from today."""
    today = timezone.localdate()
    horizon = add_months(today, 3)

    def add(name: str, end: date, **fields) -> Statement:
        return f.statement(contribution=f.contribution(name=name), end_date=end, **fields)

    add("ended yesterday", today - timedelta(days=1))
    add("ends today", today)
    add("ends on the horizon", horizon)
    add("ends a day later", horizon + timedelta(days=1))
    add("explored", today + timedelta(days=5), status=Status.EXPLORED)
    add("intended", today + timedelta(days=5), status=Status.INTENDED)
    return today


def test_it_has_one_rule_for_expiring_in_the_filter_and_the_report(viewer_client, ending):
    table = viewer_client.get("/", {"expires_within": "3", "sort": "end"})
    report = reports.expiring(Statement.objects.all(), 3, ending)

    expected = ["ends today", "ends on the horizon"]
    assert _rows(table) == expected
    assert [s.contribution.name for s in report] == expected
    page = viewer_client.get("/reports/expiring/", {"months": "3"})
    assert [row.statement.contribution.name for row in page.context["rows"]] == expected


def test_it_says_which_filters_are_in_use_for_print(viewer_client, db):
    f.statement(
        contribution=f.contribution(mission=f.mission(organization=f.organization(acronym="EU")))
    )

    response = viewer_client.get(
        "/",
        {"organization": "EU", "status": ["continued", "not_feasible"], "end_before": "2027-06-30"},
    )

    assert response.context["applied_filters"] == [
        ("Organization", "EU"),
        ("Status", "continued, not feasible"),
        ("Ends on or before", "June 30, 2027"),
    ]
    html = " ".join(response.content.decode().split())
    assert '<span class="active-filter">Organization: EU</span>' in html
    assert viewer_client.get("/").context["applied_filters"] == []


# The table's plain count (tests/test_contributions_table.py: the first view after a write
# counts, a repeated one reads the stored counts) plus one COUNT for the rows an end filter
# leaves out (not stored: only asked for with an end filter).
QUERIES_WITH_END_FILTER_COUNTED = 15
QUERIES_WITH_END_FILTER_STORED = 11


def test_it_counts_what_an_end_filter_leaves_out_in_one_query_at_any_size(
    viewer_client, django_assert_num_queries
):
    url = "/?end_before=2027-06-30"
    f.portfolio(10)
    viewer_client.get("/?q=warm")  # warm up: the session's first save differs
    with django_assert_num_queries(QUERIES_WITH_END_FILTER_COUNTED):
        viewer_client.get(url)
    with django_assert_num_queries(QUERIES_WITH_END_FILTER_STORED):
        viewer_client.get(url)
    f.portfolio(490)
    with django_assert_num_queries(QUERIES_WITH_END_FILTER_COUNTED):
        response = viewer_client.get(url)
    assert response.context["notices"] == []  # every portfolio row states its end
