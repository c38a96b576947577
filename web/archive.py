"""The app's one open Index (opened lazily, shared by all threads), reached per request through `g`."""
from __future__ import annotations

import threading
import time

from flask import Flask, current_app, g
from werkzeug.exceptions import NotFound

from search import IncompatibleIndex, Index, IndexNotFound, IndexStats

EXTENSION_KEY = "warta_archive"


class Archive:
    """Holds the Index of one app: opened on first use, so the app starts even before an index exists."""

    def __init__(self, path: str, stats_ttl: int):
        self.path = path
        self.stats_ttl = stats_ttl
        self._index: Index | None = None
        self._lock = threading.Lock()
        self._stats: tuple[float, tuple, IndexStats] | None = None  # (when, commit, figures)

    def index(self) -> Index:
        """Return the open Index; raise IndexNotFound / IncompatibleIndex (with the fix) when it cannot open."""
        if self._index is None:
            with self._lock:
                if self._index is None:
                    # Not cached on failure: an index built after start-up is picked up by the next request.
                    self._index = Index.open(self.path)
        return self._index

    def stats(self) -> IndexStats:
        """Return the index's figures, recomputed at most every stats_ttl seconds (they count over every
        article) and at once after a new commit (the home page must not show the old count)."""
        cached = self._stats
        now = time.monotonic()
        index = self.index()
        commit = index.commit()
        if cached is None or now - cached[0] > self.stats_ttl or cached[1] != commit:
            cached = (now, commit, index.stats())
            self._stats = cached
        return cached[2]


def init_app(app: Flask) -> None:
    """Attach the app's Archive and the per-request teardown."""
    app.extensions[EXTENSION_KEY] = Archive(app.config["INDEX"], app.config["STATS_TTL"])
    app.teardown_appcontext(close_request_index)


def warm(app: Flask) -> None:
    """Open the app's index and load its caches now, so that the first visitor does not wait for them;
    without a usable index do nothing (the pages say how to build one)."""
    try:
        app.extensions[EXTENSION_KEY].index().warm()
    except (IndexNotFound, IncompatibleIndex):
        pass


def archive() -> Archive:
    """Return the current app's Archive."""
    return current_app.extensions[EXTENSION_KEY]


def get_index() -> Index:
    """Return the Index for this request, kept on `g` so a request uses one handle throughout."""
    if "warta_index" not in g:
        g.warta_index = archive().index()
    return g.warta_index


def close_request_index(exc: BaseException | None = None) -> None:
    """Drop the request's handle at the end of the request; the shared Index stays open (each Index
    call opens and closes its own Whoosh searcher, so nothing else is held per request)."""
    g.pop("warta_index", None)


def run_search(params, per_page: int):
    """Return the SearchResults of a parsed SearchParams (only the filters the user chose are passed)."""
    return get_index().search(params.q, page=params.page, per_page=per_page, **params.search_kwargs())


def article_and_related(article_id: str):
    """Return (the article, its related articles) for the article pages; raise NotFound for an unknown id.

    RELATED_LIMIT 0 switches related articles off (an empty tuple).
    """
    index = get_index()
    record = index.get(article_id)
    if record is None:
        raise NotFound()
    limit = current_app.config["RELATED_LIMIT"]
    return record, (index.related(record.id, limit=limit) if limit else ())
