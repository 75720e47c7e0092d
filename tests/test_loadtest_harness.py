"""`make loadtest`'s own judgement, without serving anything: a PostgreSQL restart answered with a
400 fails the run (it must be a 5xx, see missions.security.outage), and the data-version row's
lock waits are summed up as the README reports them."""

from __future__ import annotations

import argparse

from loadtest.locks import summarize_samples
from loadtest.run import summarize, verdict
from loadtest.users import Record, Save, Shared, SimulatedUser

RESTART = {"restart_started": 30.0, "restart_returned": 33.0, "database_back": 34.0}


def _run(records: list[Record]) -> dict:
    shared = Shared(["http://a", "http://b"], "pw", {}, 0.0, 60.0, (1.0, 5.0))
    shared.records = [Record("login", -1.0, 1.0, 302, "ok"), *records]
    shared.saves = [Save("1", "", "v1", "saved", 10.0)]
    args = argparse.Namespace(users=2, analysts=1, duration=60.0, contributions=10, imports=False)
    results = summarize(shared, dict(RESTART), args)
    results["lost_saves"], results["lost_imports"] = [], []
    results["verdict"] = verdict(results, args)
    return results


def test_failures_in_the_restart_window_answered_503_or_nothing_pass():
    results = _run(
        [
            Record("table", 28.0, 3.0, 503, "error", "/ -> 503"),
            Record("mission", 31.0, 0.5, 503, "error", "/missions/1/ -> 503"),
            Record("dashboard", 32.0, 0.1, 0, "error", "connection refused"),
            Record("table", 45.0, 0.4, 200, "ok"),
        ]
    )
    assert results["restart"]["failed_in_flight"] == 3
    assert results["restart"]["in_flight_statuses"] == {"0": 1, "503": 2}
    assert results["verdict"] == []


def test_a_400_during_the_restart_fails_the_run():
    results = _run(
        [
            Record("table", 29.0, 2.0, 400, "error", "/ -> 400"),
            Record("table", 31.0, 0.5, 503, "error", "/ -> 503"),
        ]
    )
    assert results["restart"]["in_flight_statuses"] == {"400": 1, "503": 1}
    assert results["verdict"] == ["the restart was answered with client errors: {'400': 1}"]


def test_a_failure_after_the_window_still_fails_the_run_whatever_its_status():
    # The database was back at 34 s; the window ends 5 s later.
    results = _run([Record("table", 39.5, 0.2, 503, "error", "/ -> 503")])
    assert results["restart"]["failed_outside_window"] == 1
    assert results["verdict"] == ["1 requests failed outside the restart"]


def test_it_sums_up_who_waited_for_the_version_row():
    # (waiting for any lock, waiting for the version row) per sample, a tenth of a second apart
    samples = [(0, 0), (1, 1), (2, 2), (1, 1), (1, 0), (0, 0), (1, 1), (0, 0)]
    summary = summarize_samples(samples, missed=3, interval=0.1)
    assert summary == {
        "samples": 8,
        "missed": 3,
        "interval_s": 0.1,
        "waiting_any_share": 5 / 8,
        "waiting_version_share": 4 / 8,
        "most_waiting_version": 2,
        "longest_version_wait_s": 0.3,
    }


def test_no_samples_is_no_wait_not_a_division_by_zero():
    summary = summarize_samples([], missed=0, interval=0.1)
    assert summary["waiting_version_share"] == 0
    assert summary["most_waiting_version"] == 0
    assert summary["longest_version_wait_s"] == 0


def test_a_task_that_raises_is_recorded_as_a_crash_and_fails_the_run():
    shared = Shared(["http://a", "http://b"], "pw", {}, 0.0, 60.0, (1.0, 5.0))
    user = SimulatedUser(shared, "analyst1", analyst=False, seed=1)
    done = []

    def csv_export() -> None:
        raise ValueError("no such column")

    user.attempt(csv_export)
    user.attempt(lambda: done.append("next task"))  # the user goes on
    assert done == ["next task"]
    [crash] = shared.records
    assert (crash.kind, crash.status, crash.outcome) == ("csv_export", 0, "crash")
    assert crash.detail == "ValueError('no such column')"
    results = _run([crash])
    assert results["crashes"] == [f"csv_export at {crash.start:.1f}s: ValueError('no such column')"]
    assert results["errors"] == 0
    assert results["verdict"] == [
        f"a simulated user's task crashed: csv_export at {crash.start:.1f}s: "
        "ValueError('no such column')"
    ]
