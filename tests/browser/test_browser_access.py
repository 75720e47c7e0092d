"""Who gets in: a viewer is refused every admin change page; an anonymous visitor is sent to the
login page, and after logging in lands where they were going."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import admin
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import BROWSER_TEST
from tests.browser.pages import log_in, submit_login

pytestmark = BROWSER_TEST


def change_pages() -> list[str]:
    """The change page of one record of every model in the admin that has a record."""
    urls = []
    for model in admin.site._registry:
        record = model._default_manager.order_by("pk").first()
        if record is not None:
            opts = model._meta
            urls.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
            )
    return urls


def test_it_refuses_a_viewer_every_admin_change_page(real_data, accounts, new_page):
    page = new_page()
    log_in(page, accounts.viewer)
    expect(page.get_by_role("navigation", name="Main")).not_to_contain_text("Admin")

    urls = change_pages()
    for model in ("organization", "region", "mission", "contribution", "sourcedocument"):
        assert f"/admin/missions/{model}/1/change/" in urls
    assert "/admin/missions/statement/1/change/" in urls
    for url in ["/admin/", *urls]:
        response = page.goto(url)
        assert (url, response.status) == (url, 403)
        expect(page.locator("h1")).to_have_text("Access refused")
        expect(page.locator("form input[name=_save]")).to_have_count(0)


def test_it_sends_an_anonymous_visitor_to_the_login_page(real_data, accounts, new_page):
    page = new_page()
    page.goto("/")
    assert urlsplit(page.url)[2:4] == ("/login/", "next=/")
    expect(page.locator("h1")).to_have_text("Log in")
    expect(page.locator("table.data")).to_have_count(0)

    # A link to a filtered table survives the detour through the login.
    page.goto("/?organization=EU&status=extended")
    submit_login(page, accounts.viewer)
    assert page.url.endswith("/?organization=EU&status=extended")
    expect(page.locator("section.results table.data")).to_contain_text("EUNAVFOR Aspides")
