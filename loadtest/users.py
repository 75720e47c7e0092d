"""Simulated users: viewers read tables, missions, the dashboard and CSV exports; analysts do the
same and also edit a statement's notes in the admin, as concurrently as real colleagues would."""

from __future__ import annotations

import random
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from bench.client import Response, Session, form_fields

STATUSES = ("continued", "extended", "scaled_up", "scaled_down", "new", "explored", "ended")
CHANGELIST = "/admin/missions/statement/"
# The admin's words when optimistic locking refuses a save (missions/forms.py, STALE_MESSAGE).
CONFLICT_MARKERS = (b"Someone else changed this record", b"Someone else deleted this record")


@dataclass
class Record:
    kind: str
    start: float  # seconds since the run began
    seconds: float
    status: int
    outcome: str  # ok, conflict or error
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
class Shared:
    base_url: str
    password: str
    targets: dict[str, Any]
    t0: float
    deadline: float
    think: tuple[float, float]
    records: list[Record] = field(default_factory=list)
    saves: list[Save] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> float:
        return time.monotonic() - self.t0

    def add(self, record: Record) -> None:
        with self.lock:
            self.records.append(record)


class SimulatedUser(threading.Thread):
    def __init__(self, shared: Shared, username: str, analyst: bool, seed: int) -> None:
        super().__init__(name=username, daemon=True)
        self.shared, self.username, self.analyst = shared, username, analyst
        self.rng = random.Random(seed)
        self.session = Session(shared.base_url, timeout=120)
        self.logged_in = threading.Event()
        self.go = threading.Event()
        self.counter = 0
        tasks = {self.table: 3, self.filtered_table: 4, self.mission: 2, self.dashboard: 1}
        tasks[self.csv_export] = 1
        if analyst:
            tasks[self.admin_save] = 3
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
            self.rng.choices(self.tasks, self.weights)[0]()
            time.sleep(self.rng.uniform(*self.shared.think))

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
        form_page, started = self._get(path)
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
        answer = self.session.post(path, post)
        outcome, detail = _save_outcome(answer, path)
        self._record("admin_save", answer, started, outcome, detail)
        save = Save(
            statement, base, value, "saved" if outcome == "ok" else outcome, self.shared.now()
        )
        with self.shared.lock:
            self.shared.saves.append(save)

    # -- helpers ----------------------------------------------------------------------------

    def _some(self, values: list | tuple, most: int = 1) -> list:
        return self.rng.sample(list(values), self.rng.randint(0, most))

    def _get(self, path: str, keep_body: bool = True) -> tuple[Response, float]:
        started = self.shared.now()
        return self.session.get(path, keep_body=keep_body), started

    def _record(
        self, kind: str, answer: Response, started: float, outcome: str, detail: str = ""
    ) -> None:
        self.shared.add(Record(kind, started, answer.seconds, answer.status, outcome, detail))

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
