"""The parsed rows between preview and confirm: a private file with a random name.

The session holds only the file's random name, the original file name and the preview's
fingerprint. The rows themselves go to disk, not into the session, because the session is
saved on every request and a 5 MB blob there would be written again with each page view.
The raw upload is never kept: only the cells read from it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from missions.imports.reading import Table

SESSION_KEY = "imports_pending"
MAX_AGE_SECONDS = 24 * 60 * 60
_TOKEN = re.compile(r"[0-9a-f]{32}")


@dataclass
class Pending:
    token: str
    filename: str
    table: Table
    fingerprint: str = ""


def _directory() -> Path:
    base = getattr(settings, "IMPORT_TEMP_DIR", None) or tempfile.gettempdir()
    directory = Path(base) / "tracker-imports"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def _path(token: str) -> Path:
    if not _TOKEN.fullmatch(token):
        raise ValueError("not an import token")
    return _directory() / f"{token}.json"


def store(session, user_id: int, filename: str, table: Table) -> Pending:
    """Keep the rows for this session and user; an earlier pending upload is dropped."""
    discard(session)
    _sweep()
    token = secrets.token_hex(16)
    payload = {"user": user_id, "filename": filename, "table": table.as_json()}
    descriptor = os.open(_path(token), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(payload, file)
    session[SESSION_KEY] = {"token": token, "filename": filename, "fingerprint": ""}
    return Pending(token, filename, table)


def load(session, user_id: int) -> Pending | None:
    """The pending upload of this session, if it is still there and belongs to this user."""
    entry = session.get(SESSION_KEY)
    if not isinstance(entry, dict):
        return None
    try:
        with _path(str(entry.get("token", ""))).open(encoding="utf-8") as file:
            payload = json.load(file)
        if payload["user"] != user_id:
            return None
        table = Table.from_json(payload["table"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Pending(entry["token"], payload["filename"], table, entry.get("fingerprint", ""))


def claim(pending: Pending) -> bool:
    """Take the upload for one confirmation; a second, simultaneous confirm gets False.

    Renaming is atomic, so of two requests confirming the same preview only one proceeds.
    """
    try:
        os.rename(_path(pending.token), _path(pending.token).with_suffix(".claimed"))
    except OSError:
        return False
    return True


def release(pending: Pending) -> None:
    """Give a claimed upload back, so the analyst can confirm again after a refusal."""
    with contextlib.suppress(OSError):
        os.rename(_path(pending.token).with_suffix(".claimed"), _path(pending.token))


def remember_fingerprint(session, fingerprint: str) -> None:
    entry = session.get(SESSION_KEY)
    if isinstance(entry, dict):
        session[SESSION_KEY] = {**entry, "fingerprint": fingerprint}


def discard(session) -> None:
    entry = session.pop(SESSION_KEY, None)
    if isinstance(entry, dict):
        try:
            path = _path(str(entry.get("token", "")))
            path.unlink(missing_ok=True)
            path.with_suffix(".claimed").unlink(missing_ok=True)
        except (OSError, ValueError):
            pass


def _sweep() -> None:
    """Remove uploads nobody confirmed or discarded within a day (best effort)."""
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in _directory().glob("*.*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            pass
