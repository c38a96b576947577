"""Warta: search for Indonesian news archives.

    from search import Index
    results = Index.open("index").search("kebakaran hutan")

The public names are loaded on first use (PEP 562), so that importing a leaf module such as
`search.ingest.dates` does not pull in Whoosh and numpy through this package's import.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_PUBLIC = {
    "IncompatibleIndex": "search.errors", "IndexBusy": "search.errors", "IndexNotFound": "search.errors",
    "IndexUnreadable": "search.errors",
    "InvalidQuery": "search.errors", "RejectedRecord": "search.errors", "SearchTooSlow": "search.errors",
    "WartaError": "search.errors",
    "Index": "search.index",
    "OutletHint": "search.outlets",
    "ArticleRecord": "search.results", "Copy": "search.results", "FacetCount": "search.results",
    "Hit": "search.results", "IndexStats": "search.results", "SearchResults": "search.results",
    "Citation": "search.results", "Concordance": "search.results", "ConcordanceLine": "search.results",
    "TrendCount": "search.results", "TrendSeries": "search.results", "Trends": "search.results",
}

__all__ = sorted(_PUBLIC)

if TYPE_CHECKING:
    from search.errors import (IncompatibleIndex, IndexBusy, IndexNotFound, IndexUnreadable, InvalidQuery, RejectedRecord,
                               SearchTooSlow, WartaError)
    from search.index import Index
    from search.outlets import OutletHint
    from search.results import (ArticleRecord, Citation, Concordance, ConcordanceLine, Copy, FacetCount, Hit,
                                IndexStats, SearchResults, TrendCount, Trends, TrendSeries)


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'search' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
