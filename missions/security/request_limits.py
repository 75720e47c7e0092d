"""Request bodies that cannot flood a worker: a size limit checked before any byte is read, and a
few uploads at a time per account.

Django reads a POST body only when a view (or the CSRF check) first asks for ``request.POST``;
a multipart body is then spooled to the temporary folder as it comes, whatever its size. So the
size is checked first, from ``Content-Length``, and a body without one (``Transfer-Encoding:
chunked``) is read through a counter that stops at the limit. Both answer 413 with a page.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from missions.security.middleware import client_ip_address

security_log = logging.getLogger("missions.security")


class BodyTooLarge(Exception):
    pass


def refusal(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    """A plain page (no session, no user: it may be sent before either is loaded)."""
    page = render_to_string("limits/refused.html", {"title": title, "message": message})
    response = HttpResponse(page, status=status)
    # The client may still be sending: tell it the connection ends here.
    response["Connection"] = "close"
    return response


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    security_log.warning(
        "Refused a request body over %s bytes: %s %s", limit, request.method, request.path
    )
    megabytes = f"{limit / (1024 * 1024):.0f}"
    return refusal(
        request,
        413,
        _("The upload is too large"),
        _("The server takes at most %(size)s MB in one request; nothing was saved.")
        % {"size": megabytes},
    )


def _read_at_most(stream, limit: int) -> bytes:
    """Up to ``limit`` bytes of ``stream``; BodyTooLarge as soon as there is more."""
    buffer = io.BytesIO()
    while chunk := stream.read(min(64 * 1024, limit + 1 - buffer.tell())):
        buffer.write(chunk)
        if buffer.tell() > limit:
            raise BodyTooLarge
    return buffer.getvalue()


class RequestBodyLimitMiddleware:
    """First in MIDDLEWARE: 413 for a body over ``settings.REQUEST_MAX_BYTES``, before anything
    reads it. A chunked body (no Content-Length) is read here, at most up to the limit, and
    handed on as if it had declared its length."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.REQUEST_MAX_BYTES
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            # No length to trust (a chunked body wins over any Content-Length, RFC 9112).
            stream = request.META.get("wsgi.input")
            if stream is not None:
                try:
                    body = _read_at_most(stream, limit)
                except BodyTooLarge:
                    return too_large(request, limit)
                request.META["CONTENT_LENGTH"] = str(len(body))
                # Django reads the body from _stream (WSGIRequest made it from wsgi.input).
                replay = LimitedStream(io.BytesIO(body), len(body))
                request._stream = replay  # type: ignore[assignment]
        else:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0  # Django reads no body for a length it cannot parse
            if length > limit:
                return too_large(request, limit)
        return self.get_response(request)


def _slot_folder() -> Path:
    folder = Path(settings.UPLOAD_SLOTS_DIR or Path(tempfile.gettempdir()) / "tracker-uploads")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


@contextmanager
def upload_slot(key: str, slots: int) -> Iterator[bool]:
    """One of ``slots`` places for ``key``, shared by every worker process of this host: a lock
    on one of ``slots`` files, which the system releases even if the process is killed. Yields
    False when every place is taken."""
    # Accounts are numbered per database: two sites (or checkouts, or test runs) on one host
    # must not share a slot.
    database = connection.settings_dict
    site = (
        f"{settings.BASE_DIR} {database.get('HOST') or ''}:{database.get('PORT') or ''}"
        f"/{database['NAME']}"
    )
    name = hashlib.sha256(f"{site} {key}".encode()).hexdigest()[:32]
    folder = _slot_folder()
    for number in range(slots):
        fd = os.open(folder / f"{name}-{number}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        return
    yield False


def is_upload(request: HttpRequest) -> bool:
    return request.method == "POST" and request.content_type == "multipart/form-data"


class UploadSlotsMiddleware:
    """After AuthenticationMiddleware, before anything reads the body (the CSRF check does):
    at most ``settings.UPLOADS_PER_USER`` uploads at a time per account, or per address for
    anonymous requests; the next one gets 429 at once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_upload(request):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            key = f"user:{user.pk}"
        else:
            key = f"address:{client_ip_address(request)}"
        with upload_slot(key, settings.UPLOADS_PER_USER) as granted:
            if granted:
                return self.get_response(request)
        security_log.warning("Refused a concurrent upload for %s: %s", key, request.path)
        return refusal(
            request,
            429,
            _("Too many uploads at once"),
            _(
                "Your account is already sending %(count)s uploads; wait until one has finished, "
                "then try again."
            )
            % {"count": settings.UPLOADS_PER_USER},
        )
