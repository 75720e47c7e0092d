"""The dashboard at scale: a readable timeline and short "ending soon" lists, whatever the size,
with nothing dropped silently (the page says how many it shows and links to the rest)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from missions.dashboard import lists as dashboard
from missions.dates import add_months
from missions.models import Statement, Status
from tests import factories as f

pytestmark = pytest.mark.django_db


def _svg(html: str) -> str:
    return html[html.index("<svg") : html.index("</svg>")]


def _bars(html: str) -> list[str]:
    """The label of every bar drawn, in the picture's order (full text, from each <title>)."""
    return [unescape(label) for label in re.findall(r"<title>(.*) \([^()]*\): ", _svg(html))]


def _note(html: str) -> str:
    found = re.search(r'<p class="note" id="timeline-shown">(.*?)</p>', html, re.S)
    assert found, "no note above the picture"
    return " ".join(unescape(re.sub(r"<[^>]+>", "", found.group(1))).split())


def _links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'<a href="(/\?[^"]+)"', html)]


def _table_count(client, url: str) -> int:
    return client.get(url).context["table"].paginator.count


@pytest.fixture
def twelve_dated(db):
    """``portfolio(12)``, with periods set relative to today (its own dates are fixed years):

    - rows 0-7 end 10, 20, ... 80 days from now (all statuses, explored included);
    - rows 8-9 are running, open-ended (continued);
    - row 10 starts in three months and ends in three years (new);
    - row 11 ended two years ago (ended): nothing a briefing looks ahead to.
    """
    today = timezone.localdate()
    made = f.portfolio(12)
    for i, statement in enumerate(made):
        if i < 8:
            changes = {"end_date": today + timedelta(days=10 * (i + 1))}
        elif i < 10:
            changes = {
                "status": Status.CONTINUED,
                "end_date": None,
                "open_ended": True,
                "start_date": today - timedelta(days=400),
            }
        elif i == 10:
            changes = {
                "status": Status.NEW,
                "start_date": add_months(today, 3),
                "end_date": add_months(today, 36),
            }
        else:
            changes = {"status": Status.ENDED, "end_date": add_months(today, -24)}
        # A precision goes with a date (a constraint says so), none without one.
        for bound in ("start", "end"):
            if f"{bound}_date" in changes:
                changes[f"{bound}_precision"] = "day" if changes[f"{bound}_date"] else ""
        Statement.objects.filter(pk=statement.pk).update(**changes)
        statement.refresh_from_db()
    return today, made


def _label(statement: Statement) -> str:
    return f"{statement.contribution.mission.label}: {statement.contribution.name}"


def test_it_draws_every_deployed_contribution_of_the_shipped_data(viewer_client, real_data):
    today = timezone.localdate()
    html = viewer_client.get("/dashboard/").content.decode()
    current = Statement.objects.current().with_related()
    # 21 contributions, and 4 that 29521-497 states that the first version left out: Syria and
    # Iraq (declined), West Africa and the Sahel, the Eastern European civilian missions.
    assert len(current) == 25
    # Drawn: the commitments that run today or start later and state some period; the rest
    # (ended, explored, not feasible) are not on a picture of what is deployed.
    deployed = [
        s
        for s in current
        if s.status not in Statement.NOT_COMMITTED
        and (s.is_active_on(today) or (s.start_date and s.start_date > today))
    ]
    with_period = [s for s in deployed if s.start_date or s.end_date or s.open_ended]
    assert sorted(_bars(html)) == sorted(_label(s) for s in with_period)
    assert all(s.status != Status.ENDED for s in with_period)
    assert 'id="timeline-shown"' not in html


def test_it_caps_the_timeline_at_the_bars_that_matter_soonest_end_first(
    viewer_client, twelve_dated, monkeypatch
):
    _today, made = twelve_dated
    monkeypatch.setattr(dashboard, "TIMELINE_MAX_BARS", 5)
    html = viewer_client.get("/dashboard/").content.decode()

    # The five that end soonest (rows 0-4), of the eight commitments that run today or start or
    # end within a year; intended, explored and not feasible (rows 5-7) commit to nothing and
    # the one that ended two years ago is not deployed.
    assert sorted(_bars(html)) == sorted(_label(s) for s in made[:5])
    assert len(re.findall(r'<g class="bar ', _svg(html))) == 5
    assert _note(html) == (
        "Shown: 5 of 8 current contributions, too many for one picture. "
        "Drawn are the 5 that end soonest of the 8 that run today or start or end in the next "
        "12 months. The rest are in the table: ending in the next 12 months, or all, by end date."
    )


