"""A database outage answers a clear 503 page, never a 400 or 500, and the next request after it
works again (missions.security.outage, missions.security.session_store).

The outage is made with ``connection.execute_wrapper``: the chosen queries fail as psycopg fails
when PostgreSQL restarts (an OperationalError without SQLSTATE, "server closed the connection
unexpectedly"), wrapped in Django's OperationalError as Django wraps every driver error.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
import psycopg.errors
import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import IntegrityError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from missions.security.outage import OutageAwareSessionMiddleware, is_database_outage
from tests.conftest import PASSWORD

LOST = "consuming input failed: server closed the connection unexpectedly"
PAGE_TITLE = b"The database is not available"


def _lost_connection() -> OperationalError:
    try:
        raise psycopg.OperationalError(LOST)
    except psycopg.OperationalError as cause:
        error = OperationalError(LOST)
        error.__cause__ = cause
        return error


@contextmanager
def database_down(fails: Callable[[str], bool] = lambda sql: True) -> Iterator[list[str]]:
    """Every query for which ``fails(sql)`` holds raises as on a lost connection; yields the
    failed statements."""
    failed: list[str] = []

    def wrapper(execute, sql, params, many, context):
        if fails(sql):
            failed.append(sql)
            raise _lost_connection()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield failed


def _signed_in(user) -> Client:
    # As a browser sees it: the server's error page, not the exception the test client re-raises.
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _log_text(caplog) -> str:
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


def _assert_503_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    body = response.content
    assert PAGE_TITLE in body
    assert b"try again in a moment" in body
    assert b"Server error" not in body


@pytest.mark.django_db
def test_a_page_while_the_database_is_down_is_a_503_page_without_session_cache_noise(
    viewer, caplog
):
    client = _signed_in(viewer)
    with database_down() as failed:
        response = client.get("/")
    # The first query of the request is the session's own (the lifetime check reads it).
    assert "django_session" in failed[0]
    _assert_503_page(response)
    log = _log_text(caplog)
    assert "_session_cache" not in log
    assert "Database unavailable, answered 503: GET /" in log
    assert LOST in log
    # Logged as what it was answered: no "Internal Server Error" on the way to the 503.
    assert "Internal Server Error" not in log
    assert "Service Unavailable: /" in log


@pytest.mark.django_db
def test_a_query_of_the_view_failing_is_a_503_too(viewer, caplog, real_data):
    client = _signed_in(viewer)
    # Not the data version, which ConditionalPageMiddleware reads before the view.
    with database_down(lambda sql: "missions_statement" in sql) as failed:
        response = client.get("/")
    assert failed, "the page ran no query of its own"
    _assert_503_page(response)
    # Answered by process_exception: no "Internal Server Error" traceback in the log.
    assert "Internal Server Error" not in _log_text(caplog)


@pytest.mark.django_db
def test_a_page_that_worked_is_not_a_400_when_only_refreshing_the_session_fails(
    viewer, real_data, caplog
):
    client = _signed_in(viewer)
    with database_down(lambda sql: sql.startswith('UPDATE "django_session"')) as failed:
        response = client.get("/")
    assert failed  # SESSION_SAVE_EVERY_REQUEST tried to push the idle expiry forward
    assert response.status_code == 200
    assert b"Contributions" in response.content
    assert "Cookie" in response["Vary"]
    assert "SessionInterrupted" not in _log_text(caplog)
    assert "was not refreshed" in _log_text(caplog)


@pytest.mark.django_db
def test_a_changed_session_that_cannot_be_saved_is_a_503_not_a_400(viewer, caplog):
    client = _signed_in(viewer)
    session_key = client.cookies["sessionid"].value

    def view(request: HttpRequest) -> HttpResponse:
        request.session["tracker_test"] = "changed"
        return HttpResponse("done")

    request = RequestFactory().get("/anything/")
    request.COOKIES["sessionid"] = session_key
    middleware = OutageAwareSessionMiddleware(view)
    with database_down(lambda sql: sql.startswith('UPDATE "django_session"')):
        response = middleware(request)
    _assert_503_page(response)
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_the_next_request_after_the_outage_works_with_the_same_session(viewer, real_data):
    client = _signed_in(viewer)
    with database_down():
        assert client.get("/").status_code == 503
    response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user == viewer


@pytest.mark.django_db
def test_a_login_while_the_database_is_down_is_a_503(viewer):
    client = Client(raise_request_exception=False)
    with database_down():
        response = client.post("/login/", {"username": "viewer", "password": PASSWORD})
    _assert_503_page(response)


@pytest.mark.django_db
def test_an_error_that_is_not_an_outage_is_still_a_500(viewer, real_data, caplog):
    client = _signed_in(viewer)

    def wrapper(execute, sql, params, many, context):
        if "missions_" in sql:
            raise OperationalError("no such column: missions_statement.nonsense")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        response = client.get("/")
    assert response.status_code == 500
    assert "Internal Server Error: /" in _log_text(caplog)  # with its traceback, as before
    assert "no such column" in _log_text(caplog)


def _raised(error: BaseException) -> BaseException:
    """``error`` as Django raises it: its own OperationalError caused by the driver's."""
    wrapped = OperationalError(str(error))
    wrapped.__cause__ = error
    return wrapped


@pytest.mark.parametrize(
    ("error", "outage"),
    [
        (psycopg.OperationalError("connection failed: Connection refused"), True),
        (psycopg.errors.AdminShutdown("terminating connection due to administrator command"), True),
        (psycopg.errors.CannotConnectNow("the database system is starting up"), True),
        (psycopg.InterfaceError("the connection is closed"), True),
        (sqlite3.OperationalError("unable to open database file"), True),
        (sqlite3.OperationalError("database is locked"), True),
        (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), False),
        (psycopg.errors.UndefinedTable('relation "x" does not exist'), False),
        (sqlite3.OperationalError("no such table: missions_statement"), False),
        (IntegrityError("UNIQUE constraint failed"), False),
        (ValueError("not a database error"), False),
    ],
)
def test_what_counts_as_an_outage(error, outage):
    assert is_database_outage(_raised(error)) is outage
    assert is_database_outage(error) is outage


def test_the_outage_is_found_behind_the_exceptions_raised_while_handling_it():
    # As Django's session middleware does: SessionInterrupted while handling UpdateError, itself
    # raised while handling the database's error.
    with pytest.raises(SessionInterrupted) as raised:
        try:
            try:
                raise _raised(psycopg.OperationalError(LOST))
            except OperationalError:
                raise UpdateError  # noqa: B904 (the context kept, as in Django's backend)
        except UpdateError:
            raise SessionInterrupted("The request's session was deleted")  # noqa: B904
    assert is_database_outage(raised.value)
    # Hidden on purpose (``from None``): no longer this error's story.
    with pytest.raises(KeyError) as hidden:
        try:
            raise _raised(psycopg.OperationalError(LOST))
        except OperationalError:
            raise KeyError("something else") from None
    assert not is_database_outage(hidden.value)


@pytest.mark.django_db
def test_the_api_gets_its_503_in_json_not_the_html_page(viewer, caplog, real_data):
    client = _signed_in(viewer)
    with database_down(lambda sql: "missions_" in sql and "data_version" not in sql) as failed:
        response = client.get("/api/v1/missions/")
    assert failed, "the API ran no query of its own"
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The database is not available"}
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    assert "Database unavailable, answered 503: GET /api/v1/missions/" in _log_text(caplog)
