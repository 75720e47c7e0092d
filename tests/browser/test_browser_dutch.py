"""A browser set to Dutch gets the tracker in Dutch: the table, the dashboard and the admin,
dates written as the letters write them ("eind juni 2028")."""

from __future__ import annotations

from playwright.sync_api import expect

from missions.models import Statement
from tests.browser.conftest import BROWSER_TEST
from tests.browser.pages import log_in, table_headers, table_rows

pytestmark = BROWSER_TEST


def test_it_speaks_dutch_to_a_dutch_browser(real_data, accounts, new_page):
    page = new_page(locale="nl-NL")
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Inloggen")
    log_in(page, accounts.analyst)

    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("h1")).to_have_text("Nederlandse bijdragen aan internationale missies")
    headers = table_headers(page)
    # The default columns (the others are one tick away in the column chooser).
    assert {"Missie", "Bijdrage", "Status", "Einde", "Resterende tijd", "Bron"} <= set(headers)
    aspides = [row for row in table_rows(page) if row["Missie"] == "EUNAVFOR Aspides"]
    assert [(row["Bijdrage"], row["Einde"]) for row in aspides] == [
        ("national staff", "eind juni 2028")
    ]
    expect(page.get_by_role("button", name="Toepassen")).to_be_visible()

    page.goto("/dashboard/")
    expect(page.locator("#totals-heading")).to_have_text("Personeel")
    expect(page.locator("#expiring-heading")).to_have_text("Binnenkort aflopend")

    page.goto("/admin/")
    expect(page.locator("#user-tools")).to_contain_text("Welkom,")
    expect(page.locator("#content h1")).to_have_text("Websitebeheer")
    expect(page.locator("#content-main")).to_contain_text("Brondocumenten")
    expect(page.locator("#content-main")).to_contain_text("Uitspraken")

    statement = Statement.objects.get(
        contribution__mission__acronym="Aspides", document__number="497"
    )
    page.goto(f"/admin/missions/statement/{statement.pk}/change/")
    expect(page.locator("label[for=id_end]")).to_have_text("Einde:")
    expect(page.locator("#id_end")).to_have_value("eind juni 2028")
    expect(page.locator("input[name=_save]")).to_have_value("Opslaan")
