"""The boundaries of issue 10, point 7: each test fails if its boundary moves by a day or a row.

(Also pinned elsewhere: "a mandate ending today is still expiring" and "the horizon day is
inside" for the table and the report in test_filter_rules.py; the summary's active day in
test_reports.py; the access matrix's user with no role in test_access_matrix.py.)
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from missions.dashboard import lists as dashboard
from missions.dates import add_months
from missions.imports import writing
from missions.models import Contribution, Mission, Organization, SourceDocument, Statement
from missions.reading import reports
from tests import factories as f
from tests.factories import REPORT_COLUMNS as IMPORT_COLUMNS

pytestmark = pytest.mark.django_db

APRIL = date(2025, 4, 4)


def _table(client, **params) -> dict[str, Statement]:
    response = client.get("/", params)
    return {
        row.record.contribution.name: row.record for row in response.context["table"].paginated_rows
    }


def test_it_counts_a_document_on_the_as_of_day_itself(viewer_client):
    contribution = f.contribution(name="staff")
    f.statement(contribution=contribution, document=f.document(date=APRIL), military=5)

    on_the_day = _table(viewer_client, as_of="2025-04-04")
    day_before = _table(viewer_client, as_of="2025-04-03")

    assert on_the_day["staff"].military == 5
    assert "staff" not in day_before


def test_it_lets_the_later_document_of_the_same_day_win_on_the_table_and_the_mission_page(
    viewer_client,
):
    contribution = f.contribution(name="staff")
    first = f.document(date=APRIL)
    second = f.document(date=APRIL)
    assert first.pk < second.pk
    f.statement(contribution=contribution, document=second, military=8)
    f.statement(contribution=contribution, document=first, military=5)

    row = _table(viewer_client)["staff"]
    page = viewer_client.get(f"/missions/{contribution.mission_id}/")
    (pair,) = page.context["contributions"]

    assert row.military == 8
    assert pair[1].military == 8


def test_it_counts_the_dashboards_horizon_day_inside(viewer_client):
    today = timezone.localdate()
    f.statement(contribution=f.contribution(name="on the day"), end_date=add_months(today, 6))
    f.statement(
        contribution=f.contribution(name="a day later"),
        end_date=add_months(today, 6) + timedelta(days=1),
    )
    f.statement(contribution=f.contribution(name="ends today"), end_date=today)

    lists = {x.months: x for x in dashboard.ending_lists(today)}

    assert [r.statement.contribution.name for r in lists[6].rows] == ["ends today", "on the day"]
    assert lists[6].count == 2 and lists[12].count == 3


def test_it_includes_the_first_and_last_day_in_the_changes_report():
    contribution = f.contribution(name="staff")
    f.statement(contribution=contribution, document=f.document(date=date(2025, 4, 3)), military=1)
    f.statement(contribution=contribution, document=f.document(date=APRIL), military=2)
    f.statement(contribution=contribution, document=f.document(date=date(2025, 4, 30)), military=3)
    f.statement(contribution=contribution, document=f.document(date=date(2025, 5, 1)), military=4)

    entries = reports.changes(APRIL, date(2025, 4, 30))

    assert [e.statement.military for e in entries] == [2, 3]
    assert entries[0].previous.military == 1  # compared with what stood before the period


def test_it_shows_a_change_of_conditions_in_the_changes_report():
    contribution = f.contribution(name="staff")
    f.statement(contribution=contribution, document=f.document(date=date(2025, 3, 1)))
    f.statement(
        contribution=contribution,
        document=f.document(date=APRIL),
        conditions="provided the legal basis holds",
    )

    (entry,) = reports.changes(APRIL, APRIL)

    assert [change.key for change in entry.changes] == ["conditions"]


def test_it_includes_the_day_in_ends_on_or_before(viewer_client):
    f.statement(contribution=f.contribution(name="on the day"), end_date=date(2027, 6, 30))
    f.statement(contribution=f.contribution(name="a day later"), end_date=date(2027, 7, 1))
    f.statement(contribution=f.contribution(name="a day earlier"), end_date=date(2027, 6, 29))

    before = _table(viewer_client, end_before="2027-06-30")
    after = _table(viewer_client, end_after="2027-06-30")

    assert sorted(before) == ["a day earlier", "on the day"]
    assert sorted(after) == ["a day later", "on the day"]


def test_it_counts_the_facets_as_of_the_day_asked_about(viewer_client):
    eu = f.organization(acronym="EU")
    contribution = f.contribution(mission=f.mission(organization=eu))
    f.statement(contribution=contribution, document=f.document(date=APRIL), status="explored")
    f.statement(
        contribution=contribution, document=f.document(date=date(2025, 5, 23)), status="new"
    )

    def counts(**params) -> dict[str, int]:
        facets = viewer_client.get("/", params).context["facets"]
        status = next(facet for facet in facets if facet.name == "status")
        return {option.value: option.count for option in status.options if option.count}

    assert counts(as_of="2025-05-22") == {"explored": 1}
    assert counts(as_of="2025-05-23") == {"new": 1}


def test_it_searches_the_notes_of_statements_and_contributions(viewer_client):
    f.statement(contribution=f.contribution(name="a", notes="battle group"))
    f.statement(contribution=f.contribution(name="b"), notes="rotates every six months")
    f.statement(contribution=f.contribution(name="c"))

    assert sorted(_table(viewer_client, q="battle")) == ["a"]
    assert sorted(_table(viewer_client, q="rotates")) == ["b"]


def test_it_moves_the_statements_dates_with_their_documents_date(viewer_client):
    document = f.document(date=APRIL)
    statement = f.statement(contribution=f.contribution(name="staff"), document=document)

    document.date = date(2025, 4, 10)
    document.save()
    statement.refresh_from_db()

    assert statement.document_date == date(2025, 4, 10)
    assert "staff" not in _table(viewer_client, as_of="2025-04-09")
    assert "staff" in _table(viewer_client, as_of="2025-04-10")


def test_it_gives_a_statement_moved_to_another_document_that_documents_date():
    statement = f.statement(document=f.document(date=APRIL))
    later = f.document(date=date(2025, 5, 23))

    statement.document = later
    statement.save()
    statement.refresh_from_db()

    assert statement.document_date == date(2025, 5, 23)
    assert Statement.objects.as_of(date(2025, 5, 22)).count() == 0


def _import_rows(n: int) -> bytes:
    columns = list(IMPORT_COLUMNS)
    lines = [",".join(columns)]
    for i in range(n):
        values = {
            "mission": "EUNAVFOR Aspides",
            "mission_acronym": "Aspides",
            "organization": "EU",
            "region": "Red Sea",
            "contribution": f"team {i}",
            "status": "extended",
            "military": "5",
            "source": "29521-497",
            "source_date": "2025-05-23",
        }
        lines.append(",".join(values.get(c, "") for c in columns))
    return ("\r\n".join(lines) + "\r\n").encode()


def test_it_leaves_nothing_of_an_import_that_fails_half_way(analyst_client, monkeypatch):
    analyst_client.post(
        reverse("imports:import_upload"),
        {"file": SimpleUploadedFile("c.csv", _import_rows(3))},
    )
    assert analyst_client.get(reverse("imports:import_preview")).context["plan"].counts["new"] == 3
    # The database refuses the statements, after the organization, region, document, mission
    # and contributions were written.
    real_insert, calls = writing.insert_rows, []

    def insert_rows(model, fields, objects, *args):
        if model is Statement:
            calls.append(len(objects))
            raise IntegrityError("refused")
        return real_insert(model, fields, objects, *args)

    monkeypatch.setattr(writing, "insert_rows", insert_rows)
    analyst_client.post(reverse("imports:import_confirm"))

    assert calls == [3]
    assert not Statement.objects.exists()
    for model in (Contribution, Mission, Organization, SourceDocument):
        assert not model.objects.exists(), model


@pytest.mark.parametrize("field", ["total", "military", "civilian", "police"])
def test_the_database_refuses_a_negative_figure_and_takes_zero(field):
    contribution, document = f.contribution(), f.document()

    def make(value: int) -> Statement:
        return Statement.objects.create(
            contribution=contribution, document=document, status="new", **{field: value}
        )

    with pytest.raises(IntegrityError) as refusal, transaction.atomic():
        make(-1)
    zero = make(0)

    assert "non_negative" in str(refusal.value) or "covers_categories" in str(refusal.value)

    assert getattr(zero, field) == 0
