"""Import with preview: reading CSV/XLSX, the dry-run preview per row, confirm all or nothing.

Row numbers are the spreadsheet's own: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from openpyxl import Workbook

from missions.imports import pending
from missions.imports.plan import Verdict
from missions.imports.reading import MAX_ROWS, ImportFileError, read_upload
from missions.models import (
    Contribution,
    Mission,
    Organization,
    PendingImport,
    Region,
    SourceDocument,
    Statement,
)
from missions.reading.supersession import supersession_mismatches
from tests import factories
from tests.factories import REPORT_COLUMNS as CONTRIBUTION_COLUMNS

UPLOAD = reverse("imports:import_upload")
PREVIEW = reverse("imports:import_preview")
CONFIRM = reverse("imports:import_confirm")
TRACKER_MODELS = (Organization, Region, Mission, Contribution, SourceDocument, Statement)


def row(**cells: str) -> dict[str, str]:
    """One valid row of the contributions layout; any cell can be overridden."""
    values = {
        "mission": "EUNAVFOR Aspides",
        "mission_acronym": "Aspides",
        "organization": "EU",
        "region": "Red Sea",
        "contribution": "national staff",
        "status": "extended",
        "military": "5",
        "qualifier": "approximately",
        "end": "2028-06-30",
        "end_precision": "month",
        "source": "29521-497",
        "source_date": "2025-05-23",
    }
    values.update(cells)
    return values


def csv_bytes(
    rows: list[dict[str, str]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    columns: tuple[str, ...] = CONTRIBUTION_COLUMNS,
) -> bytes:
    lines = [delimiter.join(columns)]
    lines += [delimiter.join(r.get(c, "") for c in columns) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def upload(client, data: bytes, name: str = "contributions.csv"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)})


def state() -> dict[str, list[dict]]:
    """Every tracker row and every audit-trail row, to show that nothing changed."""
    snapshot = {}
    for model in TRACKER_MODELS:
        snapshot[model.__name__] = list(model.objects.order_by("pk").values())
        snapshot[f"history {model.__name__}"] = model.history.count()
    return snapshot


def content(response) -> str:
    return response.content.decode()


# --- reading -------------------------------------------------------------------------------


def test_it_reads_a_comma_csv(analyst_client):
    response = upload(analyst_client, csv_bytes([row(), row(contribution="frigate")]))
    assert response.status_code == 302
    assert response["Location"] == PREVIEW
    preview = analyst_client.get(PREVIEW)
    assert [r.verdict for r in preview.context["plan"].rows] == [Verdict.NEW, Verdict.NEW]


def test_it_reads_a_semicolon_csv_with_bom_and_a_dutch_status():
    data = b"\xef\xbb\xbf" + csv_bytes([row(status="niet haalbaar")], delimiter=";")
    table = read_upload(data)
    assert table.columns == list(CONTRIBUTION_COLUMNS)
    assert table.rows[0][0] == 2
    cells = dict(zip(table.columns, table.rows[0][1], strict=True))
    assert cells["mission"] == "EUNAVFOR Aspides"
    assert cells["status"] == "niet haalbaar"


def test_it_follows_excels_separator_hint_line():
    table = read_upload(b"sep=;\r\n" + csv_bytes([row(capability="a, b")], delimiter=";"))
    cells = dict(zip(table.columns, table.rows[0][1], strict=True))
    assert (table.rows[0][0], cells["capability"]) == (2, "a, b")


def test_it_reads_windows_1252_and_imports_the_accented_name(analyst_client):
    data = csv_bytes([row(region="Bosnië-Herzegovina")], delimiter=";", encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    upload(analyst_client, data)
    analyst_client.get(PREVIEW)
    analyst_client.post(CONFIRM)
    assert list(Region.objects.values_list("name", flat=True)) == ["Bosnië-Herzegovina"]


def test_it_reads_xlsx_with_date_and_number_cells(analyst_client):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(CONTRIBUTION_COLUMNS))
    values = row(military=5, end=date(2028, 6, 30), source_date=date(2025, 5, 23))
    values["civilian"] = 2.0  # Excel stores every number as a float
    sheet.append([values.get(column) for column in CONTRIBUTION_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)

    upload(analyst_client, buffer.getvalue(), "contributions.xlsx")
    analyst_client.get(PREVIEW)
    analyst_client.post(CONFIRM)

    statement = Statement.objects.get()
    assert (statement.military, statement.civilian, statement.end_date) == (5, 2, date(2028, 6, 30))
    assert statement.end_precision == "month"
    assert statement.document.date == date(2025, 5, 23)


def test_it_reads_phrases_with_their_precision_and_labels_in_dutch(db):
    factories.document(dossier="29521", number="497", date=date(2025, 5, 23))
    data = csv_bytes(
        [row(start="sinds 2024", end="eind juni 2028", end_precision="", qualifier="circa")]
    )
    from missions.imports.planning import build_plan

    plan = build_plan(read_upload(data))
    statement = plan.targets["statement"][0].claims
    assert statement["start_date"][1] == date(2024, 1, 1)
    assert statement["start_precision"][1] == "year"
    assert statement["end_date"][1] == date(2028, 6, 30)
    assert statement["end_precision"][1] == "month"
    assert statement["qualifier"][1] == "approximately"


def test_it_refuses_a_file_over_5_mb_with_a_message(analyst_client):
    data = csv_bytes([row()]) + b"x" * (5 * 1024 * 1024)
    response = upload(analyst_client, data)
    assert response.status_code == 400
    assert "the limit is 5 MB" in content(response)
    assert analyst_client.get(PREVIEW)["Location"] == UPLOAD


def test_it_refuses_more_than_20000_rows_with_a_message(analyst_client):
    line = "M,,EU,R,c,,new,,,,,,,,,,29521-1,2025-01-01,\n"
    data = (",".join(CONTRIBUTION_COLUMNS) + "\n" + line * (MAX_ROWS + 1)).encode()
    assert len(data) < 5 * 1024 * 1024
    response = upload(analyst_client, data)
    assert response.status_code == 400
    assert "more than 20,000 data rows" in content(response)
    # Exactly the limit is fine.
    assert len(read_upload(data[: -len(line)]).rows) == MAX_ROWS


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"   \r\n", "The file is empty."),
        (b"\xd0\xcf\x11\xe0rest of an old xls", "Old Excel files (.xls) cannot be read"),
        (b"PK\x03\x04not really a zip", "not a valid XLSX"),
        (b"mission,organization,region\nA,B,C\n", "lacks the required columns contribution"),
        (",".join(CONTRIBUTION_COLUMNS).encode() + b"\n\n\n", "a header but no data rows"),
        (b"mission,mission,organization,region,contribution,status,source\n1,2,3,4,5,6,7",
         "more than once: mission"),
    ],
    ids=["nothing", "blank", "xls", "bad-zip", "missing-column", "no-rows", "duplicate-column"],
)  # fmt: skip
def test_it_explains_a_file_it_cannot_read(analyst_client, data, message):
    response = upload(analyst_client, data, "sheet.csv")
    assert response.status_code == 400
    assert message in content(response)


def test_it_warns_about_columns_it_ignores(analyst_client):
    data = csv_bytes([row()], columns=(*CONTRIBUTION_COLUMNS, "time_left"))
    upload(analyst_client, data)
    plan = analyst_client.get(PREVIEW).context["plan"]
    assert plan.warnings == [
        "These columns are not part of the layout and were ignored: time_left."
    ]


def test_it_undoes_the_exporters_formula_quote():
    data = csv_bytes([row(contribution="'=HYPERLINK(x)")])
    cells = dict(zip(CONTRIBUTION_COLUMNS, read_upload(data).rows[0][1], strict=True))
    assert cells["contribution"] == "=HYPERLINK(x)"


# --- preview and confirm -------------------------------------------------------------------


def fifty_rows_with_a_bad_date_on_row_37() -> bytes:
    """50 data rows (spreadsheet rows 2..51); spreadsheet row 37 is data row 36."""
    rows = [row(contribution=f"team {n}") for n in range(2, 52)]
    rows[37 - 2]["end"] = "eind smarch 2028"
    return csv_bytes(rows)


def test_it_names_row_37_and_the_field_and_changes_nothing(analyst_client):
    mission = factories.mission(name="EUNAVFOR Aspides", acronym="Aspides")
    factories.statement(contribution=factories.contribution(mission=mission, name="team 3"))
    before = state()

    upload(analyst_client, fifty_rows_with_a_bad_date_on_row_37())
    preview = analyst_client.get(PREVIEW)
    confirm = analyst_client.post(CONFIRM)

    expected = 'row 37, end: "eind smarch 2028" is not a date'
    assert escape(expected) in content(preview)
    plan = preview.context["plan"]
    assert [str(e) for e in plan.errors] == [
        expected + ' (write 2028-06-30, "eind juni 2028" or 2026)'
    ]
    assert [r.row for r in plan.rows if r.verdict == Verdict.ERROR] == [37]
    # Without row 37 the file would add 49 statements and move the existing mission to EU.
    assert plan.counts == {"new": 49, "changed": 0, "unchanged": 0, "error": 1}
    assert [(r.row, c.column, c.new) for r in plan.rows for c in r.changes] == [
        (2, "organization", "EU"),
        (2, "region", "Red Sea"),
    ]
    assert confirm.status_code == 400
    assert escape(expected) in content(confirm)
    assert "Confirm the import" not in content(confirm)
    assert state() == before


def test_it_lists_the_changed_fields_with_old_and_new_values(analyst_client):
    contribution = factories.contribution(name="national staff", capability="")
    document = factories.document(dossier="29521", number="497", date=date(2025, 5, 23))
    factories.statement(contribution=contribution, document=document, status="extended", military=5)
    mission = contribution.mission
    same = {
        "mission": mission.name,
        "organization": mission.organization.acronym,
        "region": mission.region.name,
        "status": "extended",
        "military": "5",
        "qualifier": "",
        "end": "",
        "end_precision": "",
    }
    data = csv_bytes([row(**same, mission_acronym="NEW", capability="staff officers")])
    upload(analyst_client, data)
    preview = analyst_client.get(PREVIEW)
    (planned,) = preview.context["plan"].rows
    assert planned.verdict == Verdict.CHANGED
    # A mission's and a contribution's own facts may change; the statement says the same.
    assert [(c.column, c.old, c.new) for c in planned.changes] == [
        ("mission_acronym", mission.acronym, "NEW"),
        ("capability", "(empty)", "staff officers"),
    ]
    assert "capability</span>: (empty) → staff officers" in content(preview)


def test_it_refuses_a_row_that_makes_a_document_say_something_else(analyst_client):
    contribution = factories.contribution(name="national staff")
    document = factories.document(dossier="29521", number="497", date=date(2025, 5, 23))
    factories.statement(contribution=contribution, document=document, status="extended", military=5)
    mission = contribution.mission
    before = state()
    data = csv_bytes(
        [
            row(
                mission=mission.name,
                mission_acronym=mission.acronym,
                organization=mission.organization.acronym,
                region=mission.region.name,
                status="continued",
                military="6",
                qualifier="",
                end="",
                end_precision="",
            )
        ]
    )
    upload(analyst_client, data)
    plan = analyst_client.get(PREVIEW).context["plan"]
    assert [str(e) for e in plan.errors] == [
        "row 2: 29521-497 already says status extended, military 5; a new figure needs the "
        "document that states it"
    ]
    assert analyst_client.post(CONFIRM).status_code == 400
    assert state() == before


def test_it_applies_every_row_on_confirm_with_the_reason_in_the_history(analyst, analyst_client):
    rows = [row(contribution=f"team {n}") for n in range(3)]
    rows.append(row(mission="UNTSO", mission_acronym="UNTSO", organization="UN",
                    region="Middle East", contribution="observers", status="continued",
                    military="11", end="open-ended", end_precision="", source="29521-493",
                    source_date="2025-04-04"))  # fmt: skip
    upload(analyst_client, csv_bytes(rows))
    analyst_client.get(PREVIEW)
    response = analyst_client.post(CONFIRM)

    assert response["Location"] == reverse("imports:import_done")
    done = analyst_client.get(response["Location"])
    assert "4 new statements" in content(done)
    assert sorted(Statement.objects.values_list("contribution__name", "document__number")) == [
        ("observers", "493"),
        ("team 0", "497"),
        ("team 1", "497"),
        ("team 2", "497"),
    ]
    untso = Statement.objects.get(contribution__name="observers")
    assert (untso.open_ended, untso.end_date, untso.military) == (True, None, 11)
    assert Organization.objects.count() == 2
    assert SourceDocument.objects.get(number="493").kind == "other"
    history = Statement.history.filter(contribution__name="observers").get()
    assert history.history_change_reason == "Imported from contributions.csv"
    assert history.history_user == analyst
    # Importing the same file again changes nothing.
    upload(analyst_client, csv_bytes(rows))
    plan = analyst_client.get(PREVIEW).context["plan"]
    assert plan.counts == {"new": 0, "changed": 0, "unchanged": 4, "error": 0}
    assert supersession_mismatches() == []


def test_it_refuses_rows_that_disagree_or_repeat(analyst_client):
    rows = [
        row(),
        row(contribution="frigate", organization="NATO"),
        row(),
        row(contribution="ship", source="29521-999"),
    ]
    upload(analyst_client, csv_bytes(rows))
    plan = analyst_client.get(PREVIEW).context["plan"]
    assert [str(e) for e in plan.errors] == [
        "row 3, organization: EUNAVFOR Aspides has EU in row 2; one file cannot give it two values",
        "row 4, source: row 2 already gives a statement for this contribution and source",
    ]
    # Row 5 names a new document with a date, like row 2 did for its own document.
    assert [r.verdict for r in plan.rows] == ["new", "error", "error", "new"]


def test_it_does_not_redate_an_existing_document(analyst_client):
    factories.document(dossier="29521", number="497", date=date(2025, 5, 23))
    upload(analyst_client, csv_bytes([row(source_date="2025-06-01")]))
    plan = analyst_client.get(PREVIEW).context["plan"]
    assert [str(e) for e in plan.errors] == [
        "row 2, source_date: 29521-497 is dated 2025-05-23 in the tracker; a document's date "
        "is corrected in the admin, not by an import"
    ]


def test_it_uses_the_models_rules_for_counts_and_periods(analyst_client):
    rows = [row(military="-3"), row(contribution="b", start="2029-01-01", end="2028-06-30")]
    upload(analyst_client, csv_bytes(rows))
    plan = analyst_client.get(PREVIEW).context["plan"]
    assert [str(e) for e in plan.errors] == [
        "row 2, military: Ensure this value is greater than or equal to 0.",
        "row 3, end: The end cannot be before the start.",
    ]


def test_it_refuses_a_confirm_when_the_data_changed_since_the_preview(analyst_client):
    upload(analyst_client, csv_bytes([row()]))
    analyst_client.get(PREVIEW)
    factories.document(dossier="29521", number="497", date=date(2025, 5, 23))
    before = state()

    response = analyst_client.post(CONFIRM)

    assert response.status_code == 409
    assert "The data changed since your preview" in content(response)
    assert state() == before
    # The new preview is shown and can be confirmed.
    assert analyst_client.post(CONFIRM).status_code == 302
    assert Statement.objects.count() == 1


def test_it_does_nothing_harmful_on_a_second_confirm(analyst_client):
    upload(analyst_client, csv_bytes([row()]))
    analyst_client.get(PREVIEW)
    assert analyst_client.post(CONFIRM).status_code == 302
    after_first = state()

    second = analyst_client.post(CONFIRM)

    assert second.status_code == 409
    assert "There is no import waiting for confirmation" in content(second)
    assert state() == after_first


def test_it_keeps_no_upload_once_discarded(analyst_client, analyst):
    upload(analyst_client, csv_bytes([row()]))
    (pending,) = PendingImport.objects.all()
    assert (pending.user, pending.filename, len(pending.table["rows"])) == (
        analyst,
        "contributions.csv",
        1,
    )
    analyst_client.post(reverse("imports:import_discard"))
    assert not PendingImport.objects.exists()
    assert analyst_client.post(CONFIRM).status_code == 409
    assert Statement.objects.count() == 0


def test_it_removes_the_upload_once_confirmed_and_uploads_older_than_a_day(analyst_client):
    upload(analyst_client, csv_bytes([row()]))
    PendingImport.objects.update(created_at=timezone.now() - timedelta(days=1, seconds=1))
    # A day old: gone for its own session, and removed by the next upload.
    assert analyst_client.get(PREVIEW)["Location"] == UPLOAD
    upload(analyst_client, csv_bytes([row(contribution="other")]))
    assert list(PendingImport.objects.values_list("filename", flat=True)) == ["contributions.csv"]
    analyst_client.get(PREVIEW)
    assert analyst_client.post(CONFIRM).status_code == 302
    assert not PendingImport.objects.exists()
    assert list(Statement.objects.values_list("contribution__name", flat=True)) == ["other"]


def test_it_confirms_on_another_server_from_the_database_row_alone(
    analyst, analyst_client, tmp_path, settings
):
    """Server A previews; server B, with no file of A's and a new client, confirms."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    upload(analyst_client, csv_bytes([row(), row(contribution="frigate")]))
    analyst_client.get(PREVIEW)
    (pending,) = PendingImport.objects.all()
    assert pending.fingerprint
    assert list(tmp_path.iterdir()) == []  # nothing kept on the server that previewed

    other_server = Client()
    other_server.cookies = analyst_client.cookies  # the same login, served by another process
    response = other_server.post(CONFIRM)

    assert response["Location"] == reverse("imports:import_done")
    assert sorted(Statement.objects.values_list("contribution__name", flat=True)) == [
        "frigate",
        "national staff",
    ]
    assert not PendingImport.objects.exists()


