"""``manage.py report``: every report from the command line, the same bytes as the download."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from missions.columns import REGISTRY
from missions.models import Status
from tests import factories


def run(*args: str) -> bytes:
    out = io.BytesIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def download(client, name: str, params: dict) -> bytes:
    response = client.get(reverse(f"reports:{name}"), params)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.fixture
def contributions(db):
    eu = factories.organization(acronym="EU")
    early = factories.document(dossier="29521", number="493", date=date(2025, 4, 4))
    late = factories.document(dossier="29521", number="497", date=date(2025, 5, 23))
    for i in range(60):
        contribution = factories.contribution(
            name=f"contribution {i:02}", mission=factories.mission(organization=eu)
        )
        factories.statement(
            contribution=contribution,
            document=early,
            status=Status.EXPLORED if i % 2 else Status.NEW,
            military=i,
            end_date=date(2026, 1 + i % 12, 1),
        )
        if i % 3 == 0:
            factories.statement(
                contribution=contribution, document=late, status=Status.NOT_FEASIBLE
            )


def test_it_prints_the_same_bytes_as_the_pages_csv_export(viewer_client, contributions):
    page = download(viewer_client, "contributions", {})

    printed = run("contributions", "--format", "csv")

    assert printed == page
    assert len(list(csv.reader(io.StringIO(printed.decode(), newline="")))) == 61


@pytest.mark.parametrize("fmt", ["csv", "excel-csv"])
def test_it_filters_as_the_page_does(viewer_client, contributions, fmt):
    params = {
        "as_of": "2025-05-01",
        "status": ["explored", "new"],
        "columns": "contribution,status,military",
        "end_before": "2026-03-31",
        "format": fmt,
    }
    page = download(viewer_client, "contributions", params)

    printed = run(
        "contributions",
        "--format",
        fmt,
        "--as-of",
        "2025-05-01",
        "--status",
        "explored",
        "new",
        "--columns",
        "contribution,status,military",
        "--filter",
        "end_before=2026-03-31",
    )

    assert printed == page
    # As of 1 May 2025 nothing is "not feasible" yet; 15 of the 60 end by March 2026.
    assert printed.count(b"\r\n") == 16


def test_it_writes_xlsx_to_a_file(contributions, tmp_path):
    target = tmp_path / "contributions.xlsx"

    printed = run("contributions", "--format", "xlsx", "--status", "new", "--output", str(target))

    assert printed == b""
    sheet = load_workbook(target).active
    # The title block (4 lines and a blank row) above the header, in sight with it.
    assert sheet.freeze_panes == "A7"
    assert sheet.max_row == 26  # header + the 20 still "new" (not since found not feasible)
    assert sheet["A6"].value == "Mission"
    header = list(REGISTRY.exported())
    rows = {
        row[4]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(7, values_only=True)
    }
    assert rows["contribution 02"]["military"] == 2
    assert rows["contribution 02"]["end"] == datetime(2026, 3, 1)


def test_it_writes_xlsx_bytes_to_standard_output(contributions, capsysbinary):
    call_command("report", "contributions", "--format", "xlsx")

    sheet = load_workbook(io.BytesIO(capsysbinary.readouterr().out)).active
    assert sheet.max_row == 66  # the title block, the header and 60 rows


def test_it_writes_csv_as_text_to_a_text_stream(contributions):
    out = io.StringIO()

    call_command("report", "summary", "--by", "organization", "--as-of", "2025-06-01", stdout=out)

    # As of 1 June 2025: of the 30 "new" rows (military 0, 2, ... 58), 10 (i % 3 == 0)
    # are since found not feasible; the 30 explored ones commit to nothing.
    assert out.getvalue() == (
        "by,group,contributions,military,military_approximate,military_unknown,civilian,"
        "civilian_approximate,civilian_unknown,police,police_approximate,police_unknown,total,"
        "total_approximate,total_unknown\r\n"
        "organization,EU,20,600,false,0,,false,20,,false,20,600,false,0\r\n"
        "not_counted,explored,20,600,false,0,,false,20,,false,20,600,false,0\r\n"
        "not_counted,not feasible,20,,false,20,,false,20,,false,20,,false,20\r\n"
    )


def test_it_refuses_xlsx_to_a_text_stream(contributions):
    with pytest.raises(CommandError, match="use --output"):
        call_command("report", "contributions", "--format", "xlsx", stdout=io.StringIO())


@pytest.mark.parametrize(
    ("name", "params", "args"),
    [
        ("summary", {"as_of": "2025-05-01"}, ["--as-of", "2025-05-01"]),
        ("summary", {"by": "status", "format": "excel-csv"}, ["--by", "status"]),
        ("expiring", {"months": "24"}, ["--months", "24"]),
        ("changes", {"from": "2025-04-05", "to": "2025-05-31"}, ["--from", "2025-04-05"]),
    ],
)
def test_it_prints_each_report_as_its_page_downloads_it(
    viewer_client, contributions, name, params, args
):
    fmt = params.get("format", "csv")
    page = download(viewer_client, name, {"format": "csv", **params})

    if name == "changes":
        args = [*args, "--to", "2025-05-31"]
    printed = run(name, *args, "--format", fmt)

    assert printed == page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["contributions", "--format", "pdf"], "'pdf' is not a format"),
        (["contributions", "--as-of", "1 mei"], "'1 mei' is not a date"),
        (["contributions", "--status", "bogus"], "status: Select a valid choice"),
        (["contributions", "--filter", "as_of"], "write it as NAME=VALUE"),
        (["expiring", "--months", "-1"], "'-1' is not a number of months"),
        (["expiring", "--months", "abc"], "'abc' is not a number of months"),
        (["changes", "--from", "2025-06-01", "--to", "2025-05-01"], "--from must be on or"),
        (["changes", "--from", "2025-06-01"], "--to"),
        (["summary", "--by", "mission"], "invalid choice"),
        (["summary", "--months", "3"], "unrecognized arguments"),
        (["budget"], "invalid choice"),
        (["contributions", "--output", "/nonexistent/dir/x.csv"], "Cannot write"),
    ],
)
def test_it_refuses_bad_options_with_a_clear_message(db, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
