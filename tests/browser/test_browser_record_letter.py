"""An analyst registers a new article 100 letter in the admin and records, on the letter's own
page, that it extends a contribution; the new end then shows in the table, on the mission page
and in the changes report."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from missions.dates import Precision
from missions.models import Mission, SourceDocument, Statement, Status
from tests.browser.conftest import BROWSER_TEST
from tests.browser.pages import log_in, table_rows

pytestmark = BROWSER_TEST

LETTER_DATE = date(2025, 9, 16)


def test_it_records_an_extension_and_shows_the_new_end_everywhere(real_data, accounts, new_page):
    page = new_page()
    log_in(page, accounts.analyst)

    page.goto("/admin/missions/sourcedocument/add/")
    page.locator("#id_kind").select_option(label="article 100 letter")
    page.locator("#id_dossier").fill("29521")
    page.locator("#id_number").fill("510")
    page.locator("#id_date").fill(LETTER_DATE.isoformat())
    page.locator("#id_title").fill("Verlenging Nederlandse bijdrage aan EUNAVFOR Aspides")
    page.locator("#id_change_reason").fill("new letter")

    # One statement on the same page: the inline row starts empty (extra = 0).
    page.get_by_role("button", name="Add another Statement", exact=True).click()
    row = page.locator("#statements-0")
    row.locator("[aria-labelledby=select2-id_statements-0-contribution-container]").click()
    page.locator(".select2-container--open .select2-search__field").fill("Aspides")
    page.locator(".select2-results__option", has_text="Aspides: national staff").click()
    row.locator("[name=statements-0-status]").select_option("extended")
    row.locator("[name=statements-0-end]").fill("tot en met eind juni 2029")
    row.locator("[name=statements-0-location]").fill("paragraph 2")
    page.locator("input[name=_save]").click()

    expect(page.locator("ul.messagelist li.success")).to_contain_text("was added successfully")
    letter = SourceDocument.objects.get(dossier="29521", number="510")
    assert (letter.kind, letter.date) == ("article_100", LETTER_DATE)
    saved = Statement.objects.get(document=letter)
    assert (str(saved.contribution), saved.status) == ("Aspides: national staff", Status.EXTENDED)
    assert (saved.end_date, saved.end_precision) == (date(2029, 6, 30), Precision.MONTH)

    # The table: the contribution's current state is the new letter's.
    page.goto("/?q=Aspides")
    assert [
        (row["Contribution"], row["Status"], row["End"], row["Source"]) for row in table_rows(page)
    ] == [("national staff", "extended", "end of June 2029", "29521-510")]

    # The mission page: the newest timeline entry is the letter, moving the end by a year.
    aspides = Mission.objects.get(acronym="Aspides")
    page.goto(f"/missions/{aspides.pk}/")
    newest = page.locator("ol.history > li").first
    expect(newest.locator(".entry-head")).to_contain_text("29521-510")
    end_change = newest.locator("ul.changes li", has_text=re.compile(r"^end:", re.IGNORECASE))
    expect(end_change.locator("del")).to_have_text("end of June 2028")
    expect(end_change.locator("ins")).to_have_text("end of June 2029")

    # The changes report over the letter's month lists it with the same change.
    page.goto("/reports/changes/?from=2025-09-01&to=2025-09-30")
    changes = table_rows(page, "table.data")
    assert [(row["Source"], row["Contribution"]) for row in changes] == [
        ("29521-510, paragraph 2", "national staff")
    ]
    assert "End: end of June 2028 → end of June 2029" in changes[0]["What changed"]
