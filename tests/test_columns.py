"""The column registry: the contributions layout once, and every use of it derived from it."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from missions.columns import REGISTRY, Column, Importing
from missions.imports.reading import read_upload
from missions.models import Qualifier, Statement, Status
from missions.reading.sorting import order_rows, sort_keys
from tests import factories

HEADER = "mission,organization,region,contribution,status,source,source_date"
MISSIONS = Path(__file__).resolve().parents[1] / "missions"
EXPORT = reverse("reports:contributions")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_it_names_a_column_key_in_the_registry_and_at_most_one_other_file():
    # As `grep -rl '"mission_acronym"' missions --include=*.py | grep -v migrations` would.
    files = sorted(
        str(path.relative_to(MISSIONS.parent))
        for path in MISSIONS.rglob("*.py")
        if "migrations" not in path.parts and '"mission_acronym"' in path.read_text()
    )
    assert "missions/columns.py" in files
    assert len(files) <= 2, files


def test_each_column_is_defined_once_with_a_unique_key_and_header_words():
    keys = [column.key for column in REGISTRY.columns]
    assert len(keys) == len(set(keys))
    for language in ("en", "nl"):
        with translation.override(language):
            labels = [str(column.label).casefold() for column in REGISTRY.columns]
        assert len(labels) == len(set(labels)), language
    # A label in either language names its own column, never another one.
    for column in REGISTRY.columns:
        for language in ("en", "nl"):
            with translation.override(language):
                assert REGISTRY.header_key(str(column.label)) == column.key


# --- a column added in one place shows everywhere --------------------------------------------

NOTES = Column(
    "notes",
    "Analyst notes",
    ("notes",),
    width=30,
    imports=Importing("statement", "notes"),
    table="notes",
    sort=("notes",),
)


@pytest.fixture
def with_notes():
    with REGISTRY.extended(NOTES):
        yield


@pytest.fixture
def noted(db):
    return factories.statement(notes="Seen in the debate of 12 May", total=4)


def test_an_added_column_shows_in_the_table(viewer_client, noted, with_notes):
    response = viewer_client.get("/", {"columns": "mission,notes", "sort": "-notes"})

    table = response.context["table"]
    assert [column.name for column in table.columns] == ["mission", "notes"]
    assert table.order_by == ("-notes",)
    html = response.content.decode()
    assert "Analyst notes" in html
    assert "Seen in the debate of 12 May" in html
    assert ("notes", "notes", "Analyst notes") in response.context["columns"]


@pytest.mark.parametrize("fmt", ["csv", "excel-csv", "xlsx"])
def test_an_added_column_shows_in_the_three_export_formats(viewer_client, noted, with_notes, fmt):
    response = viewer_client.get(EXPORT, {"format": fmt})

    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(body(response))).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=6)]
        header, first = rows[0], rows[1]
        assert header[-1] == "Analyst notes"
    else:
        delimiter = ";" if fmt == "excel-csv" else ","
        lines = list(
            csv.reader(io.StringIO(body(response).decode("utf-8-sig")), delimiter=delimiter)
        )
        header, first = lines[0], lines[1]
        assert header[-1] == ("Analyst notes" if fmt == "excel-csv" else "notes")
    assert first[-1] == "Seen in the debate of 12 May"


def test_an_added_column_is_part_of_the_import_header(analyst_client, noted, with_notes):
    page = analyst_client.get(reverse("imports:import_upload"))
    assert "notes" in page.context["columns"]
    export = body(analyst_client.get(EXPORT, {"format": "csv"}))
    assert read_upload(export).ignored_columns == []
    # Named by its label, as a person's sheet would; read into the statement.
    data = f"{HEADER},Analyst notes\nM,EU,Red Sea,C,new,29521-900,2026-01-05,In the debate\n"

    analyst_client.post(
        reverse("imports:import_upload"), {"file": SimpleUploadedFile("c.csv", data.encode())}
    )
    plan = analyst_client.get(reverse("imports:import_preview")).context["plan"]
    assert plan.warnings == []
    assert analyst_client.post(reverse("imports:import_confirm")).status_code == 302

    assert Statement.objects.get(contribution__name="C").notes == "In the debate"


def test_without_the_added_column_the_layout_is_as_before(viewer_client, noted):
    header = body(viewer_client.get(EXPORT)).decode().splitlines()[0].split(",")
    assert "notes" not in header
    assert "notes" not in REGISTRY.exported()


# --- one sort rule for the table, its downloads and the API ------------------------------------


def test_it_reads_the_sort_parameter_once_for_every_use():
    from django.http import QueryDict

    assert sort_keys(QueryDict("sort=-end,mission&sort=total")) == ["-end", "mission", "total"]
    assert sort_keys(QueryDict("sort=,")) == []


def test_it_sorts_an_unknown_total_last_both_ways(db):
    small, big, unknown = (
        factories.statement(total=2),
        factories.statement(total=20),
        factories.statement(total=None),
    )
    rows = Statement.objects.all()

    assert list(order_rows(rows, ["total"])) == [small, big, unknown]
    assert list(order_rows(rows, ["-total"])) == [big, small, unknown]
    # A key that is no sortable column is left out, not an error.
    assert list(order_rows(rows, ["nope", "total"])) == [small, big, unknown]


# --- the exports a briefing can cite (issue 10) -----------------------------------------------


def rows_of(response, delimiter: str = ",") -> list[dict[str, str]]:
    text = body(response).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_it_leaves_the_qualifier_empty_on_a_row_without_any_figure(viewer_client, db):
    factories.statement(contribution=factories.contribution(name="none"), qualifier="exact")
    factories.statement(
        contribution=factories.contribution(name="police only"),
        police=0,
        qualifier=Qualifier.AT_MOST,
    )

    rows = {row["contribution"]: row for row in rows_of(viewer_client.get(EXPORT))}

    assert rows["none"]["qualifier"] == ""
    assert rows["police only"]["qualifier"] == "at_most"


def test_end_holds_only_dates_and_open_ended_is_its_own_column(viewer_client, db):
    factories.statement(contribution=factories.contribution(name="open"), open_ended=True)
    factories.statement(
        contribution=factories.contribution(name="dated"), end_date=date(2027, 1, 31)
    )
    factories.statement(contribution=factories.contribution(name="unknown"))

    rows = {row["contribution"]: row for row in rows_of(viewer_client.get(EXPORT))}

    assert [(rows[n]["end"], rows[n]["open_ended"]) for n in ("open", "dated", "unknown")] == [
        ("", "true"),
        ("2027-01-31", "false"),
        ("", "false"),
    ]


@pytest.mark.parametrize(
    ("end", "flag", "expected"),
    [
        ("", "true", (None, True)),
        ("", "ja", (None, True)),
        ("2027-01-31", "false", (date(2027, 1, 31), False)),
        ("", "", (None, False)),
        # Files exported before the open_ended column wrote the word in the end column.
        ("open-ended", None, (None, True)),
        ("onbepaalde tijd", None, (None, True)),
    ],
)
def test_the_importer_reads_the_open_ended_column_and_the_old_word(
    analyst_client, db, end, flag, expected
):
    columns = HEADER + ",end" + (",open_ended" if flag is not None else "")
    cells = f"M,EU,Red Sea,C,new,29521-900,2026-01-05,{end}" + (
        f",{flag}" if flag is not None else ""
    )
    analyst_client.post(
        reverse("imports:import_upload"),
        {"file": SimpleUploadedFile("c.csv", f"{columns}\n{cells}\n".encode())},
    )
    plan = analyst_client.get(reverse("imports:import_preview")).context["plan"]
    assert [str(error) for error in plan.errors] == []
    assert analyst_client.post(reverse("imports:import_confirm")).status_code == 302

    statement = Statement.objects.get()
    assert (statement.end_date, statement.open_ended) == expected


def test_the_importer_refuses_an_end_date_on_a_row_flagged_open_ended(analyst_client, db):
    data = f"{HEADER},end,open_ended\nM,EU,Red Sea,C,new,29521-900,2026-01-05,2027-01-31,true\n"
    analyst_client.post(
        reverse("imports:import_upload"), {"file": SimpleUploadedFile("c.csv", data.encode())}
    )
    plan = analyst_client.get(reverse("imports:import_preview")).context["plan"]

    assert [(e.row, e.column) for e in plan.errors] == [(2, "end")]
    assert not Statement.objects.exists()


def test_the_importer_refuses_an_open_ended_flag_that_is_not_true_or_false(analyst_client, db):
    data = f"{HEADER},open_ended\nM,EU,Red Sea,C,new,29521-900,2026-01-05,maybe\n"
    analyst_client.post(
        reverse("imports:import_upload"), {"file": SimpleUploadedFile("c.csv", data.encode())}
    )
    plan = analyst_client.get(reverse("imports:import_preview")).context["plan"]

    assert [(e.row, e.column) for e in plan.errors] == [(2, "open_ended")]
    assert "is not true or false" in plan.errors[0].message
    assert "maybe" in plan.errors[0].message
    assert not Statement.objects.exists()


@pytest.fixture
def aspides(db):
    eu = factories.organization(acronym="EU", name="European Union")
    mission = factories.mission(
        name="EUNAVFOR Aspides",
        acronym="Aspides",
        organization=eu,
        region=factories.region(name="Red Sea"),
    )
    document = factories.document(dossier="29521", number="497", date=date(2025, 5, 23))
    return factories.statement(
        contribution=factories.contribution(mission=mission, name="national staff"),
        document=document,
        status=Status.EXTENDED,
        total=10,
        qualifier=Qualifier.APPROXIMATELY,
        end_date=date(2028, 6, 30),
        end_precision="month",
    )


def test_the_excel_files_speak_the_readers_language(viewer_client, aspides):
    csv_nl = viewer_client.get(EXPORT, {"format": "excel-csv"}, HTTP_ACCEPT_LANGUAGE="nl")
    xlsx_nl = viewer_client.get(EXPORT, {"format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="nl")
    plain_nl = viewer_client.get(EXPORT, {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="nl")

    (row,) = rows_of(csv_nl, ";")
    assert list(row)[:3] == ["Missie", "Afkorting", "Organisatie"]
    assert (row["Status"], row["Kwalificatie"], row["Precisie einde"]) == (
        "verlengd",
        "ongeveer",
        "maand",
    )
    sheet = load_workbook(io.BytesIO(body(xlsx_nl))).active
    header = [cell.value for cell in sheet[6]]
    cells = dict(zip(header, [cell.value for cell in sheet[7]], strict=True))
    assert (cells["Missie"], cells["Status"], cells["Kwalificatie"]) == (
        "EUNAVFOR Aspides",
        "verlengd",
        "ongeveer",
    )
    # The plain CSV is the machine format: keys and stored values in any language.
    (plain,) = rows_of(plain_nl)
    assert (plain["status"], plain["qualifier"], plain["end_precision"]) == (
        "extended",
        "approximately",
        "month",
    )


def test_the_xlsx_says_which_view_it_holds_above_an_autofiltered_header(viewer_client, aspides):
    earlier = factories.document(dossier="29521", number="493", date=date(2025, 4, 4))
    factories.statement(
        contribution=aspides.contribution, document=earlier, total=8, status=Status.EXTENDED
    )

    response = viewer_client.get(
        EXPORT,
        {"format": "xlsx", "as_of": "2025-05-01", "organization": "EU", "status": "extended"},
    )

    sheet = load_workbook(io.BytesIO(body(response))).active
    title = [sheet.cell(row, 1).value for row in range(1, 6)]
    assert title[0] == "Contributions as the documents stood on May 1, 2025"
    assert title[1] == "Filters: Organization: EU; Status: extended"
    assert title[2].startswith("Generated at 20")
    # Only the documents the rows cite: 497 is after the as-of day.
    assert title[3] == "Sources (1): 29521-493"
    assert title[4] is None
    assert sheet.auto_filter.ref == "A6:Y7"  # 25 columns
    assert sheet.freeze_panes == "A7"
    assert sheet["A7"].value == "EUNAVFOR Aspides"


def test_the_importer_reads_the_trackers_workbook_and_keeps_its_row_numbers(
    analyst_client, aspides
):
    with translation.override("nl"):
        response = analyst_client.get(EXPORT, {"format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="nl")
    workbook = load_workbook(io.BytesIO(body(response)))
    sheet = workbook.active
    header = [cell.value for cell in sheet[6]]
    sheet.cell(7, header.index("Militairen") + 1, "many")
    edited = io.BytesIO()
    workbook.save(edited)

    table = read_upload(edited.getvalue())
    assert table.rows[0][0] == 7
    analyst_client.post(
        reverse("imports:import_upload"),
        {"file": SimpleUploadedFile("c.xlsx", edited.getvalue())},
    )
    plan = analyst_client.get(reverse("imports:import_preview")).context["plan"]
    assert [(e.row, e.column) for e in plan.errors] == [(7, "military")]


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("fmt", ["csv", "excel-csv", "xlsx"])
def test_an_export_imports_back_with_no_change(real_data, analyst_client, fmt, language):
    response = analyst_client.get(EXPORT, {"format": fmt}, HTTP_ACCEPT_LANGUAGE=language)
    data = body(response) if response.streaming else response.content
    before = Statement.objects.count()

    analyst_client.post(
        reverse("imports:import_upload"), {"file": SimpleUploadedFile(f"c.{fmt[-4:]}", data)}
    )
    plan = analyst_client.get(reverse("imports:import_preview")).context["plan"]

    assert [str(error) for error in plan.errors] == []
    assert plan.warnings == []
    counts = plan.counts
    assert counts["new"] == counts["changed"] == counts["error"] == 0
    assert counts["unchanged"] > 20
    assert Statement.objects.count() == before


# --- what a row infers: of the document it cites, of its correction, of its own dates ---------

_NOTHING = (False, False, "")
_NO_DOCUMENT = (None, None, None)
_497 = (True, True, "not in the text")


@pytest.mark.parametrize(
    ("in_place", "row", "corrects", "later", "dates", "expected"),
    [
        # A row that states everything.
        (False, _NOTHING, _NO_DOCUMENT, _NO_DOCUMENT, (False, False, ""), ""),
        # A statement of 29521-497 in force: its own document's date and number.
        (False, _497, _NO_DOCUMENT, _NO_DOCUMENT, (False, False, ""),
         "source date, source number (not in the text)"),
        # 29521-493 as it stood, corrected since by 29521-497.
        (False, _NOTHING, _NO_DOCUMENT, _497, (False, False, ""),
         "correction's date, correction's number (not in the text)"),
        # The correction standing in for 29521-493: the row cites 493, 497 corrected it.
        (True, _497, _NOTHING, _NO_DOCUMENT, (False, True, "derived"),
         "correction's date, correction's number (not in the text); end (derived)"),
        # Only a date of the row's own, with no note.
        (False, (False, True, ""), _NO_DOCUMENT, _NO_DOCUMENT, (True, False, ""),
         "source number; start"),
    ],
)  # fmt: skip
def test_the_inferred_cell_says_whose_fact_was_inferred(
    in_place, row, corrects, later, dates, expected
):
    column = REGISTRY["inferred"]
    assert column.fields[0] == "shown_in_place"
    assert column.compute is not None
    assert column.compute(in_place, *row, *corrects, *later, *dates) == expected
