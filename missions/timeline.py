"""Geometry of the dashboard's timeline picture: one bar per statement given, by region.

Which statements to draw is the caller's choice (``missions.dashboard.timeline_rows``: all
current contributions, or at scale the ones that matter for a briefing).

Everything is computed here, in plain numbers, so the template only writes SVG elements and the
picture needs no JavaScript. The window runs over whole years around today; a period that starts
before the window or runs past it (or has no end at all) is drawn to the edge with an arrow, so a
bar is never cut off silently. "Today" is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from missions.models import Statement, Status

# Picture size in SVG units; the CSS scales it to the page width.
WIDTH = 1000
LABEL_WIDTH = 330
RIGHT_MARGIN = 20
AXIS_HEIGHT = 28
GROUP_HEADING = 24
ROW_HEIGHT = 22
BAR_HEIGHT = 12
LABEL_CHARS = 46
# The window: at least a year back and two ahead, at most five back and eight ahead.
YEARS_BEFORE = (1, 5)
YEARS_AFTER = (2, 8)


@dataclass(frozen=True)
class Bar:
    label: str
    status: str
    status_label: str
    period: str
    y: float
    # None when the statement gives no period at all: the row then says so in words.
    x: float | None = None
    width: float = 0
    # The period runs on before the window's start or past its end (or has no end).
    before_window: bool = False
    after_window: bool = False
    mission_id: int | None = None

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT - 2

    @property
    def short_label(self) -> str:
        # The label column is narrow; the full text stays in the bar's <title>.
        # The status is always kept: it is what the colour says, in words.
        room = LABEL_CHARS - len(self.status_label) - 3
        label = self.label if len(self.label) <= room else self.label[: room - 1] + "…"
        return f"{label} ({self.status_label})"

    @property
    def bar_y(self) -> float:
        return self.y

    @property
    def end_x(self) -> float:
        return (self.x or 0) + self.width

    @property
    def arrow_right(self) -> str:
        """Points of a small arrowhead past the bar's right end."""
        x, y = self.end_x, self.y
        return f"{x},{y - 2} {x + 8},{y + BAR_HEIGHT / 2} {x},{y + BAR_HEIGHT + 2}"

    @property
    def arrow_left(self) -> str:
        x, y = self.x or 0, self.y
        return f"{x},{y - 2} {x - 8},{y + BAR_HEIGHT / 2} {x},{y + BAR_HEIGHT + 2}"


@dataclass(frozen=True)
class Group:
    region: str
    y: float
    bars: list[Bar] = field(default_factory=list)

    @property
    def text_y(self) -> float:
        return self.y + GROUP_HEADING - 8


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: float
    plot_left: float
    plot_right: float
    axis_y: float
    groups: list[Group]
    ticks: list[Tick]
    today_x: float
    today_label: str
    statuses: list[tuple[str, str]]

    @property
    def today_on_right(self) -> bool:
        return self.today_x > (self.plot_left + self.plot_right) / 2

    @property
    def today_label_x(self) -> float:
        # Beside the line, on the side with room, so the label never runs off the picture.
        return self.today_x - 4 if self.today_on_right else self.today_x + 4

    @property
    def today_label_anchor(self) -> str:
        return "end" if self.today_on_right else "start"

    @property
    def is_empty(self) -> bool:
        return not self.groups


def status_labels() -> dict[str, str]:
    """Each status's label in the active language, built once per picture or list:
    ``get_status_display`` per row cost a third of the whole page at 10,000 rows (Django hashes
    the field's choices on every call)."""
    return {value: str(label) for value, label in Status.choices}


def _window(statements: list[Statement], today: date) -> tuple[date, date]:
    starts = [s.start_date.year for s in statements if s.start_date]
    ends = [s.end_date.year for s in statements if s.end_date]
    first = min([today.year - YEARS_BEFORE[0], *starts])
    last = max([today.year + YEARS_AFTER[0], *ends])
    first = max(first, today.year - YEARS_BEFORE[1])
    last = min(last, today.year + YEARS_AFTER[1])
    return date(first, 1, 1), date(last, 12, 31)


def build_timeline(
    statements: Iterable[Statement], today: date, *, language: str | None = None
) -> Timeline:
    """Bars for ``statements`` (each contribution's current statement, already loaded with their
    missions and regions), grouped by region, in the order mission, contribution."""
    from missions.dates import format_precise

    rows = sorted(
        statements,
        key=lambda s: (
            s.contribution.mission.region.name,
            s.contribution.mission.name,
            s.contribution.name,
        ),
    )
    first, last = _window(rows, today)
    plot_left, plot_right = LABEL_WIDTH, WIDTH - RIGHT_MARGIN
    span = (last - first).days

    def x_of(day: date) -> float:
        clamped = min(max(day, first), last)
        return round(plot_left + (clamped - first).days / span * (plot_right - plot_left), 1)

    labels = status_labels()
    groups: list[Group] = []
    y = AXIS_HEIGHT + 6
    for statement in rows:
        region = statement.contribution.mission.region.name
        if not groups or groups[-1].region != region:
            groups.append(Group(region, y))
            y += GROUP_HEADING
        groups[-1].bars.append(_bar(statement, labels[statement.status], y, x_of, first, last))
        y += ROW_HEIGHT

    ticks = [Tick(x_of(date(year, 1, 1)), str(year)) for year in range(first.year, last.year + 1)]
    statuses = sorted({(s.status, labels[s.status]) for s in rows})
    return Timeline(
        width=WIDTH,
        height=y + 8,
        plot_left=plot_left,
        plot_right=plot_right,
        axis_y=AXIS_HEIGHT,
        groups=groups,
        ticks=ticks,
        today_x=x_of(today),
        today_label=_("today, %(day)s") % {"day": format_precise(today, "day", language=language)},
        statuses=statuses,
    )


def _bar(statement: Statement, status_label: str, y: float, x_of, first: date, last: date) -> Bar:
    mission = statement.contribution.mission
    label = f"{mission.label}: {statement.contribution.name}"
    common = {
        "label": label,
        "status": statement.status,
        "status_label": status_label,
        "period": _period(statement),
        "y": y,
        "mission_id": mission.pk,
    }
    start, end = statement.start_date, statement.end_date
    if start is None and end is None and not statement.open_ended:
        return Bar(**common)
    # No start: the period began before anything we know, so draw it from the window's edge.
    left = x_of(start) if start else x_of(first)
    right = x_of(end) if end else x_of(last)
    return Bar(
        **common,
        x=left,
        width=max(right - left, 2),
        before_window=start is None or start < first,
        after_window=end is None or end > last,
    )


def _period(statement: Statement) -> str:
    start, end = statement.start_display, statement.end_display
    if not start and not end:
        return _("no period stated")
    if not end:
        end = _("end unknown")
    if not start:
        return _("until %(end)s") % {"end": end}
    return f"{start} - {end}"
