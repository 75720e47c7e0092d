"""No admin list runs a query per row: 5 rows and 200 rows cost the same number of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.models import Count
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
from tests.helpers import admin_url


def grow(rows: int) -> None:
    """``rows`` more statements, contributions and missions, and ``rows`` more documents."""
    factories.portfolio(rows)
    for _ in range(rows):
        factories.statement(
            total=10, qualifier="approximately", end_date=date(2028, 6, 30), end_precision="month"
        )


def warm_up(client, url: str) -> None:
    """The first request of a client fills caches (content types, session); count the next."""
    assert client.get(url).status_code == 200


# A superuser's changelist, for 5 rows and for 200: the same number of queries, pinned.
CHANGELIST_QUERIES = {
    Statement: 10,
    Contribution: 10,
    Mission: 10,
    SourceDocument: 11,
    Organization: 8,
    Region: 8,
}
CONTRIBUTION_PAGE_QUERIES = 10
# A document with its statements and its statements about missions (tests below).
DOCUMENT_PAGE_QUERIES = 8
# The superuser's statement list plus the analyst's user and group permissions.
ANALYST_STATEMENT_LIST_QUERIES = CHANGELIST_QUERIES[Statement] + 2


@pytest.mark.parametrize(
    "model",
    [Statement, Contribution, Mission, SourceDocument, Organization, Region],
    ids=lambda model: model.__name__,
)
def test_a_changelist_costs_the_same_for_5_and_200_rows(
    admin_client, django_assert_num_queries, model
):
    url = admin_url(model, "changelist")
    grow(5)
    warm_up(admin_client, url)
    with django_assert_num_queries(CHANGELIST_QUERIES[model]):
        assert admin_client.get(url).status_code == 200
    shown_5 = model.objects.count()

    grow(195)
    with django_assert_num_queries(CHANGELIST_QUERIES[model]):
        assert admin_client.get(url).status_code == 200

    assert model.objects.count() >= 200 > shown_5


def page_with_2_then_20_statements(client, url, queries, assert_num_queries, **made_with):
    """The page ``url`` with 2 statements ``made_with`` and then with 20: ``queries`` each time.
    Returns the page with 20."""

    def add_statements(count: int) -> None:
        for _ in range(count):
            factories.statement(**made_with, total=3, end_date=date(2026, 1, 1))

    add_statements(2)
    warm_up(client, url)
    with assert_num_queries(queries):
        assert client.get(url).status_code == 200
    add_statements(18)
    with assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_the_contribution_page_costs_the_same_for_2_and_20_statements(
    admin_client, django_assert_num_queries
):
    contribution = factories.contribution()
    url = admin_url(Contribution, "change", contribution.pk)
    page_with_2_then_20_statements(
        admin_client,
        url,
        CONTRIBUTION_PAGE_QUERIES,
        django_assert_num_queries,
        contribution=contribution,
    )


def test_the_document_page_costs_the_same_for_2_and_20_statements(
    admin_client, django_assert_num_queries
):
    """The page an analyst types a letter's statements into: each row's title and its
    contribution box read what the row's statement already holds, no query per row."""
    document = factories.document()
    url = admin_url(SourceDocument, "change", document.pk)
    response = page_with_2_then_20_statements(
        admin_client, url, DOCUMENT_PAGE_QUERIES, django_assert_num_queries, document=document
    )
    html = response.content.decode()
    statements = document.statements.select_related("contribution__mission")
    assert statements.count() == 20
    for statement in statements:
        # The box shows its contribution selected, labelled "mission: contribution".
        assert (
            f'<option value="{statement.contribution_id}" selected>'
            f"{statement.contribution.mission.label}: {statement.contribution.name}</option>"
        ) in html


def test_an_analyst_sees_the_statement_list_in_a_fixed_number_of_queries(
    analyst_client, django_assert_num_queries
):
    url = admin_url(Statement, "changelist")
    grow(5)
    warm_up(analyst_client, url)
    with django_assert_num_queries(ANALYST_STATEMENT_LIST_QUERIES):
        assert analyst_client.get(url).status_code == 200
    grow(50)

    with django_assert_num_queries(ANALYST_STATEMENT_LIST_QUERIES):
        assert analyst_client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("model", "relation", "column"),
    [
        (Mission, "contributions", "contribution_count"),
        (Organization, "missions", "mission_count"),
        (Region, "missions", "mission_count"),
        (SourceDocument, "statements", "statement_count"),
    ],
    ids=["Mission", "Organization", "Region", "SourceDocument"],
)
def test_a_changelist_counts_the_related_rows_of_its_page_alone(
    admin_client, model, relation, column
):
    """A subquery per listed row (``related_count``), not a join of every related row grouped
    before the page is cut (the missions list at 40,129 missions: 193 ms of its 284)."""
    grow(3)
    # One of each with nothing to count: 0, not missing.
    factories.mission(), factories.organization(), factories.region(), factories.document()
    counted_table = model._meta.get_field(relation).related_model._meta.db_table
    url = admin_url(model, "changelist")
    warm_up(admin_client, url)
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url)
    joined = f'LEFT OUTER JOIN "{counted_table}"'
    assert not [q["sql"] for q in queries.captured_queries if joined in q["sql"]]
    shown = {row.pk: getattr(row, column) for row in response.context["cl"].result_list}
    expected = dict(model.objects.annotate(n=Count(relation)).values_list("pk", "n"))
    assert shown == expected
    assert 0 in shown.values()


