"""What the browser tests do on a page, in the words of a user: log in, read the table."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD


def log_in(page: Page, user: User, next_url: str = "") -> None:
    """Log in through the login form, as a person does; ends on ``next_url`` (or the home page)."""
    page.goto("/login/" + (f"?{urlencode({'next': next_url})}" if next_url else ""))
    submit_login(page, user)


def submit_login(page: Page, user: User) -> None:
    """Fill in and send the login form the page shows."""
    page.locator("#id_username").fill(user.get_username())
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form.login-form button[type=submit]").click()
    expect(page.locator("header .user")).to_have_text(user.get_username())


def table_headers(page: Page, table: str = "section.results table.data") -> list[str]:
    return [text.strip() for text in page.locator(f"{table} thead th").all_inner_texts()]


def table_rows(page: Page, table: str = "section.results table.data") -> list[dict[str, str]]:
    """The rows of a table as {header: cell text}; a table's "no rows" line gives no row."""
    headers = table_headers(page, table)
    rows = []
    for row in page.locator(f"{table} tbody tr").all():
        cells = [text.strip() for text in row.locator("th, td").all_inner_texts()]
        if len(cells) == len(headers):
            rows.append(dict(zip(headers, cells, strict=True)))
    return rows
