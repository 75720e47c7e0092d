"""The dashboard: personnel totals, mandates ending soon, and the SVG timeline."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from missions.dates import add_months
from missions.models import Qualifier, Statement, Status
from missions.timeline import LABEL_WIDTH, RIGHT_MARGIN, WIDTH, build_timeline
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio_today():
    """Two EU contributions (one circa, one unknown) and a UN one, relative to today."""
    today = timezone.localdate()
    eu = f.organization(acronym="EU")
    un = f.organization(acronym="UN")
    red_sea = f.region(name="Red Sea")
    levant = f.region(name="Levant")
    aspides = f.mission(name="Aspides", acronym="Aspides", organization=eu, region=red_sea)
    untso = f.mission(name="UNTSO", acronym="UNTSO", organization=un, region=levant)
    f.statement(
        contribution=f.contribution(mission=aspides, name="national staff"),
        status=Status.EXTENDED,
        total=10,
        qualifier=Qualifier.APPROXIMATELY,
        start_date=today - timedelta(days=400),
        end_date=today + timedelta(days=60),
    )
    f.statement(
        contribution=f.contribution(mission=aspides, name="frigate"),
        status=Status.EXPLORED,
        end_date=add_months(today, 10),
    )
    f.statement(
        contribution=f.contribution(mission=untso, name="observers"),
        status=Status.CONTINUED,
        military=12,
        civilian=0,
        open_ended=True,
        start_date=date(1948, 6, 1),
    )
    return today


def _summary(response, by: str):
    for key, _label, rows, total in response.context["summaries"]:
        if key == by:
            return {row.group: row for row in rows}, total
    raise AssertionError(by)


def test_it_totals_personnel_by_organization_region_and_status(viewer_client, portfolio_today):
    response = viewer_client.get("/dashboard/")
    organizations, total = _summary(response, "organization")
    assert organizations["EU"].total == 10
    assert organizations["EU"].approximate is True
    assert organizations["EU"].unknown == 1
    assert organizations["UN"].military == 12
    assert organizations["UN"].approximate is False
    assert (total.contributions, total.total, total.unknown) == (3, 22, 1)
    regions, _ = _summary(response, "region")
    assert set(regions) == {"Red Sea", "Levant"}
    statuses, _ = _summary(response, "status")
    assert set(statuses) == {"extended", "explored", "continued"}
    html = response.content.decode()
    # Approximate sums carry "~"; an unknown count is said in words, not added as 0.
    assert '<td class="num">~10</td>' in html
    assert '<td class="num">1 unknown</td>' in html
    assert "A figure marked ~ includes approximate or maximum figures" in html


def test_it_lists_what_ends_in_the_next_6_and_12_months(viewer_client, portfolio_today):
    response = viewer_client.get("/dashboard/")
    ending = {
        listing.months: [
            (row.statement.contribution.name, row.status_label) for row in listing.rows
        ]
        for listing in response.context["expiring"]
    }
    # Explored is no commitment, so nothing of it expires; open-ended never does.
    assert ending == {6: [("national staff", "extended")], 12: [("national staff", "extended")]}
    assert [listing.more for listing in response.context["expiring"]] == [0, 0]
    assert "Ending in the next 6 months" in response.content.decode()


def test_it_draws_one_bar_per_current_contribution_grouped_by_region(
    viewer_client, portfolio_today
):
    html = viewer_client.get("/dashboard/").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert len(re.findall(r"<rect ", svg)) == 3
    assert re.findall(r'<text class="region"[^>]*>([^<]+)</text>', svg) == ["Levant", "Red Sea"]
    # Colour by class, status also in words: in the label and in the bar's title.
    assert '<a href="/missions/' in svg and 'class="bar status-explored"' in svg
    assert "<title>Aspides: frigate (explored):" in svg
    assert "Aspides: frigate (explored)</text>" in svg
    # The open-ended UNTSO bar began before the window and runs past it: an arrow at each end;
    # the frigate has no start date, so it is drawn from the left edge with an arrow too.
    assert svg.count('<polygon class="arrow"') == 3
    assert '<line class="today"' in svg
    assert "today, " in svg
    assert "style=" not in svg  # the Content-Security-Policy forbids inline styles


def test_it_computes_the_timeline_geometry(db):
    today = date(2026, 1, 1)
    region = f.region(name="Red Sea")
    mission = f.mission(name="Aspides", acronym="", region=region)
    ends = f.statement(
        contribution=f.contribution(mission=mission, name="staff"),
        start_date=date(2025, 1, 1),
        end_date=date(2027, 12, 31),
    )
    endless = f.statement(
        contribution=f.contribution(mission=mission, name="observers"),
        start_date=date(1948, 6, 1),
        open_ended=True,
    )
    undated = f.statement(contribution=f.contribution(mission=mission, name="planners"))
    statements = Statement.objects.current().with_related()
    picture = build_timeline(statements, today, language="en")

    # The window: whole years, 2021 (five back at most) to 2028 (at least two ahead).
    assert [tick.label for tick in picture.ticks] == [str(y) for y in range(2021, 2029)]
    plot = WIDTH - RIGHT_MARGIN - LABEL_WIDTH
    assert picture.plot_left == LABEL_WIDTH
    bars = {bar.label: bar for bar in picture.groups[0].bars}
    assert [bar.label for bar in picture.groups[0].bars] == [
        "Aspides: observers",
        "Aspides: planners",
        "Aspides: staff",
    ]
    staff = bars["Aspides: staff"]
    days = (date(2028, 12, 31) - date(2021, 1, 1)).days
    assert staff.x == pytest.approx(
        LABEL_WIDTH + (date(2025, 1, 1) - date(2021, 1, 1)).days / days * plot, abs=0.1
    )
    assert staff.end_x == pytest.approx(
        LABEL_WIDTH + (date(2027, 12, 31) - date(2021, 1, 1)).days / days * plot, abs=0.2
    )
    assert (staff.before_window, staff.after_window) == (False, False)
    observers = bars["Aspides: observers"]
    assert (observers.x, observers.before_window, observers.after_window) == (
        LABEL_WIDTH,
        True,
        True,
    )
    assert observers.end_x == pytest.approx(WIDTH - RIGHT_MARGIN, abs=0.1)
    assert observers.period == "1 June 1948 - open-ended"
    assert bars["Aspides: planners"].x is None
    assert bars["Aspides: planners"].period == "no period stated"
    assert picture.today_x == pytest.approx(
        LABEL_WIDTH + (today - date(2021, 1, 1)).days / days * plot, abs=0.1
    )
    assert picture.today_label == "today, 1 January 2026"
    assert {ends.status, endless.status, undated.status} == {s for s, _ in picture.statuses}


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_it_runs_as_many_queries_for_500_contributions_as_for_10(viewer_client):
    f.portfolio(10)
    viewer_client.get("/dashboard/")
    small = _queries(viewer_client, "/dashboard/")
    f.portfolio(490)
    large = _queries(viewer_client, "/dashboard/")
    # Session and user, three summaries, the timeline's rows (all of them for 10, the 60 that
    # matter for 500, with their count in the same query), one query for both expiring lists
    # (their rows and counts: the 6-month list is the start of the 12-month one), the session
    # save. One fewer than before the lists were capped, when each list was its own query.
    # Plus the data version (for the ETag) and the next alert digest's preview (the reader's
    # alert settings, the mandates ending and the new statements: three).
    assert small == large == 12 + 1 + 3
