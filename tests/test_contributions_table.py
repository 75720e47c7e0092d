"""The contributions table (home page): rows, filters, facets, sorting, columns, pages, queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from missions.columns import REGISTRY
from missions.dates import add_months
from missions.models import Qualifier, Status
from missions.web.filters import chosen_columns, filter_contributions
from missions.web.tables import default_columns
from tests import factories as f

CONTRIBUTION_COLUMNS = REGISTRY.exported()

pytestmark = pytest.mark.django_db

APRIL = date(2025, 4, 4)
MAY = date(2025, 5, 23)


def rows(response) -> list[str]:
    """The contribution names on the page, in the order shown."""
    return [row.record.contribution.name for row in response.context["table"].paginated_rows]


@pytest.fixture
def two_missions():
    """An EU mission with two contributions and a UN one, each stated in April, one re-stated."""
    eu = f.organization(acronym="EU", name="European Union")
    un = f.organization(acronym="UN", name="United Nations")
    balkans = f.region(name="Western Balkans")
    red_sea = f.region(name="Red Sea")
    althea = f.mission(name="EUFOR Althea", acronym="", organization=eu, region=balkans)
    aspides = f.mission(name="EUNAVFOR Aspides", acronym="Aspides", organization=eu, region=red_sea)
    untso = f.mission(name="UN Truce Supervision", acronym="UNTSO", organization=un, region=red_sea)
    april = f.document(dossier="29521", number="493", date=APRIL)
    may = f.document(dossier="29521", number="497", date=MAY)
    company = f.contribution(mission=althea, name="infantry company", notes="battle group")
    staff = f.contribution(mission=aspides, name="national staff")
    observers = f.contribution(mission=untso, name="military observers")
    f.statement(contribution=company, document=april, status=Status.EXPLORED)
    f.statement(contribution=company, document=may, status=Status.NEW, military=150)
    f.statement(
        contribution=staff,
        document=april,
        status=Status.EXTENDED,
        total=10,
        qualifier=Qualifier.APPROXIMATELY,
        end_date=date(2025, 5, 31),
        end_precision="month",
    )
    f.statement(
        contribution=staff,
        document=may,
        kind="correction",
        status=Status.EXTENDED,
        total=10,
        qualifier=Qualifier.APPROXIMATELY,
        end_date=date(2028, 6, 30),
        end_precision="month",
    )
    f.statement(
        contribution=observers, document=april, status=Status.CONTINUED, military=12, police=0
    )
    return {"april": april, "may": may, "balkans": balkans, "red_sea": red_sea}


def test_it_lists_each_contribution_once_with_its_latest_statement(viewer_client, two_missions):
    response = viewer_client.get("/")
    table = response.context["table"]
    statuses = {row.record.contribution.name: row.record.status for row in table.paginated_rows}
    assert statuses == {
        "infantry company": Status.NEW,
        "national staff": Status.EXTENDED,
        "military observers": Status.CONTINUED,
    }


def test_it_shows_total_with_qualifier_end_in_precision_and_time_left(viewer_client, two_missions):
    # A fixed day to count the time left from (the as-of day; today's page counts from today).
    response = viewer_client.get("/?q=aspides&as_of=2026-12-01")
    html = response.content.decode()
    assert rows(response) == ["national staff"]
    assert ">~10<" in html
    assert "end of June 2028" in html
    # A month-precise end: the whole of June 2028 is left, 1 December 2026 to 30 June 2028
    # rounded to whole months (tests/test_time_left.py has the rule).
    assert ">in June 2028 (about 19 months)<" in html
    assert 'href="https://zoek.officielebekendmakingen.nl/kst-29521-497.html"' in html
    assert ">29521-497</a>" in html
    assert '<span class="badge status-extended">extended</span>' in html


def test_it_filters_by_several_statuses(viewer_client, two_missions):
    response = viewer_client.get("/?status=new&status=continued")
    assert sorted(rows(response)) == ["infantry company", "military observers"]


def test_it_filters_by_organization_and_region(viewer_client, two_missions):
    region = two_missions["red_sea"].name
    assert sorted(rows(viewer_client.get("/?organization=EU"))) == [
        "infantry company",
        "national staff",
    ]
    assert rows(viewer_client.get(f"/?organization=EU&region={region}")) == ["national staff"]


def test_it_filters_on_the_personnel_categories_present(viewer_client, two_missions):
    assert sorted(rows(viewer_client.get("/?present=military"))) == [
        "infantry company",
        "military observers",
    ]
    # 0 police is a figure the source gives; unknown is not.
    assert rows(viewer_client.get("/?present=military&present=police")) == ["military observers"]


def test_it_filters_on_the_end_date_range(viewer_client, two_missions):
    assert rows(viewer_client.get("/?end_after=2028-01-01")) == ["national staff"]
    assert rows(viewer_client.get("/?end_before=2028-01-01")) == []
    assert rows(viewer_client.get("/?as_of=2025-04-30&end_before=2025-12-31")) == ["national staff"]


def test_it_filters_what_expires_within_months_of_today(viewer_client):
    today = timezone.localdate()
    soon = f.statement(end_date=today + timedelta(days=40))
    f.statement(end_date=add_months(today, 20))
    f.statement(end_date=today - timedelta(days=1))
    assert rows(viewer_client.get("/?expires_within=3")) == [soon.contribution.name]


def test_it_shows_the_table_as_of_a_date(viewer_client, two_missions):
    response = viewer_client.get("/?as_of=2025-04-10&status=explored")
    assert rows(response) == ["infantry company"]
    assert "April 10, 2025" in response.content.decode()
    assert rows(viewer_client.get("/?as_of=2025-06-01&status=explored")) == []
    # Before any document, nothing was stated.
    assert rows(viewer_client.get("/?as_of=2024-01-01")) == []


def test_it_filters_by_source_document(viewer_client, two_missions):
    response = viewer_client.get(f"/?document={two_missions['april'].pk}")
    assert rows(response) == ["military observers"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("althea", ["infantry company"]),
        ("UNTSO", ["military observers"]),
        ("national", ["national staff"]),
        ("battle", ["infantry company"]),
        ("eunavfor staff", ["national staff"]),
        ("nothing-like-this", []),
    ],
)
def test_it_searches_mission_acronym_contribution_and_notes(
    viewer_client, two_missions, query, expected
):
    assert rows(viewer_client.get("/", {"q": query})) == expected


def test_it_counts_each_facet_option_given_the_other_filters(viewer_client, two_missions):
    response = viewer_client.get("/?organization=EU&status=new")
    facets = {facet.name: facet for facet in response.context["facets"]}
    organization = {o.value: (o.count, o.selected) for o in facets["organization"].options}
    # Organization counts ignore the organization filter but apply the status filter.
    assert organization == {"EU": (1, True), "UN": (0, False)}
    status = {o.value: o.count for o in facets["status"].options if o.count}
    assert status == {"new": 1, "extended": 1}
    region = {o.label: o.count for o in facets["region"].options}
    assert region == {"Red Sea": 0, "Western Balkans": 1}
    html = response.content.decode()
    assert 'name="organization" value="EU" id="facet-organization-1" checked' in html


def test_it_sorts_on_every_column_both_ways(viewer_client, two_missions):
    every = ",".join(column.name for column in REGISTRY.table_columns())
    columns = viewer_client.get("/", {"columns": every}).context["table"].columns
    assert len(columns) == 15
    for column in columns:
        for key in (column.name, f"-{column.name}"):
            response = viewer_client.get("/", {"sort": key, "columns": every})
            assert response.status_code == 200
            assert response.context["table"].order_by == (key,)
            assert sorted(rows(response)) == [
                "infantry company",
                "military observers",
                "national staff",
            ]
    assert rows(viewer_client.get("/?sort=-mission")) == [
        "military observers",
        "national staff",
        "infantry company",
    ]
    assert rows(viewer_client.get("/?sort=total")) == [
        "national staff",
        "military observers",
        "infantry company",
    ]


def test_it_shows_only_the_chosen_columns_and_keeps_the_choice_for_exports(viewer_client):
    f.statement()
    response = viewer_client.get("/?columns=mission,total&columns=time_left&columns=bogus")
    assert [column.name for column in response.context["table"].columns] == [
        "mission",
        "total",
        "time_left",
    ]
    params = QueryDict("columns=end,bogus&columns=mission&columns=time_left")
    assert chosen_columns(params) == ["mission", "end"]
    assert chosen_columns(QueryDict("columns=nope")) == list(CONTRIBUTION_COLUMNS)
    html = response.content.decode()
    assert 'name="columns" value="total,qualifier" id="column-total" checked' in html
    assert 'name="columns" value="region" id="column-region">' in html


def test_it_links_the_downloads_to_the_same_query(viewer_client, two_missions):
    html = viewer_client.get("/?status=new&status=extended&page=1&columns=mission").content
    html = html.decode()
    for fmt in ("csv", "excel-csv", "xlsx"):
        assert (
            f'href="/reports/contributions/?status=new&amp;status=extended&amp;columns=mission'
            f'&amp;format={fmt}"'
        ) in html


def test_it_paginates_fifty_rows_a_page_and_keeps_the_query(viewer_client):
    f.portfolio(120)
    first = viewer_client.get("/?sort=mission")
    third = viewer_client.get("/?sort=mission&page=3")
    assert len(rows(first)) == 50
    assert len(rows(third)) == 20
    assert "Page 1 of 3" in first.content.decode()
    assert 'href="?sort=mission&amp;page=2"' in first.content.decode()


def test_it_filters_the_export_rows_across_all_pages(two_missions):
    filterset, statements = filter_contributions(QueryDict("status=new&status=extended"), APRIL)
    assert filterset.is_valid()
    assert sorted(s.contribution.name for s in statements) == ["infantry company", "national staff"]


# Session, user, the view permission check (user and group permissions), the data version (for
# the ETag), the lookup of the counts stored for this view and data version, rows of the page,
# and the session save (three statements with its savepoint): a view seen since the last write.
QUERIES_STORED = 10
# The first view after a write also counts (missions.web.counting): one GROUP BY for the facets
# and the row count, the organizations and regions, and storing the counts (upsert, prune).
QUERIES_COUNTED = QUERIES_STORED + 4
# A search is counted every time (no lookup, nothing stored): the facets a filter uses get a
# GROUP BY each (organization, status) besides the one for the others (region), plus the
# organizations and regions and the check that the organization's acronym exists. (Before the
# stored counts: 16, with a COUNT for the paginator and a query each for organizations, regions.)
QUERIES_SEARCH = 14


def test_it_runs_as_many_queries_for_500_contributions_as_for_10(
    viewer_client, django_assert_num_queries
):
    made = f.portfolio(10)
    # An acronym that exists: an unknown one is an invalid choice, left out, and then counted
    # with the facets no filter uses (one GROUP BY fewer).
    acronym = made[0].contribution.mission.organization.acronym
    search = f"/?organization={acronym}&status=continued&status=new&sort=-organization&q=mission"
    viewer_client.get("/?q=warm")  # warm up: the session's first save differs
    for portfolio in (0, 490):
        f.portfolio(portfolio)  # a write (at 490): the counts stored at 10 are stale
        for url, queries in (
            ("/", QUERIES_COUNTED),
            ("/", QUERIES_STORED),
            (search, QUERIES_SEARCH),
        ):
            with django_assert_num_queries(queries, info=url):
                assert viewer_client.get(url).status_code == 200


def test_it_lists_the_explored_althea_company_and_red_sea_mrtt_as_of_10_april(
    viewer_client, real_data
):
    response = viewer_client.get("/?status=explored&as_of=2025-04-10")
    shown = {
        (row.record.contribution.mission.name, row.record.contribution.name)
        for row in response.context["table"].paginated_rows
    }
    assert ("EUFOR Althea", "infantry company") in shown
    assert ("Operations in the Red Sea (mission not named)", "air tanker capacity (MRTT)") in shown


def test_it_lists_neither_as_explored_as_of_1_june(viewer_client, real_data):
    response = viewer_client.get("/?status=explored&as_of=2025-06-01")
    shown = {row.record.contribution.name for row in response.context["table"].paginated_rows}
    assert "infantry company" not in shown
    assert "air tanker capacity (MRTT)" not in shown
    everything = viewer_client.get("/?as_of=2025-06-01&columns=contribution,status")
    status = {
        row.record.contribution.name: row.record.status
        for row in everything.context["table"].paginated_rows
    }
    # 29521-497 (23 May) calls the company's contribution "beoogde" (answers 24 and 25): intended.
    assert status["infantry company"] == Status.INTENDED
    assert status["air tanker capacity (MRTT)"] == Status.NOT_FEASIBLE
    before = viewer_client.get("/?as_of=2025-05-01&columns=contribution,status")
    assert {
        row.record.contribution.name: row.record.status
        for row in before.context["table"].paginated_rows
    }["infantry company"] == Status.NEW


def test_it_renders_the_shared_layout_for_everyone(viewer_client):
    html = viewer_client.get("/").content.decode()
    assert '<a class="skip-link" href="#main">Skip to content</a>' in html
    assert '<main id="main" tabindex="-1">' in html
    assert '<link rel="stylesheet" href="/static/tracker.css">' in html
    assert '<a href="/" aria-current="page">Contributions</a>' in html
    assert '<a href="/dashboard/">Dashboard</a>' in html
    assert '<a href="/reports/summary/">Summary</a>' in html
    assert '<a href="/reports/expiring/">Expiring</a>' in html
    assert '<a href="/reports/changes/">Changes</a>' in html
    # Logging out is a POST (Django 5); no inline script or style anywhere (CSP).
    assert '<form action="/logout/" method="post" class="logout">' in html
    assert "<script" not in html and "style=" not in html
    dashboard = viewer_client.get("/dashboard/").content.decode()
    assert '<a href="/dashboard/" aria-current="page">Dashboard</a>' in dashboard
    # Viewers are no staff: no link to the admin.
    assert 'href="/admin/"' not in html


def test_it_opens_the_column_chooser_only_when_columns_are_narrowed(viewer_client):
    f.portfolio(2)
    every = viewer_client.get("/").content.decode()
    narrowed = viewer_client.get("/?columns=mission,status").content.decode()
    assert '<details class="columns">' in every
    assert '<details class="columns" open>' in narrowed


def test_it_shows_the_briefing_columns_by_default_and_downloads_them_all(
    viewer_client, two_missions
):
    response = viewer_client.get("/")
    shown = [column.name for column in response.context["table"].columns]
    assert shown == default_columns() == [
        "mission", "contribution", "status", "total", "end", "time_left", "source",
    ]  # fmt: skip
    # Every other column is one tick away in the chooser; the download keeps them all.
    assert [name for name, _value, _label in response.context["columns"]] == [
        column.name for column in REGISTRY.table_columns()
    ]
    download = viewer_client.get("/reports/contributions/", {"format": "csv"})
    header = b"".join(download.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert header.split(",") == list(CONTRIBUTION_COLUMNS)
