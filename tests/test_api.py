"""The read API's data: the same rows, filters and figures as the pages and downloads."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from missions.columns import REGISTRY
from missions.models import Statement
from missions.reading import reports
from missions.reports import files as report_exports
from tests import factories

pytestmark = pytest.mark.django_db


def rows_of(client, url: str, **params) -> list[dict]:
    """Every row of a paginated API list, following the ``next`` links."""
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    body = response.json()
    found = list(body["results"])
    while body["next"]:
        body = client.get(body["next"]).json()
        found += body["results"]
    assert len(found) == response.json()["count"]
    return found


def aspides(rows: list[dict]) -> dict:
    (row,) = [row for row in rows if row["mission_acronym"] == "Aspides"]
    return row


def test_it_gives_aspides_end_of_may_2025_from_493_as_of_1_may_2025(viewer_client, real_data):
    row = aspides(rows_of(viewer_client, "/api/v1/contributions/", as_of="2025-05-01"))

    assert row["end"] == "2025-05-31"
    assert row["end_precision"] == "month"
    assert row["source"] == "29521-493"
    assert row["source_date"] == "2025-04-04"
    assert row["source_url"] == "https://zoek.officielebekendmakingen.nl/kst-29521-493.html"
    assert row["document"]["citation"] == "Kamerstuk 29521, nr. 493"
    assert row["quote"].startswith("het nationaal kader voor Aspides van circa 10")
    assert row["location"] == "as reported in 29521-497, answer 11"
    assert (row["total"], row["qualifier"], row["qualifier_label"]) == (
        10,
        "approximately",
        "approximately",
    )


def test_it_gives_aspides_end_of_june_2028_corrected_by_497_as_of_1_may_2025_as_known_now(
    viewer_client, real_data
):
    as_stood = aspides(rows_of(viewer_client, "/api/v1/contributions/", as_of="2025-05-01"))
    row = aspides(
        rows_of(viewer_client, "/api/v1/contributions/", as_of="2025-05-01", corrected="1")
    )

    assert row["end"] == "2028-06-30"
    assert row["corrected_by"] == "29521-497, answer 11"
    assert row["shown_in_place"] is True
    # It still cites what stood on that day, 493, and names the correction that replaces it.
    assert (row["source"], row["document"]["reference"]) == ("29521-493", "29521-493")
    assert row["cited_statement_id"] == as_stood["id"] != row["id"] == row["correction_id"]
    assert as_stood["corrected_by"] == row["corrected_by"]
    assert as_stood["shown_in_place"] is False


def test_it_gives_aspides_end_of_june_2028_from_497_today(viewer_client, real_data):
    row = aspides(rows_of(viewer_client, "/api/v1/contributions/"))

    assert (row["end"], row["source"], row["kind"]) == ("2028-06-30", "29521-497", "correction")


def test_it_gives_unknown_counts_as_null_and_labels_in_the_readers_language(
    viewer_client, real_data
):
    row = aspides(
        rows_of(viewer_client, "/api/v1/contributions/", HTTP_ACCEPT_LANGUAGE="nl")
        if False
        else viewer_client.get("/api/v1/contributions/", HTTP_ACCEPT_LANGUAGE="nl").json()[
            "results"
        ]
    )

    assert (row["military"], row["civilian"], row["police"]) == (None, None, None)
    assert row["status"] == "extended"
    assert row["status_label"] == "verlengd"
    assert row["kind_label"] == "correctie"


FILTERS = [
    {},
    {"as_of": "2025-05-01"},
    {"as_of": "2025-05-01", "corrected": "1"},
    {"as_of": "2025-04-10", "corrected": "1", "status": "extended", "sort": "-end"},
    {"status": ["explored", "extended"]},
    {"organization": "EU", "sort": "-end"},
    {"as_of": "2025-04-10", "status": "explored", "sort": "mission"},
    {"q": "Aspides"},
    {"end_before": "2026-12-31"},
    {"present": "police"},
    {"expires_within": "48", "sort": "total"},
]


def _cell(row: dict, key: str) -> str:
    """The API's value as the CSV writes it (empty for null, ISO dates, true/false). The API
    keeps a row's stored qualifier where the CSV leaves it empty for want of a figure."""
    figures = ("military", "civilian", "police", "total")
    if key == "qualifier" and all(row[name] is None for name in figures):
        return ""
    value = row[key]
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


