"""Request bodies cannot flood a worker: a 413 before the body is read, 429 past a few
concurrent uploads per account."""

from __future__ import annotations

import io
import tempfile
from contextlib import ExitStack

import pytest
from django.test import Client

from missions.security.request_limits import upload_slot
from tests.conftest import PASSWORD

LIMIT = 6 * 1024 * 1024


class CountingBody:
    """A request body of ``size`` bytes that is made only as it is read, counting what is read."""

    def __init__(self, size: int, fill: bytes = b"a") -> None:
        self.size = size
        self.fill = fill
        self.read_bytes = 0

    def read(self, n: int = -1) -> bytes:
        left = self.size - self.read_bytes
        n = left if n is None or n < 0 else min(n, left)
        self.read_bytes += n
        return self.fill * n

    def readline(self, n: int = -1) -> bytes:
        return self.read(n)


@pytest.fixture
def temp_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    return tmp_path / "tmp"


def multipart_environ(body: CountingBody, length: str | None) -> dict:
    environ = {
        "wsgi.input": body,
        "CONTENT_TYPE": "multipart/form-data; boundary=xyz",
    }
    if length is not None:
        environ["CONTENT_LENGTH"] = length
    else:
        # As a WSGI server passes a chunked body on: no length at all.
        environ["CONTENT_LENGTH"] = ""
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    return environ


@pytest.mark.django_db
def test_it_refuses_a_50_mb_login_post_without_reading_it(temp_folder):
    body = CountingBody(50 * 1024 * 1024)
    response = Client().post("/login/", **multipart_environ(body, str(50 * 1024 * 1024)))

    assert response.status_code == 413
    assert "The upload is too large" in response.content.decode()
    assert "at most 6 MB" in response.content.decode()
    assert response["Connection"] == "close"
    assert body.read_bytes == 0
    assert list(temp_folder.iterdir()) == []


@pytest.mark.django_db
def test_it_refuses_a_chunked_body_once_it_passes_the_limit(temp_folder):
    body = CountingBody(50 * 1024 * 1024)
    response = Client().post("/login/", **multipart_environ(body, None))

    assert response.status_code == 413
    # Read only up to the limit (and one buffer past it), never the rest.
    assert LIMIT < body.read_bytes <= LIMIT + 64 * 1024
    assert list(temp_folder.iterdir()) == []


@pytest.mark.django_db
def test_it_passes_a_body_of_exactly_the_limit_on(temp_folder):
    body = CountingBody(LIMIT)
    response = Client().post(
        "/login/",
        **{
            "wsgi.input": body,
            "CONTENT_LENGTH": str(LIMIT),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
        },
    )

    # Past this middleware: Django's own form-size check answers (400), not the 413 page.
    assert response.status_code != 413
    assert "The upload is too large" not in response.content.decode()


def test_it_refuses_a_body_one_byte_over_the_limit(db):
    body = CountingBody(LIMIT + 1)
    response = Client().post(
        "/login/",
        **{
            "wsgi.input": body,
            "CONTENT_LENGTH": str(LIMIT + 1),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
        },
    )

    assert response.status_code == 413
    assert body.read_bytes == 0


def test_it_reads_a_small_chunked_login_and_logs_in(viewer):
    form = f"username=viewer&password={PASSWORD}".encode()
    client = Client(enforce_csrf_checks=False)
    response = client.post(
        "/login/",
        **{
            "wsgi.input": io.BytesIO(form),
            "HTTP_TRANSFER_ENCODING": "chunked",
            "CONTENT_LENGTH": "",
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
        },
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(viewer.pk)


def test_it_gives_two_upload_slots_per_key_and_frees_them(settings, tmp_path):
    settings.UPLOAD_SLOTS_DIR = str(tmp_path)
    with ExitStack() as held:
        assert held.enter_context(upload_slot("user:1", 2)) is True
        assert held.enter_context(upload_slot("user:1", 2)) is True
        with upload_slot("user:1", 2) as third:
            assert third is False
        with upload_slot("user:2", 2) as other_user:
            assert other_user is True
    with upload_slot("user:1", 2) as after_release:
        assert after_release is True


def test_it_answers_429_to_a_third_concurrent_upload(analyst_client, analyst, settings, tmp_path):
    settings.UPLOAD_SLOTS_DIR = str(tmp_path)
    upload = {"content_type": "multipart/form-data; boundary=xyz"}
    with ExitStack() as held:
        for _ in range(2):
            assert held.enter_context(upload_slot(f"user:{analyst.pk}", 2))

        refused = analyst_client.post("/import/", data=b"--xyz--\r\n", **upload)
        # Not an upload: a plain form post is not counted.
        plain = analyst_client.post(
            "/import/", "x=1", content_type="application/x-www-form-urlencoded"
        )

    assert refused.status_code == 429
    assert "Too many uploads at once" in refused.content.decode()
    assert plain.status_code != 429
    after = analyst_client.post("/import/", data=b"--xyz--\r\n", **upload)
    assert after.status_code != 429


def test_it_keeps_the_upload_slots_of_two_databases_apart(settings, tmp_path, monkeypatch):
    settings.UPLOAD_SLOTS_DIR = str(tmp_path)
    from django.db import connection

    with ExitStack() as held:
        for _ in range(2):
            assert held.enter_context(upload_slot("user:1", 2))
        # The same account number in another site's database is another account.
        monkeypatch.setitem(connection.settings_dict, "NAME", "another-site")
        with upload_slot("user:1", 2) as other_site:
            assert other_site is True
