"""Production settings: the deploy check passes, the headers are there, errors show no details.

"Production" here is tracker/settings.py read with the variables of .env.example (and a fresh
secret key): in a subprocess for start-up and `check --deploy`, and in this process by running
the settings file again under that environment and applying its security settings.
"""

import logging
import os
import re
import runpy
import secrets
import subprocess
import sys
from http.cookies import Morsel
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import get_template
from django.test import Client, override_settings

from tests import test_access_matrix, url_matrix

BASE_DIR = Path(settings.BASE_DIR)
SETTINGS_FILE = BASE_DIR / "tracker" / "settings.py"
ENV_EXAMPLE = BASE_DIR / ".env.example"
HOST = "tracker.example.org"
# The access matrix's fixture: objects for the parameters of every URL.
world = test_access_matrix.world
# Settings that make up the HTTP security of a response.
SECURITY_SETTINGS = re.compile(
    r"^(SECURE_|SESSION_COOKIE_|CSRF_COOKIE_|CONTENT_SECURITY_POLICY$|X_FRAME)"
)


def example_variables() -> dict[str, str]:
    """KEY=value lines of .env.example."""
    pairs = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def variables_read_by_settings() -> set[str]:
    return set(re.findall(r"\benv(?:_bool|_list)?\(\s*\"([A-Z0-9_]+)\"", SETTINGS_FILE.read_text()))


def production_env(**changes: str | None) -> dict[str, str]:
    """This process's environment without any tracker variable, plus those of .env.example."""
    env = {k: v for k, v in os.environ.items() if k not in variables_read_by_settings()}
    env.update(example_variables())
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def production(monkeypatch) -> dict[str, object]:
    """The security settings tracker/settings.py produces under the production environment."""
    for key in variables_read_by_settings():
        monkeypatch.delenv(key, raising=False)
    for key, value in production_env().items():
        monkeypatch.setenv(key, value)
    values = runpy.run_path(str(SETTINGS_FILE))
    chosen = {k: v for k, v in values.items() if SECURITY_SETTINGS.match(k)}
    return {**chosen, "DEBUG": False, "ALLOWED_HOSTS": values["ALLOWED_HOSTS"]}


def test_it_lists_every_variable_the_settings_read_in_env_example():
    assert set(example_variables()) == variables_read_by_settings()


def test_it_passes_the_deploy_check_with_nothing_silenced():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "short-key"}, "SECRET_KEY is too weak for production"),
        ({"SECRET_KEY": "django-insecure-" + "x" * 50}, "SECRET_KEY is too weak for production"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS is not set"),
        ({"TRUSTED_PROXY_COUNT": "two"}, "TRUSTED_PROXY_COUNT must be a whole number"),
    ],
)
def test_it_refuses_to_start_on_an_unsafe_production_setting(changes, message):
    result = manage("check", env=production_env(**changes))

    assert result.returncode != 0
    assert f"django.core.exceptions.ImproperlyConfigured: {message}" in result.stderr


def test_it_sends_the_security_headers(production, analyst):
    with override_settings(**production):
        response = Client().get("/login/", secure=True, headers={"host": HOST})

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == policy["object-src"] == "'none'"


def test_it_redirects_plain_http_to_https(production, db):
    with override_settings(**production):
        response = Client().get("/login/?next=/", headers={"host": HOST})

    assert (response.status_code, response["Location"]) == (
        301,
        f"https://{HOST}/login/?next=/",
    )


def assert_locked_down(cookie: Morsel) -> None:
    assert (cookie["secure"], cookie["httponly"], cookie["samesite"]) == (True, True, "Lax")


