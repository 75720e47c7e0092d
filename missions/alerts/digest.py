"""What a user's next digest holds: mandates ending within their horizon, new statements.

One rule for the e-mail (``send_alerts``) and the dashboard's preview, so the preview is exactly
what would be sent. "Today" is passed in. A user is told about each statement once per reason:
``AlertNotice`` records what a digest said, so sending twice sends nothing new.

- Ending: each contribution's current statement whose end falls from today to ``horizon``
  months on (the expiring report's rule), for the missions followed, or all when chosen.
- New: statements on followed missions added since the user began following the mission.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Exists, F, OuterRef

from missions.alerts.models import DEFAULT_HORIZON_MONTHS, AlertNotice, AlertSettings
from missions.models import Statement
from missions.reading import reports
from missions.reading.querysets import StatementQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass
class Digest:
    user: User
    today: date
    horizon_months: int
    ending: list[Statement] = field(default_factory=list)
    new: list[Statement] = field(default_factory=list)
    # A preview shows the first few of each list and says when there are more.
    more: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.ending and not self.new

    def notices(self) -> list[AlertNotice]:
        """The records that say this digest was sent."""
        return [
            AlertNotice(user=self.user, statement=s, reason=AlertNotice.Reason.ENDING)
            for s in self.ending
        ] + [
            AlertNotice(user=self.user, statement=s, reason=AlertNotice.Reason.NEW)
            for s in self.new
        ]


def settings_of(user) -> AlertSettings:
    """The user's settings; the defaults (3 months, followed missions) when never saved."""
    found = AlertSettings.objects.filter(user=user).first()
    return found or AlertSettings(user=user, horizon_months=DEFAULT_HORIZON_MONTHS)


def _not_told(statements: StatementQuerySet, user, reason: str) -> StatementQuerySet:
    told = AlertNotice.objects.filter(user=user, reason=reason, statement=OuterRef("pk"))
    return statements.exclude(Exists(told))


def _first(statements: StatementQuerySet, limit: int | None) -> tuple[list[Statement], bool]:
    if limit is None:
        return list(statements), False
    found = list(statements[: limit + 1])
    return found[:limit], len(found) > limit


def next_digest(user, today: date, limit: int | None = None) -> Digest:
    """What the next digest would tell ``user`` (at most ``limit`` of each kind, for a preview):
    three queries, whatever the data's size."""
    chosen = settings_of(user)
    digest = Digest(user, today, chosen.horizon_months)
    # Joined from the user's follows (a follow is one per user and mission, so no row twice):
    # the database starts from the few missions followed and their contributions, where an
    # EXISTS per statement read every statement (196 ms at 100,000 contributions, SQLite).
    follows = "contribution__mission__follows"
    if chosen.horizon_months > 0:
        ending = reports.expiring(Statement.objects.all(), chosen.horizon_months, today)
        if not chosen.all_missions:
            ending = ending.filter(**{f"{follows}__user": user})
        digest.ending, more_ending = _first(_not_told(ending, user, "ending"), limit)
        digest.more |= more_ending
    new = (
        Statement.objects.filter(
            **{f"{follows}__user": user, f"{follows}__since__lt": F("created_at")}
        )
        .with_related()
        .order_by("document_date", "document_id", "contribution__mission__name", "pk")
    )
    digest.new, more_new = _first(_not_told(new, user, "new"), limit)
    digest.more |= more_new
    return digest