def test_the_statement_list_offers_the_newest_documents_and_the_one_chosen(
    admin_client, monkeypatch
):
    """The document filter links the newest documents, not every one (5,000 at 100,000
    contributions); one chosen from further back (a link from elsewhere) is listed too."""
    from missions.admin.statements import RecentDocumentFilter

    monkeypatch.setattr(RecentDocumentFilter, "SHOWN", 3)
    documents = [factories.document(date=date(2025, 1, day)) for day in range(1, 7)]
    for document in documents:
        factories.statement(document=document)
    url = admin_url(Statement, "changelist")

    def offered(response) -> list[str]:
        (spec,) = (f for f in response.context["cl"].filter_specs if f.field_path == "document")
        return [label for _pk, label in spec.lookup_choices]

    newest = [str(d) for d in reversed(documents[-3:])]
    assert offered(admin_client.get(url)) == newest
    oldest = documents[0]
    chosen = admin_client.get(url, {"document__id__exact": oldest.pk})
    assert offered(chosen) == [*newest, str(oldest)]
    assert [s.document_id for s in chosen.context["cl"].result_list] == [oldest.pk]
    assert f'<li class="selected">\n    <a href="?document__id__exact={oldest.pk}"' in (
        chosen.content.decode()
    )


def test_the_statement_list_is_newest_document_first_read_along_the_date_index(admin_client):
    """Ordered by the document's date (which the statement copies), whose index a page can
    walk: sorting by the copy sorted every statement for a page of 100 (2.5 s at 300,000
    statements on SQLite; 3.6 ms along the index, ``make bench`` data)."""
    grow(3)
    later = factories.document(date=date(2025, 6, 1))
    for _ in range(2):
        factories.statement(document=later)
    response = admin_client.get(admin_url(Statement, "changelist"))
    shown = [(s.document.date, s.document_id) for s in response.context["cl"].result_list]
    assert shown == sorted(shown, reverse=True)
    assert shown[0] == (date(2025, 6, 1), later.pk)
    sql = str(response.context["cl"].queryset.query)
    assert 'ORDER BY "missions_sourcedocument"."date" DESC' in sql


@pytest.mark.parametrize(
    "chosen, order_by",
    [
        ("7", '"missions_statement"."end_date" ASC, "missions_statement"."id" ASC'),
        ("-7", '"missions_statement"."end_date" DESC, "missions_statement"."id" DESC'),
        ("1", '"missions_mission"."name" ASC, "missions_statement"."id" ASC'),
    ],
)
def test_a_column_chosen_for_sorting_breaks_ties_by_id_in_its_own_direction(
    admin_client, chosen, order_by
):
    """Behind a chosen column, the default order's tie-breakers (the document's date, the
    mission's name) made SQLite sort all 300,000 statements for a page of 100 (1.5-2 s at
    100,000 contributions, ``make bench`` data); by id, an index on the column serves the whole
    order: 75 ms."""
    years = [2026, 2025, 2026, 2025, 2027]
    made = [factories.statement(end_date=date(year, 1, 1)) for year in years]

    response = admin_client.get(admin_url(Statement, "changelist"), {"o": chosen})

    cl = response.context["cl"]
    assert str(cl.queryset.query).endswith(f"ORDER BY {order_by}")
    shown = [s.pk for s in cl.result_list]
    if chosen == "1":
        names = {s.pk: s.contribution.mission.name for s in made}
        assert shown == sorted(names, key=lambda pk: (names[pk], pk))
    else:
        expected = sorted(made, key=lambda s: (s.end_date, s.pk), reverse=chosen.startswith("-"))
        assert shown == [s.pk for s in expected]


def test_the_statement_list_pages_ids_first_and_shows_every_row_once(admin_client):
    factories.portfolio(130)

    with CaptureQueriesContext(connection) as captured:
        pages = [
            admin_client.get(admin_url(Statement, "changelist"), {"o": "7", "p": page})
            for page in (1, 2)
        ]

    shown = [s.pk for response in pages for s in response.context["cl"].result_list]
    assert len(shown) == 130 == len(set(shown))
    everything = Statement.objects.order_by("end_date", "pk").values_list("pk", flat=True)
    assert shown == list(everything)
    assert pages[1].context["cl"].result_count == 130
    # On SQLite each page is read ids first, as the table's pages are.
    rows = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith(
            'SELECT "missions_statement"."id", "missions_statement"."created_at"'
        )
        and " LIMIT " in q["sql"]
    ]
    assert len(rows) == 2
    if connection.vendor == "sqlite":
        assert all('"missions_statement"."id" IN (SELECT' in sql for sql in rows)
    else:
        assert not any("IN (SELECT" in sql for sql in rows)
