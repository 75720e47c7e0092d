"""Statement exports read plain tuples: no model instance per row, the same cells and order.

The contributions and expiring exports read only the fields their columns need
(``StatementQuerySet.export_rows``). Each column is defined once (``FieldColumn``); these tests
hold the tuple path to what the same definition reads from a loaded statement, and to the order
of the table page.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from itertools import product

import pytest
from django.db.models.signals import post_init
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from missions.columns import REGISTRY
from missions.models import Qualifier, SourceDocument, Statement, Status
from missions.reading.querysets import document_reference, effective_total
from missions.reports import files as report_exports
from missions.web.filters import filter_contributions
from missions.web.tables import ContributionTable
from tests import factories

CONTRIBUTION_COLUMNS = REGISTRY.exported()

TODAY = date(2025, 6, 1)


@pytest.fixture
def varied(db) -> list[Statement]:
    """Rows that take every branch of the computed columns; no two alike in any sorted column
    (the table leaves ties in the database's order, which two queries need not share)."""
    council = factories.document(dossier="", number="", title="Council report", date=TODAY)
    return [
        factories.statement(
            status=Status.NEW,
            total=10,
            qualifier=Qualifier.APPROXIMATELY,
            end_date=date(2029, 6, 30),
        ),
        factories.statement(military=3, police=0, end_date=date(2027, 1, 31)),
        factories.statement(
            status=Status.EXTENDED, open_ended=True, start_date=date(2024, 3, 1), document=council
        ),
        factories.statement(status=Status.EXPLORED, civilian=5, end_date=date(2025, 12, 31)),
        factories.statement(status=Status.ENDED, end_date=date(2025, 3, 31)),
    ]


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode(), newline="")))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_builds_no_model_instance_per_row(viewer_client, varied, fmt):
    built = []

    def count(sender, **kwargs):
        built.append(sender)

    post_init.connect(count)
    try:
        response = viewer_client.get(reverse("reports:contributions"), {"format": fmt})
        content = b"".join(response.streaming_content)
    finally:
        post_init.disconnect(count)

    assert response.status_code == 200
    assert content
    assert [model for model in built if model._meta.app_label == "missions"] == []


def test_it_exports_the_cells_the_columns_read_from_a_loaded_statement(varied):
    _filterset, export = report_exports.contributions_export(QueryDict(), TODAY)

    exported = [list(row) for row in export.rows]

    _filterset, statements = filter_contributions(QueryDict(), TODAY)
    loaded = [[column.value(s) for column in CONTRIBUTION_COLUMNS.values()] for s in statements]
    assert exported == loaded
    cells = {row[4]: dict(zip(CONTRIBUTION_COLUMNS, row, strict=True)) for row in exported}
    only_total, categories, open_ended, _explored, unknown = (
        cells[s.contribution.name] for s in varied
    )
    assert (only_total["total"], categories["total"], unknown["total"]) == (10, 3, None)
    assert (open_ended["end"], open_ended["end_precision"]) == (None, "")
    assert (open_ended["open_ended"], only_total["open_ended"]) == (True, False)
    assert open_ended["source"] == "Council report"
    assert only_total["source"] == f"99999-{varied[0].document.number}"


@pytest.mark.parametrize(
    "sort", ["total", "-total", "source", "-end", "organization", "-mission", "status", "-region"]
)
def test_it_exports_rows_in_the_order_the_table_shows_them(varied, sort):
    params = QueryDict(f"sort={sort}")
    table = ContributionTable(filter_contributions(params, TODAY)[1], today=TODAY)
    table.order_by = sort
    shown = [row.record.contribution.name for row in table.rows]

    _filterset, export = report_exports.contributions_export(params, TODAY)

    assert [row[4] for row in export.rows] == shown


def test_it_exports_expiring_mandates_with_their_days_left(viewer_client, db):
    today = timezone.localdate()
    soon = factories.statement(end_date=today + timedelta(days=40))
    factories.statement(status=Status.EXPLORED, end_date=today + timedelta(days=20))
    factories.statement(end_date=today + timedelta(days=800))

    response = viewer_client.get(reverse("reports:expiring"), {"months": "12", "format": "csv"})

    rows = csv_rows(b"".join(response.streaming_content))
    # Explored contributions commit to nothing; the third ends beyond the twelve months.
    assert [(row["contribution"], row["end"], row["days_left"]) for row in rows] == [
        (soon.contribution.name, soon.end_date.isoformat(), "40")
    ]


@pytest.mark.parametrize("counts", list(product([None, 0, 4], repeat=4)))
def test_it_computes_the_total_as_the_model_does(counts):
    total, military, civilian, police = counts
    statement = Statement(total=total, military=military, civilian=civilian, police=police)

    assert effective_total(*counts) == statement.effective_total


@pytest.mark.parametrize(
    ("dossier", "number", "title"),
    [("29521", "497", "Kamerbrief"), ("29521", "", "Brief"), ("", "", "Council report")],
)
def test_it_cites_a_document_as_the_model_does(dossier, number, title):
    document = SourceDocument(dossier=dossier, number=number, title=title)

    assert document_reference(dossier, number, title) == document.reference
