"""Login that resists guessing (django-axes), sessions that end, and password rules."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD

LOCKED_MESSAGE = "Too many failed logins. Try again in 15 minutes."


def client_at(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def log_in(client: Client, username: str, password: str, url: str = "/login/"):
    return client.post(url, {"username": username, "password": password})


def logged_in(response) -> bool:
    return SESSION_KEY in response.wsgi_request.session


def fail_five_times(client: Client, username: str, url: str = "/login/") -> list[int]:
    return [log_in(client, username, "wrong-password", url).status_code for _ in range(5)]


def test_it_locks_out_on_the_fifth_failure_with_429_and_a_clear_message(analyst):
    client = client_at("10.0.0.1")

    statuses = fail_five_times(client, "analyst")

    assert statuses == [200, 200, 200, 200, 429]
    locked = log_in(client, "analyst", "wrong-password")
    assert locked.status_code == 429
    assert LOCKED_MESSAGE in locked.content.decode()


def test_it_refuses_the_right_password_during_the_cool_off(analyst):
    client = client_at("10.0.0.1")
    fail_five_times(client, "analyst")

    response = log_in(client, "analyst", PASSWORD)

    assert response.status_code == 429
    assert not logged_in(response)
    assert client.get("/").status_code == 302  # still sent to the login page


def test_it_leaves_other_users_and_other_addresses_alone(analyst, viewer):
    fail_five_times(client_at("10.0.0.1"), "analyst")

    other_user = log_in(client_at("10.0.0.1"), "viewer", PASSWORD)
    other_address = log_in(client_at("10.0.0.2"), "analyst", PASSWORD)

    assert (other_user.status_code, logged_in(other_user)) == (302, True)
    assert (other_address.status_code, logged_in(other_address)) == (302, True)


def test_it_lets_the_user_in_after_the_cool_off(analyst):
    client = client_at("10.0.0.1")
    fail_five_times(client, "analyst")
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    # Sixteen minutes pass: move the recorded attempts back instead of patching the clock.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))

    response = log_in(client, "analyst", PASSWORD)

    assert (response.status_code, logged_in(response)) == (302, True)
    assert response["Location"] == "/"
    assert not AccessAttempt.objects.exists()  # reset on success


def test_it_never_locks_out_for_good(analyst):
    client = client_at("10.0.0.1")
    fail_five_times(client, "analyst")
    # Even a further burst of guesses only restarts the 15 minutes.
    fail_five_times(client, "analyst")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert logged_in(log_in(client, "analyst", PASSWORD))


def test_it_protects_the_admin_login_too(analyst):
    client = client_at("10.0.0.3")

    statuses = fail_five_times(client, "analyst", url="/admin/login/")
    right_password = log_in(client, "analyst", PASSWORD, url="/admin/login/")

    assert statuses == [200, 200, 200, 200, 429]
    assert right_password.status_code == 429
    assert LOCKED_MESSAGE in right_password.content.decode()
    assert not logged_in(right_password)


def test_it_logs_failed_and_locked_attempts(analyst, caplog):
    caplog.set_level(logging.INFO)
    client = client_at("10.0.0.1")

    log_in(client, "analyst", "wrong-password")
    failures = [
        r for r in caplog.records if r.name.startswith("axes") and r.levelno == logging.WARNING
    ]
    assert "New login failure" in failures[0].getMessage()
    # The address is logged; what was typed as the username is not (it may be a password).
    assert "10.0.0.1" in failures[0].getMessage()
    assert "analyst" not in failures[0].getMessage()

    for _ in range(4):
        log_in(client, "analyst", "wrong-password")
    locks = [r.getMessage() for r in caplog.records if "Locking out" in r.getMessage()]
    assert len(locks) == 1 and "10.0.0.1" in locks[0] and "analyst" not in locks[0]
    # Kept in the database with the account name, for superusers in the admin.
    assert list(
        AccessFailureLog.objects.order_by("attempt_time").values_list("username", "locked_out")
    ) == [("analyst", False)] * 4 + [("analyst", True)]


def test_it_counts_the_client_address_behind_a_trusted_proxy(analyst, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The proxy appends the address it saw; what the client sent before it is not trusted.
    forged = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 10.9.9.9", "REMOTE_ADDR": "192.168.0.1"}

    fail_five_times(Client(**forged), "analyst")

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.9.9.9"]
    other_client = Client(HTTP_X_FORWARDED_FOR="10.9.9.8", REMOTE_ADDR="192.168.0.1")
    assert logged_in(log_in(other_client, "analyst", PASSWORD))


def test_it_ignores_x_forwarded_for_without_a_proxy(analyst):
    fail_five_times(Client(HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="10.0.0.7"), "analyst")

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.0.0.7"]


def test_it_ends_sessions_after_eight_idle_hours_and_at_browser_close():
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_it_sets_a_session_cookie_that_dies_with_the_browser(analyst):
    client = client_at("10.0.0.1")

    response = log_in(client, "analyst", PASSWORD)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert (cookie["expires"], cookie["max-age"]) == ("", "")
    assert cookie["httponly"] is True
    session = Session.objects.get(session_key=cookie.value)
    idle = session.expire_date - timezone.now()
    assert timedelta(hours=7, minutes=59) < idle <= timedelta(hours=8)


def test_it_sends_an_idle_session_back_to_the_login_page(analyst):
    client = client_at("10.0.0.1")
    log_in(client, "analyst", PASSWORD)
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get("/")

    assert (response.status_code, response["Location"]) == (302, "/login/?next=/")


def test_it_moves_the_idle_limit_forward_on_every_request(analyst):
    client = client_at("10.0.0.1")
    log_in(client, "analyst", PASSWORD)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=5))

    client.get("/")

    assert Session.objects.get().expire_date > timezone.now() + timedelta(hours=7, minutes=59)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Xy7!", "too short"),
        ("password", "too common"),
        ("83920174659", "entirely numeric"),
        ("analyst1", "too similar to the username"),
    ],
)
def test_it_refuses_weak_passwords(analyst, password, reason):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=analyst)

    assert reason in " ".join(refused.value.messages)


def test_it_accepts_a_long_passphrase(analyst):
    assert validate_password(PASSWORD, user=analyst) is None


def test_it_shows_the_login_form_and_a_clear_error(analyst):
    client = client_at("10.0.0.1")

    form = client.get("/login/?next=/admin/")
    wrong = log_in(client, "analyst", "wrong-password")

    assert form.status_code == 200
    assert 'name="next" value="/admin/"' in form.content.decode()
    assert "did not match" in wrong.content.decode()
    assert not logged_in(wrong)
