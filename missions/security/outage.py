"""A database outage (PostgreSQL restarting, a lost connection) answers 503, never 400 or 500.

Without this, a request that met the outage got whatever the failing step made of it: a 500
"Server error" when a query failed, and a **400** when the page itself had worked but saving the
session afterwards failed, because Django turns the session's failed UPDATE into
``SessionInterrupted`` ("the user may have logged out in a concurrent request"), a
SuspiciousOperation. Both are wrong: the request was fine and will work again in seconds.

``OutageAwareSessionMiddleware`` replaces Django's SessionMiddleware (same place in MIDDLEWARE)
and answers ``templates/503.html`` with ``Retry-After`` when the database is unreachable:

- a view or its template fails: ``process_exception``;
- a middleware or ``process_view`` fails (reading the session or the user comes first in most
  requests): Django has already made a 500 of it further in, so the ``got_request_exception``
  signal notes the outage on the request and the 500 is replaced on the way out;
- saving the session fails: a session that was only being kept alive (SESSION_SAVE_EVERY_REQUEST)
  is simply not refreshed this once and the page goes out; a session the request *changed*
  (a login, an import's pending token) cannot be dropped silently, so that answers 503.

Nothing is retried here: the next request gets a fresh connection (CONN_HEALTH_CHECKS), so the
app recovers as soon as the database is back.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from collections.abc import Iterator
from typing import Any

import psycopg
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.signals import got_request_exception
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext

security_log = logging.getLogger("missions.security")

RETRY_AFTER_SECONDS = 5
# PostgreSQL's SQLSTATEs for "the server is not there": connection exceptions (class 08), and
# admin shutdown, crash shutdown, cannot connect now (starting up or shutting down).
_OUTAGE_STATES_PREFIX = "08"
_OUTAGE_STATES = {"57P01", "57P02", "57P03"}
# SQLite's words for a database file that cannot be used at the moment (not "no such table").
_SQLITE_OUTAGE = ("unable to open database file", "disk i/o error", "database is locked")
_OUTAGE_ATTRIBUTE = "_database_outage"


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        # The explicit cause, else the exception being handled when this one was raised (as
        # Django raises SessionInterrupted while handling UpdateError, while handling the
        # database's error), unless that was hidden with ``raise ... from None``.
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)


def is_database_outage(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) says the database cannot be reached, as opposed to a
    query that is wrong or was refused (a constraint, a timeout, a missing table)."""
    for error in _chain(exc):
        if isinstance(error, psycopg.InterfaceError):
            return True  # the connection is closed
        if isinstance(error, psycopg.OperationalError):
            state = error.sqlstate
            # No SQLSTATE: the client library itself lost or could not make the connection.
            if state is None or state.startswith(_OUTAGE_STATES_PREFIX) or state in _OUTAGE_STATES:
                return True
        if isinstance(error, sqlite3.OperationalError) and str(error).lower().startswith(
            _SQLITE_OUTAGE
        ):
            return True
    return False


def unavailable(request: HttpRequest, exc: BaseException | None) -> HttpResponse:
    """The 503 page. Rendered without the request: no context processor may touch the session,
    the user or the database."""
    security_log.warning(
        "Database unavailable, answered 503: %s %s (%s: %s)",
        request.method,
        request.path,
        type(exc).__name__,
        str(exc).strip().splitlines()[0] if str(exc).strip() else "",
    )
    response: HttpResponse
    if request.path.startswith("/api/"):
        # An API client reads JSON, as from every other error of the API (``detail``), and the
        # same words as the page's title.
        detail = gettext("The database is not available")
        response = JsonResponse({"detail": detail}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    # The page depends on nobody's session, but a cache must not keep it for a session either.
    patch_vary_headers(response, ("Cookie",))
    return response


def note_outage(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """got_request_exception receiver: remember that the exception being handled is an outage."""
    exc = sys.exc_info()[1]
    if request is not None and is_database_outage(exc):
        setattr(request, _OUTAGE_ATTRIBUTE, exc)


class HideOutageServerErrors(logging.Filter):
    """On django.request: drops the "Internal Server Error" record (and its traceback) that
    Django writes for an outage met in a middleware, before the 500 becomes the 503 here; the
    503 is logged instead, with the database's own message (``unavailable``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (getattr(record, "status_code", None) == 500 and is_database_outage(exc))


class OutageAwareSessionMiddleware(SessionMiddleware):
    """Django's SessionMiddleware, with a 503 for a database outage (see the module)."""

    def __init__(self, get_response: Any) -> None:
        super().__init__(get_response)
        got_request_exception.connect(note_outage, dispatch_uid="missions.security.outage")

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_outage(exception):
            setattr(request, _OUTAGE_ATTRIBUTE, exception)
            return unavailable(request, exception)
        return None

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        outage = getattr(request, _OUTAGE_ATTRIBUTE, None)
        if outage is not None:
            # Leave the session alone: touching it would only meet the outage again.
            return response if response.status_code == 503 else unavailable(request, outage)
        session = getattr(request, "session", None)
        changed = bool(getattr(session, "modified", False))
        try:
            return super().process_response(request, response)
        except (DatabaseError, SessionInterrupted) as exc:
            if not is_database_outage(exc):
                raise
            if changed:
                return unavailable(request, exc)
            security_log.warning(
                "Database unavailable: the session of %s %s was not refreshed",
                request.method,
                request.path,
            )
            patch_vary_headers(response, ("Cookie",))
            return response
