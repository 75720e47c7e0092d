"""Workbook limits that hold: small files that ask for huge work are refused, fast and lean.

Each file is built here with zipfile, a few hundred KB on disk, and uploaded as an analyst would.
The refusal must name the limit, take under 5 s and under 100 MiB of extra memory (measured with
tracemalloc around the request), and leave nothing behind.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from missions.imports.reading import (
    MAX_CELL_CHARS,
    MAX_SHEET_ROWS,
    ImportFileError,
    read_upload,
)
from missions.models import Statement
from tests.factories import REPORT_COLUMNS as CONTRIBUTION_COLUMNS

UPLOAD = reverse("imports:import_upload")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def inline_row(number: int, values: list[str]) -> str:
    cells = "".join(
        f'<c r="{column_letter(i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
        if v
    )
    return f'<row r="{number}">{cells}</row>'


HEADER = inline_row(1, list(CONTRIBUTION_COLUMNS))
A_ROW = ["EUNAVFOR Aspides", "Aspides", "EU", "Red Sea", "staff", "", "extended", "5"]


def workbook(sheet_rows: Iterator[str], shared_strings: Iterator[str] | None = None) -> bytes:
    """A minimal XLSX whose sheet and shared-strings parts are written chunk by chunk."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        overrides = (
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        )
        if shared_strings is not None:
            overrides += (
                '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            )
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxml'
            'formats-package.relationships+xml"/><Default Extension="xml" ContentType='
            f'"application/xml"/>{overrides}</Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        strings = (
            f'<Relationship Id="rId2" Type="{OFFICE}/sharedStrings" Target="sharedStrings.xml"/>'
            if shared_strings is not None
            else ""
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>{strings}'
            "</Relationships>",
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode())
            for chunk in sheet_rows:
                part.write(chunk.encode())
            part.write(b"</sheetData></worksheet>")
        if shared_strings is not None:
            with archive.open("xl/sharedStrings.xml", "w") as part:
                part.write(f'<?xml version="1.0"?><sst xmlns="{MAIN}">'.encode())
                for chunk in shared_strings:
                    part.write(chunk.encode())
                part.write(b"</sst>")
    return buffer.getvalue()


def rows_spaced_apart(count: int, gap: int) -> Iterator[str]:
    yield HEADER
    for n in range(count):
        yield inline_row(2 + n * gap, A_ROW)


def many_shared_strings(count: int, item: str) -> Iterator[str]:
    chunk = item * 100_000
    for _ in range(count // 100_000):
        yield chunk


def one_huge_cell(characters: int) -> Iterator[str]:
    yield "<si><t>"
    chunk = "A" * 1_000_000
    for _ in range(characters // len(chunk)):
        yield chunk
    yield "</t></si>"


def refused_quickly(client, data: bytes) -> str:
    """Upload; return the page's text. Asserts the time and memory bounds of the refusal.

    Timed on its own, then sent again under tracemalloc (which slows Python down) for memory.
    """
    started = time.perf_counter()
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("sheet.xlsx", data)})
    seconds = time.perf_counter() - started
    assert response.status_code == 400
    assert seconds < 5, seconds
    tracemalloc.start()
    again = client.post(UPLOAD, {"file": SimpleUploadedFile("sheet.xlsx", data)})
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert again.status_code == 400
    # Less the upload itself, which the test holds anyway and the request copies once.
    assert peak - 2 * len(data) < 100 * 2**20, peak
    assert not Statement.objects.exists()
    return response.content.decode()


def test_it_refuses_rows_spaced_20000_apart(analyst_client):
    data = workbook(rows_spaced_apart(200, 20_000))
    assert len(data) < 60_000
    page = refused_quickly(analyst_client, data)
    assert "The sheet has a value in row 40,002; at most 40,000 rows are read" in page


def test_it_refuses_11_million_shared_strings(analyst_client):
    data = workbook(iter([HEADER]), many_shared_strings(11_000_000, "<si><t/></si>"))
    assert len(data) < 600_000
    page = refused_quickly(analyst_client, data)
    assert "The workbook unpacks to 136 MB; the limit is 64 MB." in page


def test_it_counts_shared_strings_when_they_fit_the_unpacked_size(analyst_client):
    data = workbook(iter([HEADER]), many_shared_strings(11_000_000, "<si/>"))
    assert len(data) < 600_000
    page = refused_quickly(analyst_client, data)
    assert "The workbook holds more than 600,000 cells; split it." in page


def test_it_refuses_one_190_mb_cell(analyst_client):
    data = workbook(iter([HEADER]), one_huge_cell(190_000_000))
    assert len(data) < 250_000
    page = refused_quickly(analyst_client, data)
    assert "The workbook unpacks to 181 MB; the limit is 64 MB." in page


def test_it_refuses_a_cell_over_the_length_limit_that_fits_the_unpacked_size(analyst_client):
    data = workbook(iter([HEADER]), one_huge_cell(30_000_000))
    page = refused_quickly(analyst_client, data)
    assert "A cell holds more than 10,000 characters, the limit for one cell." in page


def test_it_reads_a_cell_at_the_length_limit_and_rows_up_to_the_last_row():
    long = "q" * MAX_CELL_CHARS
    rows = [HEADER, inline_row(2, A_ROW), inline_row(MAX_SHEET_ROWS, [*A_ROW[:4], long])]
    table = read_upload(workbook(iter(rows)))
    assert [number for number, _cells in table.rows] == [2, MAX_SHEET_ROWS]
    assert table.rows[1][1][4] == long
    with pytest.raises(ImportFileError, match="more than 10,000 characters"):
        read_upload(workbook(iter([HEADER, inline_row(2, [*A_ROW[:4], long + "q"])])))
    with pytest.raises(ImportFileError, match="value in row 40,001"):
        read_upload(workbook(iter([*rows, inline_row(MAX_SHEET_ROWS + 1, A_ROW)])))


def test_it_refuses_a_value_beyond_the_column_limit():
    far = '<row r="2"><c r="CW2" t="inlineStr"><is><t>x</t></is></c></row>'
    with pytest.raises(ImportFileError, match="value in column CW; at most 100 columns"):
        read_upload(workbook(iter([HEADER, far])))


def test_it_applies_the_same_row_and_length_limits_to_a_csv():
    header = ",".join(CONTRIBUTION_COLUMNS)
    line = "M,,EU,R,c,,new,,,,,,,,,,29521-1,2025-01-01,"
    far = header + "\n" + line + "\n" * (MAX_SHEET_ROWS - 1) + line + "\n"
    with pytest.raises(ImportFileError, match="value in row 40,001"):
        read_upload(far.encode())
    long = header + "\n" + line.replace(",c,", ",c" + "x" * MAX_CELL_CHARS + ",") + "\n"
    with pytest.raises(ImportFileError, match="more than 10,000 characters"):
        read_upload(long.encode())
