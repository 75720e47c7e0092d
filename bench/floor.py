"""The raw floor: the contributions export's join read with Python's sqlite3 and written with
``csv.writer`` to /dev/null. No ORM, no escaping, no HTTP: what the export could at best reach."""

from __future__ import annotations

import csv
import os
import sqlite3
import statistics
import time
from pathlib import Path

# Each contribution's current statement (latest document date, ties by document id, as
# Statement.objects.current()) with the columns the export writes, in the table's order.
CURRENT_ROWS = """
SELECT m.name, m.acronym, o.acronym, r.name, c.name, c.capability, s.status,
       s.military, s.civilian, s.police, s.total, s.qualifier,
       s.start_date, s.start_precision, s.end_date, s.end_precision,
       d.dossier, d.number, d.title, d.date, d.url
FROM missions_statement s
JOIN missions_contribution c ON c.id = s.contribution_id
JOIN missions_mission m ON m.id = c.mission_id
JOIN missions_organization o ON o.id = m.organization_id
JOIN missions_region r ON r.id = m.region_id
JOIN missions_sourcedocument d ON d.id = s.document_id
WHERE s.id = (
    SELECT latest.id FROM missions_statement latest
    WHERE latest.contribution_id = s.contribution_id
    ORDER BY latest.document_date DESC, latest.document_id DESC
    LIMIT 1
)
ORDER BY m.name, c.name, s.id
"""


def floor_once(database: Path) -> tuple[int, float]:
    """Rows written and seconds taken, for one pass."""
    start = time.perf_counter()
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        with open(os.devnull, "w", newline="") as sink:
            writer = csv.writer(sink, lineterminator="\r\n")
            rows = 0
            for row in connection.execute(CURRENT_ROWS):
                writer.writerow(row)
                rows += 1
    finally:
        connection.close()
    return rows, time.perf_counter() - start


def measure_floor(database: Path, runs: int = 3) -> dict[str, float | int | list[float]]:
    passes = [floor_once(database) for _ in range(runs)]
    seconds = [s for _rows, s in passes]
    rows = passes[0][0]
    median = statistics.median(seconds)
    return {
        "rows": rows,
        "median_s": median,
        "rows_per_second": rows / median,
        "samples_s": seconds,
    }


def busiest_mission(database: Path) -> int | None:
    """The mission with the most statements: the heaviest mission page."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        row = connection.execute(
            "SELECT c.mission_id FROM missions_statement s "
            "JOIN missions_contribution c ON c.id = s.contribution_id "
            "GROUP BY c.mission_id ORDER BY COUNT(*) DESC, c.mission_id LIMIT 1"
        ).fetchone()
    finally:
        connection.close()
    return row[0] if row else None
