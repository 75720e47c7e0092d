"""Who may read the API: a personal token or a signed-in session, with the view permission.

Tokens are sent as ``Authorization: Token <key>``; only the key's hash is stored. Every token
use is logged with its user (logger ``missions.api``) and stamped on the token, so that its owner
sees on /account/tokens/ when it was last used. Throttling is per token (per user for a session).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from missions.api.models import ApiToken, hash_key
from missions.roles import VIEW_PERMISSION

log = logging.getLogger("missions.api")

KEYWORD = "Token"


class HashedTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != KEYWORD.lower().encode():
            return None  # not ours: the session may authenticate the request
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the header as 'Authorization: Token <key>', with one key.")
            )
        try:
            key = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        token = (
            ApiToken.objects.active()
            .select_related("user")
            .filter(key_hash=hash_key(key), user__is_active=True)
            .first()
        )
        if token is None:
            log.warning("Refused API token %s…: unknown, revoked or of an inactive user", key[:8])
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        now = timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        log.info(
            "API token %s (%s) used by %s: %s %s",
            token.prefix,
            token.name,
            token.user.get_username(),
            request.method,
            request.get_full_path(),
        )
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (with WWW-Authenticate) rather than 403 to anonymous requests.
        return KEYWORD


class CanViewTracker(BasePermission):
    """The permission the staff pages ask: reading statements (viewers, analysts)."""

    message = _("You do not have permission to read the tracker.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(VIEW_PERMISSION))


class PerTokenThrottle(SimpleRateThrottle):
    """``API_THROTTLE_RATE`` requests per token; a session counts per user."""

    scope = "api"

    def get_rate(self) -> str:
        # Read at each request (not at import, as DRF's default does), so settings can change it.
        return settings.API_THROTTLE_RATE

    def __init__(self) -> None:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_cache_key(self, request, view) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class HashedTokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI schema, so that the docs page can send it."""

    target_class = "missions.api.auth.HashedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`; make a key on /account/tokens/.",
        }
