"""Warta: search for Indonesian news archives.

    from search import Index
    results = Index.open("index").search("kebakaran hutan")
"""
from search.errors import (IncompatibleIndex, IndexBusy, IndexNotFound, InvalidQuery, RejectedRecord,
                           SearchTooSlow, WartaError)
from search.index import Index
from search.outlets import OutletHint
from search.results import ArticleRecord, Copy, FacetCount, Hit, IndexStats, SearchResults

__all__ = [
    "ArticleRecord", "Copy", "FacetCount", "Hit", "IncompatibleIndex", "Index", "IndexBusy",
    "IndexNotFound", "IndexStats", "InvalidQuery", "OutletHint", "RejectedRecord", "SearchResults", "SearchTooSlow",
    "WartaError",
]