def test_it_names_the_cookies_with_the_host_prefix(production, analyst, settings):
    """__Host-: a browser takes the cookie only if Secure, without Domain, with Path=/."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    analyst.set_password("correct-horse-battery-staple-42")
    analyst.save()
    assert (production["SESSION_COOKIE_NAME"], production["CSRF_COOKIE_NAME"]) == (
        "__Host-sessionid",
        "__Host-csrftoken",
    )
    with override_settings(**production):
        client = Client()
        form = client.get("/login/", secure=True, headers={"host": HOST})
        login = client.post(
            "/login/",
            {"username": "analyst", "password": "correct-horse-battery-staple-42"},
            secure=True,
            headers={"host": HOST},
        )
        page = client.get("/", secure=True, headers={"host": HOST})

    assert page.status_code == 200  # the prefixed session cookie is the one read back
    for cookie in (form.cookies["__Host-csrftoken"], login.cookies["__Host-sessionid"]):
        assert (cookie["secure"], cookie["path"], cookie["domain"]) == (True, "/", "")
    assert "sessionid" not in login.cookies and "csrftoken" not in form.cookies


def test_it_keeps_the_plain_cookie_names_with_debug_on():
    assert (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME) == ("sessionid", "csrftoken")


def test_it_sets_secure_http_only_cookies(production, analyst, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    analyst.set_password("correct-horse-battery-staple-42")
    analyst.save()
    with override_settings(**production):
        client = Client()
        form = client.get("/login/", secure=True, headers={"host": HOST})
        login = client.post(
            "/login/",
            {"username": "analyst", "password": "correct-horse-battery-staple-42"},
            secure=True,
            headers={"host": HOST},
        )

    assert_locked_down(form.cookies[production["CSRF_COOKIE_NAME"]])
    assert login.status_code == 302
    session = login.cookies[production["SESSION_COOKIE_NAME"]]
    assert_locked_down(session)
    assert session["expires"] == ""  # ends when the browser closes


@override_settings(ROOT_URLCONF="tests.urls_boom", DEBUG=False)
def test_it_shows_a_plain_500_page_and_logs_the_traceback(analyst, caplog):
    client = Client(raise_request_exception=False)
    client.force_login(analyst)

    response = client.get("/boom/")

    page = response.content.decode()
    assert response.status_code == 500
    assert "Server error" in page
    for detail in ("Traceback", "RuntimeError", "hunter2", settings.SECRET_KEY, "DATABASES"):
        assert detail not in page
    [record] = [
        r for r in caplog.records if r.name == "django.request" and r.levelno == logging.ERROR
    ]
    assert record.getMessage() == "Internal Server Error: /boom/"
    # Written by the configured console handler, the record carries the whole traceback.
    [console] = logging.getLogger().handlers[:1]
    logged = console.format(record)
    assert "Traceback (most recent call last):" in logged
    assert "RuntimeError: boom: the secret database password is hunter2" in logged


def test_it_renders_the_500_page_without_a_request_or_context():
    page = get_template("500.html").render()

    assert "<h1>Server error</h1>" in page
    assert "{%" not in page and "Traceback" not in page


@override_settings(DEBUG=False)
def test_it_shows_a_plain_404_page(analyst_client):
    response = analyst_client.get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page
    for detail in ("Traceback", "URLconf", "urlpatterns", "tracker.urls"):
        assert detail not in page


INLINE = [
    ("inline <script>", re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)),
    ("<style> element", re.compile(r"<style[\s>]", re.I)),
    ("style attribute", re.compile(r"<[^>]+\sstyle=", re.I)),
    ("event handler attribute", re.compile(r"<[^>]+\son[a-z]+=", re.I)),
    ("javascript: URL", re.compile(r"""(?:href|src|action)=["']?\s*javascript:""", re.I)),
]


def inline_code(html: str) -> list[str]:
    found = []
    for label, pattern in INLINE:
        found += [f"{label}: {m.group(0)[:80]}" for m in pattern.finditer(html)]
    return found


def test_it_serves_every_page_without_inline_script_or_style(world, admin_client):
    """The CSP forbids inline code, which the browser would silently not run: every HTML page
    (the admin's included), as a superuser sees it, must therefore have none."""
    problems = []
    for route in url_matrix.all_routes():
        url = url_matrix.url_for(route)
        response = admin_client.get(url + url_matrix.query_for(route))
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            problems += [f"{url}: {issue}" for issue in inline_code(response.content.decode())]
    assert not problems, "\n".join(problems)


def test_it_recognises_inline_code():
    page = '<script>x()</script><script src="/a.js"></script><p style="x" onclick="y">'

    assert [issue.split(":")[0] for issue in inline_code(page)] == [
        "inline <script>",
        "style attribute",
        "event handler attribute",
    ]


@pytest.mark.browser
def test_it_runs_every_page_under_the_csp_in_a_browser(
    world, superuser, live_server, django_db_serialized_rollback, monkeypatch
):
    """What the HTML scan cannot see: a real browser, under the real header, reports no CSP
    violation on any page, including scripts' own doings (the admin's autocomplete widget)."""
    from playwright.sync_api import Error, sync_playwright

    # Playwright runs an event loop in this thread; the ORM calls below are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    client = Client()
    client.force_login(superuser)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    urls = [
        url_matrix.url_for(route) + url_matrix.query_for(route)
        for route in url_matrix.all_routes()
        if "logout" not in route.url_name and route.name != "admin:autocomplete"
    ]
    violations: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        context = browser.new_context()
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        for url in urls:
            try:
                response = page.goto(live_server.url + url)
            except Error:  # an empty error response, e.g. 405 for a POST-only URL
                continue
            if response is None or "html" not in response.headers.get("content-type", ""):
                continue
            widget = page.locator(".select2-selection").first
            if widget.count():
                widget.click()  # opens the autocomplete drop-down, built by script
                page.wait_for_timeout(300)
        browser.close()

    assert not violations, "\n".join(violations)
