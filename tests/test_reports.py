"""The reports: summaries, expiring mandates, changes between dates; their pages and downloads."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from missions import report_exports, reports
from missions.dates import add_months
from missions.models import Qualifier, Statement, Status
from tests import factories

TODAY = date(2025, 6, 1)


def csv_rows(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    delimiter = ";" if response["Content-Disposition"].endswith('_excel.csv"') else ","
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


# --- summary ---------------------------------------------------------------------------------


@pytest.fixture
def two_organizations(db):
    eu = factories.organization(acronym="EU")
    un = factories.organization(acronym="UN")

    def add(org, **fields):
        mission = factories.mission(organization=org)
        return factories.statement(contribution=factories.contribution(mission=mission), **fields)

    add(eu, military=10, civilian=2, status=Status.CONTINUED)
    add(eu, total=10, qualifier=Qualifier.APPROXIMATELY, status=Status.EXTENDED)
    add(eu, status=Status.EXPLORED)  # nothing known: counted as unknown, not as 0
    add(un, police=3, status=Status.CONTINUED)
    # Qualified but with no figure: nothing approximate is added, so the sum stays exact.
    add(un, qualifier=Qualifier.AT_MOST, status=Status.CONTINUED)


def test_it_sums_personnel_per_organization_and_counts_unknown_apart(two_organizations):
    rows = reports.summary(Statement.objects.current(), "organization")

    assert rows == [
        reports.SummaryRow("EU", 3, 10, 2, 0, 22, unknown=1, approximate=True),
        reports.SummaryRow("UN", 2, 0, 0, 3, 3, unknown=1, approximate=False),
    ]


def test_it_sums_per_status_in_the_statuses_own_order(two_organizations):
    rows = reports.summary(Statement.objects.current(), "status")

    assert [(row.group, row.contributions, row.total) for row in rows] == [
        ("continued", 3, 15),
        ("extended", 1, 10),
        ("explored", 1, 0),
    ]


def test_it_sums_as_of_a_date_with_the_statements_then_standing(db):
    region = factories.region(name="Red Sea")
    contribution = factories.contribution(mission=factories.mission(region=region))
    early = factories.document(date=date(2025, 4, 4))
    late = factories.document(date=date(2025, 5, 23))
    factories.statement(contribution=contribution, document=early, military=5)
    factories.statement(contribution=contribution, document=late, military=8)

    then = reports.summary(Statement.objects.as_of(date(2025, 5, 1)), "region")
    now = reports.summary(Statement.objects.current(), "region")

    assert [(row.group, row.military) for row in then] == [("Red Sea", 5)]
    assert [(row.group, row.military) for row in now] == [("Red Sea", 8)]


def test_it_shows_the_summary_page_and_its_download(viewer_client, two_organizations):
    url = reverse("reports:summary")

    page = viewer_client.get(url)
    download = viewer_client.get(url, {"by": "organization", "format": "csv"})

    assert page.status_code == 200
    assert [t["by"] for t in page.context["tables"]] == ["organization", "region", "status"]
    assert page.context["tables"][0]["rows"] == reports.summary(
        Statement.objects.current(), "organization"
    )
    assert page.context["tables"][0]["total"].total == 25
    assert "format=xlsx&amp;by=organization" in page.content.decode()
    assert csv_rows(download) == [
        dict(zip(report_exports.SUMMARY_HEADER, values, strict=True))
        for values in (
            ["organization", "EU", "3", "10", "2", "0", "22", "1", "true"],
            ["organization", "UN", "2", "0", "0", "3", "3", "1", "false"],
        )
    ]


# --- expiring --------------------------------------------------------------------------------


def test_it_lists_current_mandates_ending_within_the_months_soonest_first(db):
    def ending(end: date | None, name: str, **fields) -> Statement:
        contribution = factories.contribution(name=name)
        return factories.statement(contribution=contribution, end_date=end, **fields)

    ending(date(2026, 3, 1), "later")
    ending(date(2025, 7, 9), "soonest")
    ending(date(2026, 6, 1), "on the last day")
    ending(date(2026, 6, 2), "one day too late")
    ending(date(2025, 5, 31), "already over")
    ending(date(2025, 9, 1), "only explored", status=Status.EXPLORED)
    ending(None, "open-ended", open_ended=True)
    superseded = ending(date(2025, 8, 1), "extended since")
    factories.statement(
        contribution=superseded.contribution,
        document=factories.document(date=date(2025, 5, 1)),
        end_date=date(2028, 6, 30),
    )

    rows = reports.expiring(Statement.objects.all(), 12, TODAY)

    assert [s.contribution.name for s in rows] == ["soonest", "later", "on the last day"]


def test_it_shows_the_expiring_page_with_time_left_and_its_xlsx(viewer_client, db):
    factories.statement(
        contribution=factories.contribution(name="soon"), end_date=date(2099, 1, 31)
    )
    url = reverse("reports:expiring")

    page = viewer_client.get(url, {"months": "1200"})
    sheet = load_workbook(
        io.BytesIO(b"".join(viewer_client.get(url, {"months": "1200", "format": "xlsx"})))
    ).active

    assert page.status_code == 200
    assert [row.statement.contribution.name for row in page.context["rows"]] == ["soon"]
    assert "soon" in page.content.decode()
    header = [cell.value for cell in sheet[1]]
    assert header[-1] == "days_left"
    values = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert values["contribution"] == "soon"
    assert values["end"] == datetime(2099, 1, 31)
    assert values["days_left"] == page.context["rows"][0].days_left
    assert isinstance(values["days_left"], int)


def test_it_defaults_the_expiring_page_to_twelve_months(viewer_client, db):
    response = viewer_client.get(reverse("reports:expiring"))

    assert response.status_code == 200
    assert response.context["months"] == 12


# --- changes ---------------------------------------------------------------------------------


def test_it_pairs_each_statement_in_the_period_with_the_one_before_whatever_its_date(db):
    contribution = factories.contribution(name="national staff")
    old = factories.document(date=date(2024, 1, 12))
    letter = factories.document(date=date(2025, 4, 4))
    answers = factories.document(date=date(2025, 5, 23))
    after = factories.document(date=date(2025, 9, 1))
    first = factories.statement(contribution=contribution, document=old, military=1)
    in_letter = factories.statement(contribution=contribution, document=letter, military=2)
    corrected = factories.statement(
        contribution=contribution, document=answers, military=3, kind="correction"
    )
    factories.statement(contribution=contribution, document=after, military=4)
    newcomer = factories.statement(document=answers, military=5)

    entries = reports.changes(date(2025, 4, 1), date(2025, 5, 31))

    assert [(e.statement, e.previous) for e in entries] == [
        (in_letter, first),
        (corrected, in_letter),
        (newcomer, None),
    ]
    assert [e.is_correction for e in entries] == [False, True, False]
    assert [str(change) for change in entries[1].changes] == ["military: 2 -> 3", "total: 2 -> 3"]


def test_it_shows_the_aspides_correction_on_the_shipped_data(viewer_client, real_data):
    url = reverse("reports:changes")
    params = {"from": "2025-04-05", "to": "2025-05-31"}

    page = viewer_client.get(url, params)
    rows = csv_rows(viewer_client.get(url, {**params, "format": "csv"}))

    assert page.status_code == 200
    aspides = [
        e for e in page.context["entries"] if e.statement.contribution.mission.acronym == "Aspides"
    ]
    assert len(aspides) == 1
    entry = aspides[0]
    assert entry.is_correction
    assert entry.statement.document.reference == "29521-497"
    assert entry.previous.end_date == date(2025, 5, 31)
    assert entry.statement.end_date == date(2028, 6, 30)
    assert [c.key for c in entry.changes] == ["end"]
    (row,) = [r for r in rows if r["mission_acronym"] == "Aspides"]
    assert (row["kind"], row["source"], row["changed"]) == ("correction", "29521-497", "end")
    assert (row["end_before"], row["end_after"]) == ("2025-05-31", "2028-06-30")
    html = page.content.decode()
    assert "end of May 2025 → end of June 2028" in html


def test_it_defaults_the_changes_page_to_the_last_three_months(viewer_client, db):
    today = timezone.localdate()

    response = viewer_client.get(reverse("reports:changes"))

    assert response.status_code == 200
    assert (response.context["first"], response.context["last"]) == (add_months(today, -3), today)
    assert f'value="{today.isoformat()}"' in response.content.decode()


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("summary", {"as_of": "31 februari"}, "Enter a valid date."),
        ("summary", {"by": "mission"}, "Select a valid choice."),
        ("expiring", {"months": "-1"}, "greater than or equal to 1"),
        ("expiring", {"months": "abc"}, "Enter a whole number."),
        ("expiring", {"format": "pdf"}, "Select a valid choice."),
        ("changes", {"from": "2025-13-01"}, "Enter a valid date."),
        ("changes", {"from": "2025-06-01", "to": "2025-05-01"}, "must start on or before"),
    ],
)
def test_it_gives_the_page_back_with_a_message_for_bad_parameters(
    viewer_client, db, name, params, message
):
    response = viewer_client.get(reverse(f"reports:{name}"), params)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_it_refuses_the_report_pages_to_someone_without_view_permission(client, outsider):
    client.force_login(outsider)

    response = client.get(reverse("reports:summary"))

    assert response.status_code == 403