def test_it_keeps_the_upload_when_a_confirmation_is_refused(analyst_client):
    upload(analyst_client, csv_bytes([row()]))
    analyst_client.get(PREVIEW)
    factories.document(dossier="29521", number="497", date=date(2025, 5, 23))
    assert analyst_client.post(CONFIRM).status_code == 409
    assert PendingImport.objects.count() == 1
    assert analyst_client.post(CONFIRM).status_code == 302
    assert not PendingImport.objects.exists()


def test_it_refuses_a_viewer_and_changes_nothing(analyst_client, viewer_client):
    upload(analyst_client, csv_bytes([row()]))
    analyst_client.get(PREVIEW)
    before = state()
    data = csv_bytes([row(contribution="other")])
    assert viewer_client.get(UPLOAD).status_code == 403
    assert upload(viewer_client, data).status_code == 403
    assert viewer_client.get(PREVIEW).status_code == 403
    assert viewer_client.post(CONFIRM).status_code == 403
    assert state() == before


def test_it_sends_an_anonymous_user_to_the_login_page(db, client):
    for response in (client.get(UPLOAD), upload(client, csv_bytes([row()]))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert not any(model.objects.exists() for model in TRACKER_MODELS)


def test_it_does_not_serve_one_users_upload_to_another(analyst_client, analyst):
    upload(analyst_client, csv_bytes([row()]))
    session = analyst_client.session
    other = apps.get_model("auth", "User").objects.create_user("other-analyst")
    assert pending.load(session, analyst.pk) is not None
    assert pending.load(session, other.pk) is None
    assert pending.claim(session, other.pk) is None
    assert pending.load({pending.SESSION_KEY: "../../etc/passwd"}, analyst.pk) is None
    assert pending.load({pending.SESSION_KEY: {"token": 1}}, analyst.pk) is None


def test_it_reads_an_unreadable_file_as_a_message_not_an_exception():
    with pytest.raises(ImportFileError, match="neither an Excel workbook nor text"):
        read_upload(b"mission\x81\x8d\x8f\x90\x9d" * 3 + "é".encode("utf-16-le")[:1])


# --- the preview: what needs a look first, a page at a time --------------------------------


def test_it_previews_changes_and_errors_first_and_every_row_on_request(analyst_client):
    mission = factories.mission(name="EUNAVFOR Aspides", acronym="Aspides")
    document = factories.document(dossier="29521", number="497", date=date(2025, 5, 23))
    for n in range(3):
        contribution = factories.contribution(mission=mission, name=f"team {n}")
        factories.statement(
            contribution=contribution, document=document, status="extended", military=5
        )
    same = {
        "organization": mission.organization.acronym,
        "region": mission.region.name,
        "qualifier": "",
        "end": "",
        "end_precision": "",
    }
    rows = [row(**same, contribution=f"team {n}") for n in range(3)]
    rows += [row(**same, contribution="new team"), row(**{**same, "end": "smarch"})]
    upload(analyst_client, csv_bytes(rows))

    preview = analyst_client.get(PREVIEW)
    every = analyst_client.get(PREVIEW, {"show": "all"})

    assert [r.row for r in preview.context["page"].object_list] == [5, 6]
    assert [r.row for r in every.context["page"].object_list] == [2, 3, 4, 5, 6]
    assert preview.context["plan"].counts == {"new": 1, "changed": 0, "unchanged": 3, "error": 1}
    assert "Show all rows" in content(preview)


def test_it_pages_a_long_preview(analyst_client):
    upload(analyst_client, csv_bytes([row(contribution=f"team {n}") for n in range(250)]))
    pages = [analyst_client.get(PREVIEW, {"page": n}) for n in (1, 2, 3, 99)]
    assert [len(p.context["page"].object_list) for p in pages] == [100, 100, 50, 50]
    assert pages[1].context["page"].object_list[0].row == 102
    assert "Page 2 of 3" in content(pages[1])
    assert f'href="{PREVIEW}?page=3" rel="next"' in content(pages[1])


@pytest.mark.parametrize("size", [5, 300])
def test_it_previews_and_confirms_in_a_fixed_number_of_queries(
    analyst_client, django_assert_num_queries, size
):
    factories.document(dossier="29521", number="497", date=date(2025, 5, 23))
    upload(analyst_client, csv_bytes([row(contribution=f"team {n}") for n in range(size)]))
    with django_assert_num_queries(PREVIEW_QUERIES):
        analyst_client.get(PREVIEW)
    with django_assert_num_queries(CONFIRM_QUERIES):
        assert analyst_client.post(CONFIRM).status_code == 302
    assert Statement.objects.count() == size


# The first view of a preview reads the data version and finds no plan kept, then plans the file.
PREVIEW_QUERIES = 37
CONFIRM_QUERIES = 38
