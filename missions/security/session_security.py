"""Sessions that end, pages that are not cached, and the second factor where it is required.

- An absolute lifetime (settings.SESSION_ABSOLUTE_AGE, 12 hours) next to the idle one: a
  session that is used all the time would otherwise live for ever.
- ``Cache-Control: no-store`` on every page and download Django serves (static files come
  from WhiteNoise, before this): a shared computer's browser cache or a proxy must keep no
  copy of a staff page or an export.
- A signed-in user who has a TOTP device must enter a code before anything else; with
  REQUIRE_2FA=true, analysts and superusers without one must set one up first.

"The time" is read here, at the edge, and passed to the pure rule ``session_expired``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

security_log = logging.getLogger("missions.security")

# Session keys: when the user logged in (seconds since the epoch), and whether the account
# had a confirmed second factor then (read from the session, so that pages cost no query).
LOGIN_AT = "tracker_login_at"
HAS_SECOND_FACTOR = "tracker_has_second_factor"

# Pages a user who still owes a second factor may open: to give it, to set it up, to leave.
_OPEN_BEFORE_SECOND_FACTOR = {
    "account:two_factor_verify",
    "account:two_factor_enrol",
    "logout",
    "admin:logout",
    "set_language",
    "login",
}


def session_expired(login_at: float | None, now: float, max_age: int) -> bool:
    """A session with no recorded login (made before this rule) counts as expired."""
    return login_at is None or now - login_at > max_age


def needs_second_factor(user) -> bool:
    """Analysts (staff) and superusers: the accounts that can change the record."""
    return user.is_authenticated and (user.is_staff or user.is_superuser)


def record_login(sender, request: HttpRequest, user, **kwargs) -> None:
    """user_logged_in receiver (connected in MissionsConfig.ready)."""
    if request is None or not hasattr(request, "session"):
        return
    from django_otp import user_has_device

    request.session[LOGIN_AT] = time.time()
    request.session[HAS_SECOND_FACTOR] = user_has_device(user, confirmed=True)


class AbsoluteSessionLifetimeMiddleware:
    """After AuthenticationMiddleware: logs out a session older than SESSION_ABSOLUTE_AGE;
    LoginRequiredMiddleware then sends the user to the login page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and session_expired(
            request.session.get(LOGIN_AT), time.time(), settings.SESSION_ABSOLUTE_AGE
        ):
            security_log.info(
                "Session of %r ended: older than %s seconds",
                request.user.get_username(),
                settings.SESSION_ABSOLUTE_AGE,
            )
            logout(request)
            request.user = AnonymousUser()
        return self.get_response(request)


class NoStoreMiddleware:
    """Every response Django makes: never cached (``no-store`` among the never-cache headers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


def _verified(user: Any) -> bool:
    """Whether this session gave a TOTP code: django_otp's OTPMiddleware puts is_verified() on
    request.user, a method the User model's type does not know."""
    return bool(user.is_verified())


class SecondFactorMiddleware:
    """After django_otp's OTPMiddleware and LoginRequiredMiddleware: a signed-in user who owes a
    code is sent to the page that asks for it (or to set one up), with the way back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or _verified(user):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in _OPEN_BEFORE_SECOND_FACTOR:
            return None
        if request.session.get(HAS_SECOND_FACTOR):
            target = "account:two_factor_verify"
        elif settings.REQUIRE_2FA and needs_second_factor(user):
            target = "account:two_factor_enrol"
        else:
            return None
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(target)}?{query}")