@pytest.mark.parametrize(
    "params", FILTERS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items())
)
def test_it_gives_the_rows_of_the_csv_export_for_the_same_filters(viewer_client, real_data, params):
    download = viewer_client.get("/reports/contributions/", {**params, "format": "csv"})
    exported = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    header, lines = exported[0], exported[1:]

    api = rows_of(viewer_client, "/api/v1/contributions/", page_size=3, **params)

    assert header == list(REGISTRY.exported())
    assert [[_cell(row, key) for key in header] for row in api] == lines
    assert lines, "each combination should have rows to compare"


def test_it_refuses_an_invalid_filter_with_400_naming_it(viewer_client, real_data):
    response = viewer_client.get("/api/v1/contributions/", {"status": "sunk", "as_of": "soon"})

    assert response.status_code == 400
    assert set(response.json()) == {"status", "as_of"}
    bad_sort = viewer_client.get("/api/v1/contributions/", {"sort": "colour"})
    assert bad_sort.status_code == 400
    assert "colour" in bad_sort.json()["sort"][0]


# Session, user, two for the permissions, the data version, three to save the session
# (SESSION_SAVE_EVERY_REQUEST): 8; then the page's own: a count and the rows; the summaries'
# one GROUP BY for all three.
API_PAGE_QUERIES = {
    "/api/v1/contributions/?page_size=500": 8 + 2,
    "/api/v1/contributions/?as_of=2025-05-01&sort=-total&page=1": 8 + 2,
    "/api/v1/missions/": 8 + 2,
    "/api/v1/documents/": 8 + 2,
    "/api/v1/statements/?date_from=2020-01-01": 8 + 2,
    "/api/v1/reports/summary/": 8 + 1,
    "/api/v1/reports/expiring/?months=60": 8 + 2,
    # The history compared, then the rows shown with their documents (``reports.changes``).
    "/api/v1/reports/changes/?from=2020-01-01&to=2030-12-31": 8 + 5,
}


def test_it_runs_as_many_queries_per_api_page_at_500_contributions_as_at_10(
    viewer_client, django_assert_num_queries
):
    for portfolio in (10, 490):
        factories.portfolio(portfolio)
        for url, queries in API_PAGE_QUERIES.items():
            with django_assert_num_queries(queries, info=url):
                assert viewer_client.get(url).status_code == 200

    assert Statement.objects.count() == 500


def test_it_runs_a_fixed_number_of_queries_for_a_mission_and_a_document(
    viewer_client, django_assert_num_queries
):
    made = factories.portfolio(3)
    mission = made[0].contribution.mission
    document = made[0].document
    # The mission, its statements about itself, its statements, its contributions; the document
    # and its statements.
    pages = {f"/api/v1/missions/{mission.pk}/": 8 + 4, f"/api/v1/documents/{document.pk}/": 8 + 2}
    for more_statements in (0, 20):
        for _ in range(more_statements):
            factories.statement(
                contribution=factories.contribution(mission=mission), document=document
            )
        for url, queries in pages.items():
            with django_assert_num_queries(queries, info=url):
                assert viewer_client.get(url).status_code == 200


def test_it_gives_a_mission_with_its_contributions_and_every_statement(viewer_client, real_data):
    mission = factories.Mission.objects.get(acronym="Aspides")

    body = viewer_client.get(f"/api/v1/missions/{mission.pk}/").json()

    assert body["name"] == "EUNAVFOR Aspides"
    assert [(c["name"], c["current"]["source"]) for c in body["contributions"]] == [
        (c.name, "29521-497") for c in mission.contributions.order_by("name")
    ]
    assert [(s["source"], s["end"]) for s in body["statements"]] == [
        ("29521-497", "2028-06-30"),
        ("29521-493", "2025-05-31"),
    ]


def test_it_gives_a_document_with_its_statements(viewer_client, real_data):
    document = factories.SourceDocument.objects.get(dossier="29521", number="497")

    body = viewer_client.get(f"/api/v1/documents/{document.pk}/").json()

    assert (body["reference"], body["date"], body["kind"]) == (
        "29521-497",
        "2025-05-23",
        document.kind,
    )
    assert body["statement_count"] == document.statements.count() == len(body["statements"])
    assert {s["source"] for s in body["statements"]} == {"29521-497"}


