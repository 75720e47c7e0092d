"""Conditional GET: an ETag from the data's version, and 304 before the page runs its queries.

The ETag of a page, download or API response is a hash of what its content depends on: the data
version (``missions.models.data_version``), the day (pages count days left), the reader (their
session, which the forms' CSRF tokens belong to), their language and the URL.
A script that polls every minute with ``If-None-Match`` costs a handful of primary-key reads.

Staff pages and downloads go through ``ConditionalPageMiddleware`` (it answers for the URL
namespaces in ``CONDITIONAL_NAMESPACES``, after checking the permission the page checks, so a
user who lost it gets the page's 403, not a 304). The API does the same inside DRF, after
authentication, permission and throttling (``missions.api.views.ConditionalMixin``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag

from missions.models.data_version import current_version
from missions.roles import VIEW_PERMISSION

# The staff pages and report downloads. The admin and import (forms that write) and the
# account pages (forms whose content is the reader's own settings) are always served fresh.
CONDITIONAL_NAMESPACES = {"missions", "reports"}
# Where process_view leaves the ETag it computed, for __call__ to put on the rendered page.
ETAG_ATTRIBUTE = "_data_etag"


def data_etag(request: HttpRequest, today: date, credential: str) -> str:
    """The ETag of ``request``'s response if it were rendered now, for the reader ``credential``
    (a session and CSRF secret, or a token id)."""
    parts = [
        str(current_version()),
        today.isoformat(),
        str(request.user.pk),
        credential,
        translation.get_language() or "",
        request.get_full_path(),
    ]
    return quote_etag(hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32])


def session_credential(request: HttpRequest) -> str:
    # The session key changes on every login, as does the CSRF secret, so a page kept from before
    # a new login (with the old CSRF token in its forms) is not reused. Between logins the CSRF
    # cookie stays, so a kept page's token stays valid.
    return getattr(getattr(request, "session", None), "session_key", None) or ""


def not_modified_or_none(request: HttpRequest, etag: str) -> HttpResponse | None:
    """A 304 (or 412) when the request's conditions match ``etag``; None to render."""
    response = get_conditional_response(request, etag=etag)
    if response is not None:
        response.headers["ETag"] = etag
    return response


class ConditionalPageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        etag = getattr(request, ETAG_ATTRIBUTE, None)
        if etag and response.status_code == 200 and not response.has_header("ETag"):
            response.headers["ETag"] = etag
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            request.method not in ("GET", "HEAD")
            or match is None
            or not CONDITIONAL_NAMESPACES.intersection(match.namespaces)
            or not request.user.has_perm(VIEW_PERMISSION)
        ):
            return None
        # Read before the page's queries: if data changes while it renders, the next request
        # sees a new version and gets the new page.
        etag = data_etag(request, timezone.localdate(), session_credential(request))
        setattr(request, ETAG_ATTRIBUTE, etag)
        return not_modified_or_none(request, etag)
