"""A source document's date precision in the files and back: "januari jl." is a month, and an
export says so beside the day it is stored on; an import reads it for a new document and
refuses a row that gives a known document another precision."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from missions.models import SourceDocument, Statement
from tests import factories
from tests.test_import import CONFIRM, PREVIEW, csv_bytes, row, state, upload
from tests.test_import_roundtrip import download, flush_tracker, import_file

pytestmark = pytest.mark.django_db

EXPORT = reverse("reports:contributions")
WITH_PRECISION = (
    "mission",
    "organization",
    "region",
    "contribution",
    "status",
    "military",
    "source",
    "source_date",
    "source_date_precision",
)


@pytest.fixture
def january(db) -> Statement:
    """A statement of a letter that the answers cite as "januari jl.": known to the month."""
    letter = factories.january_letter()
    return factories.statement(document=letter, military=4)


def preview_errors(client, rows: list[dict[str, str]]) -> list[str]:
    """Upload ``rows`` in a layout with the precision column; the preview's errors."""
    upload(client, csv_bytes(rows, columns=WITH_PRECISION))
    return [str(error) for error in client.get(PREVIEW).context["plan"].errors]


def rows_citing_480(*precisions: str, day: str = "2024-01-01") -> list[dict[str, str]]:
    """A row per precision, each for its own contribution, all citing 29521-480 of ``day``."""
    return [
        row(contribution=f"team {n}", source="29521-480", source_date=day,
            source_date_precision=precision)
        for n, precision in enumerate(precisions)
    ]  # fmt: skip


def exported_rows(client, **params) -> list[dict[str, str]]:
    response = client.get(EXPORT, {"format": "csv", **params})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_the_export_gives_the_source_dates_precision_beside_its_day(viewer_client, january):
    factories.statement(
        document=factories.document(dossier="29521", number="481", date=date(2024, 2, 5)),
        military=2,
    )

    rows = {
        r["source"]: (r["source_date"], r["source_date_precision"])
        for r in exported_rows(viewer_client)
    }

    assert rows == {"29521-480": ("2024-01-01", "month"), "29521-481": ("2024-02-05", "day")}


def test_the_xlsx_writes_the_precision_as_its_word_in_dutch(viewer_client, january):
    response = viewer_client.get(
        EXPORT, {"format": "xlsx", "columns": "source,source_date_precision"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )  # fmt: skip
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header_row = next(index for index in range(1, 10) if sheet.cell(index, 1).value == "Bron")

    assert [sheet.cell(header_row + 1, column).value for column in (1, 2)] == [
        "29521-480",
        "maand",
    ]


def test_an_import_creates_a_new_document_known_to_the_month(analyst_client):
    assert preview_errors(analyst_client, rows_citing_480("month")) == []
    analyst_client.post(CONFIRM)

    document = SourceDocument.objects.get(number="480")
    assert (document.date, document.date_precision) == (date(2024, 1, 1), "month")
    assert Statement.objects.get().document == document


def test_an_import_without_the_column_creates_a_document_known_to_the_day(analyst_client):
    upload(analyst_client, csv_bytes([row(source="29521-480", source_date="2024-01-15")]))
    analyst_client.get(PREVIEW)
    analyst_client.post(CONFIRM)

    assert SourceDocument.objects.get(number="480").date_precision == "day"


def test_an_import_refuses_another_precision_for_a_known_document_and_changes_nothing(
    analyst_client, january
):
    before = state()
    assert preview_errors(analyst_client, rows_citing_480("day")) == [
        "row 2, source_date_precision: 29521-480 is dated to the month in the tracker; a "
        "document's date is corrected in the admin, not by an import"
    ]
    analyst_client.post(CONFIRM)
    assert state() == before


def test_an_import_takes_the_known_precision_again_and_an_empty_cell_as_no_word_on_it(
    analyst_client, january
):
    assert preview_errors(analyst_client, rows_citing_480("month", "")) == []
    analyst_client.post(CONFIRM)

    assert sorted(
        Statement.objects.filter(document=january.document).values_list(
            "contribution__name", flat=True
        )
    ) == sorted(["team 0", "team 1", january.contribution.name])
    assert SourceDocument.objects.get(number="480").date_precision == "month"


def test_one_file_cannot_give_a_new_document_two_precisions(analyst_client):
    assert preview_errors(analyst_client, rows_citing_480("month", "year")) == [
        "row 3, source_date_precision: row 2 gives 29521-480 the date precision month"
    ]


def test_an_unknown_precision_is_refused_with_the_words_it_takes(analyst_client):
    assert preview_errors(analyst_client, rows_citing_480("week")) == [
        'row 2, source_date_precision: "week" is not one of: day, month, year'
    ]
    assert not SourceDocument.objects.exists()


def test_the_round_trip_brings_back_a_document_known_to_the_month(analyst_client, january):
    exported = download(analyst_client)
    flush_tracker()

    counts = import_file(analyst_client, exported, "contributions.csv")

    assert counts["new"] == 1
    document = SourceDocument.objects.get(number="480")
    assert (document.date, document.date_precision) == (date(2024, 1, 1), "month")


@pytest.mark.parametrize(
    ("day", "precision", "first"),
    [("2024-01-02", "month", "2024-01-01"), ("2024-03-01", "year", "2024-01-01")],
)
def test_a_new_document_known_to_the_month_or_year_is_dated_on_its_first_day(
    analyst_client, day, precision, first
):
    """The admin stores "januari 2024" on 1 January and as-of reads that day; a later day
    with a month's precision would give the document two dates. The first day itself is read
    (the tests above), the next day is not."""
    assert preview_errors(analyst_client, rows_citing_480(precision, day=day)) == [
        f"row 2, source_date_precision: {day} with the precision {precision}: write the first "
        f"day it covers, {first}"
    ]
    analyst_client.post(CONFIRM)
    assert not SourceDocument.objects.exists()
