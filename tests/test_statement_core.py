"""The statement core: two time axes, corrections that correct, the stored line of time.

"As of D" is the statement in force on D (stated on or before D, not yet superseded); with
``corrected`` it is that day as we know it now, each corrected statement read as corrected.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from missions.models import SourceDocument, Statement, StatementKind
from missions.reading import reports
from missions.reading.supersession import refresh_supersession, supersession_mismatches
from tests import factories

MAY_1 = date(2025, 5, 1)


def in_force(mission: str, day: date, *, corrected: bool = False) -> Statement:
    return (
        Statement.objects.as_of(day, corrected=corrected)
        .with_related()
        .get(contribution__mission__name=mission)
    )


def read_csv(out: io.StringIO) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out.getvalue())))


# --- the two time axes, on the shipped data -------------------------------------------------


def test_it_reads_aspides_as_the_documents_stood_on_1_may_2025(real_data):
    statement = in_force("EUNAVFOR Aspides", MAY_1)

    assert (statement.end_date, statement.document.reference) == (date(2025, 5, 31), "29521-493")
    assert not statement.shown_in_place
    # The row says a later correction exists, and which.
    assert statement.correction.citation.startswith("29521-497, answer 11")


def test_it_reads_aspides_as_corrected_since_on_1_may_2025(real_data):
    statement = in_force("EUNAVFOR Aspides", MAY_1, corrected=True)

    assert statement.end_date == date(2028, 6, 30)
    assert statement.shown_in_place
    assert statement.kind == StatementKind.CORRECTION
    assert statement.cited_statement.document.reference == "29521-493"
    assert statement.correction.citation.startswith("29521-497, answer 11")


def test_it_reads_opa_the_same_way(real_data):
    stood = in_force("OPA", MAY_1)
    corrected = in_force("OPA", MAY_1, corrected=True)

    assert (stood.end_date, stood.document.reference) == (date(2025, 5, 31), "29521-493")
    assert corrected.end_date == date(2025, 7, 9)
    assert corrected.cited_statement.document.reference == "29521-493"


def test_it_changes_nothing_with_corrected_once_the_correction_is_out(real_data):
    day = date(2025, 6, 1)
    stood = in_force("EUNAVFOR Aspides", day)
    corrected = in_force("EUNAVFOR Aspides", day, corrected=True)

    assert stood.pk == corrected.pk
    assert stood.document.reference == "29521-497"
    assert stood.correction is None and not corrected.shown_in_place


def test_it_gives_the_same_rows_with_and_without_corrections(real_data):
    for day in (date(2025, 4, 4), MAY_1, date(2025, 5, 23), date(2026, 1, 1)):
        stood = Statement.objects.as_of(day).values_list("contribution", flat=True)
        corrected = Statement.objects.as_of(day, corrected=True).values_list(
            "contribution", flat=True
        )
        assert sorted(stood) == sorted(corrected), day
        assert len(stood) == len(set(stood))


def test_it_takes_a_document_into_force_on_its_own_date_not_the_day_before(real_data):
    # 29521-493 is dated 4 April 2025: in force that day, not on 3 April.
    assert in_force("EUNAVFOR Aspides", date(2025, 4, 4)).document.reference == "29521-493"
    with pytest.raises(Statement.DoesNotExist):
        in_force("EUNAVFOR Aspides", date(2025, 4, 3))
    # 29521-497 of 23 May supersedes it on that day.
    assert in_force("EUNAVFOR Aspides", date(2025, 5, 22)).document.reference == "29521-493"
    assert in_force("EUNAVFOR Aspides", date(2025, 5, 23)).document.reference == "29521-497"


def test_it_drops_aspides_and_opa_from_expiring_as_of_1_may_once_corrected(real_data):
    stood = reports.expiring(Statement.objects.all(), 3, MAY_1)
    corrected = reports.expiring(Statement.objects.all(), 3, MAY_1, corrected=True)

    named = {s.contribution.mission.label for s in stood}
    assert {"Aspides", "OPA"} <= named
    assert "Aspides" not in {s.contribution.mission.label for s in corrected}
    # OPA's corrected end, 9 July 2025, is still within three months of 1 May.
    assert [s.end_date for s in corrected if s.contribution.mission.label == "OPA"] == [
        date(2025, 7, 9)
    ]


def test_it_marks_the_correction_on_the_as_of_page_and_links_to_the_corrected_view(
    real_data, viewer_client
):
    html = viewer_client.get("/", {"as_of": "2025-05-01"}).content.decode()
    assert "2 statements shown here were corrected later." in html
    assert 'href="?as_of=2025-05-01&amp;corrected=1"' in html
    assert "corrected by" in html and "29521-497, answer 11" in html

    corrected = viewer_client.get("/", {"as_of": "2025-05-01", "corrected": "1"})
    html = corrected.content.decode()
    assert "were corrected later" not in html
    assert "as corrected by" in html
    rows = {s.contribution.mission.label: s for s in corrected.context["table"].data}
    assert rows["Aspides"].end_date == date(2028, 6, 30)


def test_it_writes_the_corrected_as_of_csv_from_the_command(real_data):
    out = io.StringIO()
    call_command(
        "report", "contributions", "--as-of", "2025-05-01", "--corrected", "--format", "csv",
        stdout=out,
    )  # fmt: skip
    rows = {row["mission_acronym"] or row["mission"]: row for row in read_csv(out)}

    assert (rows["Aspides"]["end"], rows["Aspides"]["source"]) == ("2028-06-30", "29521-493")
    # The correction is in answer 11 alone (answer 17 only says what the contribution is).
    assert rows["Aspides"]["corrected_by"] == "29521-497, answer 11"
    assert (rows["OPA"]["end"], rows["OPA"]["corrected_by"]) == (
        "2025-07-09",
        "29521-497, answer 11",
    )
    # A row nothing corrected cites only its own document.
    others = [row for key, row in rows.items() if key not in {"Aspides", "OPA"}]
    assert others and all(row["corrected_by"] == "" for row in others)
    # 29521-493 states its own date and number; what is inferred is the correction's.
    for corrected in ("Aspides", "OPA"):
        assert rows[corrected]["inferred"].startswith(
            "correction's date, correction's number (Neither the answers' date"
        ), rows[corrected]
    assert all(row["inferred"] == "" for row in others if row["source"] == "29521-493")


def test_it_writes_the_as_stood_csv_with_the_later_correction_named(real_data):
    out = io.StringIO()
    call_command("report", "contributions", "--as-of", "2025-05-01", "--format", "csv", stdout=out)
    rows = {row["mission_acronym"] or row["mission"]: row for row in read_csv(out)}

    assert (rows["Aspides"]["end"], rows["Aspides"]["corrected_by"]) == (
        "2025-05-31",
        "29521-497, answer 11",
    )
    assert rows["Aspides"]["inferred"].startswith("correction's date, correction's number (")


# --- "current" is as of today ---------------------------------------------------------------


def test_it_takes_a_future_dated_document_into_force_only_on_its_date(db):
    today = timezone.localdate()
    first = factories.statement(document=factories.document(date=today - timedelta(days=10)))
    # Created in the shell, past the admin's check.
    later = factories.statement(
        contribution=first.contribution,
        document=factories.document(date=today + timedelta(days=1)),
        status="ended",
    )

    assert list(Statement.objects.current()) == [first]
    assert list(Statement.objects.as_of(today + timedelta(days=1))) == [later]


def test_it_refuses_a_document_dated_after_today_in_the_form_check(db):
    today = timezone.localdate()
    document = SourceDocument(kind="kamerbrief", date=today + timedelta(days=1), title="Later")
    with pytest.raises(ValidationError) as refused:
        document.full_clean()
    assert "is after today" in str(refused.value.message_dict["date"])
    # Today itself is fine.
    document.date = today
    document.full_clean()


def test_it_refuses_a_future_dated_document_in_the_admin(analyst_client):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = analyst_client.post(
        "/admin/missions/sourcedocument/add/",
        {
            "kind": "kamerbrief",
            "dossier": "29521",
            "number": "999",
            "date": tomorrow.isoformat(),
            "date_precision": "day",
            "title": "Not yet written",
            "statements-TOTAL_FORMS": "0",
            "statements-INITIAL_FORMS": "0",
            "mission_statements-TOTAL_FORMS": "0",
            "mission_statements-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "is after today" in response.content.decode()
    assert not SourceDocument.objects.filter(number="999").exists()


# --- rules the database keeps ---------------------------------------------------------------


def test_it_refuses_a_total_below_the_known_categories_in_the_database(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.statement(military=20, total=10)
    # Equal is fine, and so is a total with unknown categories.
    factories.statement(military=10, civilian=None, total=10)
    factories.statement(total=10)


def test_it_refuses_a_total_below_the_known_categories_on_the_form(db):
    statement = Statement(
        contribution=factories.contribution(),
        document=factories.document(),
        status="continued",
        military=20,
        total=10,
    )
    with pytest.raises(ValidationError) as refused:
        statement.full_clean()
    assert "cannot be less than the military, civilian and police figures" in str(refused.value)


def test_it_refuses_a_correction_that_names_nothing_or_a_later_statement(db):
    earlier = factories.statement(document=factories.document(date=date(2025, 4, 4)))
    later_doc = factories.document(date=date(2025, 5, 23))
    correction = Statement(
        contribution=earlier.contribution,
        document=later_doc,
        status="extended",
        kind=StatementKind.CORRECTION,
    )
    with pytest.raises(ValidationError) as refused:
        correction.full_clean()
    assert "Name the statement this correction corrects." in str(refused.value)

    correction.corrects = earlier
    correction.full_clean()
    correction.save()
    backwards = Statement(
        contribution=earlier.contribution,
        document=factories.document(date=date(2025, 1, 1)),
        status="extended",
        kind=StatementKind.CORRECTION,
        corrects=correction,
    )
    with pytest.raises(ValidationError) as refused:
        backwards.full_clean()
    assert "later document than what it corrects" in str(refused.value)


# --- the stored line of time, after every write path ----------------------------------------


@pytest.fixture
def line(db) -> list[Statement]:
    """One contribution with three statements, 1 March, 1 April, 1 May 2025."""
    contribution = factories.contribution()
    return [
        factories.statement(contribution=contribution, document=factories.document(date=day))
        for day in (date(2025, 3, 1), date(2025, 4, 1), date(2025, 5, 1))
    ]


def stored(statements: list[Statement]) -> list[date | None]:
    return [Statement.objects.get(pk=s.pk).superseded_on for s in statements]


def test_it_stores_the_next_statements_date_on_save(line):
    assert stored(line) == [date(2025, 4, 1), date(2025, 5, 1), None]
    assert supersession_mismatches() == []


def test_it_moves_the_line_when_a_documents_date_changes(line):
    document = line[1].document
    document.date = date(2025, 6, 1)
    document.save()

    assert stored(line) == [date(2025, 5, 1), None, date(2025, 6, 1)]
    assert supersession_mismatches() == []


def test_it_moves_the_line_when_a_statement_moves_to_another_document(line):
    statement = Statement.objects.get(pk=line[0].pk)
    statement.document = factories.document(date=date(2025, 7, 1))
    statement.save()

    assert stored(line) == [None, date(2025, 5, 1), date(2025, 7, 1)]
    assert supersession_mismatches() == []


def test_it_refreshes_both_contributions_when_a_statement_moves_between_them(line):
    other = factories.statement(document=factories.document(date=date(2025, 1, 1)))
    statement = Statement.objects.get(pk=line[2].pk)
    statement.contribution = other.contribution
    statement.save()

    assert stored(line) == [date(2025, 4, 1), None, None]
    assert stored([other]) == [date(2025, 5, 1)]
    assert supersession_mismatches() == []


def test_it_closes_the_gap_on_delete_and_reopens_it_on_recover(line):
    pk = line[1].pk
    line[1].delete()
    assert stored([line[0], line[2]]) == [date(2025, 5, 1), None]

    # Recover from the audit trail, as the admin's "Recover deleted" does.
    recovered = Statement.history.filter(id=pk, history_type="-").get().instance
    recovered._state.adding = True
    recovered.save(force_insert=True)
    line[1].pk = pk
    assert stored(line) == [date(2025, 4, 1), date(2025, 5, 1), None]
    assert supersession_mismatches() == []


def test_it_closes_the_gap_on_a_queryset_delete(line):
    Statement.objects.filter(pk=line[1].pk).delete()  # the admin's bulk delete
    assert stored([line[0], line[2]]) == [date(2025, 5, 1), None]


def test_it_keeps_the_line_on_revert_from_history(line):
    statement = Statement.objects.get(pk=line[1].pk)
    old_document = statement.document
    statement.document = factories.document(date=date(2025, 8, 1))
    statement.save()
    # Revert to the first version, as the admin's history page does (at the current version).
    first = statement.history.earliest().instance
    first.version = statement.version
    first.save()

    assert Statement.objects.get(pk=line[1].pk).document == old_document
    assert stored(line) == [date(2025, 4, 1), date(2025, 5, 1), None]
    assert supersession_mismatches() == []


def test_it_keeps_the_line_on_loading_the_real_data_and_on_generate_data(real_data):
    assert supersession_mismatches() == []
    call_command("generate_data", "--contributions", "50", "--seed", "3", "--force", verbosity=0)
    assert supersession_mismatches() == []


def test_it_breaks_a_same_day_tie_by_document_id(db):
    contribution = factories.contribution()
    first, second = (
        factories.statement(contribution=contribution, document=factories.document())
        for _ in range(2)
    )
    day = first.document_date
    # The earlier id is superseded on its own day: never in force.
    assert stored([first, second]) == [day, None]
    assert list(Statement.objects.as_of(day)) == [Statement.objects.get(pk=second.pk)]


def test_it_finds_and_repairs_a_wrong_stored_value(line):
    Statement.objects.filter(pk=line[0].pk).update(superseded_on=None)
    problems = supersession_mismatches()
    assert problems == [f"statement {line[0].pk}: superseded_on None (should be 2025-04-01)"]

    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("check_statements", stdout=out, stderr=out)
    assert "superseded_on None (should be 2025-04-01)" in out.getvalue()

    refresh_supersession([line[0].contribution_id])
    assert supersession_mismatches() == []
    out = io.StringIO()
    call_command("check_statements", stdout=out)
    assert "3 statements checked; stored lines of time are right." in out.getvalue()


def test_it_refreshes_many_contributions_in_one_update_on_postgresql(db):
    # 501 contributions: two chunks of 500 on SQLite (bounded parameter lists), one
    # statement with an array parameter on PostgreSQL. Either way every line is right.
    statements = factories.portfolio(501)
    later = factories.document(date=date(2025, 6, 1))
    Statement.objects.bulk_create(
        [
            Statement(
                contribution_id=s.contribution_id,
                document=later,
                document_date=later.date,
                status=s.status,
            )
            for s in statements
        ]
    )
    with CaptureQueriesContext(connection) as queries:
        changed = refresh_supersession({s.contribution_id for s in statements})

    updates = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert len(updates) == (1 if connection.vendor == "postgresql" else 2)
    assert changed == 501
    assert {s.superseded_on for s in Statement.objects.filter(document__date=date(2025, 4, 4))} == {
        date(2025, 6, 1)
    }
    assert supersession_mismatches() == []


def test_it_keeps_the_line_after_restore(real_data, tmp_path):
    path = tmp_path / "backup.json"
    call_command("backup", "--output", str(path), verbosity=0)
    Statement.objects.update(superseded_on=None)  # as a hand-edited backup would be
    assert supersession_mismatches()
    refresh_supersession()
    assert supersession_mismatches() == []


# --- fast as-of: same queries, an index --------------------------------------------------------


def test_it_reads_as_of_with_an_index_not_a_scan(db):
    factories.portfolio(20)
    sql, params = Statement.objects.as_of(MAY_1).query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
            assert "missions_statement_in_force" in plan, plan
            assert "SubPlan" not in plan, plan
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
            assert "missions_statement_in_force" in plan, plan
            assert "SCAN missions_statement" not in plan.replace("USING INDEX", ""), plan
            assert "CORRELATED" not in plan, plan


@pytest.mark.parametrize("size", [5, 50])
def test_it_reads_as_of_in_one_query_whatever_the_size(db, size, django_assert_num_queries):
    factories.portfolio(size)
    with django_assert_num_queries(1):
        list(Statement.objects.as_of(MAY_1, corrected=True).with_related())


# --- the document filter is a reference box ---------------------------------------------------


def test_it_filters_by_a_typed_document_reference_without_listing_documents(
    real_data, viewer_client
):
    response = viewer_client.get("/", {"document": "29521-494", "as_of": "2025-04-30"})
    rows = list(response.context["table"].data)

    assert {s.document.reference for s in rows} == {"29521-494"}
    assert [s.contribution.name for s in rows] == ["infantry company"]
    html = response.content.decode()
    assert 'name="document" value="29521-494"' in html
    assert "<option" not in html.split('name="document"')[1].split("</p>")[0]


def test_it_says_so_when_a_typed_reference_is_no_document(real_data, viewer_client):
    response = viewer_client.get("/", {"document": "29521-1"})
    assert "Source document: Select a valid choice." in response.content.decode()


def test_it_says_in_the_export_what_the_source_does_not_state(real_data):
    out = io.StringIO()
    call_command("report", "contributions", "--format", "csv", stdout=out)
    rows = {(row["mission"], row["contribution"]): row for row in read_csv(out)}

    untso = rows[
        ("United Nations Truce Supervision Organization", "military observers and staff officers")
    ]
    assert untso["source"] == "29521-497"
    assert untso["inferred"].startswith("source date, source number (Neither the answers' date")
    # Every row cites 29521-497 (inferred date and number) or a document that states its own.
    for row in rows.values():
        assert row["inferred"].startswith("source date") == (row["source"] == "29521-497"), row
    assert any(row["inferred"] == "" for row in rows.values())


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"as_of": "2025-05-01", "organization": "EU"}, "contributions_as-of-2025-05-01_eu.xlsx"),
        (
            {"as_of": "2025-05-01", "corrected": "1"},
            "contributions_as-of-2025-05-01_corrected.xlsx",
        ),
        ({"status": "extended"}, "contributions_{today}_extended.xlsx"),
        ({}, "contributions_{today}.xlsx"),
    ],
)
def test_it_names_an_export_after_its_view(real_data, viewer_client, params, name):
    response = viewer_client.get("/reports/contributions/", params | {"format": "xlsx"})
    expected = name.format(today=timezone.localdate().isoformat())
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
