"""One display vocabulary: the same statement reads the same on every page and in the admin.

Qualifier ("at most 10"), a value not stated (a dash that says "not stated"), the status badge,
the period and the source link are each written once (``missions.web.formatting``, the tags in
``missions.templatetags.tracker``, the partials); these tests render one statement everywhere it
shows and look for the same words. Expected values are written out, never computed with the
functions under test.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from missions.models import Contribution, Mission, Qualifier, Statement, StatementKind, Status
from tests import factories as f

pytestmark = pytest.mark.django_db


def admin_url(model: type, page: str, *args: int) -> str:
    return reverse(f"admin:missions_{model._meta.model_name}_{page}", args=args)


AT_MOST_10 = "at most 10"
BADGE = '<span class="badge status-extended">extended</span>'
NOT_STATED = (
    '<span class="unknown" title="not stated"><span aria-hidden="true">&ndash;</span>'
    '<span class="visually-hidden">not stated</span></span>'
)


@pytest.fixture
def day() -> date:
    return timezone.localdate()


@pytest.fixture
def statement(day) -> Statement:
    """Active today, ending within six months, at most 10 people, no split by category."""
    mission = f.mission(name="EUNAVFOR Aspides", acronym="Aspides")
    contribution = f.contribution(mission=mission, name="national staff")
    document = f.document(dossier="29521", number="500", date=day - timedelta(days=30))
    return f.statement(
        contribution=contribution,
        document=document,
        status=Status.EXTENDED,
        total=10,
        qualifier=Qualifier.AT_MOST,
        start_date=date(2024, 3, 1),
        start_precision="month",
        end_date=day + timedelta(days=40),
        end_precision="day",
        location="answer 11",
    )


def _period(statement: Statement) -> str:
    # Written out: "March 2024", an en dash, the end to the day.
    return f"March 2024 \u2013 {date_format(statement.end_date, 'j F Y')}"


def _source(statement: Statement) -> str:
    document = statement.document
    return (
        f'<a href="/documents/{document.pk}/#statement-{statement.pk}" '
        f'title="Kamerstuk 29521, nr. 500, {date_format(document.date)}">29521-500</a>, answer 11'
    )


def _row(html: str, text: str) -> str:
    """The table row that holds ``text``."""
    return next(row for row in re.findall(r"<tr>.*?</tr>", html, re.DOTALL) if text in row)


def test_the_table_writes_the_qualifier_status_and_not_stated_as_the_vocabulary(
    viewer_client, statement
):
    html = viewer_client.get("/?columns=contribution,status,military,total,start,end").content
    row = _row(html.decode(), "national staff")
    assert BADGE in row
    assert f'<td class="num">{AT_MOST_10}</td>' in row
    assert f'<td class="num">{NOT_STATED}</td>' in row  # military: not stated, not 0
    assert "<td >March 2024</td>" in row


def test_the_mission_page_writes_the_same(viewer_client, statement):
    html = viewer_client.get(f"/missions/{statement.contribution.mission_id}/").content.decode()
    row = _row(html, "national staff")
    assert BADGE in row
    assert f'<td class="num">{AT_MOST_10}</td>' in row
    assert row.count(f'<td class="num">{NOT_STATED}</td>') == 3  # military, civilian, police
    assert "<td>March 2024</td>" in row
    assert _source(statement) in row


def test_the_document_page_writes_the_same(viewer_client, statement):
    html = viewer_client.get(f"/documents/{statement.document_id}/").content.decode()
    assert f"<dd>{BADGE}</dd>" in html
    assert f"<li>total: {AT_MOST_10}</li>" in html
    assert "<li>military: not stated</li>" in html
    assert f"<dd>{_period(statement)}</dd>" in html


def test_the_dashboard_writes_the_same(viewer_client, statement):
    html = viewer_client.get("/dashboard/").content.decode()
    ending = html[html.index('id="expiring-heading"') : html.index('id="timeline-heading"')]
    row = _row(ending, "national staff")
    assert BADGE in row
    assert _source(statement) in row
    timeline = html[html.index('id="timeline-table-caption"') :]
    row = _row(timeline, "national staff")
    assert BADGE in row
    assert f"<td>{_period(statement)}</td>" in row


def test_the_expiring_report_writes_the_same_table_as_the_dashboard(viewer_client, statement):
    html = viewer_client.get("/reports/expiring/").content.decode()
    row = _row(html, "national staff")
    assert BADGE in row
    assert _source(statement) in row
    assert f"<td>{date_format(statement.end_date, 'j F Y')}</td>" in row


def test_the_admin_writes_the_same(admin_client, statement):
    contributions = admin_client.get(admin_url(Contribution, "changelist")).content.decode()
    assert BADGE in _row(contributions, "national staff")
    statements = admin_client.get(admin_url(Statement, "changelist")).content.decode()
    assert f'<td class="field-personnel">{AT_MOST_10}</td>' in statements
    change = admin_client.get(
        admin_url(Contribution, "change", statement.contribution_id)
    ).content.decode()
    assert f"Extended; {AT_MOST_10}; {_period(statement)}" in change


def test_a_mission_without_strength_says_not_stated_in_the_admin_as_on_the_pages(admin_client):
    f.mission(name="UNTSO")
    html = admin_client.get(admin_url(Mission, "changelist"))
    assert f'<td class="field-strength">{NOT_STATED}</td>' in html.content.decode()


def test_a_correction_is_marked_the_same_on_the_mission_page_dashboard_and_report(
    viewer_client, statement, day
):
    later = f.document(dossier="29521", number="501", date=day - timedelta(days=2))
    correction = f.statement(
        contribution=statement.contribution,
        document=later,
        kind=StatementKind.CORRECTION,
        corrects=statement,
        status=Status.EXTENDED,
        total=10,
        qualifier=Qualifier.AT_MOST,
        end_date=day + timedelta(days=50),
        location="p. 2",
    )
    mark = (
        f'<span class="correction">corrects <a href="/documents/{statement.document_id}/'
        f'#statement-{statement.pk}" title="Kamerstuk 29521, nr. 500, '
        f'{date_format(statement.document.date)}">29521-500, answer 11</a></span>'
    )
    pages = [
        f"/missions/{statement.contribution.mission_id}/",
        "/dashboard/",
        "/reports/expiring/",
    ]
    for url in pages:
        row = _row(viewer_client.get(url).content.decode(), "national staff")
        assert f"#statement-{correction.pk}" in row, url
        assert mark in row, url


@pytest.mark.parametrize(
    ("qualifier", "english", "dutch"),
    [
        (Qualifier.APPROXIMATELY, "~10", "~10"),
        (Qualifier.AT_MOST, "at most 10", "maximaal 10"),
        (Qualifier.AT_LEAST, "at least 10", "minimaal 10"),
        (Qualifier.EXACT, "10", "10"),
    ],
)
def test_the_qualifier_reads_as_a_letter_words_it_in_both_languages(
    viewer_client, statement, qualifier, english, dutch
):
    Statement.objects.filter(pk=statement.pk).update(qualifier=qualifier)
    url = f"/missions/{statement.contribution.mission_id}/"
    assert f'<td class="num">{english}</td>' in _row(
        viewer_client.get(url).content.decode(), "national staff"
    )
    html = viewer_client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert f'<td class="num">{dutch}</td>' in _row(html, "national staff")


def test_the_changes_report_cites_the_same_source(viewer_client, statement, day):
    first = (day - timedelta(days=60)).isoformat()
    html = viewer_client.get(f"/reports/changes/?from={first}&to={day.isoformat()}")
    assert _source(statement) in _row(html.content.decode(), "national staff")


def test_a_statement_without_a_figure_says_not_stated_in_the_admin_list(admin_client):
    f.statement(total=None, military=None)
    html = admin_client.get(admin_url(Statement, "changelist")).content.decode()
    assert f'<td class="field-personnel">{NOT_STATED}</td>' in html
    assert f'<td class="field-end">{NOT_STATED}</td>' in html
