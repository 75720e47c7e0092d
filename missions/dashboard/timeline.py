"""Geometry of the dashboard's timeline picture: one bar per statement given, by region.

Which statements to draw is the caller's choice (``missions.dashboard.lists.timeline_rows``: all
current contributions, or at scale the ones that matter for a briefing).

Everything is computed here, in plain numbers, so the template only writes SVG elements and the
picture needs no JavaScript. The picture draws only what the documents state:

- a stated start or end is a solid edge; a period that runs past the window's edge, or is
  stated as open-ended, ends in an arrow;
- an unknown start or end is a faded, dashed stretch beside the day shown (the contribution is
  known to run then), never a bar from the window's edge as if it had begun before it;
- a statement with no period at all is not drawn: it is listed apart, under the picture.

The window runs over whole years around the day shown. The day is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from missions.dates import format_precise
from missions.models import Statement, Status
from missions.reading.remaining import statement_time_left
from missions.web import formatting

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


# How far (in SVG units) an unknown start or end fades out beside the day shown.
FADE = 36


@dataclass(frozen=True)
class Bar:
    label: str
    status: str
    status_label: str
    period: str
    y: float
    # The solid stretch: from the stated start (or the day shown, when the start is unknown) to
    # the stated end (or the window's edge for an open end, or the day shown when unknown).
    x: float
    width: float
    # The edges the documents state; an unknown one fades out over ``fade_*`` instead.
    start_stated: bool = True
    end_stated: bool = True
    # The period runs on before the window's start or past its end, or is open-ended.
    before_window: bool = False
    after_window: bool = False
    open_ended: bool = False
    mission_id: int | None = None
    # For the text alternative under the picture.
    mission_label: str = ""
    contribution: str = ""
    time_left: str = ""

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT - 2

    @property
    def short_label(self) -> str:
        # The label column is narrow; the full text stays in the table under the picture.
        # The status is always kept: it is what the colour says, in words.
        room = LABEL_CHARS - len(self.status_label) - 3
        label = self.label if len(self.label) <= room else self.label[: room - 1] + "…"
        return f"{label} ({self.status_label})"

    @property
    def bar_y(self) -> float:
        return self.y

    @property
    def end_x(self) -> float:
        return self.x + self.width

    @property
    def fade_start_x(self) -> float:
        """Where the faded stretch before an unknown start begins."""
        return max(self.x - FADE, LABEL_WIDTH)

    @property
    def fade_start_width(self) -> float:
        return self.x - self.fade_start_x

    @property
    def fade_end_width(self) -> float:
        """The faded stretch after an unknown end, up to the plot's right edge at most."""
        return min(FADE, WIDTH - RIGHT_MARGIN - self.end_x)

    @property
    def arrow_right(self) -> str:
        """Points of a small arrowhead past the bar's right end."""
        x, y = self.end_x, self.y
        return f"{x},{y - 2} {x + 8},{y + BAR_HEIGHT / 2} {x},{y + BAR_HEIGHT + 2}"

    @property
    def arrow_left(self) -> str:
        x, y = self.x, self.y
        return f"{x},{y - 2} {x - 8},{y + BAR_HEIGHT / 2} {x},{y + BAR_HEIGHT + 2}"


@dataclass(frozen=True)
class Unstated:
    """A row the picture cannot draw: its statement gives no period at all."""

    label: str
    status: str
    status_label: str
    mission_id: int


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
    # The rows with no period stated, listed under the picture instead of drawn.
    unstated: list[Unstated] = field(default_factory=list)
    # Every row, drawn or not, in the picture's order: the text alternative's table.
    rows: list[Statement] = field(default_factory=list)

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
    statements: Iterable[Statement],
    day: date,
    *,
    today: date | None = None,
    language: str | None = None,
) -> Timeline:
    """Bars for ``statements`` (already loaded with their missions and regions), grouped by
    region, in the order mission, contribution, as they stand on ``day``: the line marks that
    day ("today" when it is ``today``, the default)."""
    rows = sorted(
        statements,
        key=lambda s: (
            s.contribution.mission.region.name,
            s.contribution.mission.name,
            s.contribution.name,
        ),
    )
    labels = status_labels()
    drawn = [s for s in rows if _has_period(s)]
    unstated = [
        Unstated(_label(s), s.status, labels[s.status], s.contribution.mission_id)
        for s in rows
        if not _has_period(s)
    ]
    first, last = _window(drawn, day)
    plot_left, plot_right = LABEL_WIDTH, WIDTH - RIGHT_MARGIN
    span = (last - first).days

    def x_of(moment: date) -> float:
        clamped = min(max(moment, first), last)
        return round(plot_left + (clamped - first).days / span * (plot_right - plot_left), 1)

    groups: list[Group] = []
    y = AXIS_HEIGHT + 6
    for statement in drawn:
        region = statement.contribution.mission.region.name
        if not groups or groups[-1].region != region:
            groups.append(Group(region, y))
            y += GROUP_HEADING
        bar = _bar(statement, labels[statement.status], y, x_of, first, last, day)
        groups[-1].bars.append(bar)
        y += ROW_HEIGHT

    ticks = [Tick(x_of(date(year, 1, 1)), str(year)) for year in range(first.year, last.year + 1)]
    statuses = sorted({(s.status, labels[s.status]) for s in drawn})
    shown_day = format_precise(day, "day", language=language)
    if today is None or day == today:
        day_label = _("today, %(day)s") % {"day": shown_day}
    else:
        day_label = _("as of %(day)s") % {"day": shown_day}
    return Timeline(
        width=WIDTH,
        height=y + 8,
        plot_left=plot_left,
        plot_right=plot_right,
        axis_y=AXIS_HEIGHT,
        groups=groups,
        ticks=ticks,
        today_x=x_of(day),
        today_label=day_label,
        statuses=statuses,
        unstated=unstated,
        rows=rows,
    )


def _has_period(statement: Statement) -> bool:
    return bool(statement.start_date or statement.end_date or statement.open_ended)


def _label(statement: Statement) -> str:
    return f"{statement.contribution.mission.label}: {statement.contribution.name}"


def _bar(
    statement: Statement, status_label: str, y: float, x_of, first: date, last: date, day: date
) -> Bar:
    start, end = statement.start_date, statement.end_date
    # An unknown edge is drawn from the day shown: the statement in force says it runs then.
    left = x_of(start) if start else x_of(day)
    if end:
        right = x_of(end)
    elif statement.open_ended:
        right = x_of(last)
    else:
        right = max(x_of(day), left)
    return Bar(
        label=_label(statement),
        status=statement.status,
        status_label=status_label,
        period=period_text(statement),
        y=y,
        x=left,
        width=max(right - left, 2),
        start_stated=start is not None,
        end_stated=end is not None or statement.open_ended,
        before_window=start is not None and start < first,
        after_window=statement.open_ended or (end is not None and end > last),
        open_ended=statement.open_ended,
        mission_id=statement.contribution.mission_id,
        mission_label=statement.contribution.mission.label,
        contribution=statement.contribution.name,
        time_left=statement_time_left(statement, day),
    )


def period_text(statement: Statement) -> str:
    """The period in words, as the text alternative and the bar's title give it: the display
    vocabulary's period, the same as on the document page and in the admin."""
    return formatting.period_text(statement)
