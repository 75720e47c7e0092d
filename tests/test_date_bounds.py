"""Every date a user can type is bounded the same way (1900-01-01..2200-12-31): the reports and
their downloads answer 400 with the message, the table leaves the filter out and says why."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from missions import dates
from missions.imports.rows import CellError, read_plain_date
from tests import factories as f

MESSAGE = "Enter a date between 1900-01-01 and 2200-12-31."
pytestmark = pytest.mark.django_db


@pytest.fixture
def data(db):
    f.statement(contribution=f.contribution(name="kept row"))


@pytest.mark.parametrize(
    "query",
    [
        "/reports/changes/?to=0001-01-01",
        "/reports/changes/?to=0001-03-31",
        "/reports/changes/?to=0001-03-31&format=csv",
        "/reports/changes/?to=0001-02-01&format=xlsx",
        "/reports/changes/?from=0001-01-01&to=2025-01-01",
        "/reports/changes/?from=2025-01-01&to=9999-12-31",
        "/reports/changes/?to=1899-12-31",
        "/reports/changes/?from=2201-01-01&to=2201-01-02&format=excel-csv",
        "/reports/summary/?as_of=0001-01-01",
        "/reports/summary/?as_of=2201-01-01&format=csv",
        "/reports/contributions/?as_of=0001-01-01&format=csv",
        "/reports/contributions/?end_after=9999-12-31&format=xlsx",
        "/reports/contributions/?end_before=1899-12-31",
    ],
)
def test_it_answers_400_with_the_message_for_a_date_out_of_range(viewer_client, data, query):
    response = viewer_client.get(query)

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "/reports/changes/?to=1900-01-01",
        "/reports/changes/?from=1900-01-01&to=2200-12-31&format=csv",
        "/reports/summary/?as_of=2200-12-31",
        "/reports/summary/?as_of=1900-01-01&format=csv",
        "/reports/contributions/?as_of=1900-01-01&end_before=2200-12-31&format=csv",
    ],
)
def test_it_accepts_the_first_and_last_day_of_the_range(viewer_client, data, query):
    response = viewer_client.get(query)

    assert response.status_code == 200


def test_it_leaves_an_out_of_range_table_filter_out_and_says_why(viewer_client, data):
    response = viewer_client.get("/?as_of=0001-01-01&end_after=2201-01-01")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters could not be used and were not applied" in html
    # Both fields, each in the list of problems and at the field.
    assert html.count(MESSAGE) == 4
    rows = response.context["table"].paginated_rows
    assert [row.record.contribution.name for row in rows] == ["kept row"]


def test_it_refuses_an_out_of_range_date_on_the_command_line(data):
    with pytest.raises(CommandError, match="0001-01-01: Enter a date between 1900-01-01"):
        call_command("report", "changes", "--from", "0001-01-01", "--to", "2025-01-01")
    out = StringIO()
    call_command("report", "changes", "--from", "1900-01-01", "--to", "2200-12-31", stdout=out)
    assert out.getvalue().startswith("document_date,source,")
    assert "kept row" in out.getvalue()


def test_it_shares_one_bound_with_the_importer():
    assert dates.EARLIEST_DATE.isoformat() == "1900-01-01"
    assert dates.LATEST_DATE.isoformat() == "2200-12-31"
    assert read_plain_date("1900-01-01") == dates.EARLIEST_DATE
    assert read_plain_date("2200-12-31") == dates.LATEST_DATE
    for outside in ("1899-12-31", "2201-01-01"):
        with pytest.raises(CellError):
            read_plain_date(outside)


@pytest.mark.parametrize("outside", ["9999-12-31", "2201-01-01", "1899-12-31"])
def test_the_dashboard_shows_the_message_and_todays_picture_for_a_day_out_of_range(
    viewer_client, data, outside
):
    # 9999-12-31 was a 500: the lists of what ends counted twelve months past the year 9999.
    response = viewer_client.get("/dashboard/", {"as_of": outside})

    assert response.status_code == 200
    assert response.context["day"] == timezone.localdate()
    assert MESSAGE in response.content.decode()


def test_the_dashboard_shows_the_last_day_of_the_range(viewer_client, data):
    response = viewer_client.get("/dashboard/", {"as_of": "2200-12-31"})

    assert response.status_code == 200
    assert response.context["day"] == dates.LATEST_DATE
    assert MESSAGE not in response.content.decode()


def test_the_api_bounds_the_statements_document_dates_the_same_way(viewer_client, data):
    outside = viewer_client.get("/api/v1/statements/", {"date_from": "2201-01-01"})
    assert outside.status_code == 400
    assert outside.json() == {"date_from": [MESSAGE]}
    last_day = viewer_client.get("/api/v1/statements/", {"date_to": "2200-12-31"})
    assert last_day.status_code == 200
    assert last_day.json()["count"] == 1
