"""The search state a URL holds (q, source, category, year, month, from, to, sort, page): parsed, checked,
turned into Index.search() arguments, and back into links that keep every filter."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Mapping

from search import InvalidQuery
from search.index import SORTS as LIBRARY_SORTS, WHOLE_NUMBER_RANGE
from search.messages import Message
from search.query import DATE_RANGE_EMPTY, bound_day

SORTS = ("relevance", "recent", "newest", "oldest")  # "recent": relevance with a boost for newer articles
_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAX_FILTER_VALUES = 20  # more repeated source/category values than any facet list shows
MAX_FILTER_LENGTH = 100
UNDATED = "undated"  # year=undated: the articles without a date (search.ranking.UNDATED)


class BadParameter(ValueError):
    """A URL parameter cannot be understood; the message says which one and what it should look like.

    `param` names the parameter ("from", "page"; "dates" for a reversed range), so that the page can
    give the advice that fits and keep what else the search had."""

    def __init__(self, message: str, param: str | None = None):
        super().__init__(message)
        self.param = param


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
        raise BadParameter(Message("The query is {length} characters long; the limit is {limit}. "
                                   "Use fewer or shorter words.", length=len(q), limit=max_query_length), "q")
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
        raise BadParameter(Message(DATE_RANGE_EMPTY, start=params.date_from, end=params.date_to), "dates")
    return params


def parse_leniently(args, max_query_length: int, max_page: int) -> SearchParams:
    """Return the search state of request arguments, leaving out what cannot be read (for links back
    to a search, which must never fail)."""
    fixed = {name: args.getlist(name) if hasattr(args, "getlist") else [args[name]] for name in args}
    for _attempt in range(len(fixed) + 1):
        try:
            return parse(_MultiArgs(fixed), max_query_length, max_page)
        except BadParameter as exc:
            dropped = {"dates": ("from", "to")}.get(exc.param, (exc.param,))
            if not any(name in fixed for name in dropped):
                break
            for name in dropped:
                fixed.pop(name, None)
    return SearchParams()


class _MultiArgs(dict):
    """The little of a werkzeug MultiDict that parse() uses, over {name: [values]}."""

    def get(self, name, default=None):
        values = super().get(name)
        return values[0] if values else default

    def getlist(self, name):
        return list(super().get(name, ()))


def _values(args, name: str) -> tuple[str, ...]:
    getlist = getattr(args, "getlist", None)
    raw = getlist(name) if getlist else ([args[name]] if name in args else [])
    values: list[str] = []
    for value in raw:
        value = value.strip()
        if not value or value in values:
            continue
        if len(value) > MAX_FILTER_LENGTH:
            raise BadParameter(Message("The {name} filter value is too long (over {limit} characters).",
                                       name=name, limit=MAX_FILTER_LENGTH), name)
        values.append(value)
    if len(values) > MAX_FILTER_VALUES:
        raise BadParameter(Message("Too many {name} filters ({count}); at most {limit} at once.",
                                   name=name, count=len(values), limit=MAX_FILTER_VALUES), name)
    return tuple(values)


def _year(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    raw = raw.strip()
    if raw.lower() == UNDATED:  # the year facet's bucket of articles without a date
        return UNDATED
    if not _YEAR.match(raw):
        raise BadParameter(Message("'year' must be a four-digit year such as 2017 (or undated), not {value}.",
                                   value=repr(raw[:40])), "year")
    return raw


def _month(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    raw = raw.strip()
    match = _MONTH.match(raw)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise BadParameter(Message("'month' must be a month written YYYY-MM, such as 2017-03, not {value}.",
                                   value=repr(raw[:40])), "month")
    return raw


def _date(raw: str | None, name: str) -> str | None:
    if raw is None or not raw.strip():
        return None
    raw = raw.strip()
    # The forms the library reads (21/10/2017, 21 Oktober 2017, 2017-10-21, 2017-10, 2017), with its
    # message when it cannot; kept in the URL as the ISO day it means ('to' 2017 is 2017-12-31).
    try:
        day = bound_day(raw, end=name == "to")
    except InvalidQuery as exc:
        raise BadParameter(exc.args[0], name) from None
    return day.isoformat() if day else None


read_date = _date  # for pages that re-read one date (a reversed range offered swapped)


def _sort(raw: str | None) -> str:
    if raw is None or not raw.strip():
        return "relevance"
    raw = raw.strip().lower()
    if raw not in SORTS:
        raise BadParameter(Message("Unknown sort '{sort}': use one of {sorts}.", sort=raw[:40],
                                   sorts=", ".join(LIBRARY_SORTS)), "sort")  # the library's words
    return raw


def _page(raw: str | None, max_page: int) -> int:
    if raw is None or not raw.strip():
        return 1
    try:
        page = int(raw.strip())
    except ValueError:
        page = 0
    if not 1 <= page <= max_page:
        raise BadParameter(Message(WHOLE_NUMBER_RANGE, name="page", minimum=1, maximum=max_page,
                                   value=repr(raw.strip()[:40])), "page")
    return page
