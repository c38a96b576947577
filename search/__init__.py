"""Warta: search for Indonesian news archives.

    from search import Index
    results = Index.open("index").search("kebakaran hutan")
"""
from search.errors import (IncompatibleIndex, IndexBusy, IndexNotFound, InvalidQuery, RejectedRecord,
                           SearchTooSlow, WartaError)
from search.index import Index
from search.results import (ArticleRecord, Citation, Concordance, ConcordanceLine, Copy, FacetCount, Hit, IndexStats,
                            SearchResults, TrendCount, Trends, TrendSeries)

__all__ = [
    "ArticleRecord", "Citation", "Concordance", "ConcordanceLine", "Copy", "FacetCount", "Hit", "IncompatibleIndex",
    "Index", "IndexBusy", "IndexNotFound", "IndexStats", "InvalidQuery", "RejectedRecord", "SearchResults",
    "SearchTooSlow", "TrendCount", "TrendSeries", "Trends", "WartaError",
]
