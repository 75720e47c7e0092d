"""Two analysts edit the same statement at once: the first save wins, the second is refused with
the conflict message instead of silently overwriting it."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from missions.models import Statement
from tests.browser.conftest import BROWSER_TEST
from tests.browser.pages import log_in

pytestmark = BROWSER_TEST


def test_it_refuses_the_second_of_two_concurrent_edits(real_data, accounts, new_page):
    statement = Statement.objects.get(
        contribution__mission__acronym="Aspides", document__number="497"
    )
    url = f"/admin/missions/statement/{statement.pk}/change/"
    first, second = new_page(), new_page()
    log_in(first, accounts.analyst)
    log_in(second, accounts.analyst2)
    first.goto(url)
    second.goto(url)
    expect(first.locator("#id_end")).to_have_value("end of June 2028")
    expect(second.locator("#id_end")).to_have_value("end of June 2028")

    first.locator("#id_end").fill("eind juni 2029")
    second.locator("#id_end").fill("eind december 2028")
    first.locator("input[name=_save]").click()
    expect(first.locator("ul.messagelist li.success")).to_contain_text("was changed successfully")

    second.locator("input[name=_save]").click()
    expect(second.locator("ul.errorlist.nonfield")).to_contain_text(
        "Someone else changed this record while you were editing it"
    )
    # The page points at the field the colleague changed, with their value.
    expect(second.locator(".field-end ul.errorlist")).to_contain_text("Now: end of June 2029")

    statement.refresh_from_db()
    assert (statement.end_date, statement.version) == (date(2029, 6, 30), 2)
    assert statement.history.count() == 2  # loaded, then the first analyst's save; no third
    assert statement.history.first().history_user == accounts.analyst
