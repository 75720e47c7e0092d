"""Figures as a person sees them: the dashboard passes axe-core, its timeline stays legible on a
phone, the table's default columns fit a 1366 px laptop, and print keeps End, Source and the
filters in use."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.accessibility import serious_violations
from tests.browser.conftest import BROWSER_TEST, save_screenshot
from tests.browser.pages import log_in

pytestmark = BROWSER_TEST


@pytest.mark.parametrize("query", ["", "?as_of=2025-05-01"])
def test_it_has_no_serious_axe_violation_on_the_dashboard(real_data, accounts, new_page, query):
    page = new_page()
    log_in(page, accounts.viewer)
    page.goto(f"/dashboard/{query}")
    expect(page.locator("svg.timeline")).to_be_visible()

    page.locator("#timeline-heading").evaluate("heading => heading.scrollIntoView()")
    save_screenshot(page, f"dashboard-timeline{'-as-of' if query else ''}")
    violations = serious_violations(page)

    assert violations == [], json.dumps(violations, indent=1)
    # The picture is for the eye; the table under it says the same to a screen reader.
    assert page.locator("svg.timeline").get_attribute("aria-hidden") == "true"
    assert page.locator("svg.timeline a").count() == 0
    rows = page.locator("table.timeline-table tbody tr")
    assert rows.count() == page.locator("svg.timeline g.bar").count()


def test_it_keeps_the_timeline_legible_on_a_phone(real_data, accounts, new_page):
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, accounts.viewer)
    page.goto("/dashboard/")
    box = page.locator(".timeline-scroll")
    expect(box).to_be_visible()

    sizes = box.evaluate(
        """box => {
          const label = box.querySelector("text.bar-label");
          return {
            scroll: box.scrollWidth, client: box.clientWidth,
            page: document.documentElement.scrollWidth,
            font: label.getBoundingClientRect().height,
          };
        }"""
    )
    save_screenshot(page, "timeline-phone")

    # The picture scrolls inside its box (the page itself does not get wider than the phone),
    # at its own size: 12 px labels, not shrunk to 8 px.
    assert sizes["scroll"] >= 1000 > sizes["client"]
    assert sizes["page"] <= 390
    assert sizes["font"] >= 11


def test_it_shows_the_default_columns_without_sideways_scrolling_at_1366(
    real_data, accounts, new_page
):
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, accounts.viewer)
    page.goto("/")
    table = page.locator("section.results .table-scroll").first
    expect(table).to_be_visible()

    headers = [h.strip() for h in page.locator("section.results thead th").all_inner_texts()]
    scroll = table.evaluate("box => [box.scrollWidth, box.clientWidth]")

    assert headers == ["Mission", "Contribution", "Status", "Total", "End", "Time left", "Source"]
    assert scroll[0] <= scroll[1], f"the table scrolls sideways: {scroll}"
    # The others are one click away: tick a column, apply, and it shows.
    page.locator("details.columns summary").click()
    page.locator("#column-region").check()
    page.locator("form.filters button[type=submit]").click()
    expect(page.locator("section.results thead th", has_text="Region")).to_be_visible()


def test_it_prints_end_source_and_the_filters_in_use_on_a4(real_data, accounts, new_page):
    page = new_page()
    log_in(page, accounts.viewer)
    page.goto("/?organization=EU&end_after=2025-01-01")
    page.emulate_media(media="print")
    # A4 at 96 dpi less 12 mm margins each side: about 698 px of printable width.
    page.set_viewport_size({"width": 698, "height": 1000})

    visible = page.evaluate(
        """() => {
          const headers = [...document.querySelectorAll("section.results thead th")];
          const shown = el => el && getComputedStyle(el).display !== "none"
            && el.getBoundingClientRect().right <= document.documentElement.clientWidth + 1;
          return {
            headers: headers.filter(shown).map(h => h.innerText.trim()),
            filters: shown(document.querySelector("#active-filters"))
              ? document.querySelector("#active-filters").innerText : "",
            form: shown(document.querySelector("form.filters")),
            page: document.documentElement.scrollWidth,
          };
        }"""
    )
    pdf = page.pdf(format="A4")

    assert {"End", "Time left", "Source"} <= set(visible["headers"])
    assert "Organization: EU" in visible["filters"]
    assert "Ends on or after: " in visible["filters"]
    assert visible["form"] is False
    assert visible["page"] <= 698
    assert pdf.startswith(b"%PDF")
