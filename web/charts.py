"""Charts drawn on the server as inline SVG geometry: the results page's histogram, the trends lines.

Everything is computed here in Python and written by the templates as plain SVG elements with
presentation attributes (no inline style, which the Content-Security-Policy forbids, and no
JavaScript): the charts read the same with scripts off, and each has a table or links beside it.
"""
from __future__ import annotations

from dataclasses import dataclass

from search import Trends
from search.ranking import UNDATED
from web.markup import MONTHS

COLOURS = ("#1f5fbf", "#c0392b", "#2e8b57", "#8e44ad", "#d35400")  # one per trends query (at most 5)
HIST_WIDTH, HIST_HEIGHT, HIST_LABEL = 640, 120, 18
HIST_MAX_SLOT = 48
CHART_WIDTH, CHART_HEIGHT = 720, 300
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 16, 12, 40


@dataclass(frozen=True)
class Bar:
    """One bar of the histogram: a period, its results, and the link narrowing the search to it."""

    label: str
    count: int
    href: str | None  # None for an empty period: there is nothing to narrow to
    x: float
    y: float
    width: float
    height: float
    current: bool = False
    tick: str = ""  # the label shown under the bar ("" where labels would crowd)


@dataclass(frozen=True)
class Histogram:
    bars: tuple[Bar, ...]
    width: int
    height: int
    label_y: int
    by: str  # "year" | "month"
    peak: int


def histogram(facets: dict, state, search_url) -> Histogram | None:
    """Return the bars of a results page: its matches per year, or per month once one year is chosen.

    Periods run from the first to the last with matches, gaps drawn as empty bars; articles without
    a date get an "undated" bar at the end. None when there is nothing to draw.
    """
    months = facets.get("month") or ()
    by = "month" if state.year and state.year != UNDATED and months else "year"
    counts = {f.value: f.count for f in (months if by == "month" else facets.get("year") or ())}
    undated = counts.pop(UNDATED, 0)
    periods = _periods(sorted(counts), by)
    if undated:
        periods.append(UNDATED)
    if not periods or (len(periods) == 1 and periods[0] == UNDATED):
        return None
    peak = max(max(counts.values(), default=0), undated)
    slot = min(HIST_WIDTH / len(periods), HIST_MAX_SLOT)  # a year or two of matches: bars, not a block
    every = max(1, -(-len(periods) // 14))  # at most about 14 labels fit under the bars
    bars = []
    for number, period in enumerate(periods):
        count = undated if period == UNDATED else counts.get(period, 0)
        height = round(HIST_HEIGHT * count / peak, 1) if peak else 0
        if count and height < 2:
            height = 2  # a period with matches always shows
        facet = "year" if period == UNDATED else by
        href = search_url(state.adding(facet, period)) if count else None
        current = state.is_selected(facet, period)
        shown = period if period == UNDATED or number % every == 0 else ""
        if by == "month" and period != UNDATED:
            shown = MONTHS[int(period[5:]) - 1]
        bars.append(Bar(period, count, href, round(number * slot + 1, 1), round(HIST_HEIGHT - height, 1),
                        round(max(slot - 2, 1), 1), height, current, shown))
    return Histogram(tuple(bars), HIST_WIDTH, HIST_HEIGHT + HIST_LABEL, HIST_HEIGHT + 13, by, peak)


def _periods(found: list[str], by: str) -> list[str]:
    """Return every year (or month) from the first to the last found."""
    if not found:
        return []
    if by == "year":
        return [f"{y:04d}" for y in range(int(found[0]), int(found[-1]) + 1)]
    year = found[0][:4]
    return [f"{year}-{m:02d}" for m in range(int(found[0][5:]), int(found[-1][5:]) + 1)]


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    period: str
    count: int
    share: float


@dataclass(frozen=True)
class Line:
    query: str
    colour: str
    points: tuple[Point, ...]

    @property
    def path(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class LineChart:
    lines: tuple[Line, ...]
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    measure: str  # "count" | "share"


def line_chart(result: Trends, measure: str = "count") -> LineChart | None:
    """Return the lines of a trends chart (count, or share as a percentage, per period)."""
    if not result.series or not result.series[0].counts:
        return None
    periods = [c.period for c in result.series[0].counts]
    value = (lambda c: c.share * 100) if measure == "share" else (lambda c: c.count)
    peak = max((value(c) for s in result.series for c in s.counts), default=0) or 1
    top_value = _nice_ceiling(peak)
    left, right = MARGIN_LEFT, CHART_WIDTH - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, CHART_HEIGHT - MARGIN_BOTTOM
    step = (right - left) / max(len(periods) - 1, 1)

    def x_at(i: int) -> float:
        return round(left + (i * step if len(periods) > 1 else (right - left) / 2), 1)

    def y_at(v: float) -> float:
        return round(bottom - (bottom - top) * v / top_value, 1)

    lines = tuple(Line(s.query, COLOURS[n % len(COLOURS)],
                       tuple(Point(x_at(i), y_at(value(c)), c.period, c.count, c.share) for i, c in enumerate(s.counts)))
                  for n, s in enumerate(result.series))
    every = max(1, -(-len(periods) // 12))  # at most about 12 labels under the axis
    x_ticks = tuple(Tick(x_at(i), p) for i, p in enumerate(periods) if i % every == 0)
    y_ticks = tuple(Tick(y_at(top_value * k / 4), _number(top_value * k / 4, measure)) for k in range(5))
    return LineChart(lines, CHART_WIDTH, CHART_HEIGHT, left, right, top, bottom, x_ticks, y_ticks, measure)


def _nice_ceiling(value: float) -> float:
    """Return a round number at least value (1, 2, 2.5, 5 times a power of ten), for the axis top."""
    power = 1.0
    while power * 10 <= value:
        power *= 10
    while power > value and power > 1e-6:
        power /= 10
    for factor in (1, 2, 2.5, 5, 10):
        if power * factor >= value:
            return power * factor
    return power * 10


def _number(value: float, measure: str) -> str:
    if measure == "share":
        return f"{value:.2g}%"
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
