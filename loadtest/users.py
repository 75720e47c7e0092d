"""Simulated users: viewers read tables, missions, the dashboard and CSV exports; analysts do the
same, edit a statement's notes in the admin and import small spreadsheets, as concurrently as
real colleagues would. Every request goes to one of the app servers at random, with the same
session: a form loaded from one server is posted to another, and an import previewed on one
server is always confirmed on another."""

from __future__ import annotations

import random
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bench.client import CSRF_INPUT, Response, Session, form_fields
from bench.imports import UPLOAD, edited_rows, follow, form_posting_to

STATUSES = ("continued", "extended", "scaled_up", "scaled_down", "new", "explored", "ended")
CHANGELIST = "/admin/missions/statement/"
# The admin's words when optimistic locking refuses a save (missions/forms.py, STALE_MESSAGE).
CONFLICT_MARKERS = (b"Someone else changed this record", b"Someone else deleted this record")
# Rows per analyst import, and the first number of the letters they cite (dossier 99521, whose
# synthetic documents count from 1).
IMPORT_ROWS = 3
# The import's words when the confirming server has no such pending import (missions/imports).
NOTHING_PENDING = b"There is no import waiting for confirmation"
IMPORT_NUMBERS = 800_000


@dataclass
class Record:
    kind: str
    start: float  # seconds since the run began
    seconds: float
    status: int
    outcome: str  # ok, conflict, error, or crash (the task itself failed: a harness fault)
    detail: str = ""


@dataclass
class Save:
    """One analyst save: the notes it started from, the value it wrote, and what came of it."""

    statement: str
    base: str
    value: str
    outcome: str  # saved, conflict or error (unknown whether it was written)
    finished: float


@dataclass
class Import:
    """One analyst import: the new document its rows cite, what they say, and what came of it."""

    reference: str
    military: list[int]  # the military figure of each row, as the file says
    outcome: str  # saved, conflict or error (unknown whether it was written)
    previewed_on: str
    confirmed_on: str
    finished: float
    detail: str = ""


@dataclass
class Shared:
    servers: list[str]
    password: str
    targets: dict[str, Any]
    t0: float
    deadline: float
    think: tuple[float, float]
    records: list[Record] = field(default_factory=list)
    saves: list[Save] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    # Rows of the contributions CSV (header first) each analyst may import, disjoint per analyst.
    import_columns: list[str] = field(default_factory=list)
    import_rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> float:
        return time.monotonic() - self.t0

    def add(self, record: Record) -> None:
        with self.lock:
            self.records.append(record)


