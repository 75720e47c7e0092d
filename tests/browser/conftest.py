"""Browser tests: a real Chromium (Debian's package) driving the app on pytest-django's live server.

Every test here is marked ``browser`` and uses a transactional database (``BROWSER_TEST``), so
that the live server's thread sees what the test writes and the other way round. Chromium is
started once for the whole package and stopped before any other test module runs (Playwright's
sync API refuses to start while another instance runs an event loop in the same thread).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, User
from django.db import connections

from missions.roles import ANALYST, VIEWER, ensure_roles
from tests.conftest import PASSWORD

# Debian's package; CHROMIUM_PATH names another build (never one Playwright downloads).
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
MISSING_CHROMIUM = (
    f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) to run the "
    "browser tests"
)
VIEWPORT = {"width": 1280, "height": 900}
# A failing step should fail in seconds, not after Playwright's default 30 s.
TIMEOUT_MS = 10_000

# Every browser test module: ``pytestmark = BROWSER_TEST``. The live server's thread sees only
# committed data, hence real transactions; serialized_rollback puts the migrated state (content
# types, permissions, the roles) back before each test and keeps the flush after it from
# re-creating them, which would break later tests that restore that state too.
BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
README_SCREENSHOTS = REPO / "docs" / "screenshots"
_written: list[Path] = []


@pytest.fixture(scope="package")
def chromium() -> Iterator[object]:
    """One headless Chromium for the package. Missing Chromium: a skip locally, a failure in CI."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(MISSING_CHROMIUM, pytrace=False)
        pytest.skip(MISSING_CHROMIUM)
    from playwright.sync_api import sync_playwright

    # Django keeps its connections per context (asgiref Local), and Playwright's sync API runs
    # the code after it starts in a greenlet with a fresh context: the ORM would open a second
    # connection there, which has not the test database's saved state (serialized_rollback)
    # and stays open after the test. Keep using the test run's own connections.
    own = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API keeps an event loop in this thread, and Django refuses ORM calls
        # from a thread with a running loop. The ORM calls here are plain synchronous ones.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            for alias, connection in own.items():
                connections[alias] = connection
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()


@pytest.fixture
def accounts(chromium) -> SimpleNamespace:
    """Two analysts and a viewer, in the real roles (made again here, as a flush before a
    transactional test removes the groups that the roles migration made)."""
    ensure_roles()

    def user(username: str, role: str, **flags) -> User:
        made = User.objects.create_user(username, f"{username}@example.org", PASSWORD, **flags)
        made.groups.add(Group.objects.get(name=role))
        return made

    return SimpleNamespace(
        analyst=user("anna", ANALYST, is_staff=True),
        analyst2=user("bart", ANALYST, is_staff=True),
        viewer=user("vera", VIEWER),
    )


@pytest.fixture
def new_page(chromium, live_server) -> Iterator[Callable[..., object]]:
    """``new_page(locale="en-GB")``: a page in a fresh browser context (its own cookies)."""
    contexts = []

    def make(locale: str = "en-GB"):
        context = chromium.new_context(
            base_url=live_server.url, locale=locale, viewport=VIEWPORT, accept_downloads=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def save_screenshot(page, name: str, *, full_page: bool = False) -> Path:
    """Write ``name``.png to artifacts/screenshots/ on every run; with UPDATE_SCREENSHOTS=1,
    also to docs/screenshots/, which the README shows."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=full_page)
    _written.append(target)
    print(f"Screenshot written to {target}")
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, README_SCREENSHOTS / target.name)
    return target


def pytest_terminal_summary(terminalreporter) -> None:
    if _written:
        names = ", ".join(sorted({path.name for path in _written}))
        terminalreporter.write_line(f"Browser screenshots ({names}) written to {SCREENSHOTS}/")
