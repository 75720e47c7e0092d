"""The reports: summaries, expiring mandates, changes between dates; their pages and downloads."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from missions.columns import REGISTRY
from missions.dates import add_months
from missions.models import Qualifier, Statement, Status
from missions.reading import reports
from missions.reports import files as report_exports
from tests import factories

TODAY = date(2025, 6, 1)


def csv_rows(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    delimiter = ";" if response["Content-Disposition"].endswith('_excel.csv"') else ","
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


# --- summary ---------------------------------------------------------------------------------


F = reports.Figure


@pytest.fixture
def two_organizations(db):
    eu = factories.organization(acronym="EU")
    un = factories.organization(acronym="UN")

    def add(org, **fields):
        mission = factories.mission(organization=org)
        return factories.statement(contribution=factories.contribution(mission=mission), **fields)

    add(eu, military=10, civilian=2, status=Status.CONTINUED)
    add(eu, total=10, qualifier=Qualifier.APPROXIMATELY, status=Status.EXTENDED)
    add(eu, status=Status.NEW)  # nothing known: counted as unknown, not as 0
    add(eu, military=40, status=Status.EXPLORED)  # no commitment: counted apart
    add(un, police=3, status=Status.CONTINUED)
    # Qualified but with no figure: nothing approximate is added, so the sum stays exact.
    add(un, qualifier=Qualifier.AT_MOST, status=Status.CONTINUED)
    # Ended before the day: counted apart, its figure not in the totals.
    add(un, military=7, status=Status.EXTENDED, end_date=date(2025, 5, 31))
    # Starts after the day: not deployed yet.
    add(un, military=5, status=Status.NEW, start_date=date(2025, 6, 2))


def test_it_sums_each_cell_with_its_own_flag_and_unknown_count(two_organizations):
    (summary,) = reports.summaries(TODAY, ["organization"])

    assert summary.rows == [
        reports.SummaryRow(
            "EU",
            3,
            military=F(10, approximate=False, unknown=2),
            civilian=F(2, approximate=False, unknown=2),
            police=F(None, approximate=False, unknown=3),
            total=F(22, approximate=True, unknown=1),
            key="EU",
        ),
        reports.SummaryRow(
            "UN",
            2,
            military=F(None, approximate=False, unknown=2),
            civilian=F(None, approximate=False, unknown=2),
            police=F(3, approximate=False, unknown=1),
            total=F(3, approximate=False, unknown=1),
            key="UN",
        ),
    ]
    assert summary.total == reports.SummaryRow(
        "All",
        5,
        military=F(10, False, 4),
        civilian=F(2, False, 4),
        police=F(3, False, 4),
        total=F(25, True, 2),
    )
    assert [(row.key, row.contributions, row.military.known) for row in summary.apart] == [
        ("ended", 1, 7),
        ("not_started", 1, 5),
        ("explored", 1, 40),
    ]
    assert summary.contributions == 8


def test_it_reads_every_summary_in_one_query_and_adds_up_the_same_cells(
    two_organizations, django_assert_num_queries
):
    # Grouped by organization, region and status at once, each summary adds up the groups it
    # needs: EU's three statuses into one row, a sum staying None where no group states one.
    alone = {by: reports.summaries(TODAY, [by])[0] for by in reports.SUMMARY_BY}

    with django_assert_num_queries(1):
        together = reports.summaries(TODAY)

    assert [summary.by for summary in together] == list(reports.SUMMARY_BY)
    for summary in together:
        assert summary == alone[summary.by]
    by_organization = together[0]
    assert [(row.key, row.contributions) for row in by_organization.rows] == [("EU", 3), ("UN", 2)]
    assert by_organization.rows[0].total == F(22, approximate=True, unknown=1)
    assert by_organization.rows[1].military == F(None, approximate=False, unknown=2)
    assert [(row.key, row.contributions) for row in by_organization.apart] == [
        ("ended", 1),
        ("not_started", 1),
        ("explored", 1),
    ]


def test_it_asks_nothing_for_no_summary_and_refuses_an_unknown_dimension(
    db, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert reports.summaries(TODAY, []) == []
    with pytest.raises(ValueError, match="cannot summarise by 'colour'"):
        reports.summaries(TODAY, ["status", "colour"])  # type: ignore[list-item]


@pytest.mark.parametrize("qualifier", [Qualifier.AT_MOST, Qualifier.AT_LEAST])
def test_it_flags_at_most_and_at_least_as_inexact(db, qualifier):
    factories.statement(military=10, qualifier=qualifier)
    factories.statement(military=5)

    (summary,) = reports.summaries(TODAY, ["status"])

    assert summary.rows[0].military == F(15, approximate=True, unknown=0)


def test_it_flags_the_total_row_when_any_group_is_inexact(db):
    eu, un = factories.organization(acronym="EU"), factories.organization(acronym="UN")
    factories.statement(
        contribution=factories.contribution(mission=factories.mission(organization=eu)),
        military=10,
        qualifier=Qualifier.APPROXIMATELY,
    )
    factories.statement(
        contribution=factories.contribution(mission=factories.mission(organization=un)),
        military=5,
    )

    (summary,) = reports.summaries(TODAY, ["organization"])

    assert [row.military.approximate for row in summary.rows] == [True, False]
    assert summary.total.military == F(15, approximate=True, unknown=0)


def test_it_counts_a_mandate_ending_on_the_day_and_one_starting_on_it_as_active(db):
    factories.statement(military=1, end_date=TODAY)
    factories.statement(military=2, start_date=TODAY)
    factories.statement(military=4, end_date=TODAY - timedelta(days=1))
    factories.statement(military=8, start_date=TODAY + timedelta(days=1))

    (summary,) = reports.summaries(TODAY, ["status"])

    assert summary.total.military.known == 3
    assert [(row.key, row.military.known) for row in summary.apart] == [
        ("ended", 4),
        ("not_started", 8),
    ]


@pytest.mark.parametrize(
    "status", [Status.EXPLORED, Status.NOT_FEASIBLE, Status.INTENDED, Status.DECLINED, Status.ENDED]
)
def test_it_counts_no_commitment_and_ended_apart(db, status):
    factories.statement(military=3, status=status)

    (summary,) = reports.summaries(TODAY, ["status"])

    assert summary.rows == []
    assert summary.total.military == F(None, approximate=False, unknown=0)
    assert [row.key for row in summary.apart] == [str(status)]


def test_it_sums_per_status_in_the_statuses_own_order(two_organizations):
    (summary,) = reports.summaries(TODAY, ["status"])

    assert [(row.group, row.contributions, row.total.known) for row in summary.rows] == [
        ("continued", 3, 15),
        ("extended", 1, 10),
        ("new", 1, None),
    ]


def test_it_sums_as_of_a_date_with_the_statements_then_standing(db):
    region = factories.region(name="Red Sea")
    contribution = factories.contribution(mission=factories.mission(region=region))
    early = factories.document(date=date(2025, 4, 4))
    late = factories.document(date=date(2025, 5, 23))
    factories.statement(contribution=contribution, document=early, military=5)
    factories.statement(contribution=contribution, document=late, military=8)

    (then,) = reports.summaries(date(2025, 5, 1), ["region"])
    (now,) = reports.summaries(TODAY, ["region"])

    assert [(row.group, row.military.known) for row in then.rows] == [("Red Sea", 5)]
    assert [(row.group, row.military.known) for row in now.rows] == [("Red Sea", 8)]


def test_it_shows_the_summary_page_and_its_download(viewer_client, two_organizations):
    url = reverse("reports:summary")
    today = timezone.localdate()

    page = viewer_client.get(url, {"as_of": TODAY.isoformat()})
    download = viewer_client.get(
        url, {"as_of": TODAY.isoformat(), "by": "organization", "format": "csv"}
    )

    assert page.status_code == 200
    assert today != TODAY
    assert [s.by for s in page.context["summaries"]] == ["organization", "region", "status"]
    assert page.context["summaries"][0] == reports.summaries(TODAY, ["organization"])[0]
    html = page.content.decode()
    assert '<td class="num">~25 (2 unknown)</td>' in html
    assert '<td class="num unknown">unknown</td>' in html
    assert "1 ended, 1 not started yet, 1 explored." in " ".join(html.split())
    assert "format=xlsx&amp;by=organization" in html
    written = csv_rows(download)
    assert list(written[0]) == report_exports.SUMMARY_HEADER
    assert [",".join(row.values()) for row in written] == [
        "organization,EU,3,10,false,2,2,false,2,,false,3,22,true,1",
        "organization,UN,2,,false,2,,false,2,3,false,1,3,false,1",
        "not_counted,ended,1,7,false,0,,false,1,,false,1,7,false,0",
        "not_counted,not started yet,1,5,false,0,,false,1,,false,1,5,false,0",
        "not_counted,explored,1,40,false,0,,false,1,,false,1,40,false,0",
    ]


def test_it_writes_the_summary_header_exactly(db):
    assert report_exports.SUMMARY_HEADER == [
        "by", "group", "contributions",
        "military", "military_approximate", "military_unknown",
        "civilian", "civilian_approximate", "civilian_unknown",
        "police", "police_approximate", "police_unknown",
        "total", "total_approximate", "total_unknown",
    ]  # fmt: skip


def test_it_shows_the_summary_with_the_shipped_data_from_the_command(real_data):
    """The acceptance: NATO states no figure (empty, all unknown); EU's military is not "~"
    (only Aspides' total is circa); OPA (ended 9 July 2025) and explored rows are apart."""
    out = io.StringIO()
    call_command("report", "summary", "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    by = {(row["by"], row["group"]): row for row in rows}

    nato = by["organization", "NATO"]
    for name in ("military", "civilian", "police", "total"):
        assert nato[name] == ""
        assert nato[f"{name}_unknown"] == nato["contributions"]
    assert by["organization", "EU"]["military_approximate"] == "false"
    assert ("status", "ended") not in by and ("status", "explored") not in by
    # "Other": OPA's one officer ended on 9 July 2025 and is apart; what remains active are the
    # limited presence in West Africa and the Sahel and the Eastern European civilian missions,
    # neither with a figure: unknown, never 0.
    other = by["organization", "Other"]
    assert (other["contributions"], other["total"], other["total_unknown"]) == ("2", "", "2")
    apart_by_status = {
        group: int(row["contributions"])
        for (kind, group), row in by.items()
        if kind == "not_counted"
    }
    assert apart_by_status == {
        "ended": 5,
        "explored": 2,
        "not feasible": 1,
        "intended": 3,
        "declined": 2,
    }
    # Every group's contributions add up to the active ones; with those apart, to all 25.
    active = sum(int(row["contributions"]) for row in rows if row["by"] == "status")
    apart = sum(int(row["contributions"]) for row in rows if row["by"] == "not_counted")
    assert active + apart == 25
    assert active == sum(int(row["contributions"]) for row in rows if row["by"] == "organization")


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
    assert header[-1] == "Days left"
    keys = [*REGISTRY.exported(), "days_left"]
    values = dict(zip(keys, [cell.value for cell in sheet[2]], strict=True))
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


def test_it_sums_as_corrected_since_when_asked(db):
    contribution = factories.contribution()
    wrong = factories.statement(
        contribution=contribution, document=factories.document(date=date(2025, 4, 4)), military=5
    )
    factories.statement(
        contribution=contribution,
        document=factories.document(date=date(2025, 5, 23)),
        kind="correction",
        corrects=wrong,
        military=8,
    )

    (stood,) = reports.summaries(date(2025, 5, 1), ["status"])
    (corrected,) = reports.summaries(date(2025, 5, 1), ["status"], corrected=True)

    assert (stood.total.military.known, corrected.total.military.known) == (5, 8)
