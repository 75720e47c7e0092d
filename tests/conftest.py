"""Shared fixtures: personas (analyst, viewer, superuser, outsider) and the real data."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test import Client
from django.test.testcases import LiveServerThread
from django.utils import translation


class OneRequestAtATimeOnSQLite(ThreadedWSGIServer):
    """The live server of the browser tests, answering one request at a time on SQLite.

    The test database is SQLite in memory with a shared cache, which every request thread
    opens a connection to. Django's threaded live server lets those threads use it at once when
    the browser sends a request while another is being answered. On 2026-12-03 the suite hung
    for good in a browser test twice. The second time, ``faulthandler_timeout`` printed the
    stacks: two request threads stood inside ``execute`` for minutes, one reading the admin's
    date drill-down, the other saving the session. Connections are still accepted in threads,
    so a browser's idle pre-opened socket blocks nobody; only the application runs under one
    lock, its response body included. On PostgreSQL nothing is serialised.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.one_at_a_time = threading.Lock() if connections["default"].vendor == "sqlite" else None

    def get_app(self) -> Callable:
        app = super().get_app()
        lock = self.one_at_a_time
        if lock is None:
            return app

        def serialised(environ: dict, start_response: Callable) -> Iterable[bytes]:
            with lock:
                response = app(environ, start_response)
                try:
                    # The body is read here (a streamed export reads the database as it goes).
                    return list(response)
                finally:
                    close = getattr(response, "close", None)
                    if close is not None:
                        close()

        return serialised


LiveServerThread.server_class = OneRequestAtATimeOnSQLite


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Hashing with PBKDF2 costs most of a login; tests do not need the strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_language_leaks():
    """A request with Accept-Language: nl leaves Dutch active in the thread; reset it after each
    test so that a later test's English expectations do not depend on test order."""
    yield
    translation.deactivate()


PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture
def real_data(db):
    """The shipped fixtures from ../fixtures, loaded as `make run` loads them."""
    call_command("load_real_data", verbosity=0)


def _user(username: str, *, group: str | None = None, **flags) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, **flags)
    if group:
        # The roles come from a data migration; fall back to view permissions if it is absent.
        role, _ = Group.objects.get_or_create(name=group)
        if not role.permissions.exists():
            perms = Permission.objects.filter(content_type__app_label="missions")
            if group == "Viewer":
                perms = perms.filter(codename__startswith="view_")
            role.permissions.set(perms)
        user.groups.add(role)
    return user


@pytest.fixture
def analyst(db) -> User:
    return _user("analyst", group="Analyst", is_staff=True)


@pytest.fixture
def viewer(db) -> User:
    return _user("viewer", group="Viewer")


@pytest.fixture
def superuser(db) -> User:
    return _user("admin", is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(db) -> User:
    """Logged in, but in no group."""
    return _user("outsider")


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def analyst_client(analyst) -> Client:
    return _client_for(analyst)


@pytest.fixture
def viewer_client(viewer) -> Client:
    return _client_for(viewer)


@pytest.fixture
def admin_client(superuser) -> Client:  # overrides pytest-django's, same meaning
    return _client_for(superuser)
