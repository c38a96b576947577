"""The links of a results page (facets, filter chips, sort, pages), computed in Python once per page.

A results page has dozens of links that all keep the search state; building them here with plain
string formatting, instead of a url_for() and a few template calls per link, keeps a page's
rendering to about a millisecond.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from flask import request

from search import SearchResults
from web.markup import date_label
from web.params import SORTS, SearchParams

FACETS = (("source", "Outlet"), ("category", "Category"), ("year", "Year"), ("month", "Month"))
SORT_LABELS = {"relevance": "relevance", "recent": "relevant and recent", "newest": "newest", "oldest": "oldest"}


@dataclass(frozen=True)
class Link:
    """One link of the page: its text, where it goes, and whether it is the current choice."""

    text: str
    href: str
    current: bool = False
    count: int | None = None
    label: str | None = None  # for a chip: what kind of filter it removes


@dataclass(frozen=True)
class FacetGroup:
    """The values of one facet, each a link that narrows the search (or, when chosen, widens it)."""

    name: str
    label: str
    links: tuple[Link, ...]


def search_url(state: SearchParams) -> str:
    """Return the results URL of a search state (every filter kept)."""
    args = state.query_args()
    base = request.script_root + "/search"
    return base + "?" + urlencode(args, doseq=True) if args else base


def article_url(article_id: str, q: str | None = None) -> str:
    """Return the article page URL, carrying the query whose matches it marks."""
    url = request.script_root + "/articles/" + quote(article_id, safe="")
    return url + "?" + urlencode({"q": q}) if q else url


def facet_groups(results: SearchResults, state: SearchParams) -> list[FacetGroup]:
    """Return the facets that have values, each value linking to the narrowed (or widened) search."""
    groups = []
    for name, label in FACETS:
        counts = results.facets.get(name) or ()
        if not counts:
            continue
        links = []
        for item in counts:
            selected = state.is_selected(name, item.value)
            target = state.removing(name, item.value) if selected else state.adding(name, item.value)
            links.append(Link(item.value, search_url(target), selected, item.count))
        groups.append(FacetGroup(name, label, tuple(links)))
    return groups


def chips(state: SearchParams) -> list[Link]:
    """Return one removable chip per active filter."""
    found = [Link(v, search_url(state.removing("source", v)), label="Outlet") for v in state.sources]
    found += [Link(v, search_url(state.removing("category", v)), label="Category") for v in state.categories]
    if state.year:
        found.append(Link(state.year, search_url(state.removing("year")), label="Year"))
    if state.month:
        found.append(Link(state.month, search_url(state.removing("month")), label="Month"))
    if state.date_from:
        found.append(Link(date_label(state.date_from), search_url(state.removing("from")), label="From"))
    if state.date_to:
        found.append(Link(date_label(state.date_to), search_url(state.removing("to")), label="To"))
    return found


def sort_links(state: SearchParams) -> list[Link]:
    """Return one link per sort order, labelled for people; the current one marked."""
    return [Link(SORT_LABELS.get(sort, sort), search_url(state.with_sort(sort)), sort == state.sort) for sort in SORTS]


@dataclass(frozen=True)
class Pages:
    """Pagination: previous, numbered pages around the current one, next."""

    previous: str | None
    numbers: tuple[Link, ...]
    next: str | None


def pages(results: SearchResults, state: SearchParams, max_page: int) -> Pages | None:
    """Return the pagination links, or None when everything fits on one page."""
    last = min(results.pages, max_page)
    if last <= 1:
        return None
    current = results.page
    numbers = tuple(Link(str(n), search_url(state.with_page(n)), n == current)
                    for n in range(max(1, current - 2), min(last, current + 2) + 1))
    return Pages(previous=search_url(state.with_page(current - 1)) if current > 1 else None,
                 numbers=numbers,
                 next=search_url(state.with_page(current + 1)) if current < last else None)


# -- research links: exports, trends, keyword in context, feed ----------------------------------


def research_url(endpoint: str, state: SearchParams, **extra) -> str:
    """Return the URL of a research route (export, trends, kwic, feed) for the search state.

    The page number is left out (these cover the whole result set); extra parameters are added.
    """
    from flask import url_for

    args = state.with_page(1).query_args()
    args.update({k: v for k, v in extra.items() if v is not None})
    return url_for(endpoint) + ("?" + urlencode(args, doseq=True) if args else "")


def trends_url(queries: list[str], state: SearchParams, by: str = "year", measure: str = "count") -> str:
    """Return the /trends URL comparing queries under the state's filters."""
    from flask import url_for

    args = {k: v for k, v in state.with_page(1).query_args().items() if k not in ("q", "sort")}
    args["q"] = list(queries)
    if by != "year":
        args["by"] = by
    if measure != "count":
        args["measure"] = measure
    return url_for("research.trends_page") + "?" + urlencode(args, doseq=True)


def trends_switches(queries: list[str], state: SearchParams, by: str, measure: str) -> list[Link]:
    """Return the links that switch a trends chart between years and months, counts and shares."""
    return [Link("per year", trends_url(queries, state, "year", measure), by == "year"),
            Link("per month", trends_url(queries, state, "month", measure), by == "month"),
            Link("stories", trends_url(queries, state, by, "count"), measure == "count"),
            Link("share of all stories", trends_url(queries, state, by, "share"), measure == "share")]


KWIC_ORDER_LABELS = {"date": "date", "before": "word before", "after": "word after", "relevance": "relevance"}


def kwic_orders(state: SearchParams, current: str) -> list[Link]:
    """Return one link per keyword-in-context order, the current one marked."""
    return [Link(label, research_url("research.kwic_page", state, order=order), order == current)
            for order, label in KWIC_ORDER_LABELS.items()]


@dataclass(frozen=True)
class ResearchLinks:
    """The results page's ways to take its result set further."""

    csv: str
    jsonl: str
    trends: str
    kwic: str | None
    feed: str


def research_links(state: SearchParams) -> ResearchLinks:
    """Return the export, trends, keyword-in-context and feed links of a results page."""
    return ResearchLinks(
        csv=research_url("research.export_csv", state),
        jsonl=research_url("research.export_jsonl", state),
        trends=trends_url([state.q] if state.q else [], state),
        kwic=research_url("research.kwic_page", state.with_sort("relevance")) if state.q else None,
        feed=research_url("research.feed", state.with_sort("relevance")),
    )
