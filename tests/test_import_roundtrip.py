"""Export the contributions report, import it into an empty database: the same data comes back.

What "the same data" means here, precisely:

- The report holds each contribution's current statement (or, with ``as_of``, its latest statement
  on that day). Importing the current report into an empty database gives the same current
  table: for every contribution its mission (name, acronym, organization, region), capability,
  status, personnel, qualifier, start and end with their precision, and source (reference, date,
  URL) are equal, and exporting again gives the very same file, byte for byte.
- Importing the as-of report of every document date, oldest first, brings back every statement,
  not only the current ones: the whole history of the contributions, as the report can say it.
- The report cannot say, and so an import does not bring back: an organization's full name (it
  becomes the acronym), a document's kind and title (kind "other"; title "Kamerstuk 29521, nr.
  497" for a numbered one), a mission's own facts (strength, mandate), a statement's kind,
  location, quote, conditions and notes, and the open-ended flag (the report's ``end`` is a date
  column; a sheet may write "open-ended" there, which the importer reads). The total is compared
  as the report shows it: a total equal to the sum of the categories is kept as the sum.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from missions import exports
from missions.imports.columns import CONTRIBUTION_COLUMNS, EXTRA_COLUMNS
from missions.models import (
    Contribution,
    Mission,
    MissionStatement,
    Organization,
    Region,
    SourceDocument,
    Statement,
)

EXPORT = reverse("reports:contributions")
FLUSH_ORDER = (
    MissionStatement,
    Statement,
    Contribution,
    Mission,
    SourceDocument,
    Region,
    Organization,
)
SUFFIX = {"csv": "csv", "excel-csv": "csv", "xlsx": "xlsx"}


@pytest.fixture(autouse=True)
def private_upload_dir(settings, tmp_path):
    settings.IMPORT_TEMP_DIR = str(tmp_path)


def statement_facts(statement: Statement) -> tuple:
    """Everything the contributions report says about one statement."""
    mission = statement.contribution.mission
    document = statement.document
    return (
        mission.name,
        mission.acronym,
        mission.organization.acronym,
        mission.region.name,
        statement.contribution.name,
        statement.contribution.capability,
        statement.status,
        statement.military,
        statement.civilian,
        statement.police,
        statement.effective_total,
        statement.qualifier,
        statement.start_date,
        statement.start_precision,
        statement.end_date,
        statement.end_precision,
        document.reference,
        document.date,
        document.url,
    )


def current_table() -> list[tuple]:
    return sorted(map(statement_facts, Statement.objects.current().with_related()), key=repr)


def every_statement() -> list[tuple]:
    return sorted(map(statement_facts, Statement.objects.with_related()), key=repr)


# What the importer cannot read back: which of a source's facts were inferred (the export says
# so for the reader; an import takes a row as stated). The round trip compares the rest.
ROUND_TRIP_COLUMNS = ",".join(key for key in exports.CONTRIBUTION_COLUMNS if key != "inferred")


def download(client, fmt: str = "csv", as_of: date | None = None) -> bytes:
    params = {"format": fmt, "columns": ROUND_TRIP_COLUMNS}
    params |= {"as_of": as_of.isoformat()} if as_of else {}
    response = client.get(EXPORT, params)
    assert response.status_code == 200
    return b"".join(response.streaming_content if response.streaming else [response.content])


def flush_tracker() -> None:
    for model in FLUSH_ORDER:
        model.objects.all().delete()


def import_file(client, data: bytes, name: str) -> dict[str, int]:
    """Upload, preview, confirm: what an analyst does. Returns the preview's counts."""
    assert client.post(reverse("imports:import_upload"), {"file": SimpleUploadedFile(name, data)})[
        "Location"
    ] == reverse("imports:import_preview")
    plan = client.get(reverse("imports:import_preview")).context["plan"]
    assert [str(error) for error in plan.errors] == []
    assert client.post(reverse("imports:import_confirm")).status_code == 302
    return plan.counts


def test_it_reads_the_header_the_exporter_writes():
    # The citation columns come last: location and quote are read back, corrected_by (derived
    # from the statements themselves) is not an input.
    header = tuple(exports.CONTRIBUTION_COLUMNS)
    assert header[: len(CONTRIBUTION_COLUMNS)] == CONTRIBUTION_COLUMNS
    assert header[len(CONTRIBUTION_COLUMNS) :] == ("location", "quote", "corrected_by", "inferred")
    assert {"location", "quote"} <= set(EXTRA_COLUMNS)


@pytest.mark.parametrize("fmt", ["csv", "excel-csv", "xlsx"])
def test_it_brings_back_the_current_table_from_its_export(real_data, analyst_client, fmt):
    before = current_table()
    assert len(before) == Contribution.objects.count() > 20
    exported = download(analyst_client, fmt)
    flush_tracker()
    assert not Statement.objects.exists()

    counts = import_file(analyst_client, exported, f"contributions.{SUFFIX[fmt]}")

    assert counts == {"new": len(before), "changed": 0, "unchanged": 0, "error": 0}
    assert current_table() == before
    if fmt != "xlsx":  # a zip carries timestamps; its cells were compared above
        assert download(analyst_client, fmt) == exported
    # The same file again is recognised, row by row, as already there.
    again = import_file(analyst_client, exported, f"again.{SUFFIX[fmt]}")
    assert again == {"new": 0, "changed": 0, "unchanged": len(before), "error": 0}


def test_it_exports_the_same_csv_after_the_round_trip(real_data, analyst_client):
    exported = download(analyst_client)
    flush_tracker()
    import_file(analyst_client, exported, "contributions.csv")
    assert download(analyst_client) == exported


def test_it_brings_back_every_statement_from_the_as_of_exports(real_data, analyst_client):
    before = every_statement()
    dates = sorted(set(SourceDocument.objects.values_list("date", flat=True)))
    files = [download(analyst_client, "csv", day) for day in dates]
    flush_tracker()

    for day, data in zip(dates, files, strict=True):
        if data.count(b"\r\n") > 1:  # a date with documents but no statement has no rows
            import_file(analyst_client, data, f"contributions_{day}.csv")

    assert every_statement() == before
    assert Statement.objects.count() == len(before) > Contribution.objects.count()
