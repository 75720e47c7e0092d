"""Time left: counted from the day asked about, at the precision of the stated end."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from django.utils import timezone

from missions.reading.remaining import time_left_at
from tests import factories as f


@pytest.mark.parametrize(
    ("end", "precision", "day", "expected"),
    [
        # A month-precise end: the whole month is left, rounded to whole months.
        (date(2025, 5, 31), "month", date(2025, 5, 1), "in May 2025 (about 1 month)"),
        (date(2025, 5, 31), "month", date(2025, 5, 20), "in May 2025 (under a month)"),
        (date(2025, 5, 31), "month", date(2025, 5, 31), "in May 2025 (under a month)"),
        (date(2025, 5, 31), "month", date(2025, 6, 1), "ended"),
        (date(2028, 6, 30), "month", date(2026, 12, 1), "in June 2028 (about 19 months)"),
        # A year-precise end runs all year, never "30 days" on 1 December.
        (date(2026, 12, 31), "year", date(2026, 12, 1), "in 2026 (this year)"),
        (date(2026, 12, 31), "year", date(2026, 1, 1), "in 2026 (this year)"),
        (date(2026, 12, 31), "year", date(2025, 12, 31), "in 2026"),
        (date(2026, 12, 31), "year", date(2027, 1, 1), "ended"),
        # A day-precise end keeps the count in days or months.
        (date(2025, 7, 9), "day", date(2025, 7, 9), "0 days"),
        (date(2025, 7, 9), "day", date(2025, 7, 10), "ended"),
        (date(2025, 7, 9), "day", date(2025, 5, 1), "2 months"),
        (None, "", date(2025, 5, 1), ""),
    ],
)
def test_it_says_the_time_left_at_the_ends_precision(end, precision, day, expected):
    assert time_left_at(end, precision, day, language="en") == expected


def test_it_says_an_open_end_in_words():
    assert time_left_at(None, "", date(2025, 5, 1), open_ended=True, language="en") == (
        "open-ended"
    )


def test_it_speaks_dutch():
    assert time_left_at(date(2028, 6, 30), "month", date(2026, 12, 1), language="nl") == (
        "in juni 2028 (ongeveer 19 maanden)"
    )
    assert time_left_at(date(2026, 12, 31), "year", date(2026, 12, 1), language="nl") == (
        "in 2026 (dit jaar)"
    )


def _time_left_of(response, mission: str) -> str:
    """The time-left cell of the mission's row, as the page writes it."""
    table = response.context["table"]
    records = [row.record for row in table.paginated_rows]
    (index,) = [i for i, r in enumerate(records) if mission in r.contribution.mission.name]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table.body_rows[index])
    shown = cells[[column.name for column in table.columns].index("time_left")]
    assert unescape(shown) in unescape(response.content.decode())
    return shown


def test_it_counts_time_left_from_the_as_of_day_on_the_table(viewer_client, real_data):
    """The acceptance: as of 1 May 2025 Aspides ("end of May 2025", since corrected) has about
    a month left, not "ended" as counted from today."""
    then = viewer_client.get("/", {"as_of": "2025-05-01", "q": "Aspides"})
    now = viewer_client.get("/", {"q": "Aspides"})

    assert _time_left_of(then, "Aspides") == "in May 2025 (about 1 month)"
    assert _time_left_of(now, "Aspides").startswith("in June 2028 (about ")


def test_it_says_the_time_left_at_precision_on_the_expiring_report_and_mission_page(
    viewer_client, db
):
    # Ends "in <next year>": within the report's 24 months whatever today is, and the whole
    # year is left, so the time left is the year alone (no count of days or months).
    next_year = timezone.localdate().year + 1
    statement = f.statement(end_date=date(next_year, 12, 31), end_precision="year")

    report = viewer_client.get("/reports/expiring/", {"months": "24"})
    mission = viewer_client.get(f"/missions/{statement.contribution.mission_id}/")

    assert [row.time_left for row in report.context["rows"]] == [f"in {next_year}"]
    assert f"in {next_year}<" in mission.content.decode()