class SimulatedUser(threading.Thread):
    def __init__(
        self, shared: Shared, username: str, analyst: bool, seed: int, index: int = 0
    ) -> None:
        super().__init__(name=username, daemon=True)
        self.shared, self.username, self.analyst = shared, username, analyst
        self.index = index
        self.rng = random.Random(seed)
        self.session = Session(shared.servers[0], timeout=120)
        self.logged_in = threading.Event()
        self.go = threading.Event()
        self.counter = 0
        tasks = {self.table: 3, self.filtered_table: 4, self.mission: 2, self.dashboard: 1}
        tasks[self.csv_export] = 1
        if analyst:
            tasks[self.admin_save] = 3
            if shared.import_rows.get(username):
                tasks[self.import_rows] = 1
        self.tasks, self.weights = list(tasks), list(tasks.values())

    def run(self) -> None:
        start = time.monotonic()
        try:
            self.session.login(self.username, self.shared.password)
            outcome, detail = "ok", ""
        except Exception as exc:  # any failure to log in ends this user, and fails the run
            outcome, detail = "error", str(exc)
        self.shared.add(Record("login", -1.0, time.monotonic() - start, 0, outcome, detail))
        self.logged_in.set()
        if outcome != "ok":
            return
        self.go.wait()
        while time.monotonic() < self.shared.deadline:
            self.attempt(self.rng.choices(self.tasks, self.weights)[0])
            time.sleep(self.rng.uniform(*self.shared.think))

    def attempt(self, task: Callable[[], None]) -> None:
        """Do one task; one that raises is recorded as a crash, which fails the run
        (``run.verdict``), and the user goes on instead of quietly taking its load away."""
        started = self.shared.now()
        try:
            task()
        except Exception as exc:
            seconds = self.shared.now() - started
            self.shared.add(Record(task.__name__, started, seconds, 0, "crash", repr(exc)))

    # -- what users do ----------------------------------------------------------------------

    def table(self) -> None:
        self._page("table", f"/?page={self.rng.randint(1, 5)}")

    def filtered_table(self) -> None:
        params: list[tuple[str, Any]] = [("status", s) for s in self._some(STATUSES, 2)]
        params += [("organization", o) for o in self._some(self.shared.targets["organizations"])]
        params += [("region", r) for r in self._some(self.shared.targets["regions"])]
        self._page("table_filter", "/?" + urllib.parse.urlencode(params))

    def mission(self) -> None:
        self._page("mission", f"/missions/{self.rng.choice(self.shared.targets['missions'])}/")

    def dashboard(self) -> None:
        self._page("dashboard", "/dashboard/")

    def csv_export(self) -> None:
        query = "" if self.rng.random() < 0.3 else f"&status={self.rng.choice(STATUSES)}"
        self._page("csv_export", f"/reports/contributions/?format=csv{query}", csv=True)

    def admin_save(self) -> None:
        """Open a statement's change form, edit its notes for a moment, save."""
        statement = self.rng.choice(list(self.shared.targets["statements"]))
        path = f"{CHANGELIST}{statement}/change/"
        here, there = self._two_servers()
        form_page, started = self._get(path, server=here)
        fields = form_fields(form_page.body, "statement_form") if form_page.status == 200 else []
        if not any(name == "loaded_version" for name, _value in fields):
            detail = form_page.error or f"{path} -> {form_page.status}: no form with a version"
            self._record("admin_form", form_page, started, "error", detail)
            return
        self._record("admin_form", form_page, started, "ok")
        time.sleep(self.rng.uniform(0.2, 1.0))  # the analyst types
        self.counter += 1
        value = f"{self.username}-{self.counter}-{self.rng.randrange(10**9)}"
        base = next(v for name, v in fields if name == "notes")
        post = [(n, v) for n, v in fields if n not in {"notes", "change_reason"}]
        post += [("notes", value), ("change_reason", "load test"), ("_save", "Save")]
        started = self.shared.now()
        answer = self.session.post(path, post, server=there)
        outcome, detail = _save_outcome(answer, path)
        self._record("admin_save", answer, started, outcome, detail)
        save = Save(
            statement, base, value, "saved" if outcome == "ok" else outcome, self.shared.now()
        )
        with self.shared.lock:
            self.shared.saves.append(save)

    def import_rows(self) -> None:
        """Upload a few rows as a new letter's statements on one server, read the preview,
        confirm on the other server."""
        rows = self.shared.import_rows[self.username]
        self.counter += 1
        start = (self.counter * IMPORT_ROWS) % len(rows)
        picked = (rows * 2)[start : start + min(IMPORT_ROWS, len(rows))]
        # A number of its own per analyst and import: no two imports cite the same letter.
        number = IMPORT_NUMBERS + self.index * 10_000 + self.counter
        reference = f"99521-{number}"
        columns = self.shared.import_columns
        content, military = edited_rows(columns, picked, date.today(), reference)
        here, there = self._two_servers()
        started = self.shared.now()
        page = self.session.get(UPLOAD, server=here)
        token = CSRF_INPUT.search(page.body)
        if page.status != 200 or not token:
            self._record("import_preview", page, started, "error", f"{UPLOAD} -> {page.status}")
            return
        form = [("csrfmiddlewaretoken", token.group(1).decode())]
        name = f"{reference}.csv"
        upload = self.session.post_file(UPLOAD, form, "file", name, content, server=here)
        preview, _seconds = follow(self.session, upload, server=here)
        confirm = form_posting_to(preview.body, "confirm")
        if preview.status != 200 or confirm is None:
            detail = preview.error or f"preview on {here} -> {preview.status}: no confirm form"
            self._span("import_preview", preview.status, started, "error", detail)
            return
        self._span("import_preview", preview.status, started, "ok")
        time.sleep(self.rng.uniform(0.2, 1.0))  # the analyst reads the preview
        action, fields = confirm
        started = self.shared.now()
        answer = self.session.post(urllib.parse.urlsplit(action).path, fields, server=there)
        done, _seconds = follow(self.session, answer, server=there)
        outcome, detail = _confirm_outcome(answer, done, there)
        self._span("import_confirm", answer.status, started, outcome, detail)
        saved = "saved" if outcome == "ok" else outcome
        record = Import(reference, military, saved, here, there, self.shared.now(), detail)
        with self.shared.lock:
            self.shared.imports.append(record)

    # -- helpers ----------------------------------------------------------------------------

    def _two_servers(self) -> tuple[str, str]:
        """Two different servers (the same one twice when there is only one)."""
        servers = self.shared.servers
        if len(servers) == 1:
            return servers[0], servers[0]
        here, there = self.rng.sample(servers, 2)
        return here, there

    def _some(self, values: list | tuple, most: int = 1) -> list:
        return self.rng.sample(list(values), self.rng.randint(0, most))

    def _get(self, path: str, keep_body: bool = True, server: str = "") -> tuple[Response, float]:
        started = self.shared.now()
        server = server or self.rng.choice(self.shared.servers)
        return self.session.get(path, keep_body=keep_body, server=server), started

    def _record(
        self, kind: str, answer: Response, started: float, outcome: str, detail: str = ""
    ) -> None:
        self.shared.add(Record(kind, started, answer.seconds, answer.status, outcome, detail))

    def _span(self, kind: str, status: int, started: float, outcome: str, detail: str = "") -> None:
        """A record of several requests, from ``started`` until now."""
        seconds = self.shared.now() - started
        self.shared.add(Record(kind, started, seconds, status, outcome, detail))

    def _page(self, kind: str, path: str, csv: bool = False) -> None:
        answer, started = self._get(path, keep_body=False)
        if answer.status != 200:
            detail = answer.error or f"{path} -> {answer.status} {answer.location}"
            self._record(kind, answer, started, "error", detail)
        elif csv and not answer.headers.get("content-type", "").startswith("text/csv"):
            self._record(kind, answer, started, "error", f"{path} is not CSV")
        else:
            self._record(kind, answer, started, "ok")


