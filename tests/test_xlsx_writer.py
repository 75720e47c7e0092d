"""The XLSX writer (xlsxwriter, rows written whole): every kind of cell reads back as it went
in, escaped against formulas and valid as XML, and no temporary file outlives a write."""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date, datetime

import pytest
import xlsxwriter
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from missions.exports import xlsx
from missions.exports.files import Export, ExportFormat, export_response
from missions.exports.xlsx import write_workbook

HEADER = ["text", "number", "when"]


def written(rows: list[list], header: list[str] = HEADER, widths=(20, 9, 12)) -> bytes:
    target = io.BytesIO()
    write_workbook("sheet", header, list(widths), iter(rows), target)
    return target.getvalue()


def read(data: bytes):
    return load_workbook(io.BytesIO(data)).active


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("plain", "plain"),
        ("Curaçao & <Aruba>", "Curaçao & <Aruba>"),
        ("  padded  ", "  padded  "),
        ("line\nbreak", "line\nbreak"),
        # Stored as Excel stores them (Excel reads the character back, openpyxl the escape).
        ("bell\x07here", "bell_x0007_here"),
        ("_x0041_ literal", "_x005F_x0041_ literal"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+31 70", "'+31 70"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("x" * 40_000, "x" * 32_767),
        (gettext_lazy("status"), "status"),
        # An empty subclass of str is an empty cell too, as an empty str is.
        (mark_safe(""), None),
        (7, 7),
        (-3, -3),
        (2.5, 2.5),
        (True, True),
        (False, False),
        (None, None),
        ("", None),
    ],
    ids=repr,
)
def test_it_reads_back_each_kind_of_cell(cell, expected):
    sheet = read(written([[cell, 1, None]]))

    assert sheet["A2"].value == expected
    assert type(sheet["A2"].value) is type(expected)
    assert sheet["B2"].value == 1


def test_it_writes_a_repeated_text_the_same_in_every_row_whatever_its_cache_holds(monkeypatch):
    # Text cells are kept escaped by value, a few at a time: a text seen again, still kept or
    # dropped since, reads the same (escaped, formula-quoted), and memory stays bounded.
    monkeypatch.setattr(xlsx, "TEXT_CACHE_SIZE", 2)
    texts = ["=1+1", "a & <b>", "plain", " padded ", "y" * 500]
    rows = [[text, 1, None] for text in texts * 3]

    sheet = read(written(rows))

    expected = ["'=1+1", "a & <b>", "plain", " padded ", "y" * 500] * 3
    assert [sheet.cell(row, 1).value for row in range(2, 2 + len(rows))] == expected
    cells = xlsx._CellWriter(date_style=0)
    for number, row in enumerate(rows, start=2):
        cells.row_xml(row, number)
        assert len(cells.bodies) <= 2
        assert "y" * 500 not in cells.bodies  # a long text is escaped each time, never kept


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("xl/worksheets/sheet1.xml").decode()


def test_it_writes_the_very_xml_of_xlsxwriters_own_cell_writer():
    rows = [
        ["plain", 7, date(2028, 6, 30)],
        ["  & <b> _x0041_ \x07 ", -3, datetime(2025, 5, 23, 14, 30)],
        ["=1+1", 2.5, None],
        [True, None, date(1900, 3, 1)],
    ]
    reference = io.BytesIO()
    workbook = xlsxwriter.Workbook(reference, {"constant_memory": True})
    sheet = workbook.add_worksheet("sheet")
    sheet.freeze_panes(1, 0)
    for index, width in enumerate((20, 9, 12)):
        sheet.set_column_pixels(index, index, width * 7)
    bold = workbook.add_format({"bold": True})
    dated = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for col, key in enumerate(HEADER):
        sheet.write_string(0, col, key, bold)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, dated)
            elif isinstance(value, str):
                sheet.write_string(r, c, "'" + value if value.startswith("=") else value)
            elif value is not None:
                sheet.write(r, c, value)
    sheet.autofilter(0, 0, len(rows), len(HEADER) - 1)
    workbook.close()

    assert sheet_xml(written(rows)) == sheet_xml(reference.getvalue())


def test_it_writes_dates_as_date_cells_and_datetimes_with_their_time():
    rows = [
        ["a", 1, date(2028, 6, 30)],
        ["b", 2, date(1900, 3, 1)],
        ["c", 3, datetime(2025, 5, 23, 14, 30)],
        ["d", 4, date(2200, 12, 31)],
    ]
    sheet = read(written(rows))

    values = [sheet.cell(row=r, column=3) for r in range(2, 6)]
    assert all(cell.is_date and cell.number_format == "yyyy-mm-dd" for cell in values)
    assert [cell.value for cell in values] == [
        datetime(2028, 6, 30),
        datetime(1900, 3, 1),
        datetime(2025, 5, 23, 14, 30),
        datetime(2200, 12, 31),
    ]


