"""The parsed rows between preview and confirm: a ``PendingImport`` row in the database.

The session holds only the row's random token; the row holds the cells (never the uploaded
file), the original file name, the user who uploaded it and the preview last shown (its
fingerprint, and its rows for the preview's other pages). Any app server can therefore show
the preview or confirm it. A confirmation claims the row with its first write, inside the
transaction that applies the import, so that of two confirmations of one preview only one finds
it, and a confirmation that fails (or whose worker is killed) leaves it for the next try.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.contrib.sessions.backends.base import SessionBase
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language

from missions.imports.applying import without_cyclic_gc
from missions.imports.plan import Plan
from missions.imports.reading import Table
from missions.models import PendingImport
from missions.models.data_version import current_version

SESSION_KEY = "imports_pending"
MAX_AGE = datetime.timedelta(days=1)


@dataclass
class Pending:
    token: str
    filename: str
    table: Table
    fingerprint: str = ""


def preview_key() -> str:
    """What a preview's verdicts depend on besides the file: the data (its version, raised by
    every write, ``missions.models.data_version``), the language its messages are in and the
    day (a document dated after today is refused)."""
    return f"{current_version()}:{get_language()}:{timezone.localdate().isoformat()}"


def _token(session: SessionBase) -> str:
    token = session.get(SESSION_KEY)
    return token if isinstance(token, str) else ""


def _fresh(user_id: int):
    return PendingImport.objects.filter(user_id=user_id, created_at__gte=timezone.now() - MAX_AGE)


def store(session: SessionBase, user_id: int, filename: str, table: Table) -> Pending:
    """Keep the rows for this session and user; an earlier pending upload is dropped."""
    discard(session)
    # Uploads nobody confirmed or discarded within a day go (by anyone's next upload).
    PendingImport.objects.filter(created_at__lt=timezone.now() - MAX_AGE).delete()
    token = secrets.token_hex(16)
    PendingImport.objects.create(
        token=token, user_id=user_id, filename=filename, table=table.as_json()
    )
    session[SESSION_KEY] = token
    return Pending(token, filename, table)


def kept_plan(session: SessionBase, user_id: int, key: str) -> Plan | None:
    """The preview last shown of this session's upload, if it was planned for ``key``
    (``preview_key``); else None, and the file is to be planned again. Reads the kept rows
    only, not the cells (parsing those was most of a page's time at 20,000 rows)."""
    token = _token(session)
    found = _fresh(user_id).filter(token=token).values_list("preview", flat=True) if token else []
    preview = next(iter(found), None)
    if not isinstance(preview, dict) or preview.get("key") != key:
        return None
    try:
        with without_cyclic_gc():  # 20,000 rows of lists: see without_cyclic_gc
            return Plan.from_shown(preview["plan"])
    except (KeyError, TypeError, ValueError):
        return None


def load(session: SessionBase, user_id: int) -> Pending | None:
    """The pending upload of this session, if it is still there and belongs to this user."""
    token = _token(session)
    row = _fresh(user_id).filter(token=token).defer("preview").first() if token else None
    return _pending(row) if row is not None else None


def claim(session: SessionBase, user_id: int) -> Pending | None:
    """Inside the confirming transaction: take the upload, or None if it is gone.

    The first statement is a write, so the database serialises two confirmations here (SQLite
    by its write lock, PostgreSQL by the row lock); the second then finds the row deleted.
    """
    token = _token(session)
    if not token or not _fresh(user_id).filter(token=token).update(fingerprint=F("fingerprint")):
        return None
    return load(session, user_id)


def remember_preview(session: SessionBase, user_id: int, plan: Plan, key: str | None) -> None:
    """The preview just planned: its fingerprint (what a confirmation must find again) and its
    rows, for the preview's other pages while ``key`` (``preview_key``, taken before the plan
    was made) stays the same; without a key, no rows (the next page plans again)."""
    token = _token(session)
    if token:
        with without_cyclic_gc():  # 20,000 rows of lists: see without_cyclic_gc
            preview = {"key": key, "plan": plan.as_shown()} if key else {}
        _fresh(user_id).filter(token=token).update(fingerprint=plan.fingerprint, preview=preview)


def finish(session: SessionBase, user_id: int) -> None:
    """The import was applied: remove its upload, in the same transaction."""
    _fresh(user_id).filter(token=_token(session)).delete()
    session.pop(SESSION_KEY, None)


def discard(session: SessionBase) -> None:
    token = session.pop(SESSION_KEY, None)
    if isinstance(token, str):
        PendingImport.objects.filter(token=token).delete()


def _pending(row: PendingImport) -> Pending | None:
    try:
        table = Table.from_json(row.table)
    except (ValueError, KeyError, TypeError):
        return None
    return Pending(row.token, row.filename, table, row.fingerprint)
