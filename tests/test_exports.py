"""The contributions export: the filtered rows of the table, all pages, in CSV, Excel CSV, XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from missions.columns import REGISTRY
from missions.exports.writers import neutralise
from missions.models import Qualifier, Status
from missions.web.tables import ContributionTable
from tests import factories

CONTRIBUTION_COLUMNS = REGISTRY.exported()

HEADER = (
    "mission,mission_acronym,organization,region,contribution,capability,status,military,"
    "civilian,police,total,qualifier,start,start_precision,end,end_precision,open_ended,source,"
    "source_date,source_date_precision,source_url,location,quote,corrected_by,inferred"
)
URL = reverse("reports:contributions")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def read_csv(response, delimiter: str = ",") -> list[dict[str, str]]:
    text = body(response).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def read_xlsx(response):
    return load_workbook(io.BytesIO(body(response))).active


@pytest.fixture
def aspides(db):
    """One fully filled-in row: the Aspides national staff after the correction in 497."""
    red_sea = factories.region(name="Red Sea")
    eu = factories.organization(acronym="EU", name="European Union")
    mission = factories.mission(
        name="EUNAVFOR Aspides", acronym="Aspides", organization=eu, region=red_sea
    )
    contribution = factories.contribution(mission=mission, name="national staff")
    document = factories.document(dossier="29521", number="497", date=date(2025, 5, 23))
    return factories.statement(
        contribution=contribution,
        document=document,
        kind="correction",
        status=Status.EXTENDED,
        total=10,
        qualifier=Qualifier.APPROXIMATELY,
        start_date=date(2024, 3, 1),
        start_precision="month",
        end_date=date(2028, 6, 30),
        end_precision="month",
    )


def test_it_keeps_the_header_the_later_code_reads():
    assert ",".join(CONTRIBUTION_COLUMNS) == HEADER


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+31 70", "'+31 70"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("national staff", "national staff"),
        ("", ""),
        (-1, -1),
        (10, 10),
        (date(2028, 6, 30), date(2028, 6, 30)),
        (None, None),
    ],
)
def test_it_neutralises_only_text_that_a_spreadsheet_would_run(value, expected):
    assert neutralise(value) == expected


def test_it_writes_every_column_of_a_row_as_rfc_4180_csv(viewer_client, aspides):
    response = viewer_client.get(URL)

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="contributions_{today}.csv"'
    content = body(response)
    assert content == (
        HEADER.encode() + b"\r\n"
        b"EUNAVFOR Aspides,Aspides,EU,Red Sea,national staff,,extended,,,,10,approximately,"
        b"2024-03-01,month,2028-06-30,month,false,29521-497,2025-05-23,day,"
        b"https://zoek.officielebekendmakingen.nl/kst-29521-497.html,,,,\r\n"
    )


def test_it_exports_exactly_the_filtered_rows_of_every_page(viewer_client, db):
    per_page = ContributionTable._meta.per_page
    eu = factories.organization(acronym="EU")
    red_sea = factories.region(name="Red Sea")

    def add(status: str, **mission_fields) -> str:
        mission = factories.mission(**{"organization": eu, "region": red_sea, **mission_fields})
        contribution = factories.contribution(mission=mission)
        return factories.statement(contribution=contribution, status=status).contribution.name

    explored = {add(Status.EXPLORED) for _ in range(per_page + 5)}
    add(Status.CONTINUED)
    add(Status.EXPLORED, organization=factories.organization())
    add(Status.EXPLORED, region=factories.region())

    response = viewer_client.get(
        URL, {"status": "explored", "organization": "EU", "region": "Red Sea", "page": "2"}
    )

    rows = read_csv(response)
    assert list(rows[0]) == HEADER.split(",")
    assert len(rows) == per_page + 5
    assert {row["contribution"] for row in rows} == explored
    assert {(row["status"], row["organization"], row["region"]) for row in rows} == {
        ("explored", "EU", "Red Sea")
    }


def test_it_exports_the_table_as_of_a_date(viewer_client, aspides):
    before = factories.document(dossier="29521", number="493", date=date(2025, 4, 4))
    factories.statement(
        contribution=aspides.contribution,
        document=before,
        status=Status.EXTENDED,
        end_date=date(2025, 5, 31),
        end_precision="month",
    )

    response = viewer_client.get(URL, {"as_of": "2025-05-01", "columns": "contribution,end,source"})

    assert body(response) == (b"contribution,end,source\r\nnational staff,2025-05-31,29521-493\r\n")


def test_it_keeps_the_chosen_columns_in_canonical_order(viewer_client, aspides):
    response = viewer_client.get(URL, {"columns": ["total,mission", "status", "nonsense"]})

    assert body(response) == b"mission,status,total\r\nEUNAVFOR Aspides,extended,10\r\n"


def test_it_sorts_the_export_as_the_page_is_sorted(viewer_client, db):
    for name in ("Bravo", "Alpha", "Charlie"):
        factories.statement(contribution=factories.contribution(name=name))

    ascending = read_csv(viewer_client.get(URL, {"sort": "contribution"}))
    descending = read_csv(viewer_client.get(URL, {"sort": "-contribution"}))

    assert [row["contribution"] for row in ascending] == ["Alpha", "Bravo", "Charlie"]
    assert [row["contribution"] for row in descending] == ["Charlie", "Bravo", "Alpha"]


def test_it_writes_csv_for_excel_with_bom_semicolons_and_crlf(viewer_client, aspides):
    response = viewer_client.get(URL, {"format": "excel-csv"})

    assert isinstance(response, StreamingHttpResponse)
    today = timezone.localdate().isoformat()
    assert f'filename="contributions_{today}_excel.csv"' in response["Content-Disposition"]
    content = body(response)
    # A person opens this one: the header in the reader's language (English here).
    assert content.startswith(b"\xef\xbb\xbfMission;Acronym;Organization;")
    assert content.count(b"\r\n") == 2
    assert b"\n" not in content.replace(b"\r\n", b"")
    rows = read_csv(response=viewer_client.get(URL, {"format": "excel-csv"}), delimiter=";")
    assert rows[0]["End"] == "2028-06-30"
    assert rows[0]["Total"] == "10"


def test_it_writes_xlsx_with_numbers_dates_and_a_frozen_bold_header(viewer_client, aspides):
    aspides.military = 7
    aspides.save()
    response = viewer_client.get(URL, {"format": "xlsx"})

    assert isinstance(response, FileResponse)
    today = timezone.localdate().isoformat()
    assert f'filename="contributions_{today}.xlsx"' in response["Content-Disposition"]
    sheet = read_xlsx(response)
    # Four lines of title block and a blank row above the header; both stay in sight.
    assert sheet.freeze_panes == "A7"
    header = [cell.value for cell in sheet[6]]
    assert header == [str(column.label) for column in CONTRIBUTION_COLUMNS.values()]
    assert all(cell.font.b for cell in sheet[6])
    row = dict(zip(HEADER.split(","), sheet[7], strict=True))
    assert row["military"].value == 7
    assert isinstance(row["military"].value, int)
    assert row["total"].value == 10
    assert row["civilian"].value is None
    assert row["end"].is_date
    assert row["end"].value == datetime(2028, 6, 30)
    assert row["end"].number_format == "yyyy-mm-dd"
    assert row["source_date"].value == datetime(2025, 5, 23)
    assert row["source"].value == "29521-497"
    assert sheet.column_dimensions["A"].width == CONTRIBUTION_COLUMNS["mission"].width


@pytest.mark.parametrize("fmt", ["csv", "excel-csv", "xlsx"])
def test_it_neutralises_a_formula_in_every_format(viewer_client, db, fmt):
    factories.statement(contribution=factories.contribution(name='=HYPERLINK("http://x")'))

    response = viewer_client.get(URL, {"format": fmt, "columns": "contribution,military"})

    if fmt == "xlsx":
        cell = read_xlsx(response)["A7"]
        assert cell.data_type == "s"
        assert cell.value == '\'=HYPERLINK("http://x")'
    else:
        delimiter = ";" if fmt == "excel-csv" else ","
        key = "Contribution" if fmt == "excel-csv" else "contribution"
        assert read_csv(response, delimiter)[0][key] == '\'=HYPERLINK("http://x")'


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"format": "pdf"}, 'Unknown format "pdf"'),
        ({"as_of": "yesterday"}, "as_of"),
        ({"status": "bogus"}, "status"),
        ({"expires_within": "-1"}, "expires_within"),
    ],
)
def test_it_refuses_bad_parameters_with_a_message(viewer_client, aspides, params, message):
    response = viewer_client.get(URL, params)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_it_refuses_the_export_to_someone_without_view_permission(client, outsider, aspides):
    client.force_login(outsider)

    response = client.get(URL)

    assert response.status_code == 403
    assert b"Aspides" not in response.content
