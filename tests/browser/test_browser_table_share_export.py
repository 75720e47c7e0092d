"""A viewer filters the table, shares its URL, picks columns and downloads the rows: the shared
link and both downloads hold exactly the rows on the page."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from missions.dates import Bound, add_months, format_precise
from missions.models import Contribution, DocumentKind, Status
from tests import factories
from tests.browser.conftest import BROWSER_TEST
from tests.browser.pages import log_in, submit_login, table_headers, table_rows

pytestmark = BROWSER_TEST

# (mission, contribution) -> (status, months from today to the end) in a newer letter.
BRIEFING = {
    ("Aspides", "national staff"): (Status.EXTENDED, 3),
    ("Atalanta", "staff officers at the operational headquarters"): (Status.EXTENDED, 8),
    ("EUBAM Libya", "personnel contribution"): (Status.EXTENDED, 20),  # beyond 12 months
    ("EUPOL COPPS", "national staff"): (Status.CONTINUED, 5),  # other status
    ("NSATU", "air defence capacity, including MRTT"): (Status.EXTENDED, 4),  # NATO
}
# EU, extended, ending within 12 months.
EXPECTED = [
    ("EUNAVFOR Aspides", "national staff"),
    ("EUNAVFOR Atalanta", "staff officers at the operational headquarters"),
]
COLUMNS = ["mission", "contribution", "status", "end,end_precision,open_ended"]
EXPORT_HEADER = ["mission", "contribution", "status", "end", "end_precision", "open_ended"]
# The XLSX is opened by a person: the column titles, under four lines of title and a blank row.
XLSX_HEADER = ["Mission", "Contribution", "Status", "End", "End precision", "Open-ended"]


@pytest.fixture
def briefing(real_data) -> dict[tuple[str, str], date]:
    """Ends counted from today, so that "within 12 months" picks the same rows on any day."""
    today = timezone.localdate()
    letter = factories.document(
        kind=DocumentKind.KAMERBRIEF, dossier="29521", number="505", date=date(2025, 9, 1)
    )
    ends = {}
    for (acronym, name), (status, months) in BRIEFING.items():
        contribution = Contribution.objects.get(mission__acronym=acronym, name=name)
        end = add_months(today, months)
        factories.statement(contribution=contribution, document=letter, status=status, end_date=end)
        ends[(contribution.mission.name, name)] = end
    return ends


def shown(page: Page) -> list[tuple[str, str, str, str]]:
    return [(r["Mission"], r["Contribution"], r["Status"], r["End"]) for r in table_rows(page)]


def as_shown(mission: str, contribution: str, status: str, end: date, precision: str):
    """An export row written as the table shows it."""
    return (
        mission,
        contribution,
        str(Status(status).label),
        format_precise(end, precision, Bound.END),
    )


def download(page: Page, link_name: str, folder: Path) -> Path:
    """Click a download link of the page and keep the file under its suggested name."""
    with page.expect_download() as started:
        page.locator("p.downloads").get_by_role("link", name=link_name, exact=True).click()
    target = folder / started.value.suggested_filename
    started.value.save_as(target)
    return target


def test_it_shares_and_exports_exactly_the_filtered_rows(briefing, accounts, new_page, tmp_path):
    page = new_page()
    log_in(page, accounts.viewer)

    facet = page.locator("form.filters fieldset.facet")
    facet.filter(has_text="Organization").get_by_label("EU", exact=True).check()
    facet.filter(has_text="Status").get_by_label("extended", exact=True).check()
    page.get_by_label("Expires within (months)").fill("12")
    page.get_by_role("button", name="Apply").click()

    expected = [
        (mission, name, "extended", format_precise(briefing[(mission, name)], "day", Bound.END))
        for mission, name in EXPECTED
    ]
    expect(page.locator("nav.pagination")).to_contain_text("Showing 1\u20132 of 2")
    filtered = table_rows(page)
    assert [(r["Mission"], r["Contribution"], r["Status"], r["End"]) for r in filtered] == expected

    # The URL is the whole state: a colleague who opens it (and logs in) sees the same rows.
    shared = page.url
    colleague = new_page()
    colleague.goto(shared)
    submit_login(colleague, accounts.viewer)
    assert colleague.url == shared
    assert table_rows(colleague) == filtered

    # Fewer columns; the filters stay.
    chooser = page.locator("details.columns")
    if chooser.get_attribute("open") is None:
        chooser.locator("summary").click()
    for box in page.locator("details.columns input[name=columns]").all():
        box.set_checked(box.get_attribute("value") in COLUMNS)
    page.get_by_role("button", name="Apply").click()
    assert table_headers(page) == ["Mission", "Contribution", "Status", "End"]
    assert shown(page) == expected

    csv_file = download(page, "CSV", tmp_path)
    assert csv_file.suffix == ".csv"
    with csv_file.open(encoding="utf-8", newline="") as file:
        csv_rows = list(csv.reader(file))
    assert csv_rows[0] == EXPORT_HEADER
    assert [
        as_shown(mission, name, status, date.fromisoformat(end), precision)
        for mission, name, status, end, precision, _open_ended in csv_rows[1:]
    ] == shown(page)

    xlsx_file = download(page, "XLSX", tmp_path)
    assert xlsx_file.suffix == ".xlsx"
    sheet = load_workbook(xlsx_file, read_only=True).active
    xlsx_rows = list(sheet.iter_rows(values_only=True))
    assert list(xlsx_rows[5]) == XLSX_HEADER
    data = xlsx_rows[6:]
    assert all(isinstance(row[3], datetime) for row in data)  # a date cell, not text
    assert [
        as_shown(mission, name, status, end.date(), precision)
        for mission, name, status, end, precision, _open_ended in data
    ] == shown(page)
