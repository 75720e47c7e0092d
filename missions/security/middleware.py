"""Request-level security: the admin closed to non-staff accounts, and the client address.

Django's admin sends a logged-in user who is not staff back to its login form, which shows the
form again after a successful login: a loop with no explanation. A viewer gets a 403 page instead,
and the refusal is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

security_log = logging.getLogger("missions.security")


class StaffOnlyAdminMiddleware:
    """403 for an authenticated non-staff user on any admin URL. Needs AuthenticationMiddleware
    before it; anonymous users are left to LoginRequiredMiddleware and the admin's own login."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        match = request.resolver_match
        if match is None or "admin" not in match.namespaces:
            return None
        user = request.user
        if user.is_authenticated and not (user.is_active and user.is_staff):
            security_log.warning(
                "Refused admin access for non-staff user %r: %s %s",
                user.get_username(),
                request.method,
                request.path,
            )
            # Raised, not returned, so that Django renders templates/403.html as for any refusal.
            raise PermissionDenied
        return None


def client_ip_address(request: HttpRequest) -> str | None:
    """The address the login lockout counts failures for (settings.AXES_CLIENT_IP_CALLABLE).

    Without a proxy it is the connection's address. Behind TRUSTED_PROXY_COUNT reverse proxies,
    each of which appends the address it saw to X-Forwarded-For, the client is the entry that
    many places from the right; entries further left were sent by the client and can be forged.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
