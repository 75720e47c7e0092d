"""The documents list (newest first) and each document with every statement it made."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from missions.models import (
    DocumentKind,
    MissionStatement,
    Qualifier,
    SourceDocument,
    Statement,
    StatementKind,
    Status,
)
from tests import factories as f
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db

# Session and user, the document, its statements (corrections joined), its statements about
# missions, and the session save.
DOCUMENT_PAGE_QUERIES = 10 + 1  # + the data version, for the ETag


def test_it_lists_documents_newest_first_with_their_statement_counts(viewer_client):
    old = f.document(dossier="29521", number="493", date=date(2025, 4, 4))
    new = f.document(dossier="29521", number="497", date=date(2025, 5, 23))
    f.document(kind=DocumentKind.COUNCIL_REPORT, dossier="", number="", title="Council report")
    f.statement(document=old)
    f.statement(document=old)
    f.statement(document=new)
    response = viewer_client.get("/documents/")
    listed = [(d.reference, d.statement_count) for d in response.context["page"].object_list]
    assert listed == [("29521-497", 1), ("29521-493", 2), ("Council report", 0)]
    html = response.content.decode()
    assert f'href="/documents/{new.pk}/">29521-497</a>' in html
    assert 'href="https://zoek.officielebekendmakingen.nl/kst-29521-497.html"' in html


def test_the_list_marks_the_inferred_date_and_number_of_497_and_nothing_on_493(
    viewer_client, real_data
):
    html = viewer_client.get("/documents/").content.decode()
    answers = SourceDocument.objects.get(dossier="29521", number="497")
    letter = SourceDocument.objects.get(dossier="29521", number="493")

    rows = {
        visible_text(cells[1]).split()[0]: cells
        for cells in (
            re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)
        )
        if cells
    }
    assert rows["29521-497"][0] == (
        '<time datetime="2025-05-23">23 May 2025</time> '
        '<strong class="label label-inferred">date inferred</strong>'
    )
    assert rows["29521-497"][1] == (
        f'<a href="/documents/{answers.pk}/">29521-497</a> '
        '<strong class="label label-inferred">number inferred</strong>'
    )
    assert rows["29521-493"][0] == '<time datetime="2025-04-04">4 April 2025</time>'
    assert rows["29521-493"][1] == f'<a href="/documents/{letter.pk}/">29521-493</a>'


def test_the_list_shows_a_month_precise_date_as_a_month_and_a_year_precise_one_as_a_year(
    viewer_client,
):
    f.document(dossier="29521", number="480", date=date(2024, 1, 1), date_precision="month")
    f.document(dossier="29521", number="470", date=date(2023, 1, 1), date_precision="year")
    html = viewer_client.get("/documents/").content.decode()

    assert '<td><time datetime="2024-01-01">January 2024</time></td>' in html
    assert '<td><time datetime="2023-01-01">2023</time></td>' in html
    assert "1 January" not in html
    assert "inferred" not in html


def test_the_documents_page_counts_the_statements_of_its_own_documents_alone(viewer_client):
    """A subquery per listed document, not a join of every statement grouped before the page
    is cut: the listing walks the date index and stops after its 50 (at 5,000 documents and
    300,000 statements the grouped join was 96 ms of the page's 135 ms)."""
    for day in range(1, 29):
        document = f.document(date=date(2025, 2, day))
        f.statement(document=document)
    with CaptureQueriesContext(connection) as queries:
        response = viewer_client.get("/documents/")
    assert len(response.context["page"].object_list) == 28
    counting, listing = (
        q["sql"] for q in queries.captured_queries if "missions_sourcedocument" in q["sql"]
    )
    # The paginator's count reads the documents alone; the listing counts in a subquery.
    assert "missions_statement" not in counting
    assert 'LEFT OUTER JOIN "missions_statement"' not in listing
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            page = SourceDocument.objects.with_statement_count().order_by(
                "-date", "-dossier", "-number", "-pk"
            )[:50]
            sql, params = page.query.sql_with_params()
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = [str(row[-1]) for row in cursor.fetchall()]
        assert "CORRELATED SCALAR SUBQUERY 1" in plan, plan
        # In the date index's order: no sort of every document before the page is cut.
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan


def test_it_shows_every_statement_of_a_document(viewer_client):
    document = f.document(
        dossier="29521", number="497", date=date(2025, 5, 23), title="Verslag schriftelijk overleg"
    )
    aspides = f.mission(name="EUNAVFOR Aspides", acronym="Aspides")
    f.statement(
        contribution=f.contribution(mission=aspides, name="national staff"),
        document=document,
        kind=StatementKind.CORRECTION,
        status=Status.EXTENDED,
        total=10,
        qualifier=Qualifier.APPROXIMATELY,
        start_date=date(2024, 2, 1),
        start_precision="month",
        end_date=date(2028, 6, 30),
        end_precision="month",
        location="answer 11",
        quote="Per abuis is vermeld dat ...",
    )
    f.statement(
        contribution=f.contribution(name="air tanker capacity (MRTT)"),
        document=document,
        status=Status.NOT_FEASIBLE,
    )
    f.statement(contribution=f.contribution(name="elsewhere"))  # another document
    response = viewer_client.get(f"/documents/{document.pk}/")
    html = response.content.decode()
    # "EUNAVFOR Aspides" sorts before the factory's "Mission n".
    assert [s.contribution.name for s in response.context["statements"]] == [
        "national staff",
        "air tanker capacity (MRTT)",
    ]
    assert "elsewhere" not in html
    assert "<h1>Kamerstuk 29521, nr. 497</h1>" in html
    assert 'href="https://zoek.officielebekendmakingen.nl/kst-29521-497.html"' in html
    assert '<strong class="label label-correction">Correction</strong>' in html
    assert '<span class="badge status-extended">extended</span>' in html
    assert '<span class="badge status-not_feasible">not feasible</span>' in html
    assert "<li>total: ~10</li>" in html
    assert "<li>military: not stated</li>" in html
    assert "<dd>February 2024 \u2013 end of June 2028</dd>" in html
    assert "<dd>answer 11</dd>" in html
    assert "Per abuis is vermeld dat ..." in html


def test_it_orders_the_statements_by_mission_and_contribution(viewer_client):
    document = f.document()
    alpha = f.mission(name="Alpha")
    zulu = f.mission(name="Zulu")
    f.statement(contribution=f.contribution(mission=zulu, name="b"), document=document)
    f.statement(contribution=f.contribution(mission=alpha, name="z"), document=document)
    f.statement(contribution=f.contribution(mission=alpha, name="a"), document=document)
    html = viewer_client.get(f"/documents/{document.pk}/").content.decode()
    headings = re.findall(r'<h3><a href="/missions/\d+/">([^<]+)</a>: (\w)', html)
    assert [contribution for _, contribution in headings] == ["a", "z", "b"]


def test_it_runs_as_many_queries_for_many_statements_as_for_few(
    viewer_client, django_assert_num_queries
):
    document = f.document()
    f.statement(document=document)
    # The document page reads its statements about missions too: one query more than the list.
    pages = {
        f"/documents/{document.pk}/": DOCUMENT_PAGE_QUERIES,
        "/documents/": 9 + 1,  # the list: + the data version
    }
    viewer_client.get(f"/documents/{document.pk}/")
    for more in (0, 30):
        for _ in range(more):
            f.statement(document=document)
            f.document()
        for url, queries in pages.items():
            with django_assert_num_queries(queries, info=url):
                assert viewer_client.get(url).status_code == 200


def _article(html: str, statement: Statement) -> str:
    found = re.search(rf'<article id="statement-{statement.pk}" .*?</article>', html, re.DOTALL)
    assert found, statement.pk
    return found.group(0)


def _statement_of(number: str, mission_acronym: str) -> Statement:
    return Statement.objects.get(
        document__dossier="29521",
        document__number=number,
        contribution__mission__acronym=mission_acronym,
    )


def test_it_marks_the_aspides_statement_of_493_as_corrected_by_497_answer_11(
    viewer_client, real_data
):
    letter = SourceDocument.objects.get(dossier="29521", number="493")
    wrong = _statement_of("493", "Aspides")
    correction = _statement_of("497", "Aspides")
    html = viewer_client.get(f"/documents/{letter.pk}/").content.decode()

    article = _article(html, wrong)
    assert (
        '<strong class="label label-corrected">corrected by '
        f'<a href="/documents/{correction.document_id}/#statement-{correction.pk}">'
        "29521-497, answer 11</a></strong>"
    ) in article
    assert "corrected by 29521-497, answer 11" in visible_text(article)
    assert 'class="statement corrected"' in article
    # Kept as it was said: the erroneous end stays on the page, marked, never overwritten.
    assert "<dd>start not stated \u2013 end of May 2025</dd>" in article
    # Only Aspides and OPA were corrected ("per abuis"); nothing else on 493 is marked.
    opa = Statement.objects.get(document=letter, contribution__mission__name="OPA")
    assert "corrected by 29521-497, answer 11" in visible_text(_article(html, opa))
    assert html.count("label-corrected") == 2


def test_it_says_what_each_correction_of_497_corrects(viewer_client, real_data):
    answers = SourceDocument.objects.get(dossier="29521", number="497")
    letter = SourceDocument.objects.get(dossier="29521", number="493")
    correction = _statement_of("497", "Aspides")
    html = viewer_client.get(f"/documents/{answers.pk}/").content.decode()

    article = _article(html, correction)
    assert (
        f'<p class="mark">corrects <a href="/documents/{letter.pk}/#statement-'
        f'{correction.corrects_id}">29521-493</a></p>'
    ) in article
    assert "corrected by" not in article
    assert len(re.findall(r">corrects <a ", html)) == 2


def test_it_marks_the_inferred_date_and_number_of_497_with_the_note(viewer_client, real_data):
    answers = SourceDocument.objects.get(dossier="29521", number="497")
    html = viewer_client.get(f"/documents/{answers.pk}/").content.decode()

    assert (
        '<h1>Kamerstuk 29521, nr. 497 <strong class="label label-inferred">number inferred'
        "</strong></h1>"
    ) in html
    assert (
        '<dd><time datetime="2025-05-23">23 May 2025</time> (precise to the day) '
        '<strong class="label label-inferred">date inferred</strong></dd>'
    ) in html
    note = re.search(r"<dt>How it was inferred</dt><dd>(.*?)</dd>", html).group(1)
    assert visible_text(note).replace("&#x27;", "'") == answers.inference_note
    assert note.startswith("Neither the answers&#x27; date nor the number is in the text")


def test_it_marks_nothing_inferred_on_a_document_that_states_its_date_and_number(
    viewer_client, real_data
):
    letter = SourceDocument.objects.get(dossier="29521", number="493")
    html = viewer_client.get(f"/documents/{letter.pk}/").content.decode()

    assert "<h1>Kamerstuk 29521, nr. 493</h1>" in html
    assert '<dd><time datetime="2025-04-04">4 April 2025</time> (precise to the day)</dd>' in html
    assert "number inferred" not in html
    assert "date inferred" not in html
    assert "How it was inferred" not in html


def test_it_shows_a_month_precise_inferred_date_as_a_month(viewer_client):
    document = f.document(
        date=date(2024, 1, 1),
        date_precision="month",
        date_inferred=True,
        inference_note="Cited as 'januari jl.'.",
    )
    html = viewer_client.get(f"/documents/{document.pk}/").content.decode()

    assert (
        '<dd><time datetime="2024-01-01">January 2024</time> (precise to the month) '
        '<strong class="label label-inferred">date inferred</strong></dd>'
    ) in html
    assert "<dt>How it was inferred</dt><dd>Cited as &#x27;januari jl.&#x27;.</dd>" in html
    assert "number inferred" not in html


def test_it_shows_the_derived_period_of_the_mrtt_on_493(viewer_client, real_data):
    letter = SourceDocument.objects.get(dossier="29521", number="493")
    mrtt = Statement.objects.get(document=letter, contribution__name="air tanker capacity (MRTT)")
    html = viewer_client.get(f"/documents/{letter.pk}/").content.decode()

    assert (
        '<p class="mark"><strong class="label label-inferred">start and end inferred</strong> '
        "derived: the year 2025 comes from the members&#x27; questions"
    ) in _article(html, mrtt)
    assert html.count("label-inferred") == 1


def test_it_lists_what_497_states_about_missions_themselves(viewer_client, real_data):
    answers = SourceDocument.objects.get(dossier="29521", number="497")
    emasoh = MissionStatement.objects.get(mission__acronym="EMASoH")
    html = viewer_client.get(f"/documents/{answers.pk}/").content.decode()

    section = html.split("<h2>What this document states about missions themselves</h2>")[1]
    labels = re.findall(r'<a href="/missions/\d+/">([^<]+)</a>', section)
    assert labels == ["RDC", "EUMAM", "EMASoH", "UNDOF", "UNIFIL"]
    assert (
        f'<a href="/missions/{emasoh.mission_id}/">EMASoH</a>\n'
        '    <span class="badge mission-status-ended">ended</span>\n'
        '    <span class="location">(answer 4)</span>'
    ) in section
    assert (
        '<blockquote lang="nl">de recente beëindigde Europese missie in de Straat van Hormuz '
        "(EMASoH)</blockquote>"
    ) in section


def test_it_leaves_out_the_section_when_a_document_states_nothing_about_a_mission_itself(
    viewer_client, real_data
):
    letter = SourceDocument.objects.get(dossier="29521", number="493")
    html = viewer_client.get(f"/documents/{letter.pk}/").content.decode()

    assert "What this document states about missions themselves" not in html
    assert "mission-statement" not in html


def test_it_runs_the_same_queries_with_corrections_and_mission_statements_at_any_size(
    viewer_client, django_assert_num_queries
):
    earlier = f.document(date=date(2025, 4, 4))
    later = f.document(
        date=date(2025, 5, 23), date_inferred=True, number_inferred=True, inference_note="x"
    )

    def add(count: int) -> None:
        for _ in range(count):
            contribution = f.contribution()
            wrong = f.statement(contribution=contribution, document=earlier)
            f.statement(
                contribution=contribution,
                document=later,
                kind=StatementKind.CORRECTION,
                corrects=wrong,
            )
            f.mission_statement(document=earlier)
            f.mission_statement(document=later)

    add(1)
    viewer_client.get(f"/documents/{earlier.pk}/")  # warm up: the session's first save differs
    for count in (0, 25):
        add(count)
        for document in (earlier, later):
            with django_assert_num_queries(DOCUMENT_PAGE_QUERIES):
                html = viewer_client.get(f"/documents/{document.pk}/").content.decode()
            marks = "corrected by" if document == earlier else "corrects <a"
            assert html.count(marks) == 1 + count
            assert html.count('class="entry mission-statement"') == 1 + count


def test_it_writes_the_marks_in_dutch(viewer_client, real_data):
    letter = SourceDocument.objects.get(dossier="29521", number="493")
    answers = SourceDocument.objects.get(dossier="29521", number="497")
    dutch = {"HTTP_ACCEPT_LANGUAGE": "nl"}

    corrected = visible_text(
        viewer_client.get(f"/documents/{letter.pk}/", **dutch).content.decode()
    )
    stated = visible_text(viewer_client.get(f"/documents/{answers.pk}/", **dutch).content.decode())

    assert corrected.count("gecorrigeerd door 29521-497, answer 11") == 2
    assert "begin en einde afgeleid derived: the year 2025" in corrected
    assert "Kamerstuk 29521, nr. 497 nummer afgeleid" in stated
    assert "23 mei 2025 (op de dag nauwkeurig) datum afgeleid" in stated
    assert stated.count("corrigeert 29521-493") == 2
    assert "Wat dit document over de missies zelf vermeldt" in stated
