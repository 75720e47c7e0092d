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
NEW_DOCUMENT = ("99521", "900001")
DROPPED = ("source_url",)
FORM = re.compile(rb"<form\b[^>]*\baction=\"([^\"]*)\"[^>]*>.*?</form>", re.S)


def edited_rows(export: bytes, today: date) -> tuple[bytes, int]:
    """The export as a new letter's statements: one per row, every row a change."""
    reader = csv.DictReader(io.StringIO(export.decode("utf-8-sig")))
    columns = [c for c in reader.fieldnames or [] if c not in DROPPED]
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    rows = 0
    for row in reader:
        military = int(row["military"]) if row.get("military") else 0
        row["military"] = str(military + 1)
        if row.get("total"):
            row["total"] = str(int(row["total"]) + 1)
        row["source"] = "-".join(NEW_DOCUMENT)
        row["source_date"] = today.isoformat()
        writer.writerow(row)
        rows += 1
    return out.getvalue().encode(), rows


def form_posting_to(html: bytes, word: str) -> tuple[str, list[tuple[str, str]]] | None:
    """The action and fields of the first form whose action contains ``word``."""
    for match in FORM.finditer(html):
        action = match.group(1).decode()
        if word in action:
            snippet = re.sub(rb"<form\b", b'<form id="chosen"', match.group(0), count=1)
            return action, form_fields(snippet, "chosen")
    return None


def follow(session: Session, answer: Response) -> tuple[Response, float]:
    """Follow redirects as a browser does; the answer at the end and the seconds they took."""
    seconds = 0.0
    while answer.status in (301, 302, 303) and answer.location:
        path = urllib.parse.urlsplit(answer.location).path or "/"
        answer = session.get(path)
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
            content, rows = edited_rows(export.body, date.today())
            print(f"  {rows:,} rows, {len(content) / 1024 / 1024:.1f} MB", flush=True)
            result = run_import(session, content, f"import-{rows}.csv")
        reference = "-".join(NEW_DOCUMENT)
        written = json.loads(django_side(env, "document-statements", reference))
    finally:
        drop_copy(copy)
    result |= {"engine": engine, "rows": rows, "bytes": len(content), "statements_written": written}
    if result["outcome"] == "ok" and written != rows:
        result["outcome"] = f"confirmed, but {written} of {rows} statements were written"
    print(f"  {result['outcome']}", flush=True)
    return result