def test_it_draws_the_soonest_ends_then_the_open_ended_ones(
    viewer_client, twelve_dated, monkeypatch
):
    today, made = twelve_dated
    # Row 0 ends today: it still runs today, so it is drawn, first of all.
    Statement.objects.filter(pk=made[0].pk).update(end_date=today)
    monkeypatch.setattr(dashboard, "TIMELINE_MAX_BARS", 7)
    html = viewer_client.get("/dashboard/").content.decode()
    # Of the 8 that matter: every dated one (rows 0-4 end within 80 days, row 10 in three
    # years), then the first open-ended one by mission and contribution (rows 8-9).
    first_open = min(
        made[8:10], key=lambda s: (s.contribution.mission.name, s.contribution.name, s.pk)
    )
    assert sorted(_bars(html)) == sorted(_label(s) for s in [*made[:5], made[10], first_open])
    assert _note(html).startswith("Shown: 7 of 8 current contributions")


def test_it_links_from_the_capped_timeline_to_the_rest_in_the_table(
    viewer_client, twelve_dated, monkeypatch
):
    monkeypatch.setattr(dashboard, "TIMELINE_MAX_BARS", 5)
    html = viewer_client.get("/dashboard/").content.decode()
    note = re.search(r'id="timeline-shown">(.*?)</p>', html, re.S).group(1)
    ending, everything = _links(note)
    assert (ending, everything) == ("/?expires_within=12&sort=end", "/?sort=end")
    # Rows 0-7 end within 80 days, but only the commitments among them (0-4) expire: the
    # table's filter has the expiring report's rule. Row 10 ends in three years.
    assert _table_count(viewer_client, ending) == 5
    assert _table_count(viewer_client, everything) == 12


def test_it_says_so_when_fewer_than_the_cap_matter(viewer_client, twelve_dated, monkeypatch):
    today, made = twelve_dated
    # Row 10 now starts beyond the 12 months: deployed later, but not what a briefing needs now.
    Statement.objects.filter(pk=made[10].pk).update(start_date=add_months(today, 14))
    monkeypatch.setattr(dashboard, "TIMELINE_MAX_BARS", 7)
    html = viewer_client.get("/dashboard/").content.decode()
    assert len(_bars(html)) == 7
    assert _note(html).startswith(
        "Shown: 7 of 8 current contributions, too many for one picture. "
        "Drawn are those that run today or start or end in the next 12 months."
    )


def test_it_caps_the_ending_lists_and_links_to_all_of_them(
    viewer_client, twelve_dated, monkeypatch
):
    _today, made = twelve_dated
    monkeypatch.setattr(dashboard, "ENDING_MAX_ROWS", 3)
    response = viewer_client.get("/dashboard/")
    lists = {listing.months: listing for listing in response.context["expiring"]}
    # Rows 0-7 end within 80 days, but intended, explored and not feasible (rows 5-7) commit to
    # nothing.
    committed = made[:5]
    assert [s.status for s in made[5:8]] == ["intended", "explored", "not_feasible"]
    for months in (6, 12):
        listing = lists[months]
        assert [row.statement.pk for row in listing.rows] == [s.pk for s in committed[:3]]
        assert (listing.count, listing.more) == (5, 2)
        assert _table_count(viewer_client, listing.table_url) == 5
    html = response.content.decode()
    assert html.count("and 2 more: all 5 in the table") == 2
    assert lists[6].table_url in _links(html)


