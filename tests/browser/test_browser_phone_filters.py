"""On a phone the filters fold away above the table (issue 10): at 390 px the filter form is a
closed disclosure and the table comes first into view; at 1366 px the fields show beside the
table without a click. No script does it, and axe-core finds no serious violation either way."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.browser.accessibility import serious_violations
from tests.browser.conftest import BROWSER_TEST, save_screenshot
from tests.browser.pages import log_in

pytestmark = BROWSER_TEST

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


def test_on_a_phone_the_filters_fold_away_above_the_table(real_data, accounts, new_page):
    page = new_page()
    page.set_viewport_size(PHONE)
    log_in(page, accounts.viewer)
    page.goto("/?organization=EU")
    fold = page.locator("form.filters details.filter-fold")
    summary = fold.locator("summary.filter-summary")
    table = page.locator("section.results table.data")

    expect(summary).to_be_visible()
    expect(summary).to_have_text("Filter (1 in use)")
    expect(page.locator("#id_q")).to_be_hidden()
    expect(page.locator("form.filters h2.filter-heading")).to_be_hidden()
    assert fold.get_attribute("open") is None
    # The table's first rows are on the first screen, the folded filters a line above them.
    first_row = table.locator("tbody tr").first.bounding_box()
    assert first_row is not None and first_row["y"] + first_row["height"] <= PHONE["height"]
    assert summary.bounding_box()["y"] < first_row["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    save_screenshot(page, "table-phone")
    violations = serious_violations(page)
    assert violations == [], json.dumps(violations, indent=1)

    # One tap opens them; the filter in use is ticked and can be changed.
    summary.click()
    expect(page.locator("#id_q")).to_be_visible()
    expect(page.locator("form.filters input[name=organization][value=EU]")).to_be_checked()
    violations = serious_violations(page)
    assert violations == [], json.dumps(violations, indent=1)


def test_on_a_laptop_the_filters_show_beside_the_table_without_a_click(
    real_data, accounts, new_page
):
    page = new_page()
    page.set_viewport_size(LAPTOP)
    log_in(page, accounts.viewer)
    page.goto("/")
    form = page.locator("form.filters")

    expect(page.locator("#id_q")).to_be_visible()
    expect(form.locator("h2.filter-heading")).to_have_text("Filter")
    expect(form.locator("summary.filter-summary")).to_be_hidden()
    expect(form.locator("button[type=submit]")).to_be_visible()
    # Beside the table: the form's right edge left of the table's left edge, same top band.
    filters = form.bounding_box()
    table = page.locator("section.results").bounding_box()
    assert filters["x"] + filters["width"] <= table["x"]
    assert abs(filters["y"] - table["y"]) < 200
    violations = serious_violations(page)
    assert violations == [], json.dumps(violations, indent=1)


def test_a_filter_with_an_error_opens_the_fold_on_a_phone(real_data, accounts, new_page):
    page = new_page()
    page.set_viewport_size(PHONE)
    log_in(page, accounts.viewer)
    page.goto("/?end_before=not-a-date")
    expect(page.locator("form.filters details.filter-fold")).to_have_attribute("open", "")
    expect(page.locator("#id_end_before")).to_be_visible()
