"""No admin list runs a query per row: 5 rows and 200 rows cost the same number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from missions.models import (
    Contribution,
    Mission,
    Organization,
    Region,
    SourceDocument,
    Statement,
)
from tests import factories
from tests.test_admin import admin_url


def grow(rows: int) -> None:
    """``rows`` more statements, contributions and missions, and ``rows`` more documents."""
    factories.portfolio(rows)
    for _ in range(rows):
        factories.statement(
            total=10, qualifier="approximately", end_date=date(2028, 6, 30), end_precision="month"
        )


def queries(client, url: str) -> int:
    # Warm up first: the first request of a client fills caches (content types, session).
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "model",
    [Statement, Contribution, Mission, SourceDocument, Organization, Region],
    ids=lambda model: model.__name__,
)
def test_a_changelist_costs_the_same_for_5_and_200_rows(admin_client, model):
    url = admin_url(model, "changelist")
    grow(5)
    with_5 = queries(admin_client, url)
    shown_5 = model.objects.count()

    grow(195)
    with_200 = queries(admin_client, url)

    assert model.objects.count() >= 200 > shown_5
    assert with_200 == with_5


def test_the_contribution_page_costs_the_same_for_2_and_20_statements(admin_client):
    contribution = factories.contribution()
    url = admin_url(Contribution, "change", contribution.pk)

    def add_statements(count: int) -> None:
        for _ in range(count):
            factories.statement(contribution=contribution, total=3, end_date=date(2026, 1, 1))

    add_statements(2)
    with_2 = queries(admin_client, url)
    add_statements(18)
    with_20 = queries(admin_client, url)

    assert with_20 == with_2


def test_an_analyst_sees_the_statement_list_in_a_fixed_number_of_queries(analyst_client):
    grow(5)
    with_5 = queries(analyst_client, admin_url(Statement, "changelist"))
    grow(50)

    assert queries(analyst_client, admin_url(Statement, "changelist")) == with_5
