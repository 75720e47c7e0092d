"""The own account: every signed-in user changes their password; sessions end after 12 hours;
TOTP as a second factor (set up, asked after login, required with REQUIRE_2FA)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time
from io import StringIO

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from missions.security.session_security import LOGIN_AT, session_expired
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-new-and-longer-passphrase-77"


def totp_code(secret_b32: str, at: float | None = None) -> str:
    """RFC 6238 with SHA-1, 30-second steps and 6 digits, from the secret the page shows."""
    key = base64.b32decode(secret_b32.replace(" ", ""))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def logged_in(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


# -- password ----------------------------------------------------------------------------------


def test_it_lets_a_viewer_change_their_own_password(viewer):
    client = logged_in("viewer")
    page = client.get("/account/password/")
    assert page.status_code == 200
    assert 'href="/account/password/"' in page.content.decode()  # in the nav
    assert client.get("/admin/password_change/").status_code == 403  # the admin's stays staff's

    response = client.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/account/password/done/"
    viewer.refresh_from_db()
    assert viewer.check_password(NEW_PASSWORD)
    # Still logged in on this device; the old password no longer works.
    assert client.get("/").status_code == 200
    relogin = Client().post("/login/", {"username": "viewer", "password": PASSWORD})
    assert relogin.status_code == 200  # the form again: the old password failed


def test_it_keeps_the_password_when_the_old_one_is_wrong(viewer):
    client = logged_in("viewer")

    response = client.post(
        "/account/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    viewer.refresh_from_db()
    assert viewer.check_password(PASSWORD)


def test_it_sends_an_anonymous_visitor_of_the_password_page_to_the_login(db):
    response = Client().get("/account/password/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/account/password/"


# -- absolute session lifetime -----------------------------------------------------------------


def test_it_has_a_pure_rule_for_the_absolute_lifetime():
    twelve_hours = 12 * 60 * 60
    assert not session_expired(1000.0, 1000.0 + twelve_hours, twelve_hours)
    assert session_expired(1000.0, 1000.0 + twelve_hours + 1, twelve_hours)
    assert session_expired(None, 1000.0, twelve_hours)


def age_session(client: Client, seconds: float) -> None:
    session = client.session
    session[LOGIN_AT] = time.time() - seconds
    session.save()


def test_it_refuses_a_session_older_than_12_hours_however_active(viewer):
    client = logged_in("viewer")
    age_session(client, 12 * 60 * 60 + 5)

    response = client.get("/documents/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/documents/"
    assert SESSION_KEY not in client.session
    assert client.get("/documents/").status_code == 302


def test_it_keeps_a_session_younger_than_12_hours(viewer):
    client = logged_in("viewer")
    age_session(client, 12 * 60 * 60 - 60)

    assert client.get("/documents/").status_code == 200


def test_it_refuses_a_session_that_never_recorded_its_login(viewer):
    client = logged_in("viewer")
    session = client.session
    del session[LOGIN_AT]
    session.save()

    assert client.get("/").status_code == 302


# -- second factor -----------------------------------------------------------------------------


def enrol_page(client: Client) -> tuple[str, str]:
    html = client.get("/account/two-factor/").content.decode()
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', html)[1]
    uri = re.search(r'<code class="otpauth">([^<]+)</code>', html)[1]
    return secret, uri


def test_it_enrols_an_analyst_with_a_code_computed_from_the_secret(analyst):
    client = logged_in("analyst")
    secret, uri = enrol_page(client)
    assert uri.startswith("otpauth://totp/Mission%20commitments%20tracker%3Aanalyst?secret=")
    assert f"secret={secret.replace(' ', '')}" in uri
    assert "data:image/svg+xml" in client.get("/account/two-factor/").content.decode()
    assert not TOTPDevice.objects.exists()  # showing the page stores nothing

    response = client.post(
        "/account/two-factor/", {"code": totp_code(secret), "next": "/documents/"}
    )

    assert (response.status_code, response["Location"]) == (302, "/documents/")
    device = TOTPDevice.objects.get()
    assert (device.user, device.confirmed) == (analyst, True)
    assert base64.b32encode(device.bin_key).decode() == secret.replace(" ", "")
    assert client.get("/documents/").status_code == 200


def test_it_refuses_a_wrong_code_at_enrolment(analyst):
    client = logged_in("analyst")
    secret, _ = enrol_page(client)
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"

    response = client.post("/account/two-factor/", {"code": wrong})

    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.exists()
    # The same secret is offered again, so the app set up already still fits.
    assert enrol_page(client)[0] == secret


def test_it_refuses_a_code_that_is_not_six_digits(analyst):
    client = logged_in("analyst")
    enrol_page(client)

    response = client.post("/account/two-factor/", {"code": "12ab56"})

    assert response.status_code == 400
    assert "Enter the 6 digits your app shows." in response.content.decode()


@pytest.fixture
def analyst_device(analyst) -> tuple[TOTPDevice, str]:
    device = TOTPDevice.objects.create(user=analyst, name="phone", confirmed=True)
    return device, base64.b32encode(device.bin_key).decode()


def test_it_asks_for_the_code_after_the_password_and_then_lets_through(analyst_device):
    _, secret = analyst_device
    client = logged_in("analyst")

    asked = client.get("/documents/?page=1")
    assert asked.status_code == 302
    assert asked["Location"] == "/account/two-factor/verify/?next=%2Fdocuments%2F%3Fpage%3D1"
    assert client.get("/admin/").status_code == 302  # the admin too

    response = client.post(
        "/account/two-factor/verify/", {"code": totp_code(secret), "next": "/documents/?page=1"}
    )

    assert (response.status_code, response["Location"]) == (302, "/documents/?page=1")
    assert client.get("/documents/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_it_refuses_a_wrong_or_replayed_code_after_login(analyst_device):
    _, secret = analyst_device
    client = logged_in("analyst")
    wrong = f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"

    refused = client.post("/account/two-factor/verify/", {"code": wrong})

    assert refused.status_code == 400
    assert "That code is not right" in refused.content.decode()
    assert client.get("/documents/").status_code == 302
    # A code that got someone in once does not get anyone in again (django-otp's last_t).
    other = logged_in("analyst")
    device = TOTPDevice.objects.get()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    code = totp_code(secret)
    assert other.post("/account/two-factor/verify/", {"code": code}).status_code == 302
    third = logged_in("analyst")
    assert third.post("/account/two-factor/verify/", {"code": code}).status_code == 400


def test_it_does_not_send_a_device_owner_anywhere_without_the_code_of_any_page(analyst_device):
    client = logged_in("analyst")

    for path in ("/", "/reports/summary/", "/reports/contributions/?format=csv", "/import/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/account/two-factor/verify/"), path


@pytest.mark.parametrize("persona", ["analyst", "superuser"])
def test_it_requires_a_device_of_analysts_and_superusers_with_require_2fa(
    persona, request, settings
):
    settings.REQUIRE_2FA = True
    user = request.getfixturevalue(persona)
    client = logged_in(user.username)

    response = client.get("/account/password/")

    assert response.status_code == 302
    assert response["Location"] == "/account/two-factor/?next=%2Faccount%2Fpassword%2F"
    secret, _ = enrol_page(client)
    enrolled = client.post("/account/two-factor/", {"code": totp_code(secret)})
    assert enrolled.status_code == 302, enrolled.content.decode()
    # Let through now (a page that needs no role, so that only the second factor is tested).
    assert client.get("/account/password/").status_code == 200


def test_it_leaves_the_second_factor_optional_for_viewers_and_without_require_2fa(
    viewer, analyst, settings
):
    settings.REQUIRE_2FA = True
    assert logged_in("viewer").get("/documents/").status_code == 200
    settings.REQUIRE_2FA = False
    assert logged_in("analyst").get("/documents/").status_code == 200


def test_it_lets_a_user_who_owes_a_code_log_out(analyst_device):
    client = logged_in("analyst")

    response = client.post("/logout/")

    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert User.objects.filter(username="analyst").exists()


def test_it_removes_a_lost_authenticator_from_the_command_line(analyst_device, viewer):
    TOTPDevice.objects.create(user=viewer, name="viewer's phone", confirmed=True)
    out = StringIO()

    call_command("reset_2fa", "analyst", stdout=out)

    assert "Removed 1 authenticator(s) of analyst." in out.getvalue()
    assert list(TOTPDevice.objects.values_list("user__username", flat=True)) == ["viewer"]
    assert logged_in("analyst").get("/documents/").status_code == 200
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("reset_2fa", "nobody")
