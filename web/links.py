"""The links of a results page (facets, filter chips, sort, pages), computed in Python once per page.

A results page has dozens of links that all keep the search state; building them here with plain
string formatting, instead of a url_for() and a few template calls per link, keeps a page's
rendering to about a millisecond.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlencode

from babel.dates import format_date
from flask import request
from flask_babel import gettext

from search import SearchResults
from search.outlets import display_name
from web.i18n import current_language, date_label
from web.params import SORTS, SearchParams

FACETS = ("source", "category", "year", "month")
FACET_LIMIT = 8  # values a facet list shows; the rest are behind a "N more" disclosure
BROWSE_SORTS = ("newest", "oldest")  # without words to rank by, only dates order the list


def facet_label(name: str) -> str:
    """Return the heading of a facet (and the kind of filter a chip removes), in the reader's language."""
    return {"source": gettext("Outlet"), "category": gettext("Category"), "year": gettext("Year"),
            "month": gettext("Month"), "from": gettext("From"), "to": gettext("To")}[name]


def sort_label(sort: str) -> str:
    return {"relevance": gettext("relevance"), "recent": gettext("relevant and recent"),
            "newest": gettext("newest"), "oldest": gettext("oldest")}.get(sort, sort)


def month_label(value: str) -> str:
    """Return "Maret 2017" / "March 2017" for a month facet value "2017-03"."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return format_date(date(year, month, 1), "LLLL y", locale=current_language())
    except ValueError:
        return value


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
    rest: tuple[Link, ...] = ()  # the values after the FACET_LIMIT most frequent, shown on request


def search_url(state: SearchParams) -> str:
    """Return the results URL of a search state (every filter kept)."""
    args = state.query_args()
    base = request.script_root + "/search"
    return base + "?" + urlencode(args, doseq=True) if args else base


def article_url(article_id: str, q: str | SearchParams | None = None) -> str:
    """Return the article page URL, carrying the search it was found with (its query marks the
    matches; its filters, sort and page make the page's link back to the results)."""
    url = request.script_root + "/articles/" + quote(article_id, safe="")
    args = q.query_args() if isinstance(q, SearchParams) else ({"q": q} if q else {})
    return url + "?" + urlencode(args, doseq=True) if args else url


def facet_groups(results: SearchResults, state: SearchParams) -> list[FacetGroup]:
    """Return the facets that have values, each value linking to the narrowed (or widened) search."""
    groups = []
    for name in FACETS:
        counts = results.facets.get(name) or ()
        if not counts:
            continue
        links = []
        for item in counts:
            selected = state.is_selected(name, item.value)
            target = state.removing(name, item.value) if selected else state.adding(name, item.value)
            links.append(Link(value_label(name, item.value, item.label), search_url(target), selected, item.count))
        # The most frequent first, and every chosen value even when it is not among them.
        shown = links[:FACET_LIMIT] + [link for link in links[FACET_LIMIT:] if link.current]
        rest = tuple(link for link in links[FACET_LIMIT:] if not link.current)
        groups.append(FacetGroup(name, facet_label(name), tuple(shown), rest))
    return groups


def value_label(name: str, value: str, label: str | None = None) -> str:
    """Return how a facet value is shown: an outlet by its own name, a month by its name."""
    if name == "source":
        return label or display_name(value) or value
    if name == "month":
        return month_label(value)
    return label or value


def outlet_fix_url(state: SearchParams, typed: str, outlet: str) -> str:
    """Return the search with an outlet filter that named no outlet replaced by `outlet` (a "did you mean")."""
    if typed in state.sources:
        return search_url(state.removing("source", typed).adding("source", outlet))
    shown = f'"{outlet}"' if " " in outlet else outlet
    pattern = re.compile(r'(?i)\bsource:(?:"' + re.escape(typed) + r'"|' + re.escape(typed) + r'(?![^\s)]))')
    return search_url(state.with_query(pattern.sub(lambda m: "source:" + shown, state.q, count=1)))


def chips(state: SearchParams) -> list[Link]:
    """Return one removable chip per active filter."""
    found = [Link(value_label("source", v), search_url(state.removing("source", v)), label=facet_label("source"))
             for v in state.sources]
    found += [Link(v, search_url(state.removing("category", v)), label=facet_label("category")) for v in state.categories]
    if state.year:
        found.append(Link(state.year, search_url(state.removing("year")), label=facet_label("year")))
    if state.month:
        found.append(Link(month_label(state.month), search_url(state.removing("month")), label=facet_label("month")))
    if state.date_from:
        found.append(Link(date_label(state.date_from), search_url(state.removing("from")), label=facet_label("from")))
    if state.date_to:
        found.append(Link(date_label(state.date_to), search_url(state.removing("to")), label=facet_label("to")))
    return found


def sort_links(state: SearchParams) -> list[Link]:
    """Return one link per sort order, labelled for people; the current one marked.

    Browsing without words lists articles newest first (Index.search does), so there the orders are
    newest and oldest, and newest is marked when no other was chosen."""
    if not state.q:
        current = state.sort if state.sort in BROWSE_SORTS else "newest"
        return [Link(sort_label(sort), search_url(state.with_sort(sort)), sort == current) for sort in BROWSE_SORTS]
    return [Link(sort_label(sort), search_url(state.with_sort(sort)), sort == state.sort) for sort in SORTS]


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
