"""Each report and download runs the same number of SQL queries with 10 or 500 contributions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from missions.models import Statement
from missions.reading import reports
from tests import factories

YEAR_2025 = {"from": "2025-01-01", "to": "2025-12-31"}
# Each report as a staff member opens it, and its downloads; far-reaching parameters so that
# every contribution shows up in each of them. With the queries each runs: the 8 of every staff
# request (session, user, two for the permission, the data version, three to save the session),
# then its own.
REQUESTS = {
    "summary page": ("summary", {}, 8 + 1),
    "summary csv": ("summary", {"format": "csv"}, 8 + 1),
    "summary xlsx": ("summary", {"format": "xlsx", "as_of": "2025-06-01"}, 8 + 1),
    "expiring page": ("expiring", {"months": "1200"}, 8 + 2),
    "expiring csv": ("expiring", {"months": "1200", "format": "csv"}, 8 + 1),
    "expiring xlsx": ("expiring", {"months": "1200", "format": "xlsx"}, 8 + 1),
    # The changes: the history compared (statements alone), then the rows shown with their
    # documents and missions (``reports.changes``); the page also counts, pages and reads fixes.
    "changes page": ("changes", YEAR_2025, 8 + 5),
    "changes csv": ("changes", {**YEAR_2025, "format": "csv"}, 8 + 2),
    "changes xlsx": ("changes", {**YEAR_2025, "format": "xlsx"}, 8 + 2),
    "contributions csv": ("contributions", {"format": "csv"}, 8 + 1),
    "contributions excel-csv": ("contributions", {"format": "excel-csv", "status": "new"}, 8 + 1),
    # The workbook's title block lists the documents its rows cite: one more query.
    "contributions xlsx": ("contributions", {"format": "xlsx", "sort": "-total"}, 8 + 2),
}


def add_contributions(n: int) -> None:
    """``n`` contributions; every second one revised by a later document, for the changes."""
    made = factories.portfolio(n)
    later = factories.document(date=date(2025, 5, 23), kind="written_consultation")
    for statement in made[::2]:
        factories.statement(
            contribution=statement.contribution,
            document=later,
            kind=Statement.Kind.CORRECTION,
            status=statement.status,
            military=(statement.military or 0) + 1,
            end_date=date(2028, 6, 30),
        )


def run_each_report(client, django_assert_num_queries) -> None:
    for label, (name, params, queries) in REQUESTS.items():
        with django_assert_num_queries(queries, info=label):
            response = client.get(reverse(f"reports:{name}"), params)
            # A download's queries run while it streams, so read it inside the count.
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
        assert response.status_code == 200, label
        assert content, label


@pytest.mark.django_db
def test_it_runs_every_report_in_the_same_number_of_queries_for_10_or_500(
    viewer_client, django_assert_num_queries
):
    add_contributions(10)
    run_each_report(viewer_client, django_assert_num_queries)

    add_contributions(490)
    run_each_report(viewer_client, django_assert_num_queries)

    assert Statement.objects.current().count() == 500


@pytest.mark.django_db
def test_it_shows_every_contribution_in_the_measured_downloads(viewer_client):
    """Guards the test above: the counts are taken over all rows, not an empty report."""
    add_contributions(12)

    def lines(name: str, params: dict) -> int:
        response = viewer_client.get(reverse(f"reports:{name}"), params)
        return b"".join(response.streaming_content).count(b"\r\n")

    assert lines("contributions", {"format": "csv"}) == 1 + 12
    assert lines("changes", {"from": "2025-01-01", "to": "2025-12-31", "format": "csv"}) == 1 + 18
    expiring = Statement.objects.current().exclude(status__in=Statement.NOT_COMMITTED)
    expected = expiring.filter(end_date__gte=timezone.localdate()).count()
    assert expected > 0
    assert lines("expiring", {"months": "1200", "format": "csv"}) == 1 + expected


@pytest.mark.django_db
def test_the_changes_page_walks_the_period_by_the_document_date_index():
    # Documents on many days, so that the period is a narrow range of them, as in real use.
    for day in range(1, 29):
        document = factories.document(date=date(2025, 2, day))
        for statement in factories.portfolio(3, document_date=date(2025, 1, day)):
            factories.statement(contribution=statement.contribution, document=document)
    first, last = date(2025, 2, 10), date(2025, 2, 12)
    page = reports.changes_in_period(first, last).values_list("pk", flat=True)[:100]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
        else:
            cursor.execute("ANALYZE")
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            # Read in the index's order: only the names are sorted, within a document.
            assert "RIGHT PART OF ORDER BY" in plan, plan
    assert "missions_sourcedocument_date" in plan, plan
    # The page holds the period's statements, in the report's order.
    rows = list(Statement.objects.filter(pk__in=list(page)).values_list("document_date", flat=True))
    assert len(rows) == 9
    assert set(rows) == {date(2025, 2, 10), date(2025, 2, 11), date(2025, 2, 12)}


@pytest.mark.django_db
def test_a_period_without_edits_reads_no_history_for_its_transcription_fixes(analyst):
    """The usual case, no statement edited in the period, asks one existence question and
    builds no history query (which, four tables wide, was a fifth of an empty page's time); a
    period with an edit reads the edited statements' history, in one query more."""
    (statement,) = factories.portfolio(1)
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    statement.military = (statement.military or 0) + 1
    statement._change_reason = "Typed the wrong figure"
    statement._history_user = analyst
    statement.save()

    with CaptureQueriesContext(connection) as queries:
        assert reports.transcription_fixes(yesterday, yesterday) == []
    (question,) = (query["sql"] for query in queries.captured_queries)
    assert "LIMIT 1" in question
    assert "auth_user" not in question

    with CaptureQueriesContext(connection) as queries:
        (fix,) = reports.transcription_fixes(today, today)
    assert len(queries.captured_queries) == 2
    assert "auth_user" in queries.captured_queries[1]["sql"]
    assert (fix.statement.pk, fix.who, fix.reason) == (
        statement.pk,
        "analyst",
        "Typed the wrong figure",
    )
    assert "military" in [change.key for change in fix.changes]
