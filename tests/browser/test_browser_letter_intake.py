"""An analyst registers letter 29521-494 from its text: pastes it, corrects one proposed figure,
unticks one proposal and confirms; the table, the mission page and the changes report then show
exactly the confirmed statements, with their quotes."""

from __future__ import annotations

from playwright.sync_api import expect

from missions.models import Mission, SourceDocument, Statement
from tests.browser.conftest import BROWSER_TEST, save_screenshot
from tests.browser.pages import log_in, table_rows
from tests.letter_files import letter_text

pytestmark = BROWSER_TEST

COMPANY_QUOTE = (
    "Het kabinet heeft besloten tot inzet van een infanteriecompagnie van de Koninklijke "
    "Landmacht ten behoeve van het multinationaal bataljon van EUFOR Althea. Dit is een inzet "
    "van maximaal 175 militairen voor de duur van één jaar, van oktober 2025 tot en met "
    "1 oktober 2026."
)


def unregister_494() -> None:
    """The shipped data holds 29521-494 already; here the letter has just come in."""
    letter = SourceDocument.objects.get(dossier="29521", number="494")
    Statement.objects.filter(document=letter).delete()
    letter.delete()


def test_it_registers_a_letter_from_its_text(real_data, accounts, new_page):
    unregister_494()
    page = new_page()
    log_in(page, accounts.analyst)
    page.goto("/admin/missions/sourcedocument/")
    page.get_by_role("link", name="Register a letter from its text").click()
    page.locator("#id_text").fill(letter_text())
    page.get_by_role("button", name="Read the letter").click()

    # The proposals beside the text, each sentence marked.
    expect(page.locator("fieldset.proposal")).to_have_count(3)
    expect(page.locator("#id_document-number")).to_have_value("494")
    expect(page.locator("mark#quote-1")).to_contain_text("besloten tot inzet")
    expect(page.locator("#proposal-3 ul.check")).to_contain_text("a change from 7 to at most 10")
    expect(page.locator("#id_p0-military")).to_have_value("175")
    save_screenshot(page, "letter_intake", full_page=True)

    page.locator("#id_p0-military").fill("170")
    page.locator("#id_p2-include").uncheck()
    page.get_by_role("button", name="Register the document and the ticked statements").click()
    expect(page.locator("ul.messagelist li.success")).to_contain_text(
        "Registered 2 statements from the letter: 29521-494"
    )

    # The table: Althea's two contributions, both from the new letter (military is not among the
    # default columns: ask for it).
    # As of 1 May 2025: before 29521-497 of 23 May, which says the company is "beoogde".
    page.goto("/?q=Althea&as_of=2025-05-01&columns=contribution,status,military,total,source")
    assert [
        (row["Contribution"], row["Status"], row["Military"], row["Total"], row["Source"])
        for row in table_rows(page)
    ] == [
        ("Field HUMINT team", "extended", "\u2013\nnot stated", "at most 10", "29521-494"),
        ("infantry company", "new", "170", "at most 170", "29521-494"),
    ]

    # The mission page: the letter's two statements with their quotes, newest first.
    althea = Mission.objects.get(name="EUFOR Althea")
    page.goto(f"/missions/{althea.pk}/")
    newest = page.locator("ol.history > li").filter(has_text="29521-494")
    expect(newest).to_have_count(2)
    expect(newest.filter(has_text="infantry company").locator("blockquote")).to_have_text(
        COMPANY_QUOTE
    )
    expect(newest.filter(has_text="Field HUMINT team").locator("blockquote")).to_contain_text(
        "Het kabinet verlengt daarnaast de huidige artikel 100-inzet"
    )

    # The changes report on the letter's day: exactly the confirmed statements.
    page.goto("/reports/changes/?from=2025-04-25&to=2025-04-25")
    changes = table_rows(page, "table.data")
    assert sorted((row["Source"], row["Contribution"]) for row in changes) == [
        ("29521-494, paragraph 2", "Field HUMINT team"),
        ("29521-494, paragraph 2", "infantry company"),
    ]
    assert not Statement.objects.filter(contribution__name__startswith="staffunctionarissen")
