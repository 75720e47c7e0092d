"""A small HTTP client for the bench and the load test: cookies, login, timings. Standard library
only, so measuring needs nothing the tracker itself does not install."""

from __future__ import annotations

import http.client
import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser

CHUNK = 64 * 1024
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class LocalCookiePolicy(http.cookiejar.DefaultCookiePolicy):
    """With DEBUG off the session and CSRF cookies are marked Secure (tracker/settings.py), and a
    cookie jar keeps Secure cookies off plain HTTP. The bench only ever talks to 127.0.0.1 over
    plain HTTP, as the browser-less stand-in for a TLS proxy, so it sends them back anyway."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an outcome to look at (login done, session lost), not something to follow."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@dataclass
class Response:
    status: int  # 0 when no HTTP answer came (connection refused or reset)
    ttfb: float  # seconds to the first byte of the body (or of the headers when it is empty)
    seconds: float  # seconds to the last byte
    # Seconds until the body's second line ended: for a CSV, its first data row after the header.
    first_row: float | None = None
    size: int = 0
    lines: int = 0
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    error: str = ""

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class Session:
    """One user's cookie jar against one server."""

    def __init__(self, base_url: str, timeout: float = 600) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar(policy=LocalCookiePolicy())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.cookies if c.name == name), "")

    def get(
        self, path: str, *, keep_body: bool = True, server: str = "", stop_after_lines: int = 0
    ) -> Response:
        return self.request(
            path, keep_body=keep_body, server=server, stop_after_lines=stop_after_lines
        )

    def post(
        self, path: str, form: list[tuple[str, str]] | dict[str, str], *, server: str = ""
    ) -> Response:
        data = urllib.parse.urlencode(form).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request(
            path, data=data, headers=self._origin(path, server, headers), server=server
        )

    def post_file(
        self,
        path: str,
        form: list[tuple[str, str]],
        field_name: str,
        filename: str,
        content: bytes,
        *,
        server: str = "",
    ) -> Response:
        """A multipart/form-data post, as a browser sends a file input."""
        boundary = "----bench" + uuid.uuid4().hex
        parts = []
        for name, value in form:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field_name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        )
        data = b"".join(parts) + content + f"\r\n--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request(
            path, data=data, headers=self._origin(path, server, headers), server=server
        )

    def _origin(self, path: str, server: str, headers: dict[str, str]) -> dict[str, str]:
        # Django's CSRF check wants the same origin on a form post.
        base = (server or self.base_url).rstrip("/")
        return {**headers, "Origin": base, "Referer": base + path}

    def request(
        self,
        path: str,
        *,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        keep_body: bool = True,
        server: str = "",
        stop_after_lines: int = 0,
    ) -> Response:
        """Send one request and read the whole answer, timing the first and the last byte.

        ``server`` sends it to another base URL with the same cookies (two app servers, one
        session); ``stop_after_lines`` closes the connection once that many lines have come.
        """
        base = (server or self.base_url).rstrip("/")
        request = urllib.request.Request(base + path, data=data, headers=headers or {})
        start = time.perf_counter()
        try:
            try:
                answer = self.opener.open(request, timeout=self.timeout)
            except urllib.error.HTTPError as refused:  # 3xx, 4xx, 5xx: still an answer
                answer = refused
            with answer:
                first = answer.read(1)
                ttfb = time.perf_counter() - start
                result = Response(
                    status=answer.status,
                    ttfb=ttfb,
                    seconds=0.0,
                    headers={k.lower(): v for k, v in answer.headers.items()},
                )
                parts = [first]
                size, lines = len(first), first.count(b"\n")
                # read1: what has arrived, so that the first row is timed when it comes, not
                # when 64 KiB have piled up behind it.
                while chunk := answer.read1(CHUNK):
                    size += len(chunk)
                    lines += chunk.count(b"\n")
                    if result.first_row is None and lines >= 2:
                        result.first_row = time.perf_counter() - start
                    if keep_body:
                        parts.append(chunk)
                    if stop_after_lines and lines >= stop_after_lines:
                        break
        # Refused, reset, timed out, or cut off mid-body (a streamed download whose server
        # lost its database: the chunked body ends without its last chunk, IncompleteRead).
        except (OSError, http.client.HTTPException) as exc:
            elapsed = time.perf_counter() - start
            return Response(status=0, ttfb=elapsed, seconds=elapsed, error=repr(exc))
        result.seconds = time.perf_counter() - start
        result.size, result.lines = size, lines
        result.body = b"".join(parts) if keep_body else first
        return result

    def login(self, username: str, password: str) -> None:
        """Log in through the login form, as a browser does; raise when it does not work."""
        page = self.get("/login/")
        token = CSRF_INPUT.search(page.body)
        if page.status != 200 or not token:
            raise LoginFailed(f"GET /login/ gave {page.status} {page.error} without a form")
        form = {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": token.group(1).decode(),
        }
        answer = self.post("/login/", form)
        # In production the cookie is __Host-sessionid (tracker/settings.py).
        session = self.cookie("sessionid") or self.cookie("__Host-sessionid")
        if answer.status != 302 or "/login/" in answer.location or not session:
            raise LoginFailed(
                f"logging in as {username} gave {answer.status} to {answer.location!r}"
            )


class LoginFailed(RuntimeError):
    pass


class _FormReader(HTMLParser):
    """Collects what a browser would submit for one form: inputs, checked boxes, selections."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._multiple = False
        self._selected: list[str] = []
        self._first_option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._multiple = name, "multiple" in a
            self._selected, self._first_option = [], None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._selected.append(value)
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select:
            # A single select without a selected option submits its first option.
            chosen = self._selected
            if not chosen and not self._multiple and self._first_option is not None:
                chosen = [self._first_option]
            self.fields.extend((self._select, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea:
            # A browser drops the one newline that directly follows <textarea>.
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None


def form_fields(html: bytes, form_id: str) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser would post for the form with id ``form_id``."""
    reader = _FormReader(form_id)
    reader.feed(html.decode("utf-8", "replace"))
    return reader.fields