def test_it_writes_a_bold_frozen_header_widths_and_the_used_range():
    rows = [[f"row {i}", i, None] for i in range(1, 1001)]
    sheet = read(written(rows, widths=(40, 9, 12)))

    assert [c.value for c in sheet[1]] == HEADER
    assert all(c.font.b for c in sheet[1])
    assert not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 40
    assert sheet.column_dimensions["B"].width == 9
    assert sheet.max_row == 1001
    assert sheet.calculate_dimension() == "A1:C1001"
    assert [c.value for c in sheet[1001]] == ["row 1000", 1000, None]


def test_it_writes_the_header_alone_when_there_are_no_rows():
    sheet = read(written([]))

    assert sheet.max_row == 1
    assert [c.value for c in sheet[1]] == HEADER


def test_it_cuts_a_title_to_excels_31_characters():
    target = io.BytesIO()
    write_workbook("t" * 40, ["a"], [5], iter([["x"]]), target)

    assert load_workbook(target).sheetnames == ["t" * 31]


@pytest.fixture
def temp_folder(tmp_path, monkeypatch):
    """Every temporary file of the process goes here, so that the test sees what stays."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def failing_rows(after: int):
    for i in range(after):
        yield [f"row {i}", i, date(2025, 1, 1)]
    raise RuntimeError("the database went away")


def test_it_leaves_no_temporary_file_after_a_write(temp_folder):
    written([[f"row {i}", i, None] for i in range(5000)])

    assert list(temp_folder.iterdir()) == []


def test_it_removes_its_temporary_files_when_the_rows_fail(temp_folder):
    target = io.BytesIO()
    with pytest.raises(RuntimeError, match="went away"):
        write_workbook("sheet", HEADER, [9, 9, 9], failing_rows(3000), target)

    assert list(temp_folder.iterdir()) == []


def test_it_closes_the_download_spool_when_the_rows_fail(temp_folder, monkeypatch):
    opened = []
    real = tempfile.TemporaryFile

    def spy(*args, **kwargs):
        opened.append(real(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(tempfile, "TemporaryFile", spy)
    export = Export("report", HEADER, failing_rows(10), [9, 9, 9])

    with pytest.raises(RuntimeError):
        export_response(export, ExportFormat.XLSX, date(2026, 1, 1))

    # The download's spool and the writer's file of rows: both closed (and so gone).
    assert len(opened) == 2
    assert all(spool.closed for spool in opened)
    assert list(temp_folder.iterdir()) == []


def test_it_closes_the_download_spool_when_the_client_goes_away(db, temp_folder, monkeypatch):
    opened = []
    real = tempfile.TemporaryFile
    monkeypatch.setattr(
        tempfile, "TemporaryFile", lambda *a, **k: opened.append(real(*a, **k)) or opened[-1]
    )
    export = Export("report", HEADER, iter([["a", 1, None]] * 100), [9, 9, 9])
    response = export_response(export, ExportFormat.XLSX, date(2026, 1, 1))
    first = next(iter(response.streaming_content))

    # What the WSGI server does when the client disconnects mid-download.
    response.close()

    assert first.startswith(b"PK")
    assert opened[0].closed
    assert list(temp_folder.iterdir()) == []


def test_no_file_on_disk_holds_the_exported_rows_while_they_are_written(temp_folder):
    # A worker killed mid-export must leave no file with the rows behind (issue 11): the rows go
    # to an unnamed temporary file, which the kernel removes with the process.
    seen_on_disk = []

    def rows():
        for i in range(3000):
            if i == 2500:
                for path in temp_folder.rglob("*"):
                    if path.is_file():
                        seen_on_disk.append((path.name, b"secret row 1000" in path.read_bytes()))
            yield [f"secret row {i}", i, None]

    sheet = read(written(rows()))

    assert sheet.cell(1002, 1).value == "secret row 1000"
    assert not any(holds for _name, holds in seen_on_disk), seen_on_disk


def test_the_target_is_left_untouched_when_the_rows_fail():
    target = io.BytesIO(b"before")
    with pytest.raises(RuntimeError, match="went away"):
        write_workbook("sheet", HEADER, [9, 9, 9], failing_rows(3000), target)

    assert target.getvalue() == b"before"
