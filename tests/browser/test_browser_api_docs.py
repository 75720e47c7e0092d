"""The API's docs page works in a browser under the site's Content-Security-Policy, offline:
Swagger UI (from drf-spectacular-sidecar) lists every endpoint and runs a call with the session."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import BROWSER_TEST
from tests.browser.pages import log_in

pytestmark = BROWSER_TEST


def test_it_shows_every_endpoint_and_answers_a_try_with_the_session(
    real_data, accounts, new_page, live_server
):
    page = new_page()
    outside, refused = [], []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((live_server.url, "data:"))
            else outside.append(request.url)
        ),
    )
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    log_in(page, accounts.viewer)

    page.goto(f"{live_server.url}/api/docs/")

    expect(page.locator(".swagger-ui .title")).to_contain_text("Mission commitments tracker API")
    for path in ("/api/v1/contributions/", "/api/v1/missions/{id}/", "/api/v1/reports/changes/"):
        expect(page.locator(".opblock-summary-path", has_text=path).first).to_be_visible()
    page.locator(".opblock-summary-path", has_text="/api/v1/missions/").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(
        page.locator(".live-responses-table .response .response-col_status").first
    ).to_contain_text("200")
    expect(page.locator(".live-responses-table .highlight-code").first).to_contain_text(
        "EUNAVFOR Aspides"
    )
    assert outside == []
    # The site's strict policy holds here too, and refuses nothing the page needs.
    assert refused == []
