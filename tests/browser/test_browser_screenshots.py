"""Screenshots of the table, the dashboard's timeline and a mission page, taken on every run
(artifacts/screenshots/; with UPDATE_SCREENSHOTS=1 also docs/screenshots/ for the README)."""

from __future__ import annotations

import struct
from pathlib import Path

from playwright.sync_api import expect

from missions.models import Mission
from tests.browser.conftest import BROWSER_TEST, VIEWPORT, save_screenshot
from tests.browser.pages import log_in

pytestmark = BROWSER_TEST

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG header (its first chunk, IHDR)."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE and head[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_it_screenshots_the_table_the_dashboard_and_a_mission(real_data, accounts, new_page):
    page = new_page()
    log_in(page, accounts.viewer)

    # Every current contribution of the shipped data: 21, and the 4 that issue 8 recorded from
    # 29521-497 (Syria, Iraq, West Africa and the Sahel, the Eastern European civilian missions).
    page.goto("/")
    expect(page.locator("section.results table.data tbody tr")).to_have_count(25)
    table = save_screenshot(page, "table", full_page=True)

    page.goto("/dashboard/")
    timeline = page.locator("svg.timeline")
    # One bar per deployed contribution with a stated period; its text alternative, one row each.
    drawn = page.locator("table.timeline-table tbody tr").count()
    assert drawn > 0
    expect(timeline.locator("g.bar")).to_have_count(drawn)
    # The picture the README wants is the timeline: bring its section to the top of the window.
    page.locator("#timeline-heading").evaluate("heading => heading.scrollIntoView()")
    dashboard = save_screenshot(page, "dashboard")

    aspides = Mission.objects.get(acronym="Aspides")
    page.goto(f"/missions/{aspides.pk}/")
    expect(page.locator("section[aria-labelledby=history-heading] ol.history > li")).to_have_count(
        2
    )
    mission = save_screenshot(page, "mission")

    width, height = png_size(table)
    # Wide tables scroll inside their box; the page itself never gets wider than the window.
    assert width == VIEWPORT["width"], f"the table page is {width} px wide"
    assert height > VIEWPORT["height"]  # the whole page, not only the window
    for shot in (dashboard, mission):
        assert png_size(shot) == (VIEWPORT["width"], VIEWPORT["height"])