def test_it_filters_statements_by_contribution_document_and_date(viewer_client, real_data):
    aspides_statement = Statement.objects.get(
        contribution__mission__acronym="Aspides", document__number="493"
    )
    contribution = aspides_statement.contribution_id

    by_contribution = rows_of(viewer_client, "/api/v1/statements/", contribution=contribution)
    before_may = rows_of(
        viewer_client, "/api/v1/statements/", contribution=contribution, date_to="2025-04-30"
    )
    by_document = rows_of(
        viewer_client, "/api/v1/statements/", document=aspides_statement.document_id
    )
    in_may = rows_of(
        viewer_client, "/api/v1/statements/", date_from="2025-05-01", date_to="2025-05-31"
    )

    assert [s["source"] for s in by_contribution] == ["29521-497", "29521-493"]
    assert [s["id"] for s in before_may] == [aspides_statement.pk]
    assert len(by_document) == Statement.objects.filter(document__number="493").count()
    assert {s["source_date"] for s in in_may} == {"2025-05-23"}
    assert viewer_client.get("/api/v1/statements/", {"contribution": "x"}).status_code == 400


def test_it_gives_the_summary_of_the_page_and_download(viewer_client, real_data):
    params = {"as_of": "2025-05-01", "by": ["status", "region"], "format": "csv"}
    download = viewer_client.get("/reports/summary/", params)
    exported = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    header, lines = exported[0], exported[1:]

    body = viewer_client.get(
        "/api/v1/reports/summary/", {"as_of": "2025-05-01", "by": ["status", "region"]}
    ).json()

    def cells(by: str, row: dict) -> list[str]:
        line = [by, row["group"], str(row["contributions"])]
        for name in ("military", "civilian", "police", "total"):
            figure = row[name]
            known = "" if figure["known"] is None else str(figure["known"])
            line += [known, str(figure["approximate"]).lower(), str(figure["unknown"])]
        return line

    assert header[:4] == ["by", "group", "contributions", "military"]
    assert body["as_of"] == body["day"] == "2025-05-01"
    api = [cells(table["by"], row) for table in body["summaries"] for row in table["rows"]]
    api += [cells("not_counted", row) for row in body["summaries"][0]["apart"]]
    assert api == lines
    figures = [row["military"] for t in body["summaries"] for row in t["rows"]]
    assert any(f["unknown"] for f in figures) and any(f["known"] is None for f in figures)


def test_it_gives_the_expiring_mandates_of_the_page(viewer_client, real_data):
    from django.utils import timezone

    today = timezone.localdate()
    body = viewer_client.get("/api/v1/reports/expiring/", {"months": 60}).json()
    expected = reports.expiring(Statement.objects.all(), 60, today)

    assert body["months"] == 60
    assert [(r["statement"]["id"], r["days_left"]) for r in body["rows"]] == [
        (s.pk, (s.end_date - today).days) for s in expected
    ]


def test_it_gives_the_changes_of_the_page(viewer_client, real_data):
    body = viewer_client.get(
        "/api/v1/reports/changes/", {"from": "2025-05-01", "to": "2025-05-31"}
    ).json()
    entries = reports.changes(date(2025, 5, 1), date(2025, 5, 31))

    assert (body["from"], body["to"]) == ("2025-05-01", "2025-05-31")
    assert [e["statement"]["id"] for e in body["entries"]] == [e.statement.pk for e in entries]
    aspides_entry = next(
        e for e in body["entries"] if e["statement"]["mission_acronym"] == "Aspides"
    )
    assert aspides_entry["previous"]["source"] == "29521-493"
    assert aspides_entry["is_correction"] is True
    assert {
        "key": "end",
        "label": "end",
        "before": "end of May 2025",
        "after": "end of June 2028",
    } in aspides_entry["changes"]


def test_it_refuses_a_period_that_ends_before_it_starts(viewer_client, real_data):
    response = viewer_client.get(
        "/api/v1/reports/changes/", {"from": "2025-06-01", "to": "2025-05-01"}
    )

    assert response.status_code == 400
    assert "__all__" in response.json()


def test_it_passes_as_of_and_corrected_to_the_expiring_report(viewer_client, real_data):
    def expiring(**params) -> list[str]:
        body = viewer_client.get("/api/v1/reports/expiring/", params).json()
        return [row["statement"]["mission_acronym"] for row in body["rows"]]

    # As the documents stood on 1 May 2025, Aspides ended on 31 May; as corrected, in 2028.
    assert "Aspides" in expiring(as_of="2025-05-01", months=1)
    assert "Aspides" not in expiring(as_of="2025-05-01", months=1, corrected="1")
    body = viewer_client.get("/api/v1/reports/expiring/", {"as_of": "2025-05-01"}).json()
    assert (body["day"], body["until"]) == ("2025-05-01", "2026-05-01")
    exported = report_exports.expiring_export(
        reports.expiring(Statement.objects.all(), 12, date(2025, 5, 1)), date(2025, 5, 1)
    )
    assert [row["days_left"] for row in body["rows"]] == [cells[-1] for cells in exported.rows]
