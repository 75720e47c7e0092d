"""An import at the documented limit (20,000 rows), through the real pages, on both engines.

On a copy of a bench database of that many contributions (the copy is dropped afterwards), the
bench downloads the contributions CSV, turns it into what a new letter would say about every
contribution (a new source document, military +1 and total +1 where known, so that the total
still covers the categories), drops the ``source_url`` column (the upload limit is 5 MB), and
then as an analyst would: uploads it, reads the preview, confirms. It times the preview (upload
and preview page) and the confirm (until the confirmation's redirect has been followed), and
checks that the new document then holds one statement per row.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import urllib.parse
from datetime import date
from typing import Any

from bench.client import CSRF_INPUT, Response, Session, form_fields
from bench.databases import (
    DATA,
    USERNAME,
    copy_database,
    django_side,
    drop_copy,
    ensure_postgres,
    ensure_sqlite,
    env_for,
)
from bench.server import gunicorn

UPLOAD = "/import/"
# The new letter every row cites: a number no synthetic document has (they count from 1).
REFERENCE = "99521-900001"
DROPPED = ("source_url",)
FORM = re.compile(rb"<form\b[^>]*\baction=\"([^\"]*)\"[^>]*>.*?</form>", re.S)


def export_rows(export: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """The columns and rows of a contributions CSV."""
    reader = csv.DictReader(io.StringIO(export.decode("utf-8-sig")))
    return list(reader.fieldnames or []), list(reader)


def edited_rows(
    columns: list[str], rows: list[dict[str, str]], today: date, reference: str
) -> tuple[bytes, list[int]]:
    """The rows as a new letter's statements, every row a change: the file, and the military
    figure each row now says. The letter is ``reference`` (dossier-number), dated ``today``."""
    columns = [c for c in columns if c not in DROPPED]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    military = []
    for original in rows:
        row = dict(original)
        figure = int(row["military"]) + 1 if row.get("military") else 1
        row["military"] = str(figure)
        if row.get("total"):
            row["total"] = str(int(row["total"]) + 1)
        row["source"] = reference
        row["source_date"] = today.isoformat()
        writer.writerow(row)
        military.append(figure)
    return out.getvalue().encode(), military


def form_posting_to(html: bytes, word: str) -> tuple[str, list[tuple[str, str]]] | None:
    """The action and fields of the first form whose action contains ``word``."""
    for match in FORM.finditer(html):
        action = match.group(1).decode()
        if word in action:
            snippet = re.sub(rb"<form\b", b'<form id="chosen"', match.group(0), count=1)
            return action, form_fields(snippet, "chosen")
    return None


def follow(session: Session, answer: Response, server: str = "") -> tuple[Response, float]:
    """Follow redirects as a browser does; the answer at the end and the seconds they took."""
    seconds = 0.0
    while answer.status in (301, 302, 303) and answer.location:
        path = urllib.parse.urlsplit(answer.location).path or "/"
        answer = session.get(path, server=server)
        seconds += answer.seconds
    return answer, seconds


def run_import(session: Session, content: bytes, filename: str) -> dict[str, Any]:
    page = session.get(UPLOAD)
    token = CSRF_INPUT.search(page.body)
    if page.status != 200 or not token:
        return {"outcome": f"GET {UPLOAD} gave {page.status} without a form"}
    form = [("csrfmiddlewaretoken", token.group(1).decode())]
    upload = session.post_file(UPLOAD, form, "file", filename, content)
    preview, more = follow(session, upload)
    result: dict[str, Any] = {"preview_s": upload.seconds + more, "preview_status": preview.status}
    confirm = form_posting_to(preview.body, "confirm")
    if preview.status != 200 or confirm is None:
        text = re.sub(rb"<[^>]+>", b" ", preview.body).decode("utf-8", "replace")
        result["outcome"] = f"no confirm form after the upload ({preview.status})"
        result["page_text"] = " ".join(text.split())[:2000]
        return result
    action, fields = confirm
    answer = session.post(urllib.parse.urlsplit(action).path, fields)
    done, more = follow(session, answer)
    result |= {"confirm_s": answer.seconds + more, "confirm_status": answer.status}
    result["outcome"] = (
        "ok"
        if answer.status in (302, 303) and done.status == 200
        else (f"confirm gave {answer.status}, then {done.status}")
    )
    return result


def bench(engine: str, args: argparse.Namespace, password: str) -> dict[str, Any]:
    size = args.import_rows
    if engine == "sqlite":
        base = ensure_sqlite(size, args.seed, password, rebuild=args.rebuild)
    else:
        base = ensure_postgres(args.postgres_url, size, args.seed, password, rebuild=args.rebuild)
    copy = copy_database(base, "bench_import_copy")
    try:
        env = env_for(copy, password)
        with gunicorn(env, DATA / f"gunicorn-import-{engine}.log") as server:
            session = Session(server.base_url)
            session.login(USERNAME, password)
            export = session.get("/reports/contributions/?format=csv")
            columns, original = export_rows(export.body)
            content, military = edited_rows(columns, original, date.today(), REFERENCE)
            rows = len(military)
            print(f"  {rows:,} rows, {len(content) / 1024 / 1024:.1f} MB", flush=True)
            result = run_import(session, content, f"import-{rows}.csv")
        written = json.loads(django_side(env, "document-statements", REFERENCE))
    finally:
        drop_copy(copy)
    result |= {"engine": engine, "rows": rows, "bytes": len(content), "statements_written": written}
    if result["outcome"] == "ok" and written != rows:
        result["outcome"] = f"confirmed, but {written} of {rows} statements were written"
    print(f"  {result['outcome']}", flush=True)
    return result