def _save_outcome(answer: Response, path: str) -> tuple[str, str]:
    """saved: redirected to the list; conflict: refused by optimistic locking; else an error."""
    location = urllib.parse.urlsplit(answer.location).path
    if answer.status == 302 and location == CHANGELIST:
        return "ok", ""
    if answer.status == 302 and location == path:
        return "conflict", "refused after the race, message on the form page"
    if answer.status == 200 and any(marker in answer.body for marker in CONFLICT_MARKERS):
        return "conflict", "refused on the form"
    if answer.status == 200 and b"errornote" in answer.body:
        return "error", f"{path}: the form was refused for another reason"
    return "error", answer.error or f"{path} -> {answer.status} {answer.location}"


def _confirm_outcome(answer: Response, done: Response, server: str) -> tuple[str, str]:
    """saved: redirected to the done page; conflict: refused because the data changed since the
    preview; an error otherwise, and above all when the other server did not find the pending
    import (app servers that keep it to themselves cannot be run side by side)."""
    if answer.status in (302, 303) and done.status == 200:
        return "ok", ""
    if answer.status == 409 and NOTHING_PENDING not in answer.body:
        return "conflict", f"confirm on {server} refused: the data changed since the preview"
    if answer.status == 409:
        return "error", f"confirm on {server}: the pending import was not found there"
    return "error", answer.error or f"confirm on {server} -> {answer.status} {answer.location}"
