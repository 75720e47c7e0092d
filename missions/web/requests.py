"""The request of a view that only signed-in users reach, typed for the checker."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class AuthenticatedRequest(HttpRequest):
    """What a view behind ``login_required`` or ``permission_required`` receives: its user is an
    account, never ``AnonymousUser`` (who has no permissions and is turned away first).

    Only an annotation: Django passes its own ``HttpRequest``; no instance of this class exists.
    """

    user: User
