"""The changes report: which statement stands before each, read from the stored supersession
dates, and the page's rows as written in one pass (``missions.web.cells.change_rows``)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from missions.models import Statement, Status
from missions.reading import reports
from missions.reading.diffs import compare, timeline
from missions.reading.supersession import supersession_mismatches
from missions.reports.files import changes_reads
from missions.web.cells import change_rows
from missions.web.formatting import EN_DASH
from tests import factories

APRIL_4 = date(2025, 4, 4)


@pytest.fixture
def same_day(db):
    """One contribution: a statement of March, then two documents of 4 April 2025 (the second
    created later, so it has the higher id and comes after the first on the same day)."""
    contribution = factories.contribution(name="staff officers")
    march = factories.statement(
        contribution=contribution, document=factories.document(date=date(2025, 3, 1)), military=1
    )
    letter = factories.statement(
        contribution=contribution, document=factories.document(date=APRIL_4), military=2
    )
    answers = factories.statement(
        contribution=contribution, document=factories.document(date=APRIL_4), military=3
    )
    assert letter.document_id < answers.document_id
    assert list(supersession_mismatches()) == []
    return march, letter, answers


def pairs(entries) -> list[tuple[Statement, Statement | None]]:
    return [(entry.statement, entry.previous) for entry in entries]


def test_two_documents_of_one_day_each_stand_before_the_next_in_document_order(same_day):
    march, letter, answers = same_day

    assert pairs(reports.changes(APRIL_4, APRIL_4)) == [(letter, march), (answers, letter)]
    # Shown alone (another page holds the letter), the answers still follow the letter.
    assert pairs(reports.changes(APRIL_4, APRIL_4, only=[answers.pk])) == [(answers, letter)]
    assert [str(c) for c in reports.changes(APRIL_4, APRIL_4, only=[answers.pk])[0].changes] == [
        "military: 2 -> 3",
        "total: 2 -> 3",
    ]


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        # The period's first day is the documents' day: both, the first after March's.
        (APRIL_4, date(2025, 4, 30), ["letter", "answers"]),
        # The day before, alone: nothing; the day after, onwards: nothing either.
        (date(2025, 4, 3), date(2025, 4, 3), []),
        (date(2025, 4, 5), date(2025, 12, 31), []),
        # March's statement has nothing before it, inside a period or not.
        (date(2025, 3, 1), APRIL_4, ["march", "letter", "answers"]),
    ],
)
def test_a_period_pairs_each_statement_with_the_one_before_at_its_edges(
    same_day, first, last, expected
):
    march, letter, answers = same_day
    names = {march: "march", letter: "letter", answers: "answers"}
    before = {letter: march, answers: letter, march: None}

    entries = reports.changes(first, last)

    assert [names[e.statement] for e in entries] == expected
    assert all(e.previous == before[e.statement] for e in entries)


def test_a_statement_superseded_on_a_day_with_no_row_shown_is_passed_over(db):
    contribution = factories.contribution()
    january, february, march = (
        factories.statement(
            contribution=contribution, document=factories.document(date=day), military=n
        )
        for n, day in enumerate((date(2025, 1, 10), date(2025, 2, 10), date(2025, 3, 10)), 1)
    )

    # January's statement was superseded in February, whose row is not on this page.
    shown = reports.changes(date(2025, 1, 1), date(2025, 3, 31), only=[march.pk])

    assert pairs(shown) == [(march, february)]
    assert pairs(reports.changes(date(2025, 1, 1), date(2025, 3, 31))) == [
        (january, None),
        (february, january),
        (march, february),
    ]


def test_the_download_streams_the_same_entries_as_the_page_reads_them(db, monkeypatch):
    """Read two statements at a time, across days, documents of one day and contributions."""
    monkeypatch.setattr(reports, "EXPORT_CHUNK_ROWS", 2)
    days = [date(2024, 12, 1), date(2025, 1, 10), APRIL_4, APRIL_4, date(2025, 5, 23)]
    documents = [factories.document(date=day) for day in days]
    for n in range(6):
        contribution = factories.contribution(name=f"unit {n}")
        # Each contribution in a different subset of the documents, so that some have no
        # statement before the period, some two on 4 April, and some skip a day.
        for position, document in enumerate(documents):
            if (n + position) % 3:
                factories.statement(
                    contribution=contribution, document=document, military=n * 10 + position
                )
    first, last = date(2025, 1, 1), date(2025, 5, 31)

    streamed = list(reports.stream_changes(first, last, changes_reads()))
    streamed_set = {e.statement for e in streamed}

    assert [(e.statement, e.previous, e.changes) for e in streamed] == [
        (e.statement, e.previous, e.changes) for e in reports.changes(first, last)
    ]
    assert len(streamed) == Statement.objects.filter(document_date__gte=first).count() > 10
    # The same pairs as the mission pages' timeline, which pairs whole histories in memory.
    whole = {e.statement: e.previous for e in timeline(Statement.objects.all())}
    assert {e.statement: e.previous for e in streamed} == {
        statement: previous for statement, previous in whole.items() if statement in streamed_set
    }
    assert sum(e.previous is None for e in streamed) >= 1
    assert list(supersession_mismatches()) == []


def test_the_statement_before_is_read_with_its_compared_fields_only_unless_asked_whole(same_day):
    march = same_day[0]

    slim = reports.changes(APRIL_4, APRIL_4)[0].previous
    whole = reports.changes(APRIL_4, APRIL_4, whole_rows=True)[0].previous

    assert slim == whole == march
    assert {"quote", "notes", "location"} <= slim.get_deferred_fields()
    assert whole.get_deferred_fields() == set()
    assert whole.contribution.mission.organization.acronym  # selected with it, no query


def test_the_api_reads_each_entry_and_the_one_before_it_in_the_same_queries_at_any_size(
    viewer_client, django_assert_num_queries
):
    url = "/api/v1/reports/changes/?from=2025-04-01&to=2025-04-30"
    earlier, letter = factories.document(date=date(2024, 1, 12)), factories.document()
    for contributions in (2, 12):
        while Statement.objects.filter(document=letter).count() < contributions:
            contribution = factories.contribution()
            factories.statement(contribution=contribution, document=earlier, military=1)
            factories.statement(contribution=contribution, document=letter, military=2)
        # The session, user, permissions and data version (8); the count and the page's ids,
        # the rows, the statements before them, and the transcription fixes (2).
        with django_assert_num_queries(8 + 5, info=f"{contributions} contributions"):
            body = viewer_client.get(url).json()
        assert len(body["entries"]) == contributions
        assert {e["previous"]["source"] for e in body["entries"]} == {earlier.reference}
        assert all(e["previous"]["organization"] for e in body["entries"])


def test_a_shown_value_is_compared_by_what_the_reader_sees_not_by_the_stored_fields(db):
    stated = factories.statement(military=5, total=5)
    summed = factories.statement(
        contribution=stated.contribution,
        document=factories.document(date=date(2025, 5, 23)),
        military=5,
        status=Status.ENDED,
    )
    moved = factories.statement(
        contribution=stated.contribution,
        document=factories.document(date=date(2025, 6, 1)),
        military=5,
        status=Status.ENDED,
        end_date=date(2025, 6, 30),
        end_precision="day",
    )
    month = factories.statement(
        contribution=stated.contribution,
        document=factories.document(date=date(2025, 7, 1)),
        military=5,
        status=Status.ENDED,
        end_date=date(2025, 6, 30),
        end_precision="month",
    )
    shown: dict[tuple, str] = {}
    steps = [(None, stated), (stated, summed), (summed, moved), (moved, month)]

    # The stated total 5 and the sum 5 read the same: the total did not change.
    assert [[c.key for c in compare(a, b)] for a, b in steps] == [
        ["status", "military", "total"],
        ["status"],
        ["end"],
        ["end"],
    ]
    assert [str(c) for c in compare(moved, month)] == ["end: 30 June 2025 -> end of June 2025"]
    # Remembering shown values across comparisons (as a timeline does) changes no result.
    twice = [compare(a, b, shown) for a, b in steps + steps]
    assert twice == [compare(a, b) for a, b in steps + steps]


def table_body(html: str) -> str:
    return re.search(r'<table class="data">.*?<tbody>(.*?)</tbody>', html, re.S).group(1).strip()


def test_it_writes_every_cell_of_a_correction_and_of_a_first_statement(viewer_client, db):
    mission = factories.mission(name="EUNAVFOR Aspides", acronym="Aspides")
    staff = factories.contribution(mission=mission, name="staff <officers>")
    letter = factories.document(dossier="29521", number="493", date=APRIL_4, title="Brief")
    answers = factories.document(
        dossier="29521", number="497", date=date(2025, 5, 23), title="Antwoorden"
    )
    old = factories.statement(
        contribution=staff, document=letter, end_date=date(2025, 5, 31), end_precision="month"
    )
    fix = factories.statement(
        contribution=staff,
        document=answers,
        kind="correction",
        corrects=old,
        location="answer 11",
        end_date=date(2028, 6, 30),
        end_precision="month",
    )
    newcomer = factories.statement(
        contribution=factories.contribution(mission=mission, name="frigate"),
        document=answers,
        military=150,
        qualifier="approximately",
    )
    old.refresh_from_db()

    html = viewer_client.get(
        reverse("reports:changes"), {"from": "2025-05-01", "to": "2025-05-31"}
    ).content.decode()

    doc = reverse("missions:document", args=[answers.pk])
    # By mission, then contribution: the frigate first.
    assert table_body(html) == (
        f'<tr><td>May 23, 2025</td><td><a href="{doc}#statement-{newcomer.pk}" '
        'title="Kamerstuk 29521, nr. 497, May 23, 2025">29521-497</a></td><td>decision</td>'
        f'<td><a href="/missions/{mission.pk}/">Aspides</a></td><td>frigate</td>'
        f"<td><em>first statement</em> <ul><li>Status: {EN_DASH} → continued</li>"
        f"<li>Military: {EN_DASH} → 150</li><li>Total: {EN_DASH} → ~150</li></ul></td></tr>"
        '<tr class="correction"><td>May 23, 2025</td>'
        f'<td><a href="{doc}#statement-{fix.pk}" title="Kamerstuk 29521, nr. 497, May 23, 2025">'
        "29521-497</a>, answer 11 "
        '<span class="correction">corrects <a href="'
        f'{reverse("missions:document", args=[letter.pk])}#statement-{old.pk}" '
        'title="Kamerstuk 29521, nr. 493, April 4, 2025">29521-493</a></span></td>'
        "<td><strong>correction</strong></td>"
        f'<td><a href="/missions/{mission.pk}/">Aspides</a></td><td>staff &lt;officers&gt;</td>'
        "<td><ul><li>End: end of May 2025 → end of June 2028</li></ul></td></tr>"
    )


def test_a_page_reads_only_what_its_rows_show_and_writes_them_without_a_query(
    same_day, django_assert_num_queries
):
    _march, letter, answers = same_day

    entries = reports.changes(APRIL_4, APRIL_4, only=[letter.pk, answers.pk])

    statement = entries[0].statement
    # The quote, notes and timestamps of the statement, of its document and of its mission are
    # never shown on a row: not read (157 columns a row when every joined table was read whole).
    assert {"quote", "notes", "created_at", "inference_note"} <= statement.get_deferred_fields()
    assert {"url", "notes", "created_at"} <= statement.document.get_deferred_fields()
    assert {"mandate", "total_strength"} <= statement.contribution.mission.get_deferred_fields()
    with django_assert_num_queries(0):
        html = change_rows(entries)
    assert html.count("<tr>") == 2
    assert "Military: 1 → 2" in html and "Military: 2 → 3" in html


def test_a_document_known_to_the_month_is_dated_and_titled_as_a_month_on_its_row(
    db, django_assert_num_queries
):
    """ "januari jl.": the row says January 2024, not a first of January the source never gave;
    the document of a day beside it keeps its day."""
    contribution = factories.contribution(name="staff officers")
    month = factories.document(
        dossier="29521", number="480", date=date(2024, 1, 1), date_precision="month"
    )
    day = factories.document(dossier="29521", number="481", date=date(2024, 1, 1))
    first = factories.statement(contribution=contribution, document=month, military=1)
    second = factories.statement(contribution=contribution, document=day, military=2)
    entries = reports.changes(date(2024, 1, 1), date(2024, 1, 1))

    with django_assert_num_queries(0):
        html = change_rows(entries)

    rows = re.findall(r"<tr>(.*?)</tr>", html)
    assert [re.findall(r"<td>(.*?)</td>", row)[:2] for row in rows] == [
        [
            "January 2024",
            f'<a href="/documents/{month.pk}/#statement-{first.pk}" '
            'title="Kamerstuk 29521, nr. 480, January 2024">29521-480</a>',
        ],
        [
            "Jan. 1, 2024",
            f'<a href="/documents/{day.pk}/#statement-{second.pk}" '
            'title="Kamerstuk 29521, nr. 481, Jan. 1, 2024">29521-481</a>',
        ],
    ]


def test_every_value_a_change_shows_is_escaped_as_django_escapes_it_on_every_row(db):
    raw = "troops <b>if</b> asked & \"agreed\" 'soon'"
    contribution = factories.contribution(name="unit & <i>co</i>")
    before = factories.statement(
        contribution=contribution, document=factories.document(date=date(2025, 3, 1))
    )
    rows = [
        factories.statement(
            contribution=other, document=factories.document(date=APRIL_4), conditions=raw
        )
        for other in (contribution, factories.contribution(mission=contribution.mission))
    ]
    factories.statement(contribution=rows[1].contribution, document=before.document)

    html = change_rows(reports.changes(APRIL_4, APRIL_4, only=[row.pk for row in rows]))

    item = f"<li>Conditions: {EN_DASH} → {escape(raw)}</li>"
    assert (
        escape(raw)
        == "troops &lt;b&gt;if&lt;/b&gt; asked &amp; &quot;agreed&quot; &#x27;soon&#x27;"
    )
    assert html.count(item) == 2
    assert f"<td>{escape(contribution.name)}</td>" in html
    assert "<b>" not in html and "<i>" not in html


def test_a_download_reads_only_the_fields_its_columns_write(same_day):
    entries = list(reports.stream_changes(APRIL_4, APRIL_4, changes_reads()))

    statement, before = entries[0].statement, entries[0].previous
    assert {"quote", "notes", "created_at", "inference_note"} <= statement.get_deferred_fields()
    assert {"notes", "created_at", "inference_note"} <= statement.document.get_deferred_fields()
    assert {"mandate", "total_strength"} <= statement.contribution.mission.get_deferred_fields()
    assert {"quote", "location"} <= before.get_deferred_fields()
    # What the columns write was read with the row: the URL is in the file.
    assert "url" not in statement.document.get_deferred_fields()
