"""Property-based: whatever an uploaded file holds, the importer answers with a plan or a message.

No exception escapes reading, planning or confirming, and a plan with an error writes nothing.
Each example runs in a savepoint that is rolled back, so examples do not see each other's rows.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import CheckConstraint
from django.urls import reverse
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from missions.columns import REGISTRY
from missions.imports.applying import ImportRefused, confirm_import, preview_import
from missions.imports.reading import ImportFileError, Table, read_upload
from missions.imports.rules import constraint_errors
from missions.models import (
    Qualifier,
    Statement,
    StatementKind,
    Status,
)
from tests import factories
from tests.helpers import record_counts

KNOWN_COLUMNS = tuple(REGISTRY.imported())

# Text as an upload can hold it: no lone surrogates (no UTF-8, UTF-16 or XML decoder yields
# one, and SQLite cannot store one), so an example never fails on what no file can contain.
TEXT = st.characters(exclude_categories=["Cs"])
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
VALID = {
    "mission": "EUNAVFOR Aspides",
    "mission_acronym": "Aspides",
    "organization": "EU",
    "region": "Red Sea",
    "contribution": "national staff",
    "capability": "",
    "status": "extended",
    "military": "5",
    "civilian": "",
    "police": "",
    "total": "",
    "qualifier": "approximately",
    "start": "2025-01-01",
    "start_precision": "day",
    "end": "2028-06-30",
    "end_precision": "month",
    "open_ended": "false",
    "source": "29521-497",
    "source_date": "2025-05-23",
    "source_date_precision": "day",
    "source_url": "",
    "kind": "decision",
    "location": "answer 11",
    "quote": "",
    "conditions": "",
}


@pytest.fixture
def existing(db):
    """Records the fuzzed row may name, so that both 'new' and 'changed' paths are exercised."""
    mission = factories.mission(name="EUNAVFOR Aspides", acronym="Aspides")
    document = factories.document(dossier="29521", number="493", date=date(2025, 4, 4))
    factories.statement(
        contribution=factories.contribution(mission=mission, name="national staff"),
        document=document,
    )


def read_or_message(data: bytes) -> Table | None:
    try:
        return read_upload(data)
    except ImportFileError as exc:
        assert str(exc)  # a message for the analyst, never an empty one
        return None


def confirm_and_roll_back(table: Table) -> None:
    """Confirm as the view does; a refused plan must leave every count as it was."""
    before = record_counts()
    plan = preview_import(table, "fuzz.csv")
    assert record_counts() == before
    with transaction.atomic():
        try:
            confirm_import(table, "fuzz.csv", plan.fingerprint)
        except ImportRefused:
            assert record_counts() == before
        else:
            assert not plan.has_errors
        transaction.set_rollback(True)


@FUZZ
@given(data=st.binary(max_size=2000) | st.binary(max_size=2000).map(b"PK\x03\x04".__add__))
def test_it_answers_any_bytes_with_a_plan_or_a_message(existing, data):
    table = read_or_message(data)
    if table is not None:
        confirm_and_roll_back(table)


@FUZZ
@given(text=st.text(TEXT, max_size=500), delimiter=st.sampled_from([",", ";"]))
def test_it_answers_any_text_under_a_valid_header(existing, text, delimiter):
    header = delimiter.join(KNOWN_COLUMNS) + "\n"
    table = read_or_message((header + text).encode())
    if table is not None:
        confirm_and_roll_back(table)


@FUZZ
@given(column=st.sampled_from(KNOWN_COLUMNS), text=st.text(TEXT, max_size=300))
def test_it_answers_any_text_in_any_cell_of_a_valid_row(existing, column, text):
    cells = {**VALID, column: text}
    table = Table(list(KNOWN_COLUMNS), [(2, [cells[c].strip() for c in KNOWN_COLUMNS])])
    confirm_and_roll_back(table)


@FUZZ
@given(
    column=st.sampled_from(KNOWN_COLUMNS),
    value=st.one_of(
        st.integers(min_value=-(2**40), max_value=2**40),
        st.floats(allow_nan=True, allow_infinity=True),
        st.dates(),
        st.booleans(),
        st.text(TEXT, max_size=100),
    ),
)
def test_it_answers_any_typed_cell_of_a_workbook(existing, column, value):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(KNOWN_COLUMNS))
    try:
        sheet.append([value if c == column else VALID[c] for c in KNOWN_COLUMNS])
    except IllegalCharacterError:
        assume(False)  # openpyxl cannot even write it, so no analyst can upload it
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_or_message(buffer.getvalue())
    if table is not None:
        confirm_and_roll_back(table)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.binary(max_size=500) | st.text(TEXT, max_size=500).map(str.encode))
def test_it_never_answers_an_upload_with_a_server_error(existing, analyst_client, data):
    before = record_counts()
    response = analyst_client.post(
        reverse("imports:import_upload"), {"file": SimpleUploadedFile("x.csv", data)}
    )
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        preview = analyst_client.get(reverse("imports:import_preview"))
        assert preview.status_code == 200
    assert record_counts() == before


maybe = st.none().__or__
statement_values = st.fixed_dictionaries(
    {
        # No NUL: PostgreSQL cannot compare it, and the importer refuses it before any check.
        # No lone surrogates (category Cs): no file can carry them and SQLite cannot store them.
        "status": st.sampled_from(Status.values)
        | st.text(
            st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=5
        ),
        "kind": st.sampled_from(StatementKind.values) | st.just("x"),
        "qualifier": st.sampled_from(Qualifier.values) | st.just(""),
        "military": maybe(st.integers(-5, 5)),
        "civilian": maybe(st.integers(-5, 5)),
        "police": maybe(st.integers(-5, 5)),
        "total": maybe(st.integers(-5, 5)),
        "start_date": maybe(st.dates(date(2024, 1, 1), date(2026, 1, 1))),
        "end_date": maybe(st.dates(date(2024, 1, 1), date(2026, 1, 1))),
        "start_precision": st.sampled_from(["", "day", "month", "year", "week"]),
        "end_precision": st.sampled_from(["", "day", "month", "year", "week"]),
        "open_ended": st.booleans(),
    }
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(values=statement_values)
def test_it_judges_each_constraint_as_the_database_does(db, values):
    """The importer's savepoint check refuses exactly what Django's own constraint check does."""
    statement = Statement(**values, document_date=date(2025, 5, 23))
    broken = []
    for constraint in Statement._meta.constraints:
        if not isinstance(constraint, CheckConstraint):
            continue
        try:
            constraint.validate(Statement, statement)
        except ValidationError:
            broken.append(str(constraint.get_violation_error_message()))
    before = record_counts()
    with transaction.atomic():
        found = constraint_errors([statement])
    assert record_counts() == before
    # The database names the first constraint it finds broken: one of those Django finds.
    assert bool(found) == bool(broken)
    if found:
        assert found[0][1] in broken
