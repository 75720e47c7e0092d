"""Report pages show their rows a page at a time; the totals and the full download stay whole."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone

from missions.reports.pages import ROWS_PER_PAGE
from tests import factories

ROWS = ROWS_PER_PAGE + 30


@pytest.fixture
def many_changes(db) -> date:
    """``ROWS`` statements from one document of 1 March 2025, each a new contribution."""
    document = factories.document(date=date(2025, 3, 1))
    for _ in range(ROWS):
        factories.statement(document=document)
    return document.date


def test_it_pages_the_changes_report_and_keeps_every_row_in_the_download(
    viewer_client, many_changes
):
    params = {"from": "2025-03-01", "to": "2025-03-31"}
    first = viewer_client.get("/reports/changes/", params)
    second = viewer_client.get("/reports/changes/", params | {"page": "2"})

    assert len(first.context["entries"]) == ROWS_PER_PAGE
    assert len(second.context["entries"]) == ROWS - ROWS_PER_PAGE
    shown = {e.statement.pk for e in first.context["entries"]} | {
        e.statement.pk for e in second.context["entries"]
    }
    assert len(shown) == ROWS
    assert f"Showing {ROWS_PER_PAGE} of {ROWS} rows; the downloads hold them all." in (
        first.content.decode()
    )
    download = viewer_client.get("/reports/changes/", params | {"page": "2", "format": "csv"})
    lines = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert len(lines) == 1 + ROWS


def test_it_compares_a_paged_change_with_the_statement_before_it(viewer_client, db):
    contribution = factories.contribution()
    factories.statement(
        contribution=contribution, document=factories.document(date=date(2025, 1, 1)), military=5
    )
    factories.statement(
        contribution=contribution, document=factories.document(date=date(2025, 3, 1)), military=7
    )
    response = viewer_client.get("/reports/changes/", {"from": "2025-03-01", "to": "2025-03-31"})
    (entry,) = response.context["entries"]
    assert [str(change) for change in entry.changes] == ["military: 5 -> 7", "total: 5 -> 7"]


def test_it_pages_the_expiring_report(viewer_client, db):
    today = timezone.localdate()
    document = factories.document(date=today - timedelta(days=1))
    for i in range(ROWS):
        factories.statement(document=document, end_date=today + timedelta(days=1 + i % 30))

    first = viewer_client.get("/reports/expiring/", {"months": "2"})
    last = viewer_client.get("/reports/expiring/", {"months": "2", "page": "99"})

    assert len(first.context["rows"]) == ROWS_PER_PAGE
    assert len(last.context["rows"]) == ROWS - ROWS_PER_PAGE  # past the end: the last page
    download = viewer_client.get("/reports/expiring/", {"months": "2", "format": "csv"})
    assert len(b"".join(download.streaming_content).decode().splitlines()) == 1 + ROWS


def test_it_refuses_a_page_that_is_no_number(viewer_client, db):
    response = viewer_client.get("/reports/expiring/", {"page": "abc"})
    assert response.status_code == 400
    assert "Enter a whole number." in response.content.decode()


def test_it_lists_a_transcription_fix_with_who_when_and_why(analyst, viewer_client, real_data):
    from missions.models import Statement

    untso = Statement.objects.get(contribution__mission__acronym="UNTSO", document__number="497")
    untso.military = 12
    untso._change_reason = "Typed 11 for 12"
    untso._history_user = analyst
    untso.save()
    today = timezone.localdate()

    response = viewer_client.get(
        "/reports/changes/", {"from": today.isoformat(), "to": today.isoformat()}
    )
    (fix,) = response.context["fixes"]
    assert (fix.who, fix.reason, fix.statement.document.reference) == (
        "analyst",
        "Typed 11 for 12",
        "29521-497",
    )
    assert [str(change) for change in fix.changes] == ["military: 11 -> 12", "total: 11 -> 12"]
    assert "Transcription fixes in this period" in response.content.decode()
    # The day before the edit lists nothing.
    earlier = viewer_client.get(
        "/reports/changes/",
        {"from": "2025-01-01", "to": (today - timedelta(days=1)).isoformat()},
    )
    assert earlier.context["fixes"] == []


def test_a_transcription_fix_cites_a_letter_known_to_the_month_by_its_month(analyst, viewer_client):
    from missions.models import Statement

    letter = factories.document(
        dossier="29521", number="480", date=date(2024, 1, 1), date_precision="month"
    )
    statement = factories.statement(document=letter, military=11)
    fixed = Statement.objects.get(pk=statement.pk)
    fixed.military = 12
    fixed._change_reason = "Typed 11 for 12"
    fixed._history_user = analyst
    fixed.save()
    today = timezone.localdate().isoformat()

    html = viewer_client.get("/reports/changes/", {"from": today, "to": today}).content.decode()

    fixes = html.split('<h2 id="fixes">')[1]
    assert (
        '<a href="https://zoek.officielebekendmakingen.nl/kst-29521-480.html" '
        'title="Kamerstuk 29521, nr. 480, January 2024">29521-480</a>'
    ) in fixes
