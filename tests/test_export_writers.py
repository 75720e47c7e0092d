"""How cells are written: CSV's fast path gives the very bytes of the cell-by-cell rule.

``_csv_text`` is the rule (escaping, booleans, dates); the writer hands plain cells to csv.writer
as they are and converts cell by cell only where that could differ. These tests hold the writer
to the rule on the cells where it could go wrong, wherever they fall in a batch.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from missions.exports.writers import CSV_BATCH_ROWS, _csv_text, csv_chunks

HEADER = ["a", "b", "c"]

# Cells that csv.writer alone would write otherwise than the rule, and cells that only look so.
TRICKY = [
    '=HYPERLINK("http://x")',
    "+31 70",
    "-1",
    "@SUM(A1)",
    "\tcmd",
    "\rcmd",
    "\r\ncmd",
    "\ncmd",
    "=1,2",  # quoted by csv.writer, and a formula inside the quotes
    '"=quoted"',
    "a,=b",  # a trigger after a comma inside a quoted field: no formula
    "x\n=y",  # after a line break inside a quoted field: no formula either
    "a;-b",
    mark_safe("=safe"),  # a str subclass
    gettext_lazy("status"),
    True,
    False,
    "True",
    datetime(2025, 5, 23, 14, 30),
    date(2025, 5, 23),
    -7,
    0,
    2.5,
    None,
    "",
    "Curaçao",
]


def expected(rows: list[list], delimiter: str = ",", prefix: str = "") -> bytes:
    """The file as the rule says: every cell through ``_csv_text``, then csv.writer."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows([[_csv_text(cell) for cell in row] for row in rows])
    return (prefix + out.getvalue()).encode()


def written(rows: list[list], delimiter: str = ",", prefix: str = "") -> bytes:
    return b"".join(csv_chunks(HEADER, iter(rows), delimiter, prefix))


@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("place", [0, 1, 2])
@pytest.mark.parametrize("cell", TRICKY, ids=repr)
def test_it_writes_each_tricky_cell_as_the_rule_in_any_column(cell, place, delimiter):
    row = ["plain", 10, date(2028, 6, 30)]
    row[place] = cell
    rows = [row, ["plain", 10, None]]

    assert written(rows, delimiter) == expected(rows, delimiter)


def test_it_neutralises_a_formula_in_one_row_of_a_later_batch():
    rows = [[f"row {i}", i, date(2025, 1, 1)] for i in range(CSV_BATCH_ROWS * 2 + 3)]
    rows[CSV_BATCH_ROWS + 7][0] = "=cmd()"
    rows[-1][0] = "@last"

    content = written(rows)

    assert content == expected(rows)
    lines = content.decode().split("\r\n")
    assert lines[CSV_BATCH_ROWS + 8] == "'=cmd(),507,2025-01-01"
    assert lines[-2] == "'@last,1002,2025-01-01"


def test_it_writes_plain_cells_untouched_and_the_header_first_on_its_own():
    rows = [["EUNAVFOR Aspides", 10, date(2028, 6, 30)], ["kst-29521-497", None, None]]

    chunks = list(csv_chunks(HEADER, iter(rows), ";", "\ufeff"))

    assert chunks[0] == "\ufeffa;b;c\r\n".encode()
    assert b"".join(chunks[1:]) == b"EUNAVFOR Aspides;10;2028-06-30\r\nkst-29521-497;;\r\n"


def test_it_writes_only_the_header_when_there_are_no_rows():
    assert list(csv_chunks(HEADER, iter([]))) == [b"a,b,c\r\n"]