def test_it_keeps_each_list_to_its_own_horizon(viewer_client, twelve_dated, monkeypatch):
    today, made = twelve_dated
    # One committed mandate ends in nine months: in the 12-month list, not in the 6-month one.
    Statement.objects.filter(pk=made[0].pk).update(end_date=add_months(today, 9))
    monkeypatch.setattr(dashboard, "ENDING_MAX_ROWS", 10)
    lists = {x.months: x for x in viewer_client.get("/dashboard/").context["expiring"]}
    assert made[0].pk not in [row.statement.pk for row in lists[6].rows]
    assert [row.statement.pk for row in lists[12].rows][-1] == made[0].pk
    assert (lists[6].count, lists[12].count) == (4, 5)


def test_it_loads_no_more_rows_than_it_shows(
    viewer_client, twelve_dated, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(dashboard, "TIMELINE_MAX_BARS", 5)
    monkeypatch.setattr(dashboard, "ENDING_MAX_ROWS", 3)
    # The dashboard's 17 queries with a capped picture (tests/test_dashboard.py gives each),
    # however short the lists.
    with django_assert_num_queries(17) as captured:
        viewer_client.get("/dashboard/")
    # Every query that reads statements row by row (not a GROUP BY summary) has a LIMIT.
    row_queries = [
        q["sql"]
        for q in captured.captured_queries
        if "missions_region" in q["sql"] and "GROUP BY" not in q["sql"]
    ]
    # The timeline (soonest-ending and open-ended) and the ending lists; the next alert
    # digest's mandates and new statements.
    assert len(row_queries) == 3 + 2
    assert all(re.search(r"LIMIT \d+$", sql) for sql in row_queries)
    # What is left out is counted on the statement table alone: a window count in the query of
    # the rows joined every matching row to keep 60 (14 s at 1,000,000 contributions).
    assert not any(" OVER " in q["sql"] for q in captured.captured_queries)
    counts = [
        q["sql"]
        for q in captured.captured_queries
        if "COUNT(" in q["sql"] and "GROUP BY" not in q["sql"]
    ]
    assert len(counts) == 2  # the timeline's, and the ending lists' (both horizons)
    assert all(" JOIN " not in sql for sql in counts)


def test_it_reads_status_labels_once_not_per_row(viewer_client, twelve_dated, monkeypatch):
    # Django's get_status_display hashes the choices on every call: a third of the page at 10k.
    def refuse(self):
        raise AssertionError("get_status_display called")

    monkeypatch.setattr(Statement, "get_status_display", refuse)
    html = viewer_client.get("/dashboard/").content.decode()
    assert "<title>" in html and "(continued):" in _svg(html)


def test_it_says_how_many_it_shows_in_dutch(client, viewer, twelve_dated, monkeypatch):
    monkeypatch.setattr(dashboard, "TIMELINE_MAX_BARS", 5)
    monkeypatch.setattr(dashboard, "ENDING_MAX_ROWS", 3)
    client.force_login(viewer)
    html = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert _note(html) == (
        "Getoond: 5 van 8 huidige bijdragen, te veel voor één afbeelding. "
        "Getekend zijn de 5 die het eerst aflopen van de 8 die vandaag lopen of in de komende "
        "12 maanden beginnen of eindigen. De rest staat in de tabel: aflopend in de komende "
        "12 maanden, of alle, op einddatum."
    )
    assert html.count("en nog 2: alle 5 in de tabel") == 2


def test_it_says_so_when_nothing_runs_or_ends_soon(viewer_client, monkeypatch):
    today = timezone.localdate()
    # Ended long ago: not deployed, not drawn, not counted.
    f.statement(
        contribution=f.contribution(name="old"),
        status=Status.ENDED,
        end_date=add_months(today, -30),
    )
    # Deployed later, beyond the 12 months a capped picture looks ahead.
    for name in ("later", "much later"):
        f.statement(
            contribution=f.contribution(name=name),
            status=Status.NEW,
            start_date=add_months(today, 30),
        )
    monkeypatch.setattr(dashboard, "TIMELINE_MAX_BARS", 1)
    html = viewer_client.get("/dashboard/").content.decode()
    assert "<svg" not in html
    assert _note(html).startswith("Shown: 0 of 2 current contributions")
    assert "No current contribution runs today or starts or ends in the next 12 months." in html
