"""Timing one page or one export over HTTP, the way a user's browser meets it."""

from __future__ import annotations

import math
import statistics
from pathlib import Path
from typing import Any

from bench.client import Session
from bench.server import Server

# Appended to an export's path: a search that matches nothing (imports and code paths warm).
EMPTY_FILTER = "&q=no-such-contribution-anywhere"


def percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile: with 15 samples, p95 is the slowest."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def affordable(runs: int, seconds: float, budget: float) -> int:
    """How many of ``runs`` requests of ``seconds`` each fit in ``budget``: at least 3 (fewer
    only if fewer were asked), except for a request that alone eats half the budget: one."""
    if seconds > budget / 2:
        return 1
    return max(min(3, runs), min(runs, int(budget / max(seconds, 1e-3))))


def time_page(session: Session, path: str, warmup: int, runs: int, budget: float) -> dict[str, Any]:
    first = session.get(path)
    if first.status != 200:
        outcome = "missing" if first.status == 404 else f"HTTP {first.status}"
        return {"path": path, "outcome": outcome, "median_ms": None}
    # A page that takes seconds is warm after one request; more would only eat the budget.
    if first.seconds * warmup <= budget / 5:
        for _ in range(warmup - 1):
            session.get(path)
    runs = affordable(runs, first.seconds, budget)
    samples = []
    for _ in range(runs):
        answer = session.get(path, keep_body=False)
        if answer.status != 200:
            return {"path": path, "outcome": f"HTTP {answer.status}", "median_ms": None}
        samples.append(answer.seconds * 1000)
    return {
        "path": path,
        "outcome": "ok",
        "median_ms": statistics.median(samples),
        "p95_ms": percentile(samples, 0.95),
        "runs": len(samples),
        "samples_ms": [round(s, 2) for s in samples],
        "bytes": first.size,
    }


def time_first_row(session: Session, path: str, runs: int = 3) -> dict[str, Any]:
    """A download too large to fetch whole at this size: the header and the first data row only,
    then the connection is closed (the worker stops streaming)."""
    samples = []
    for _ in range(1 + runs):
        answer = session.get(path, keep_body=False, stop_after_lines=2)
        if answer.status != 200 or answer.first_row is None:
            return {"path": path, "outcome": f"HTTP {answer.status}", "median_s": None}
        samples.append(answer.first_row * 1000)
    measured = samples[1:]
    return {
        "path": path,
        "outcome": "first row only",
        "median_s": None,
        "first_row_median_ms": statistics.median(measured),
        "first_row_samples_ms": [round(s, 1) for s in measured],
        "runs": len(measured),
    }


def time_export(
    server: Server, session: Session, path: str, rows: int, runs: int, budget: float
) -> dict[str, Any]:
    """An export that matches no row first, then the full export once unmeasured and ``runs``
    times measured. The worker's peak memory is reset before each full export and read after
    it: what that export added to the memory in use. The first full one on a fresh worker is
    the telling figure, later ones reuse memory. ``rows``: the rows a zip (XLSX) holds."""
    worker = server.worker_pids()[0]
    empty = session.get(path + EMPTY_FILTER, keep_body=False)
    if empty.status != 200:
        outcome = "missing" if empty.status == 404 else f"HTTP {empty.status}"
        return {"path": path, "outcome": outcome, "median_s": None}
    answers, added, method = [], [], "clear_refs"
    for _ in range(1 + runs):
        reset = _reset_peak(worker)
        method = method if reset else "high-water mark before/after"
        before = _memory_kib(worker, "VmRSS" if reset else "VmHWM")
        answer = session.get(path, keep_body=False)
        added.append(max(0, _memory_kib(worker, "VmHWM") - before) / 1024)
        if answer.status != 200:
            return {"path": path, "outcome": f"HTTP {answer.status}", "median_s": None}
        answers.append(answer)
        runs = min(runs, affordable(runs, answers[0].seconds, budget))
        if len(answers) > runs:
            break
    warm, measured = answers[0], answers[1:]
    seconds = [a.seconds for a in measured]
    median = statistics.median(seconds)
    # A CSV: one line per row plus the header; an XLSX is a zip, so the caller says.
    csv = "xlsx" not in path
    count = warm.lines - 1 if csv else rows
    first_rows = [a.first_row * 1000 for a in measured if a.first_row is not None]
    return {
        "path": path,
        "outcome": "ok",
        "rows": count,
        "bytes": warm.size,
        "runs": len(seconds),
        "median_s": median,
        "p95_s": percentile(seconds, 0.95),
        "rows_per_second": count / median if median else None,
        "ttfb_median_ms": statistics.median(a.ttfb * 1000 for a in measured),
        "first_row_median_ms": statistics.median(first_rows) if csv and first_rows else None,
        "peak_added_mib": max(added),
        "peak_added_samples_mib": [round(a, 2) for a in added],
        "peak_method": method,
        "worker_hwm_mib": _memory_kib(worker, "VmHWM") / 1024,
    }


def _reset_peak(pid: int) -> bool:
    """Reset the process's peak RSS (VmHWM) to its current RSS; Linux 4.0+, needs permission."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _memory_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)
