"""The tables written in one pass (``missions.web.cells``): the contributions table and the
ending-soon table, every cell exactly."""

from __future__ import annotations

import re
from datetime import date

from django.utils.html import escape

from missions.columns import REGISTRY
from missions.models import Statement
from missions.web.formatting import source_link
from tests import factories

NOT_STATED = (
    '<span class="unknown" title="not stated"><span aria-hidden="true">&ndash;</span>'
    '<span class="visually-hidden">not stated</span></span>'
)
EVERY_COLUMN = ",".join(column.name for column in REGISTRY.table_columns())


def _body(response) -> list[str]:
    """The ``<tr>`` rows of the table's body, whitespace between them dropped."""
    body = re.search(r"<tbody>(.*?)</tbody>", response.content.decode(), re.DOTALL).group(1)
    return re.findall(r"<tr>.*?</tr>", body, re.DOTALL)


def test_it_writes_every_cell_of_a_corrected_row_as_of_a_day(viewer_client, real_data):
    response = viewer_client.get(
        "/", {"as_of": "2025-05-01", "q": "Aspides", "columns": EVERY_COLUMN}
    )

    number_not_stated = f'<td class="num">{NOT_STATED}</td>'
    cells = [
        '<td ><a href="/missions/2/">EUNAVFOR Aspides</a></td>',
        "<td >Aspides</td>",
        "<td >EU</td>",
        "<td >Red Sea</td>",
        "<td >national staff</td>",
        f"<td >{NOT_STATED}</td>",  # capability
        '<td class="status status-extended"><span class="badge status-extended">extended</span>'
        "</td>",
        *[number_not_stated] * 3,  # military, civilian, police: not stated, never 0
        '<td class="num">~10</td>',
        f"<td >{NOT_STATED}</td>",  # start
        "<td >end of May 2025</td>",
        "<td >in May 2025 (about 1 month)</td>",
        '<td ><a href="https://zoek.officielebekendmakingen.nl/kst-29521-493.html" '
        'title="Kamerstuk 29521, nr. 493, April 4, 2025">29521-493</a> '
        '<span class="correction">corrected by '
        '<a href="https://zoek.officielebekendmakingen.nl/kst-29521-497.html" '
        'title="Kamerstuk 29521, nr. 497, May 23, 2025">29521-497, answer 11</a></span></td>',
    ]
    assert _body(response) == ["<tr>" + "".join(cells) + "</tr>"]


def test_it_writes_zero_as_a_figure_and_escapes_what_an_analyst_typed(viewer_client, db):
    mission = factories.mission(name="Ops <b>& co</b>", acronym="")
    contribution = factories.contribution(mission=mission, capability="")
    factories.statement(contribution=contribution, military=0, total=None)

    response = viewer_client.get("/", {"columns": "mission,mission_acronym,capability,military"})

    mission_url = f"/missions/{mission.pk}/"
    (row,) = _body(response)
    assert row.startswith(
        f'<tr><td ><a href="{mission_url}">Ops &lt;b&gt;&amp; co&lt;/b&gt;</a></td>'
        f"<td >{NOT_STATED}</td><td >{NOT_STATED}</td>"
        '<td class="num">0</td>'
    )


def test_it_writes_every_cell_of_an_expiring_row_as_of_a_day(viewer_client, real_data):
    # Aspides as of 1 May 2025, as the documents stood: ends in May 2025 (29521-493), corrected
    # since by 29521-497 answer 11.
    response = viewer_client.get("/reports/expiring/", {"as_of": "2025-05-01", "months": "1"})

    rows = [row for row in _body(response) if ">Aspides<" in row]
    assert len(rows) == 1
    cells = re.findall(r"<td>.*?</td>", rows[0], re.DOTALL)
    assert cells[:5] == [
        '<td><a href="/missions/2/">Aspides</a></td>',
        "<td>national staff</td>",
        "<td>EU</td>",
        '<td><span class="badge status-extended">extended</span></td>',
        "<td>end of May 2025</td>",
    ]
    assert cells[5] == "<td>in May 2025 (about 1 month)</td>"
    # The source: the statement in force then, and the correction made since.
    assert cells[6] == (
        '<td><a href="/documents/4/#statement-3" title="Kamerstuk 29521, nr. 493, April 4, 2025">'
        "29521-493</a>, as reported in 29521-497, answer 11 "
        '<span class="correction">corrected by <a href="/documents/6/#statement-12" '
        'title="Kamerstuk 29521, nr. 497, May 23, 2025">29521-497, answer 11</a></span></td>'
    )
    assert len(cells) == 7


def test_a_source_link_escapes_a_typed_title_location_and_correction_as_django_would(db):
    # A document without a Kamerstuk number is cited by its title, which an analyst typed.
    typed = factories.document(
        dossier="", number="", title='Brief <b>"A&B"</b>', date_inferred=True, inference_note="x"
    )
    corrected = factories.statement(document=typed, location="p. <4>")
    fix = factories.statement(
        contribution=corrected.contribution,
        document=factories.document(date=date(2025, 5, 23), title="Antwoorden"),
        kind="correction",
        corrects=corrected,
        location="answer 'eleven'",
    )
    corrected.refresh_from_db()
    row = Statement.objects.with_related().get(pk=corrected.pk)

    link = source_link(row)

    assert link == (
        f'<a href="/documents/{typed.pk}/#statement-{corrected.pk}" '
        f'title="{escape(typed.title)}, April 4, 2025">{escape(typed.title)}</a>'
        f"{escape(', p. <4>')}"
        ' <span class="label label-inferred">date inferred</span> '
        '<span class="correction">corrected by '
        f'<a href="/documents/{fix.document_id}/#statement-{fix.pk}" '
        f'title="Kamerstuk {fix.document.dossier}, nr. {fix.document.number}, May 23, 2025">'
        f"{fix.document.reference}, answer &#x27;eleven&#x27;</a></span>"
    )
    assert "<b>" not in link and "<4>" not in link


def test_a_source_known_to_the_month_is_titled_as_a_month_in_the_table(viewer_client, db):
    document = factories.document(
        dossier="29521", number="480", date=date(2024, 1, 1), date_precision="month", url=""
    )
    factories.statement(document=document, military=3)

    (row,) = _body(viewer_client.get("/", {"columns": "source"}))

    assert (
        '<a href="https://zoek.officielebekendmakingen.nl/kst-29521-480.html" '
        'title="Kamerstuk 29521, nr. 480, January 2024">29521-480</a>'
    ) in row
