"""The dashboard: personnel totals, mandates ending soon, and the SVG timeline."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from missions.dashboard.timeline import LABEL_WIDTH, RIGHT_MARGIN, WIDTH, build_timeline
from missions.dates import add_months
from missions.models import Qualifier, Statement, Status
from missions.reading import reports
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
    for summary in response.context["summaries"]:
        if summary.by == by:
            return {row.group: row for row in summary.rows}, summary.total
    raise AssertionError(by)


def test_it_totals_personnel_by_organization_region_and_status(viewer_client, portfolio_today):
    response = viewer_client.get("/dashboard/")
    organizations, total = _summary(response, "organization")
    # The explored frigate commits to nothing: not in the totals, counted apart.
    assert organizations["EU"].contributions == 1
    assert organizations["EU"].total == reports.Figure(10, approximate=True, unknown=0)
    assert organizations["UN"].military == reports.Figure(12, approximate=False, unknown=0)
    assert organizations["UN"].police == reports.Figure(None, approximate=False, unknown=1)
    assert (total.contributions, total.total.known, total.total.unknown) == (2, 22, 0)
    assert [(row.key, row.contributions) for row in response.context["apart"]] == [("explored", 1)]
    regions, _ = _summary(response, "region")
    assert set(regions) == {"Red Sea", "Levant"}
    statuses, _ = _summary(response, "status")
    assert set(statuses) == {"extended", "continued"}
    html = " ".join(response.content.decode().split())
    # Approximate sums carry "~"; a figure nobody states reads "unknown", never 0.
    assert '<td class="num">~10</td>' in html
    assert '<td class="num unknown">unknown</td>' in html
    assert "Not in these totals, as not active on this day: 1 explored." in html
    assert (
        "Deployed on " in html
        and "<strong>~22</strong> personnel in 2 active contributions" in html
    )


def test_it_shows_the_dashboard_as_of_a_day(viewer_client, db):
    contribution = f.contribution(name="staff")
    early = f.document(date=date(2025, 4, 4))
    late = f.document(date=date(2025, 5, 23))
    f.statement(
        contribution=contribution, document=early, military=5, end_date=date(2025, 5, 31),
        end_precision="month",
    )  # fmt: skip
    f.statement(contribution=contribution, document=late, military=8, end_date=date(2028, 6, 30))

    response = viewer_client.get("/dashboard/", {"as_of": "2025-05-01"})

    assert response.context["day"] == date(2025, 5, 1)
    assert response.context["deployed"].military.known == 5
    html = response.content.decode()
    assert "as of 1 May 2025" in html  # the line on the picture marks the day asked about
    assert "in May 2025 (about 1 month)" in html
    bad = viewer_client.get("/dashboard/", {"as_of": "1 mei"})
    assert bad.context["day"] == timezone.localdate()
    assert bad.context["deployed"].military.known == 8
    assert "Enter a valid date." in bad.content.decode()


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


def _bar_group(svg: str, label: str) -> str:
    found = re.search(
        r'<g class="bar [^"]*"[^>]*>\s*<title>' + re.escape(label) + r".*?</g>", svg, re.S
    )
    assert found, label
    return found.group(0)


def test_it_draws_a_bar_per_deployed_contribution_grouped_by_region(viewer_client, portfolio_today):
    html = viewer_client.get("/dashboard/").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    # The explored frigate commits to nothing: not drawn on a picture of what is deployed.
    assert len(re.findall(r'<rect class="span"', svg)) == 2
    assert "frigate" not in svg
    assert re.findall(r'<text class="region"[^>]*>([^<]+)</text>', svg) == ["Levant", "Red Sea"]
    # Colour by class, status also in words, in the label.
    assert "Aspides: national staff (extended)</text>" in svg
    # UNTSO began before the window and is open-ended: an arrow at each end, no edges.
    untso = _bar_group(svg, "UNTSO: observers")
    assert untso.count('<polygon class="arrow"') == 2
    assert "edge" not in untso and "fade" not in untso
    # Aspides states both ends, inside the window: two solid edges, no arrow.
    aspides = _bar_group(svg, "Aspides: national staff")
    assert aspides.count('class="edge ') == 2 and "arrow" not in aspides
    assert '<line class="today"' in svg
    assert "today, " in svg
    assert "style=" not in svg  # the Content-Security-Policy forbids inline styles
    # The picture is for the eye; its text alternative is the table under it, with the links.
    assert 'aria-hidden="true"' in svg[:400] and "<a " not in svg
    table = html[html.index('<table class="data timeline-table">') :]
    table = table[: table.index("</table>")]
    assert table.count("<tr>") == 3  # the header and the two drawn rows
    assert "1 June 1948 \u2013 open-ended" in table


def test_it_draws_no_bar_start_for_a_contribution_without_a_start_date(viewer_client, db):
    today = timezone.localdate()
    mission = f.mission(name="Aspides", acronym="Aspides")
    f.statement(
        contribution=f.contribution(mission=mission, name="no start"),
        end_date=add_months(today, 6),
    )
    f.statement(
        contribution=f.contribution(mission=mission, name="no end"),
        start_date=today - timedelta(days=100),
    )
    f.statement(contribution=f.contribution(mission=mission, name="no period"))

    html = viewer_client.get("/dashboard/").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    picture = viewer_client.get("/dashboard/").context["timeline"]

    no_start = _bar_group(svg, "Aspides: no start")
    assert "edge-start" not in no_start and "arrow" not in no_start
    assert 'class="fade fade-start"' in no_start and "edge-end" in no_start
    bar = {b.label: b for g in picture.groups for b in g.bars}["Aspides: no start"]
    # Not from the window's edge as if it began before 2021: the solid part begins on the day.
    assert bar.x == picture.today_x and bar.x > picture.plot_left
    no_end = _bar_group(svg, "Aspides: no end")
    assert "edge-start" in no_end and 'class="fade fade-end"' in no_end
    assert "edge-end" not in no_end and "arrow" not in no_end
    # A row with no period at all is not drawn but listed apart, under the picture.
    assert "no period" not in svg
    assert [row.label for row in picture.unstated] == ["Aspides: no period"]
    assert '<h3 id="timeline-unstated">No period stated</h3>' in html


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
    f.statement(contribution=f.contribution(mission=mission, name="planners"))
    statements = Statement.objects.current().with_related()
    picture = build_timeline(statements, today, language="en")

    # The window: whole years, 2021 (five back at most) to 2028 (at least two ahead).
    assert [tick.label for tick in picture.ticks] == [str(y) for y in range(2021, 2029)]
    plot = WIDTH - RIGHT_MARGIN - LABEL_WIDTH
    assert picture.plot_left == LABEL_WIDTH
    bars = {bar.label: bar for bar in picture.groups[0].bars}
    assert [bar.label for bar in picture.groups[0].bars] == [
        "Aspides: observers",
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
    assert (staff.start_stated, staff.end_stated) == (True, True)
    observers = bars["Aspides: observers"]
    assert (observers.x, observers.before_window, observers.after_window) == (
        LABEL_WIDTH,
        True,
        True,
    )
    assert observers.open_ended and observers.end_stated
    assert observers.end_x == pytest.approx(WIDTH - RIGHT_MARGIN, abs=0.1)
    assert observers.period == "1 June 1948 \u2013 open-ended"
    assert [row.label for row in picture.unstated] == ["Aspides: planners"]
    assert picture.today_x == pytest.approx(
        LABEL_WIDTH + (today - date(2021, 1, 1)).days / days * plot, abs=0.1
    )
    assert picture.today_label == "today, 1 January 2026"
    assert {ends.status, endless.status} == {s for s, _ in picture.statuses}


def test_it_runs_as_many_queries_for_1000_contributions_as_for_500(
    viewer_client, django_assert_num_queries
):
    # Session and user, the summaries (one query for all three), the timeline's rows (all of
    # them in one query for 10; for 500, the count of those that matter, the 60 that end
    # soonest and the open-ended ones after them: three), both expiring lists (their rows,
    # then their counts in one aggregate: the 6-month list is the start of the 12-month one),
    # the session save. Plus the data version (for the ETag) and the next alert digest's
    # preview (the reader's alert settings, the mandates ending and the new statements: three).
    # 17 before the three summaries were read in one query.
    uncapped = 12 + 1 + 1 + 3 - 2
    f.portfolio(10)
    viewer_client.get("/dashboard/")
    with django_assert_num_queries(uncapped):
        assert viewer_client.get("/dashboard/").status_code == 200
    f.portfolio(490)
    with django_assert_num_queries(uncapped + 2):
        assert viewer_client.get("/dashboard/").status_code == 200
    f.portfolio(500)
    with django_assert_num_queries(uncapped + 2):
        assert viewer_client.get("/dashboard/").status_code == 200
