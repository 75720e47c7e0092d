"""Database-backed sessions (settings.SESSION_ENGINE) that fail plainly when the database does.

Django's ``SessionBase._get_session`` loads the session inside ``except AttributeError`` (the
cache attribute is missing until the first load). When the database is down, the load raises
OperationalError *while handling* that AttributeError, so every traceback in the log starts with
``'SessionStore' object has no attribute '_session_cache'`` and only then shows the real cause:
a misleading first line, and it looked as if the session object were broken. Here the load runs
outside any ``except``; a failed load leaves the store as it was (not loaded), so the next access
simply tries again, and the session table, cookie and data format stay Django's own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db

_CACHE = "_session_cache"


class SessionStore(db.SessionStore):
    def _get_session(self, no_load: bool = False) -> dict[str, Any]:
        self.accessed = True
        if _CACHE not in self.__dict__:
            loaded = {} if self.session_key is None or no_load else self.load()
            self._session_cache = loaded
        return self._session_cache

    # The base class binds its own _get_session to the property; bind this one.
    _session = property(_get_session)
