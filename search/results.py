"""The plain frozen dataclasses the search API returns (built while the searcher is open)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from search.outlets import OutletHint


@dataclass(frozen=True)
class Copy:
    """A near-duplicate of a hit (the same story on another outlet), collapsed under it."""

    id: str
    title: str
    url: str | None
    source: str | None
    date: str | None  # ISO 8601
    source_name: str | None = None  # the outlet's own name for itself ("CNN Indonesia")
    title_derived: bool = False  # the archive gave no title: Warta made this one (URL or opening words)


@dataclass(frozen=True)
class Hit:
    """One search result."""

    id: str
    title: str
    url: str | None
    source: str | None
    date: str | None  # ISO 8601
    category: str | None
    score: float
    snippet: str  # HTML-safe; matches wrapped in <mark>
    title_html: str  # HTML-safe title; matches wrapped in <mark>
    duplicates: tuple[Copy, ...] = ()
    every_word: bool = True  # False: a partial match (some of the query's words), listed after the full ones
    source_name: str | None = None  # the outlet's own name for itself ("CNN Indonesia")
    title_derived: bool = False  # the archive gave no title: Warta made this one (URL or opening words)


@dataclass(frozen=True)
class FacetCount:
    """How many results share one value of a facet."""

    value: str
    count: int
    label: str | None = None  # what to show for the value (an outlet's own name); None: the value


@dataclass(frozen=True)
class SearchResults:
    """One page of results, with totals, facets and what was actually searched."""

    hits: tuple[Hit, ...]
    total: int  # stories (near-duplicates collapsed) matching the query as written: every word, phrase, filter
    page: int
    pages: int  # of total + partial_total
    per_page: int
    took_ms: float
    query: str  # what was actually searched, in words
    relaxed: bool = False  # True when results without every word are included (see query for how)
    suggestion: str | None = None
    facets: dict[str, tuple[FacetCount, ...]] = field(default_factory=dict)
    # Stories holding some of the query's words (every required one) but not all, listed after the
    # `total` ones; 0 when the query has one word, or every matching story holds every word.
    partial_total: int = 0
    # What the facets count: "every word" (the `total` stories), or "some words" (the partial
    # matches, when no story holds every word).
    facets_counted: str = "every word"
    # Outlet filters that name no indexed outlet, each with the outlets it may mean ("did you mean").
    unknown_sources: tuple[OutletHint, ...] = ()

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ArticleRecord:
    """A full stored article, as get() returns it."""

    id: str
    title: str
    content: str
    url: str | None
    source: str | None
    date: str | None
    category: str | None
    cluster: str | None = None
    source_name: str | None = None  # the outlet's own name for itself ("CNN Indonesia")
    title_derived: bool = False  # the archive gave no title: Warta made this one (URL or opening words)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class IndexStats:
    """What an index holds."""

    path: str
    documents: int
    sources: dict[str, int]
    date_first: str | None
    date_last: str | None
    size_bytes: int
    analysis_outdated: bool = False  # the analyzer changed since the build: rebuild to match every word
    source_names: dict[str, str] = field(default_factory=dict)  # outlet -> its own name ("CNN Indonesia")

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TrendCount:
    """How many stories match in one period, and their share of all the period's stories."""

    period: str  # "2017" or "2017-03"
    count: int  # stories (near-duplicates collapsed), as SearchResults.total counts them
    share: float  # count / every story of the period that passes the same filters (0 when it has none)


@dataclass(frozen=True)
class TrendSeries:
    """One query's counts over every period of the span, in time order."""

    query: str
    counts: tuple[TrendCount, ...]


@dataclass(frozen=True)
class Trends:
    """How often each of some queries matches, per year or per month."""

    by: str  # "year" | "month"
    series: tuple[TrendSeries, ...]

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ConcordanceLine:
    """One occurrence of a query's words in an article, with the text either side (plain text)."""

    id: str
    date: str | None
    source: str | None
    left: str
    match: str
    right: str


@dataclass(frozen=True)
class Concordance:
    """Keyword-in-context lines of a query, and whether the limit cut them short."""

    query: str  # what was searched, in words
    sort: str
    lines: tuple[ConcordanceLine, ...]
    articles: int  # matching articles read for these lines
    truncated: bool  # True when more lines exist than the limit let through

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Citation:
    """How to cite an article: a reference line and a BibTeX entry."""

    text: str
    bibtex: str

    def as_dict(self) -> dict:
        return asdict(self)
