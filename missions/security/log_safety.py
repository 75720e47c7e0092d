"""Log lines that cannot be forged: every control character of a message is escaped.

A log is read line by line, so a message must never hold a line break: a username such as
``x\\n2026-01-01 ERROR forged`` would otherwise write a second, fake line. Messages from every
logger (django-axes' login failures, with the user agent and path the client chose, included)
pass this formatter; only the traceback that follows an error keeps its line breaks, and it
is written by Python, not by the client.
"""

from __future__ import annotations

import logging
import re

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_controls(text: str) -> str:
    r"""``\n`` as the two characters ``\`` ``n``; other controls as ``\xNN`` or ``\uNNNN``."""
    return _CONTROL.sub(lambda m: _NAMED.get(m[0]) or _code(m[0]), text)


def _code(char: str) -> str:
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


class SingleLineFormatter(logging.Formatter):
    """A formatter whose message part is always one line (see the module's docstring)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.message)
        return super().formatMessage(record)
