"""Does the data-version row serialise PostgreSQL's writes? Sampled while the load test runs.

Every write transaction raises ``missions_dataversion``'s one row (missions.models.data_version)
and keeps that row locked until it commits, so two writers of any table queue behind each other
on it. Ten times a second this counts the backends waiting for any lock, and those waiting for
the version row: waiting (for another transaction's id, as ``INSERT ... ON CONFLICT DO UPDATE``
waits) while already holding the version table's RowExclusiveLock, which a transaction takes
when it starts the bump. Once past the bump it holds the row, and whoever it then waited for
could not hold the row too, so such a waiter is waiting for the version row. ``summary`` tells
how often anyone waited for it, how many at once, and for how long at most in a row.
"""

from __future__ import annotations

import threading

import psycopg

VERSION_TABLE = "missions_dataversion"
INTERVAL = 0.1
WAITING = """
SELECT count(DISTINCT w.pid),
       count(DISTINCT w.pid) FILTER (WHERE w.pid IN (
           SELECT v.pid FROM pg_locks v
           WHERE v.relation = %s::regclass AND v.mode = 'RowExclusiveLock' AND v.granted))
FROM pg_locks w
WHERE NOT w.granted AND w.pid <> pg_backend_pid()
"""


class LockSampler(threading.Thread):
    """Samples until ``stop`` is set; survives the database restarting (those samples are
    counted as missed)."""

    def __init__(self, database_url: str) -> None:
        super().__init__(name="lock-sampler", daemon=True)
        self.database_url = database_url
        self.stop = threading.Event()
        # (any lock, the version row) waiters per sample
        self.samples: list[tuple[int, int]] = []
        self.missed = 0

    def run(self) -> None:
        connection = None
        while not self.stop.is_set():
            try:
                if connection is None or connection.closed:
                    connection = psycopg.connect(self.database_url, autocommit=True)
                row = connection.execute(WAITING, (VERSION_TABLE,)).fetchone()
                self.samples.append((int(row[0]), int(row[1])) if row else (0, 0))
            except psycopg.Error:
                self.missed += 1
                connection = None
            self.stop.wait(INTERVAL)
        if connection is not None:
            connection.close()

    def summary(self) -> dict:
        return summarize_samples(self.samples, self.missed, INTERVAL)


def summarize_samples(samples: list[tuple[int, int]], missed: int, interval: float) -> dict:
    """Share of samples with a waiter, the most waiters at once, and the longest run of
    consecutive samples with someone waiting for the version row (in seconds)."""
    longest = run = 0
    for _any, version in samples:
        run = run + 1 if version else 0
        longest = max(longest, run)
    taken = len(samples) or 1
    return {
        "samples": len(samples),
        "missed": missed,
        "interval_s": interval,
        "waiting_any_share": sum(1 for a, _v in samples if a) / taken,
        "waiting_version_share": sum(1 for _a, v in samples if v) / taken,
        "most_waiting_version": max((v for _a, v in samples), default=0),
        "longest_version_wait_s": round(longest * interval, 2),
    }


def started(database_url: str) -> LockSampler:
    sampler = LockSampler(database_url)
    sampler.start()
    return sampler


def stopped(sampler: LockSampler) -> dict:
    sampler.stop.set()
    sampler.join(timeout=5)
    return sampler.summary()
