"""What the dashboard shows, chosen in the database so that the page stays small at any size.

A realistic portfolio (a few dozen contributions) is drawn whole. A larger one would make a
picture nobody can read and a page of megabytes, so beyond ``TIMELINE_MAX_BARS`` the timeline
draws only what matters for a briefing (what runs today or starts or ends within
``HORIZON_MONTHS``, soonest end first) and says how many it shows out of how many, with links to
the table for the rest. The "ending soon" lists are capped the same way. Every choice is an
``ORDER BY`` with a ``LIMIT``, and the counts of what was left out are one aggregate over the
statement table alone, so the page runs the same number of queries whatever the number of rows.
(A window count in the query of the rows made the database join every matching row to keep 60:
the timeline took 14 s at 1,000,000 contributions on PostgreSQL, the ending lists 2.8 s.)
"Today" is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django import forms
from django.db.models import Count, F, Q
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from missions.dashboard.timeline import status_labels
from missions.dates import add_months, validate_date_in_range
from missions.models import Statement
from missions.reading import reports
from missions.reading.querysets import NOT_STARTED, active_condition
from missions.web.filters import DateInput

# More bars than this do not fit a picture one can read on a page or a slide.
TIMELINE_MAX_BARS = 60
# What the picture keeps beyond that: what starts or ends within this many months from today.
HORIZON_MONTHS = 12
# Rows per "ending soon" list; the rest are one link away, in the table.
ENDING_MAX_ROWS = 25
EXPIRING_MONTHS = (6, 12)
# The order that puts the mandates ending soonest first; open-ended ones last on every database.
SOONEST_END_FIRST = (
    F("end_date").asc(nulls_last=True),
    "contribution__mission__name",
    "contribution__name",
    "pk",
)


class DashboardForm(forms.Form):
    """The dashboard's one parameter: the day it shows (today when not given)."""

    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=DateInput,
        # The bound every date field has: the expiring lists count months on from the day.
        validators=[validate_date_in_range],
        help_text=_("The dashboard as the documents stood on that day."),
    )


def dashboard_day(params: QueryDict, today: date) -> tuple[DashboardForm, date]:
    """The form and the day it asks for; an invalid day shows its error and today's picture."""
    form = DashboardForm(params)
    day = form.cleaned_data.get("as_of") if form.is_valid() else None
    return form, day or today


def table_url(**params: str | int | list[str]) -> str:
    """The contributions table with ``params`` as its query string (lists repeat the key)."""
    return reverse("missions:contributions") + "?" + urlencode(params, doseq=True)


@dataclass(frozen=True)
class TimelineRows:
    statements: list[Statement]
    # Every current contribution, and those that matter for a briefing (the candidates for the
    # picture when it cannot hold them all; equal to ``total`` when it can).
    total: int
    matching: int
    capped: bool
    horizon_months: int = HORIZON_MONTHS

    @property
    def shown(self) -> int:
        return len(self.statements)

    @property
    def ending_url(self) -> str:
        return table_url(expires_within=self.horizon_months, sort="end")

    @property
    def all_url(self) -> str:
        return table_url(sort="end")


def timeline_total(summary: reports.Summary) -> int:
    """How many contributions the timeline has to draw: those active on the summary's day and
    the commitments that start later."""
    return summary.total.contributions + summary.apart_of(NOT_STARTED)


def timeline_rows(total: int, day: date) -> TimelineRows:
    """The statements the timeline draws on ``day``: each commitment in force then that runs
    that day or starts later (ended ones and those that commit to nothing are not on a picture
    of what is deployed), out of ``total`` such contributions (the caller knows that number
    already, from the summaries). One query when they all fit the picture; else three: how many
    matter for a briefing, the soonest-ending of them, and the open-ended ones that follow."""
    in_force = Statement.objects.as_of(day).with_related()
    running_or_later = active_condition(Statement, day) | Q(start_date__gt=day) & ~Q(
        status__in=Statement.NOT_COMMITTED
    )
    if total <= TIMELINE_MAX_BARS:
        rows = list(in_force.filter(running_or_later))
        return TimelineRows(rows, total=total, matching=total, capped=False)
    horizon = add_months(day, HORIZON_MONTHS)
    soon = Q(end_date__range=(day, horizon)) | Q(start_date__range=(day, horizon))
    relevant = in_force.filter(
        active_condition(Statement, day) | soon & ~Q(status__in=Statement.NOT_COMMITTED)
    )
    matching = relevant.count()
    # Each of these ends on the day or later, or never: one that runs on the day has not ended
    # before it, and one that starts within the horizon ends after its start (the named
    # constraint missions_statement_end_not_before_start). So the dated ones are read along the
    # end-date index from the day on, and stop after the picture's worth; the open-ended ones
    # come last, as SOONEST_END_FIRST puts them.
    dated = relevant.filter(end_date__gte=day).order_by(*SOONEST_END_FIRST)
    open_ended = relevant.filter(end_date__isnull=True).order_by(*SOONEST_END_FIRST[1:])
    rows = list(dated[:TIMELINE_MAX_BARS]) + list(open_ended[:TIMELINE_MAX_BARS])
    return TimelineRows(rows[:TIMELINE_MAX_BARS], total=total, matching=matching, capped=True)


@dataclass(frozen=True)
class EndingRow:
    statement: Statement
    status_label: str


@dataclass(frozen=True)
class EndingList:
    months: int
    rows: list[EndingRow]
    # How many end within ``months`` in all; the list holds at most ``ENDING_MAX_ROWS`` of them.
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.rows)

    @property
    def table_url(self) -> str:
        # The same rows as the list: the table's "expires within" has the same rule.
        return table_url(expires_within=self.months, sort="end")


def ending_lists(today: date, months: tuple[int, ...] = EXPIRING_MONTHS) -> list[EndingList]:
    """The mandates ending within each of ``months``, soonest first, at most ``ENDING_MAX_ROWS``
    each, with how many there are in all: two queries for every list together.

    Soonest first, a shorter horizon's list is the start of the longest one's, so the longest
    list's first rows serve them all; one aggregate counts each horizon's total.
    """
    expiring = reports.expiring(Statement.objects.all(), max(months), today)
    # Counted over the statement table alone (no row is joined to be counted), in one query.
    counts = expiring.order_by().aggregate(
        **{f"within_{n}": Count("pk", filter=Q(end_date__lte=add_months(today, n))) for n in months}
    )
    fetched = list(expiring.order_by(*SOONEST_END_FIRST)[:ENDING_MAX_ROWS])
    labels = status_labels()
    lists = []
    for n in months:
        horizon = add_months(today, n)
        # Every expiring row states its end (the rule keeps only those).
        rows = [
            EndingRow(s, labels[s.status])
            for s in fetched
            if s.end_date is not None and s.end_date <= horizon
        ]
        count = counts[f"within_{n}"]
        lists.append(EndingList(n, rows, count))
    return lists
