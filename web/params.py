"""The search state a URL holds (q, source, category, year, month, from, to, sort, page): parsed, checked,
turned into Index.search() arguments, and back into links that keep every filter."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Mapping

SORTS = ("relevance", "recent", "newest", "oldest")  # "recent": relevance with a boost for newer articles
_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_FILTER_VALUES = 20  # more repeated source/category values than any facet list shows
MAX_FILTER_LENGTH = 100
UNDATED = "undated"  # year=undated: the articles without a date (search.ranking.UNDATED)


class BadParameter(ValueError):
    """A URL parameter cannot be understood; the message says which one and what it should look like."""


@dataclass(frozen=True)
class SearchParams:
    """Everything that decides one results page."""

    q: str = ""
    sources: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    year: str | None = None
    month: str | None = None  # YYYY-MM, a click on the month facet within a year
    date_from: str | None = None  # YYYY-MM-DD
    date_to: str | None = None
    sort: str = "relevance"
    page: int = 1

    @property
    def has_filters(self) -> bool:
        return bool(self.sources or self.categories or self.year or self.month or self.date_from or self.date_to)

    def search_kwargs(self) -> dict:
        """Return the keyword arguments of Index.search() for the filters the user chose (none when unset)."""
        kwargs: dict = {}
        if self.sources:
            kwargs["source"] = list(self.sources)
        if self.categories:
            kwargs["category"] = list(self.categories)
        if self.year:
            kwargs["year"] = self.year
        if self.month:
            kwargs["month"] = self.month
        if self.date_from:
            kwargs["date_from"] = self.date_from
        if self.date_to:
            kwargs["date_to"] = self.date_to
        if self.sort != "relevance":
            kwargs["sort"] = self.sort
        return kwargs

    def query_args(self) -> dict:
        """Return the URL parameters of this state, omitting defaults, lists as repeated values."""
        args: dict = {}
        if self.q:
            args["q"] = self.q
        if self.sources:
            args["source"] = list(self.sources)
        if self.categories:
            args["category"] = list(self.categories)
        if self.year:
            args["year"] = self.year
        if self.month:
            args["month"] = self.month
        if self.date_from:
            args["from"] = self.date_from
        if self.date_to:
            args["to"] = self.date_to
        if self.sort != "relevance":
            args["sort"] = self.sort
        if self.page != 1:
            args["page"] = self.page
        return args

    # Links from a results page. Any change of filter goes back to page 1.
    def with_page(self, page: int) -> "SearchParams":
        return replace(self, page=page)

    def with_query(self, q: str) -> "SearchParams":
        return replace(self, q=q, page=1)

    def with_sort(self, sort: str) -> "SearchParams":
        return replace(self, sort=sort, page=1)

    def adding(self, facet: str, value: str) -> "SearchParams":
        """Return the state narrowed by one facet value (source, category, year, or month as YYYY-MM)."""
        if facet == "source":
            return replace(self, sources=_added(self.sources, value), page=1)
        if facet == "category":
            return replace(self, categories=_added(self.categories, value), page=1)
        if facet == "year":
            return replace(self, year=value, page=1)
        if facet == "month":
            return replace(self, month=value, page=1)
        raise ValueError(f"unknown facet {facet!r}")

    def removing(self, facet: str, value: str | None = None) -> "SearchParams":
        """Return the state without one filter (a chip's remove link)."""
        if facet == "source":
            return replace(self, sources=tuple(v for v in self.sources if v != value), page=1)
        if facet == "category":
            return replace(self, categories=tuple(v for v in self.categories if v != value), page=1)
        if facet == "year":  # a month lies within its year: it goes too
            return replace(self, year=None, month=None, page=1)
        if facet == "month":
            return replace(self, month=None, page=1)
        if facet == "from":
            return replace(self, date_from=None, page=1)
        if facet == "to":
            return replace(self, date_to=None, page=1)
        if facet == "all":
            return SearchParams(q=self.q, sort=self.sort)
        raise ValueError(f"unknown filter {facet!r}")

    def is_selected(self, facet: str, value: str) -> bool:
        if facet == "source":
            return value in self.sources
        if facet == "category":
            return value in self.categories
        if facet == "year":
            return value == self.year
        if facet == "month":
            return value == self.month
        return False


def _added(values: tuple[str, ...], value: str) -> tuple[str, ...]:
    return values if value in values else values + (value,)


def parse(args, max_query_length: int, max_page: int) -> SearchParams:
    """Return the SearchParams of request arguments (a werkzeug MultiDict); raise BadParameter."""
    q = " ".join((args.get("q") or "").split())
    if len(q) > max_query_length:
        raise BadParameter(f"The query is {len(q)} characters long; the limit is {max_query_length}. "
                           "Use fewer or shorter words.")
    params = SearchParams(
        q=q,
        sources=_values(args, "source"),
        categories=_values(args, "category"),
        year=_year(args.get("year")),
        month=_month(args.get("month")),
        date_from=_date(args.get("from"), "from"),
        date_to=_date(args.get("to"), "to"),
        sort=_sort(args.get("sort")),
        page=_page(args.get("page"), max_page),
    )
    if params.date_from and params.date_to and params.date_from > params.date_to:
        raise BadParameter(f"The date range is empty: 'from' ({params.date_from}) is after 'to' ({params.date_to}).")
    return params


def _values(args, name: str) -> tuple[str, ...]:
    getlist = getattr(args, "getlist", None)
    raw = getlist(name) if getlist else ([args[name]] if name in args else [])
    values: list[str] = []
    for value in raw:
        value = value.strip()
        if not value or value in values:
            continue
        if len(value) > MAX_FILTER_LENGTH:
            raise BadParameter(f"The {name} filter value is too long (over {MAX_FILTER_LENGTH} characters).")
        values.append(value)
    if len(values) > MAX_FILTER_VALUES:
        raise BadParameter(f"Too many {name} filters ({len(values)}); at most {MAX_FILTER_VALUES} at once.")
    return tuple(values)


def _year(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    raw = raw.strip()
    if raw.lower() == UNDATED:  # the year facet's bucket of articles without a date
        return UNDATED
    if not _YEAR.match(raw):
        raise BadParameter(f"'year' must be a four-digit year such as 2017 (or undated), not {raw[:40]!r}.")
    return raw


def _month(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    raw = raw.strip()
    match = _MONTH.match(raw)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise BadParameter(f"'month' must be a month written YYYY-MM, such as 2017-03, not {raw[:40]!r}.")
    return raw


def _date(raw: str | None, name: str) -> str | None:
    if raw is None or not raw.strip():
        return None
    raw = raw.strip()
    try:
        if _DAY.match(raw):
            return date.fromisoformat(raw).isoformat()
    except ValueError:  # 2017-02-30
        pass
    raise BadParameter(f"'{name}' must be a date written YYYY-MM-DD, such as 2017-03-02, not {raw[:40]!r}.")


def _sort(raw: str | None) -> str:
    if raw is None or not raw.strip():
        return "relevance"
    raw = raw.strip().lower()
    if raw not in SORTS:
        raise BadParameter(f"'sort' must be one of {', '.join(SORTS)}, not {raw[:40]!r}.")
    return raw


def _page(raw: str | None, max_page: int) -> int:
    if raw is None or not raw.strip():
        return 1
    try:
        page = int(raw.strip())
    except ValueError:
        raise BadParameter(f"'page' must be a whole number from 1 to {max_page}, not {raw[:40]!r}.") from None
    if not 1 <= page <= max_page:
        raise BadParameter(f"'page' must be a whole number from 1 to {max_page}, not {page}.")
    return page
