"""Export the contributions report, import it into an empty database: the same data comes back.

What "the same data" means here, precisely:

- The report holds each contribution's current statement (or, with ``as_of``, its latest statement
  on that day). Importing the current report into an empty database gives the same current
  table: for every contribution its mission (name, acronym, organization, region), capability,
  status, personnel, qualifier, start and end with their precision, and source (reference, date
  and its precision, URL) are equal, and exporting again gives the very same file, byte for byte.
- Importing the as-of report of every document date, oldest first, brings back every statement,
  not only the current ones: the whole history of the contributions, as the report can say it.
- The report cannot say, and so an import does not bring back: an organization's full name (it
  becomes the acronym), a document's kind and title (kind "other"; title "Kamerstuk 29521, nr.
  497" for a numbered one), a mission's own facts (strength, mandate), a statement's kind,
  conditions and notes. The open-ended flag has its own column (a sheet of the earlier layout
  may write "open-ended" in ``end``, which the importer still reads). The total is compared
  as the report shows it: a total equal to the sum of the categories is kept as the sum.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from missions.columns import REGISTRY
from missions.imports.plan import Verdict
from missions.models import (
    Contribution,
    Mission,
    MissionStatement,
    Organization,
    Region,
    SourceDocument,
    Statement,
)
from missions.reading.supersession import supersession_mismatches

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
        statement.open_ended,
        document.reference,
        document.date,
        document.date_precision,
        document.url,
    )


def current_table() -> list[tuple]:
    return sorted(map(statement_facts, Statement.objects.current().with_related()), key=repr)


def every_statement() -> list[tuple]:
    return sorted(map(statement_facts, Statement.objects.with_related()), key=repr)


# What the importer cannot read back: which of a source's facts were inferred (the export says
# so for the reader; an import takes a row as stated). The round trip compares the rest.
ROUND_TRIP_COLUMNS = ",".join(key for key in REGISTRY.exported() if key != "inferred")


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
    # Every export column is read back but two derived from the statements themselves: which
    # correction cites a row (corrected_by) and what was inferred.
    exported = set(REGISTRY.exported())
    assert exported - set(REGISTRY.imported()) == {"corrected_by", "inferred"}
    assert set(REGISTRY.imported()) - exported == {"kind", "conditions"}


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


# --- an import never rewrites what a document says (issue 8) -------------------------------


def tracker_state() -> dict[str, list]:
    """Every tracker row and every audit-trail row, to show that nothing changed."""
    models = (Organization, Region, Mission, Contribution, SourceDocument, Statement)
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models} | {
        f"history {m.__name__}": list(m.history.order_by("pk").values_list("pk", flat=True))
        for m in models
    }


def edited_export(client, **changes: str) -> tuple[bytes, int]:
    """The exported CSV with UNTSO's row changed; also the spreadsheet row number it has."""
    text = download(client).decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    (index,) = [i for i, r in enumerate(rows) if r["mission_acronym"] == "UNTSO"]
    rows[index].update(changes)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(), index + 2


def preview_of(client, data: bytes):
    client.post(reverse("imports:import_upload"), {"file": SimpleUploadedFile("t.csv", data)})
    return client.get(reverse("imports:import_preview"))


def test_it_refuses_a_row_that_rewrites_what_a_document_says(real_data, analyst_client):
    untso = Statement.objects.get(contribution__mission__acronym="UNTSO")
    assert (untso.document.reference, untso.military) == ("29521-497", 11)
    data, number = edited_export(analyst_client, military="12")
    before = tracker_state()

    preview = preview_of(analyst_client, data)
    plan = preview.context["plan"]
    confirm = analyst_client.post(reverse("imports:import_confirm"))

    expected = (
        f"row {number}: 29521-497 already says military 11; "
        "a new figure needs the document that states it"
    )
    assert [str(error) for error in plan.errors] == [expected]
    assert plan.counts["error"] == 1 and plan.counts["changed"] == 0
    assert expected in preview.content.decode()
    assert confirm.status_code == 400
    assert tracker_state() == before
    assert supersession_mismatches() == []


def test_it_names_every_field_a_rewrite_would_change(real_data, analyst_client):
    data, number = edited_export(analyst_client, military="12", status="ended")
    plan = preview_of(analyst_client, data).context["plan"]
    assert [str(error) for error in plan.errors] == [
        f"row {number}: 29521-497 already says status continued, military 11; "
        "a new figure needs the document that states it"
    ]


# A new document, that says nothing of where in it or in which words (the old row's citation).
NEW_SOURCE = {
    "source": "29521-600",
    "source_date": "2025-09-01",
    "source_url": "",
    "location": "",
    "quote": "",
}


def test_it_refuses_a_new_documents_row_whose_total_is_below_its_figures(real_data, analyst_client):
    # The export's total (11, the old sum) left as it was: the row contradicts itself.
    data, number = edited_export(analyst_client, military="12", **NEW_SOURCE)
    before = tracker_state()
    plan = preview_of(analyst_client, data).context["plan"]
    assert [str(error) for error in plan.errors] == [
        f"row {number}, total: The total cannot be less than the military, civilian and police "
        "figures added up."
    ]
    assert analyst_client.post(reverse("imports:import_confirm")).status_code == 400
    assert tracker_state() == before


def test_it_adds_a_new_documents_statement_and_lists_it_as_a_change(real_data, analyst_client):
    contribution = Statement.objects.get(contribution__mission__acronym="UNTSO").contribution
    data, number = edited_export(analyst_client, military="12", total="12", **NEW_SOURCE)
    before = {m: m.objects.count() for m in (Statement, SourceDocument, Statement.history.model)}

    plan = preview_of(analyst_client, data).context["plan"]
    (new_row,) = [r for r in plan.rows if r.verdict != Verdict.UNCHANGED]
    assert (new_row.row, new_row.verdict, new_row.creates) == (
        number,
        Verdict.NEW,
        ["source document 29521-600"],
    )
    assert analyst_client.post(reverse("imports:import_confirm")).status_code == 302

    after = {m: m.objects.count() for m in before}
    assert after == {m: n + 1 for m, n in before.items()}
    document = SourceDocument.objects.get(dossier="29521", number="600")
    assert (document.date, document.kind) == (date(2025, 9, 1), "other")
    *_, old, new = contribution.statements.order_by("document_date", "document_id")
    assert (old.document.number, old.military, old.superseded_on) == ("497", 11, date(2025, 9, 1))
    assert (new.document, new.military, new.superseded_on) == (document, 12, None)
    assert Statement.objects.current().get(contribution=contribution) == new
    assert supersession_mismatches() == []

    changes = analyst_client.get(
        reverse("reports:changes"), {"from": "2025-08-01", "to": "2025-09-30"}
    )
    listed = [(e.statement.pk, e.previous.pk) for e in changes.context["entries"]]
    assert listed == [(new.pk, old.pk)]
    assert "29521-600" in changes.content.decode()
