"""Shared fixtures: personas (analyst, viewer, superuser, outsider) and the real data."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.test import Client
from django.utils import translation


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
