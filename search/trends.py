"""Trends: how many stories match per year or month, counted with numpy over the period columns.

One matching set per query (the search's own, so counts agree with res.total for the same query
and filters), then one bincount over the index's year or month column: no search per period.
"""
from __future__ import annotations

import numpy as np

from search.errors import InvalidQuery
from search.ranking import Snapshot
from search.results import TrendCount, TrendSeries

PERIODS = ("year", "month")
MAX_QUERIES = 5  # as many lines as a chart keeps apart (and the page has colours for)


def check(queries, by: str) -> list[str]:
    """Return the queries to chart (blank ones dropped, repeats once); raise InvalidQuery for bad input."""
    if by not in PERIODS:
        raise InvalidQuery(f"Unknown period {str(by)[:40]!r}: count by year or by month.")
    if isinstance(queries, str):
        queries = [queries]
    wanted: list[str] = []
    for query in queries:
        text = " ".join(str(query).split())
        if text and text not in wanted:
            wanted.append(text)
    if not wanted:
        raise InvalidQuery("Give at least one query to count over time, such as banjir.")
    if len(wanted) > MAX_QUERIES:
        raise InvalidQuery(f"{len(wanted)} queries is too many to compare: at most {MAX_QUERIES} at once.")
    return wanted


def span(labels: list[str], present: np.ndarray, by: str) -> list[str]:
    """Return every period from the first to the last one present, gaps included (a continuous axis)."""
    found = sorted(labels[code] for code in np.flatnonzero(present) if labels[code])
    if not found:
        return []
    if by == "year":
        return [f"{year:04d}" for year in range(int(found[0]), int(found[-1]) + 1)]
    first_year, first_month = (int(part) for part in found[0].split("-"))
    last_year, last_month = (int(part) for part in found[-1].split("-"))
    periods = []
    year, month = first_year, first_month
    while (year, month) <= (last_year, last_month):
        periods.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return periods


def series(snap: Snapshot, query: str, matched: np.ndarray, periods: list[str], totals: dict[str, int],
           by: str) -> TrendSeries:
    """Return one query's counts per period, from the documents it matches."""
    column = snap.column(by)
    counts = snap.period_counts(np.flatnonzero(matched), by)
    code_of = {label: code for code, label in enumerate(column.labels)}
    items = []
    for period in periods:
        code = code_of.get(period)
        count = int(counts[code]) if code is not None else 0
        total = totals.get(period, 0)
        items.append(TrendCount(period, count, round(count / total, 6) if total else 0.0))
    return TrendSeries(query, tuple(items))


def period_totals(snap: Snapshot, allowed: np.ndarray, by: str) -> tuple[list[str], dict[str, int]]:
    """Return (every period of the span, stories per period) of the documents the filters allow."""
    column = snap.column(by)
    counts = snap.period_counts(np.flatnonzero(allowed), by)
    periods = span(column.labels, counts > 0, by)
    return periods, {label: int(counts[code]) for code, label in enumerate(column.labels) if label and counts[code]}
