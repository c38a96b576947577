"""The Index facade: open an index, search it, fetch articles; returns plain dataclasses.

One Index keeps one Whoosh searcher open across searches (with the arrays search.ranking caches for
it) and reopens it when the index on disk has changed. It owns the index's analyzer (with the
names its corpus taught), which parses its queries and marks its snippets. Every result is built while the searcher is
open and returned as frozen dataclasses, so nothing returned refers to the searcher.
"""
from __future__ import annotations

import html
import json
import math
import os
import threading
import time
from dataclasses import dataclass
from datetime import timezone
from pathlib import Path
from typing import Iterator

import numpy as np
from whoosh import index as whoosh_index

from search import citation as _citation, concordance as _concordance, highlight, outlets, titles, trends as _trends
from search.analysis import analysis_fingerprint
from search.commits import Commit, has_index, latest_commit
from search.documents import title_from_url
from search.errors import IncompatibleIndex, IndexNotFound, IndexUnreadable, InvalidQuery
from search.messages import Message, N_
from search.highlight import MatchSpec
from search.indexer import META_FILE, index_analyzer, load_names, names_path
from search.query import (MAX_PREFIX_EXPANSIONS, Condition, ParsedQuery, describe, filter_conditions, near_window,
                          parse)
from search import ranking
from search.ranking import MISSING, UNDATED, Snapshot, exact_form_scores, exact_forms, proximity_factors
from search.results import (ArticleRecord, Citation, Concordance, Copy, FacetCount, Hit, IndexStats, SearchResults,
                            Trends)
from search.schema import SCHEMA_VERSION

SORTS = ("relevance", "newest", "oldest", "recent")
# The refusal of an out-of-range page or per_page, word for word the web API's.
WHOLE_NUMBER_RANGE = N_("'{name}' must be a whole number from {minimum} to {maximum}, not {value}.")
MAX_PER_PAGE = 100
RECENCY_HALF_LIFE_DAYS = 30.0  # sort="recent": an article this much older than the newest gets half the boost
RECENCY_WEIGHT = 1.0  # the newest article's score is multiplied by 1 + this
SEARCH_TIME_LIMIT = 2.0  # seconds; the slowest of the 200 benchmark queries takes about 0.05 s on 7,000 articles
REFRESH_SECONDS = 0.25  # how often to check for a new commit (a directory listing and a stat)
# Words as written kept per cache of an Index's analyzer. Snippets re-analyse every hit's text, so
# the cache met a news corpus's whole vocabulary: a served index's RSS rose for as long as new
# articles were shown (toward 2 x 300,000 entries). 50,000 words take ~10 MB and hold the words of
# the articles shown recently; an emptied cache refills at some 20 us a word.
ANALYZER_CACHE_WORDS = 50_000
OPEN_ATTEMPTS = 5  # tries to open the latest commit while writers commit under us
FACETS = ("source", "category", "year")
RELATED_TERMS = 12  # distinctive terms of an article used to find related ones
# Every word first, then some: a query of two or more words (or OR-groups, phrases) continues,
# after the articles holding every one of them, with the articles holding some of them, best
# first (issue 11: never a short first page while other articles hold some of the words). BM25F
# already ranks an article holding more of the words, or rarer ones, higher ("Elon Musk" before
# "partai" alone). Required words (+word, AND) and phrases are never dropped. Totals, facets and
# paging say which part is which (SearchResults.total / partial_total).
# PARTIAL_BY_WORDS_HELD: rank partial matches by how many of the query's groups they hold first,
# then by score. Off: on FacQA train+valid (800 questions, eval/tune.py) it cost MRR@10 0.771 ->
# 0.733 and R@100 0.948 -> 0.929 (questions' common words outvote their rare ones); the summary
# set was the same either way (0.885).
PARTIAL_BY_WORDS_HELD = False
EXPORT_CHUNK = 256  # stored articles read per hold of the lock while streaming an export
_DAY = 86_400 * 1_000_000  # the date column counts microseconds


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


class Index:
    """A Warta index on disk, with one searcher kept open across searches."""

    def __init__(self, whoosh_ix, path: Path):
        self._ix = whoosh_ix
        self.path = path
        self._lock = threading.RLock()  # Whoosh readers share file handles: one search at a time
        self._snapshot: Snapshot | None = None
        self._commit: Commit | None = None  # the commit the snapshot was opened on
        self._checked = 0.0
        # Queries are analysed as the index was: with the names its corpus taught, from the first search.
        self._names_stamp = _names_stamp(path)
        self.analyzer = _serving_analyzer(path)
        self._capitalisation = None  # the index's capitalisation counts, loaded for the first suggestion
        self._completion_tables = None  # (phrases.PairTable, spelling.SurfaceWords), loaded for the first completion
        self._names = None  # the capitalisation counts both read
        self._title_counts = load_names(path)  # cases titles made from URLs (search.titles)
        # Seconds a search may take before it stops with SearchTooSlow (0 or None: no limit). Searches
        # run one at a time, so a runaway one would hold up every other request.
        self.time_limit: float | None = SEARCH_TIME_LIMIT

    @classmethod
    def open(cls, path: str | Path = "index") -> "Index":
        """Open the index at `path`; raise IndexNotFound, IncompatibleIndex or IndexUnreadable with the fix."""
        path = Path(path)
        index = cls(_open_whoosh(path), path)
        index._current()  # a damaged index (a missing segment) fails here, not at the first search
        return index

    # -- the open searcher ------------------------------------------------------------------------

    def _current(self) -> Snapshot:
        """Return the snapshot of the index's latest commit (checked at most every REFRESH_SECONDS).

        Callers hold self._lock, so no search is using the old snapshot when it is replaced: it is
        closed at once. A new commit gets a new searcher, never Whoosh's searcher.refresh(), which
        keeps the old reader's segments (a rebuild then answered with doubled totals or a 500,
        deleted articles stayed visible, updated ones showed their old text).
        """
        now = time.monotonic()
        if self._snapshot is not None and now - self._checked < REFRESH_SECONDS:
            return self._snapshot
        self._checked = now
        if self._snapshot is not None and latest_commit(self.path) == self._commit:
            return self._snapshot
        snapshot, commit = self._open_latest()
        old, self._snapshot, self._commit = self._snapshot, snapshot, commit
        if old is not None:
            old.searcher.close()
            self._forget_suggestion_tables()
        return snapshot

    def _open_latest(self) -> tuple[Snapshot, "Commit"]:
        """Return a loaded snapshot of the latest commit and that commit.

        A writer may commit (and delete the segments it merged away) while we open: the commit is
        read before and after, and a changed one, or files gone under us, means trying again.
        """
        failure: Exception | None = None
        for attempt in range(OPEN_ATTEMPTS):
            if attempt:
                time.sleep(0.05 * attempt)
            before = latest_commit(self.path)
            try:
                # Opened again, not reused: a folder replaced under us may hold another schema version.
                ix = _open_whoosh(self.path)
                searcher = ix.searcher()
            except (IndexNotFound, IncompatibleIndex):
                raise
            except Exception as exc:  # a segment missing, or removed by a commit while we opened it
                failure = exc
                continue
            try:
                snapshot = self._snapshot_of(searcher)
                _load(snapshot)
            except Exception as exc:
                searcher.close()
                failure = exc
                continue
            if latest_commit(self.path) == before or attempt == OPEN_ATTEMPTS - 1:
                self._ix = ix
                return snapshot, before
            searcher.close()  # committed again while we loaded: load that one
        raise IndexUnreadable(
            f"The index at '{self.path}' is damaged or incomplete ({type(failure).__name__}: {failure}). "
            f"Restore it from a backup, or rebuild it: warta index --rebuild --index {self.path} FILE...")

    def _snapshot_of(self, searcher) -> Snapshot:
        """Return a Snapshot of a newly opened searcher, analysed with this index's names.

        Whoosh unpickles a fresh schema (analyzers without names) with every reader: this index's
        analyzer replaces them. A build that changed the learned names gets a new analyzer.
        """
        stamp = _names_stamp(self.path)
        if stamp != self._names_stamp:
            self._names_stamp, self.analyzer = stamp, _serving_analyzer(self.path)
            self._title_counts = load_names(self.path)  # cases titles made from URLs (search.titles)
        for name in ("title", "content"):
            if name in searcher.schema:
                searcher.schema[name].analyzer = self.analyzer
        snapshot = Snapshot(searcher)
        snapshot.analyzer = self.analyzer
        snapshot.title_counts = self._title_counts
        return snapshot

    def _forget_suggestion_tables(self) -> None:
        """Drop what suggestions read from beside the index (a build may have replaced it)."""
        self._capitalisation = self._names = None
        if self._completion_tables is not None:
            self._completion_tables[0].close()
            self._completion_tables = None

    def _completions(self):
        """Return (pair table, surface words) for completions, loaded on first use."""
        if self._completion_tables is None:
            from search.phrases import PairTable
            from search.spelling import SurfaceWords

            counts = self._name_counts()
            self._completion_tables = (PairTable(self.path), SurfaceWords(counts.capitalised, counts.lowercase))
        return self._completion_tables

    def _name_counts(self):
        """Return the capitalisation counts of the index's words (INDEX/names.json), read once per index state."""
        if self._names is None:
            from search.indexer import load_names

            self._names = load_names(self.path)
        return self._names

    def _capitals(self):
        """Return a function giving a lowercase word as the corpus writes it ("prabowo" -> "Prabowo").

        The names the build learned (INDEX/names.json: written capitalised mid-sentence at least 9
        times in 10) are capitalised, each part of a hyphenated word on its own; other words stay
        lowercase ("keuangan", capitalised in office names, is mostly not a name).
        """
        if self._capitalisation is None:
            names = self._name_counts().learned_names()

            def written(word: str) -> str:
                if word != word.lower():
                    return word  # already written with capitals
                return "-".join(part[:1].upper() + part[1:] if part in names else part for part in word.split("-"))

            self._capitalisation = written
        return self._capitalisation

    def warm(self) -> float:
        """Load what the first search would (field lengths, facet columns, dates); return seconds taken.

        Optional: a server can call it at start-up so that its first visitor does not wait. (Every
        new commit's snapshot is loaded this way when it is opened.)
        """
        started = time.perf_counter()
        with self._lock:
            self._current()
            self._completions()
            self._capitals()
        return time.perf_counter() - started

    def commit(self) -> tuple:
        """Return what identifies the commit this Index answers from (for caches kept beside it)."""
        with self._lock:
            self._current()
            return tuple(self._commit or ())

    def close(self) -> None:
        """Close the open searcher (the Index reopens one if used again)."""
        with self._lock:
            self._forget_suggestion_tables()
            if self._snapshot is not None:
                self._snapshot.searcher.close()
                self._snapshot = None
                self._commit = None

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- search -----------------------------------------------------------------------------------

    def search(self, text: str, page: int = 1, per_page: int = 10, *, source=None, category=None,
               date_from=None, date_to=None, year=None, month=None, sort: str = "relevance",
               recency: float | None = None, snippets: bool = True) -> SearchResults:
        """Return one page of results for `text` with totals, facets and what was searched.

        Filters: source/category (a value or list), date_from/date_to (ISO dates, inclusive), year
        ("2017") and month ("2017-03") for facet clicks. sort: "relevance", "newest", "oldest", or
        "recent" (relevance with a recency boost). recency: the boost's half-life in days; the
        newest matching article's score is multiplied by 1 + RECENCY_WEIGHT, one `recency` days
        older by 1 + RECENCY_WEIGHT/2, and so on. snippets=False leaves every hit's snippet empty
        (same hits, order and scores; for programs that only need the ranking, such as evaluation runs
        of 100 hits, where snippets are most of the time). Raises InvalidQuery for syntax it cannot honour,
        and SearchTooSlow (an InvalidQuery) when the search runs past `time_limit` seconds.
        """
        started = time.perf_counter()
        if sort not in SORTS:
            raise InvalidQuery(Message("Unknown sort '{sort}': use one of {sorts}.", sort=str(sort)[:40], sorts=", ".join(SORTS)))
        page = _whole_number(page, "page", 1)
        per_page = _whole_number(per_page, "per_page", 1, MAX_PER_PAGE)  # refused, as the web API does
        if sort == "recent" and recency is None:
            recency = RECENCY_HALF_LIFE_DAYS
        if recency is not None and not (isinstance(recency, (int, float)) and recency > 0):
            raise InvalidQuery(Message("recency is a half-life in days and must be a positive number."))
        parsed = parse(text, self.analyzer)
        conditions = filter_conditions(source=source, category=category, date_from=date_from,
                                       date_to=date_to, year=year, month=month)
        with self._lock:
            snap = self._current()
            # One search at a time runs on a snapshot (the lock): its deadline belongs to this search,
            # and counts from here, not from the wait for the lock or the loading of a new snapshot.
            snap.deadline = time.perf_counter() + self.time_limit if self.time_limit else None
            try:
                expansions = _expansions(snap, parsed)
                parsed.conditions, unknown_sources = _resolve_outlets(snap, parsed.conditions)
                conditions, unknown_in_filters = _resolve_outlets(snap, conditions)
                unknown_sources += unknown_in_filters
                tiers = _matching_tiers(snap, parsed, expansions, conditions)
                full_docs = np.flatnonzero(tiers.full)
                docs = np.flatnonzero(tiers.full | tiers.partial)
                total = snap.collapsed_total(full_docs)
                # Stories with a copy among the every-word matches are counted (and shown) there only.
                partial_total = snap.collapsed_total(docs) - total
                # Facets count what total counts; a page of partial matches only is narrowed by those.
                facets_counted = "every word" if total or not partial_total else "some words"
                facets = _facets(snap, full_docs if facets_counted == "every word" else docs, parsed, expansions,
                                 conditions, counted=facets_counted)
                order_by = _order(sort, parsed)  # browsing: newest first
                scores = tiers.scores
                if recency is not None and order_by in ("relevance", "recent"):
                    scores = _with_recency(snap, docs, scores, recency)
                wanted = page * per_page
                ranked = _rank_tiers(snap, docs, scores, tiers.rank, order_by, max(wanted, _head_depth()))
                if order_by in ("relevance", "recent") and parsed.groups:
                    ranked, scores = _rerank_head(snap, parsed, ranked, scores, tiers.rank)
                representatives = _collapse(snap, ranked, wanted)
                title_spec, content_spec = _match_specs(parsed, expansions, snap.analyzer)
                hits = tuple(_hit(snap, doc, float(scores[doc]), title_spec, content_spec, snippets,
                                  every_word=bool(tiers.full[doc]))
                             for doc in representatives[(page - 1) * per_page:wanted])
                suggestion = None
                if parsed.groups and (total == 0 or _has_unknown_words(snap, parsed)):
                    from search.spelling import suggest_query

                    suggestion = suggest_query(snap, parsed, self._capitals())
            finally:
                snap.deadline = None
        pages = max(1, math.ceil((total + partial_total) / per_page))
        return SearchResults(
            hits=hits, total=total, page=page, pages=pages, per_page=per_page,
            took_ms=(time.perf_counter() - started) * 1000,
            query=describe(parsed, any_word=bool(partial_total and not total), some_words=bool(partial_total and total),
                           conditions=conditions),
            relaxed=bool(partial_total),
            suggestion=suggestion, facets=facets, partial_total=partial_total, facets_counted=facets_counted,
            unknown_sources=tuple(unknown_sources),
        )

    # -- research tools: whole result sets, trends, keyword in context, citations ------------------

    def export(self, text: str = "", *, source=None, category=None, date_from=None, date_to=None,
               year=None, month=None, sort: str = "relevance") -> Iterator[ArticleRecord]:
        """Return an iterator over every article matching the query and filters, in result order.

        The same matches as search() (res.total counts them once per story): here every copy of a
        story is its own record, with its `cluster`, in the order search ranks them (taking the first
        record of each cluster gives search's hits, page after page). The query is checked now
        (InvalidQuery), the articles are read as the iterator is consumed, a few hundred at a time,
        from the index as it was when export() was called: memory stays flat however many match.
        """
        if sort not in SORTS:
            raise InvalidQuery(f"Unknown sort '{sort}': use one of {', '.join(SORTS)}.")
        parsed = parse(text)
        conditions = filter_conditions(source=source, category=category, date_from=date_from,
                                       date_to=date_to, year=year, month=month)
        with self._lock:
            snap = self._current()
            snap.deadline = time.perf_counter() + self.time_limit if self.time_limit else None
            try:
                expansions = _expansions(snap, parsed)
                # Search's listing: every-word matches, then the partial ones, ranked as search ranks them.
                tiers = _matching_tiers(snap, parsed, expansions, conditions)
                docs = np.flatnonzero(tiers.full | tiers.partial)
                scores = tiers.scores
                order_by = _order(sort, parsed)
                if sort == "recent":
                    scores = _with_recency(snap, docs, scores, RECENCY_HALF_LIFE_DAYS)
                ranked = _rank_tiers(snap, docs, scores, tiers.rank, order_by, docs.size)
                if order_by in ("relevance", "recent") and parsed.groups:
                    ranked, _ = _rerank_head(snap, parsed, ranked, scores, tiers.rank)
            finally:
                snap.deadline = None
        return self._records(snap, ranked)

    def _records(self, snap: Snapshot, docs: np.ndarray) -> Iterator[ArticleRecord]:
        """Yield the stored article of each document, reading EXPORT_CHUNK at a time under the lock.

        The next chunk is read in a helper thread while this one is consumed: most of reading is
        zlib inflating the stored text, which runs without the GIL, so it overlaps with writing rows.
        """
        from concurrent.futures import ThreadPoolExecutor

        def read(begin: int) -> list[ArticleRecord]:
            with self._lock:  # the searcher's files are shared: read a chunk, then let searches run
                return [_record(stored, snap) for stored in snap.stored_batch(docs[begin:begin + EXPORT_CHUNK].tolist())]

        if docs.size <= EXPORT_CHUNK:
            yield from read(0) if docs.size else ()
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="warta-export") as pool:
            pending = pool.submit(read, 0)
            for begin in range(0, docs.size, EXPORT_CHUNK):
                chunk = pending.result()
                if begin + EXPORT_CHUNK < docs.size:
                    pending = pool.submit(read, begin + EXPORT_CHUNK)
                yield from chunk

    def trends(self, queries, by: str = "year", *, source=None, category=None, date_from=None,
               date_to=None, year=None, month=None) -> Trends:
        """Return how many stories match each query per year or month, and their share of the period.

        count is what res.total of a search for the query counts in that period (near-duplicates
        once); share divides it by every story of the period that passes the same filters. Periods
        run from the first to the last the filtered archive has, gaps included. At most
        trends.MAX_QUERIES queries; raises InvalidQuery for a bad `by` or a query search refuses.
        """
        wanted = _trends.check(queries, by)
        parsed_queries = [parse(q) for q in wanted]
        conditions = filter_conditions(source=source, category=category, date_from=date_from,
                                       date_to=date_to, year=year, month=month)
        with self._lock:
            snap = self._current()
            allowed = snap.live.copy()
            for condition in conditions:
                allowed &= snap.condition_mask(condition)
            periods, totals = _trends.period_totals(snap, allowed, by)
            found = []
            for query, parsed in zip(wanted, parsed_queries):
                snap.deadline = time.perf_counter() + self.time_limit if self.time_limit else None
                try:
                    # What res.total counts: the every-word matches.
                    mask = _matching_tiers(snap, parsed, _expansions(snap, parsed), conditions).full
                finally:
                    snap.deadline = None
                found.append(_trends.series(snap, query, mask, periods, totals, by))
        return Trends(by=by, series=tuple(found))

    def concordance(self, text: str, width: int = 60, limit: int = 1000, *, sort: str = "date",
                    source=None, category=None, date_from=None, date_to=None, year=None,
                    month=None) -> Concordance:
        """Return keyword-in-context lines: each occurrence of the query's words in matching articles.

        Inflected forms count (tembak: menembakkan, ditembak), a quoted phrase counts where it all
        stands. Articles are read in the search's order (most relevant first) until `limit` lines
        are found; the lines are then sorted: "date" (oldest first), "before" / "after" (by the
        words before or after the match), or "relevance" (the search's order). Bodies only.
        """
        width, limit = _concordance.check(sort, width, limit)
        parsed = parse(text)
        if not parsed.groups:
            raise InvalidQuery("Keyword in context needs words to look for, such as banjir.")
        conditions = filter_conditions(source=source, category=category, date_from=date_from,
                                       date_to=date_to, year=year, month=month)
        with self._lock:
            snap = self._current()
            snap.deadline = time.perf_counter() + self.time_limit if self.time_limit else None
            try:
                expansions = _expansions(snap, parsed)
                mask, scores, relaxed, partial, _ = _matching(snap, parsed, expansions, conditions)
                docs = np.flatnonzero(mask)
                ranked = _rank(snap, docs, scores, "relevance", docs.size)
            finally:
                snap.deadline = None
            content_spec = _match_specs(parsed, expansions)[1]
        if not content_spec:
            raise InvalidQuery("Keyword in context shows words in article bodies: leave out title: to see them there.")
        lines: list = []
        read = 0
        truncated = False
        # Articles can match through their titles alone (no body line): stop reading somewhere.
        ranked = ranked[:limit * _concordance.ARTICLES_PER_LINE + EXPORT_CHUNK]
        for begin in range(0, ranked.size, EXPORT_CHUNK):
            with self._lock:
                chunk = snap.stored_batch(ranked[begin:begin + EXPORT_CHUNK].tolist())
            for stored in chunk:
                found = _concordance.lines_of(stored, _date_text(stored), content_spec, width, limit - len(lines) + 1)
                read += 1
                if len(lines) + len(found) > limit:
                    lines.extend(found[:limit - len(lines)])
                    truncated = True
                    break
                lines.extend(found)
            if truncated:
                break
        truncated = truncated or read < docs.size
        return Concordance(query=describe(parsed, any_word=relaxed and not partial, some_words=partial, conditions=conditions),
                           sort=sort, lines=tuple(_concordance.sort_lines(lines, sort)), articles=read,
                           truncated=truncated)

    def citation(self, article_id: str, archive_url: str | None = None) -> Citation | None:
        """Return how to cite the article with this id (archive_url: where this archive serves it), or None."""
        record = self.get(article_id)
        return _citation.citation(record, archive_url) if record is not None else None

    def highlight_text(self, text: str, query: str) -> str:
        """Return the whole text HTML-escaped with the query's matches in <mark> (for an article page).

        Marks what a search for `query` marks in snippets: inflected forms, phrases, prefix* words.
        Raises InvalidQuery for query text search() would refuse.
        """
        parsed = parse(query, self.analyzer)
        with self._lock:
            snap = self._current()
            expansions = _expansions(snap, parsed)
        return highlight.mark(text or "", _match_specs(parsed, expansions, snap.analyzer)[1])

    def get(self, article_id: str) -> ArticleRecord | None:
        """Return the full stored article with this id, or None."""
        with self._lock:
            snap = self._current()
            stored = snap.searcher.document(id=str(article_id))
        if stored is None:
            return None
        return _record(stored, snap)

    def related(self, article_id: str, limit: int = 5) -> tuple[Hit, ...]:
        """Return articles on the same subject: the best matches for this article's distinctive terms.

        The article itself and its near-duplicates (same cluster) are left out.
        """
        limit = _whole_number(limit, "limit", 1)
        with self._lock:
            snap = self._current()
            searcher = snap.searcher
            docnum = _docnum(searcher, article_id)
            if docnum is None:
                return ()
            stored = snap.stored(docnum)
            # The article's opening, as snippets read it: a huge article must not cost a full analysis.
            text = (stored.get("title") or "") + "\n" + (stored.get("content") or "")[:highlight.TEXT_WINDOW]
            key_terms = searcher.key_terms_from_text("content", text, numterms=RELATED_TERMS)
            scores = np.zeros(snap.size, dtype=np.float32)
            for term, weight in key_terms:
                scores += weight * snap.term_scores(term, ("title", "content"))
            clusters = snap.column("cluster").codes
            excluded = clusters == clusters[docnum] if clusters[docnum] > 0 else np.zeros(snap.size, dtype=bool)
            excluded[docnum] = True
            mask = (scores > 0) & snap.live & ~excluded
            docs = np.flatnonzero(mask)
            ranked = _rank(snap, docs, scores, "relevance", limit * 3 + (docs.size - snap.collapsed_total(docs)))
            spec = MatchSpec(terms=frozenset(term for term, _ in key_terms), analyzer=snap.analyzer)
            return tuple(_hit(snap, doc, float(scores[doc]), spec, spec) for doc in _collapse(snap, ranked, limit))

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Return up to `limit` completions of `prefix`, as words written in the archive, most frequent first.

        After a word: the phrases the archive holds ("kebakaran hu" -> "kebakaran hutan"); else words
        starting with the last word typed. Names keep the capitals the archive writes them with.
        """
        from search.spelling import complete

        with self._lock:
            snap = self._current()
            pairs, words = self._completions()
            # Completions stay lowercase, as typed into a search box (capitals are for "did you mean").
            return complete(snap, prefix, limit, pairs=pairs, words=words)

    def stats(self) -> IndexStats:
        """Return how many articles the index holds, from which outlets and dates, and its size."""
        with self._lock:
            snap = self._current()
            docs = np.flatnonzero(snap.live)
            sources = dict(sorted(
                (label or "(unknown)", int(count))
                for label, count in zip(snap.column("source").labels,
                                        np.bincount(snap.column("source").codes[docs], minlength=len(snap.column("source").labels)))
                if count))
            dates = snap.dates()[docs]
            dates = dates[dates != MISSING]
            first = _long_to_iso(int(dates.min())) if dates.size else None
            last = _long_to_iso(int(dates.max())) if dates.size else None
            documents = snap.documents
        size = sum(p.stat().st_size for p in self.path.iterdir() if p.is_file())
        return IndexStats(path=str(self.path), documents=documents, sources=sources,
                          date_first=first, date_last=last, size_bytes=size,
                          analysis_outdated=self.analysis_outdated(),
                          source_names={source: outlets.display_name(source) for source in sources})

    def analysis_outdated(self) -> bool:
        """Return True when the analyzer (lexicon or rules) changed since the index was built.

        The index still opens and searches, but words whose root changed may no longer match
        until it is rebuilt (warta index --rebuild).
        """
        try:
            meta = json.loads((self.path / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return True
        return meta.get("analysis") != analysis_fingerprint()


# -- opening ------------------------------------------------------------------------------------


def _open_whoosh(path: Path):
    """Return the Whoosh index at path; raise IndexNotFound, IncompatibleIndex or IndexUnreadable."""
    rebuild = f"warta index --rebuild --index {path} FILE..."
    try:
        if not path.is_dir():
            raise IndexNotFound(f"No index at '{path}'. Build one with: warta index --index {path} FILE...")
        os.listdir(path)
    except PermissionError:
        raise IndexUnreadable(f"Cannot read the index folder '{path}': permission denied. Run Warta as a user "
                              f"who may read it, or change its permissions (chmod -R u+rX {path}).") from None
    except OSError as exc:
        raise IndexUnreadable(f"Cannot read the index folder '{path}' ({exc.strerror}).") from None
    if not has_index(path):
        raise IndexNotFound(f"No index at '{path}'. Build one with: warta index --index {path} FILE...")
    try:
        meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
        version = meta.get("schema_version") if isinstance(meta, dict) else None
    except FileNotFoundError:
        version = None
    except PermissionError:
        raise IndexUnreadable(f"Cannot read '{path / META_FILE}': permission denied. Run Warta as a user who "
                              f"may read the index, or change its permissions (chmod -R u+rX {path}).") from None
    except (OSError, ValueError) as exc:  # cut short by a crash or a half-finished copy
        raise IndexUnreadable(f"The index at '{path}' is damaged: {META_FILE} cannot be read ({exc}). Restore the "
                              f"index from a backup, or rebuild it: {rebuild}") from None
    if version != SCHEMA_VERSION:
        raise IncompatibleIndex(
            f"The index at '{path}' was built by another version of Warta (schema {version}, "
            f"this version reads {SCHEMA_VERSION}). Rebuild it: {rebuild}")
    try:
        return whoosh_index.open_dir(path)
    except Exception as exc:  # unpicklable schema from an older analyzer, truncated files
        raise IndexUnreadable(f"Cannot read the index at '{path}' ({type(exc).__name__}: {exc}). Restore it from a "
                              f"backup, or rebuild it: {rebuild}") from None


def _load(snap: Snapshot) -> None:
    """Load every per-document array and open every segment's stored-fields file now.

    Whoosh opens column and stored-fields files on first use; a commit that merged segments away
    deletes theirs, so a snapshot still answering until the next check must have them open already
    (an open file stays readable on POSIX after it is deleted).
    """
    for name in ("title", "content"):
        snap.norm(name)
    for name in ("source", "category", "year", "month", "cluster"):
        snap.column(name)
    snap.dates()
    snap.shared()
    for leaf, _ in snap.leaves:
        if leaf.doc_count_all():
            leaf.stored_fields(0)


# -- helpers that run while the searcher is open ------------------------------------------------


def _serving_analyzer(index_dir: Path):
    """Return the index's analyzer with caches bounded for a long-lived server (see ANALYZER_CACHE_WORDS)."""
    analyzer = index_analyzer(index_dir)
    analyzer.cache_limit = ANALYZER_CACHE_WORDS
    return analyzer


def _names_stamp(index_dir: Path) -> tuple:
    """Return which learned names file the index's latest commit uses, and its _stamp."""
    path = names_path(index_dir)
    return path.name, _stamp(path)


def _stamp(path: Path) -> tuple[int, int] | None:
    """Return (modification time, size) of a file, or None when it is missing: has it changed?"""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _whole_number(value, name: str, minimum: int, maximum: int | None = None) -> int:
    """Return value as an int within bounds; refuse it with the message the web API gives."""
    try:
        number = int(value)
        if isinstance(value, bool) or (isinstance(value, float) and number != value):
            raise ValueError(value)
    except (TypeError, ValueError):
        number = None
    if number is None or number < minimum or (maximum is not None and number > maximum):
        if maximum is not None:
            raise InvalidQuery(Message(WHOLE_NUMBER_RANGE, name=name, minimum=minimum, maximum=maximum,
                                       value=repr(str(value)[:40])))
        raise InvalidQuery(Message("'{name}' must be a whole number of at least {minimum}, not {value}.",
                                   name=name, minimum=minimum, value=repr(str(value)[:40])))
    return number


def _resolve_outlets(snap: Snapshot, conditions: list[Condition]):
    """Return (conditions with outlet names resolved to indexed outlets, hints for names that match none).

    "source:cnn" and source="CNN Indonesia" mean the outlet "cnn indonesia" (search.outlets.resolve);
    an outlet filter that means no indexed outlet stays as typed (it matches nothing: the results
    are honest) and comes back as an OutletHint with the outlets it may mean.
    """
    known = [label for label in snap.column("source").labels if label]
    resolved, hints = [], []
    for condition in conditions:
        if condition.field != "source":
            resolved.append(condition)
            continue
        values = []
        for value in condition.values:
            found = outlets.resolve(value, known)
            if isinstance(found, outlets.OutletHint):
                hints.append(found)
                values.append(value)
            else:
                values.extend(v for v in found if v not in values)
        resolved.append(Condition(condition.field, tuple(dict.fromkeys(values)), condition.negated))
    return resolved, hints


def _long_to_iso(value: int) -> str:
    from whoosh.util.times import long_to_datetime

    return long_to_datetime(value).replace(tzinfo=timezone.utc).isoformat()  # the column holds UTC


@dataclass(frozen=True)
class Tiers:
    """Which documents match a query in full and which in part, with their scores and result tier.

    rank: 0 for documents holding every group, 1 for partial ones (with PARTIAL_BY_WORDS_HELD:
    1 + the number of groups they miss, fewer missing first). scores are BM25F sums, full
    matches lifted above the partial ones.
    """

    full: np.ndarray
    partial: np.ndarray
    scores: np.ndarray
    rank: np.ndarray


def _match_tiers(snap: Snapshot, parsed: ParsedQuery, expansions, allowed: np.ndarray) -> Tiers:
    """Return the every-word matches of the query within `allowed`, then the partial ones.

    A partial match holds every required group (+word, AND, phrases, NEAR) and at least one of the
    query's groups, but not all; there are none for a query of one group. Excluded words and
    filters hold for both tiers.
    """
    groups = len(parsed.groups)
    if not groups:
        matched, raw, excluded = snap.match_groups(parsed, expansions)
        mask = allowed & ~excluded
        return Tiers(mask, np.zeros(snap.size, dtype=bool), np.zeros(snap.size, dtype=np.float32),
                     np.zeros(snap.size, dtype=np.int16))
    matched, raw, excluded, required_matched = _matched_groups(snap, parsed, expansions)
    allowed = allowed & ~excluded
    full = allowed & (matched == groups)
    required = sum(parsed.required_groups())
    partial = allowed & ~full & (matched > 0) & (required_matched == required) if groups > 1 else \
        np.zeros(snap.size, dtype=bool)
    scores = np.where(full | partial, raw, 0).astype(np.float32)
    if full.any() and partial.any():
        # Full matches are lifted by the best partial score, as before tiers were ranked apart: the
        # exact-form and proximity factors then weigh more among them, which the tuning sets were
        # tuned with (summary MRR@10 0.885 with the lift, 0.870 without; eval/README.md).
        scores = np.where(full, scores + float(raw[partial].max()), scores).astype(np.float32)
    rank = np.where(full, 0, 1 + groups - matched if PARTIAL_BY_WORDS_HELD else 1).astype(np.int16)
    return Tiers(full, partial, scores, rank)


def _matched_groups(snap: Snapshot, parsed: ParsedQuery, expansions):
    """Return (groups matched, scores, excluded, required groups matched) per document."""
    if not any(parsed.required_groups()):
        matched, raw, excluded = snap.match_groups(parsed, expansions)
        return matched, raw, excluded, np.zeros(snap.size, dtype=np.int16)
    # Required groups are matched on their own too: how many of them each document holds.
    required_only = ParsedQuery(groups=[g for g, r in zip(parsed.groups, parsed.required_groups()) if r])
    optional_only = ParsedQuery(groups=[g for g, r in zip(parsed.groups, parsed.required_groups()) if not r],
                                excluded=parsed.excluded)
    required_matched, required_raw, _ = snap.match_groups(required_only, expansions)
    optional_matched, optional_raw, excluded = snap.match_groups(optional_only, expansions)
    return required_matched + optional_matched, required_raw + optional_raw, excluded, required_matched


def _matching_tiers(snap: Snapshot, parsed: ParsedQuery, expansions, conditions) -> Tiers:
    """Return the every-word and the partial matches of a query under filter conditions.

    The one place a query's matching set is decided: search() counts res.total over the full
    tier and res.partial_total over the partial one, and export, trends, the concordance and the
    feed read the same sets (through _matching), so their counts and rows agree with search's.
    """
    nothing = not parsed.groups and not parsed.excluded and not parsed.conditions and parsed.ignored
    if nothing:
        empty = np.zeros(snap.size, dtype=bool)
        return Tiers(empty, empty.copy(), np.zeros(snap.size, dtype=np.float32), np.zeros(snap.size, dtype=np.int16))
    allowed = snap.live.copy()
    # Outlets by name or unambiguous start (source:cnn), for search, export, trends and the concordance.
    for condition in _resolve_outlets(snap, list(parsed.conditions) + list(conditions))[0]:
        allowed &= snap.condition_mask(condition)
    return _match_tiers(snap, parsed, expansions, allowed)


def _matching(snap: Snapshot, parsed: ParsedQuery, expansions, conditions) -> tuple:
    """Return (matches, scores, relaxed, some_words, full) of a query under filter conditions.

    matches: every result search() lists (every-word matches, then partial ones); relaxed: some
    results lack a word; some_words: both tiers are there; full: which hold every word (None when
    all results are in one tier). For the callers that list results in search's order.
    """
    tiers = _matching_tiers(snap, parsed, expansions, conditions)
    both = bool(tiers.full.any() and tiers.partial.any())
    relaxed = bool(tiers.partial.any())
    return tiers.full | tiers.partial, tiers.scores, relaxed, both, tiers.full if both else None


def _order(sort: str, parsed: ParsedQuery) -> str:
    """Return the order results come in: a browse (no words) comes newest first unless told otherwise."""
    return sort if parsed.groups or sort != "relevance" else "newest"


def _expansions(snap: Snapshot, parsed: ParsedQuery) -> dict[tuple[str, str], list[str]]:
    """Return the index terms each prefix* of the query stands for, per field (bounded)."""
    expansions = {}
    for words in parsed.words + parsed.excluded:
        if words.kind == "prefix":
            for name in ((words.field,) if words.field else ("title", "content")):
                expansions[(name, words.terms[0])] = snap.expand_prefix(name, words.terms[0], MAX_PREFIX_EXPANSIONS)
    return expansions


def _match_specs(parsed: ParsedQuery, expansions, analyzer=None) -> tuple[MatchSpec, MatchSpec]:
    """Return what to mark in titles and in bodies for this query (re-analysed with `analyzer`)."""
    specs = []
    for name in ("title", "content"):
        terms, phrases, nears = set(), [], []
        for words in parsed.words:
            if words.field not in (None, name):
                continue
            if words.kind == "prefix":
                terms.update(expansions.get((name, words.terms[0]), ()))
            elif words.is_near:
                nears.append((tuple(dict.fromkeys(words.terms)), near_window(words)))
            elif words.is_phrase:
                phrases.append((words.terms, words.positions))
            else:
                terms.add(words.terms[0])
        specs.append(MatchSpec(frozenset(terms), tuple(phrases), tuple(nears), analyzer))
    return specs[0], specs[1]


# Which filter conditions a facet's own choices make: a facet is counted without them (multi-select).
_FACET_OWN = {"source": ("source",), "category": ("category",), "year": ("year", "month"), "month": ("month",)}


def _facets(snap: Snapshot, docs: np.ndarray, parsed: ParsedQuery | None = None, expansions=None,
            conditions=(), counted: str = "every word") -> dict[str, tuple[FacetCount, ...]]:
    """Return result counts by source, category and year (with an "undated" bucket), and by month
    within one year.

    They count the every-word matches (what res.total counts), or with counted="some words" the
    partial ones too (when no story holds every word). Facets are multi-select: each is counted over the results of every filter but its own, so
    choosing one outlet keeps the others listed with the results each would add (two values of
    one facet mean either; filters of different facets all apply). Filters written in the query
    text (source:kompas) are part of the query and apply to every facet.
    """
    def counted_without(name: str) -> np.ndarray:
        own = [c for c in conditions if c.field in _FACET_OWN[name]]
        if not own or parsed is None:
            return docs
        others = [c for c in conditions if c.field not in _FACET_OWN[name]]
        tiers = _matching_tiers(snap, parsed, expansions, others)
        # The same tier as `docs` (counted: "every word", or "some words" when none holds every word).
        return np.flatnonzero(tiers.full if counted == "every word" else tiers.full | tiers.partial)

    facets = {name: tuple(FacetCount(v, n, outlets.display_name(v) if name == "source" else None)
                          for v, n in snap.facet_counts(counted_without(name), name))
              for name in FACETS}
    year_docs = counted_without("year")
    years = sorted(facets["year"], key=lambda f: f.value, reverse=True)
    undated = snap.undated_total(year_docs)
    facets["year"] = tuple(years) + ((FacetCount(UNDATED, undated),) if undated else ())
    chosen_year = next((c.values[0] for c in conditions if c.field == "year" and len(c.values) == 1), None)
    if (chosen_year and chosen_year != UNDATED) or (chosen_year is None and len(years) == 1):
        months = snap.facet_counts(counted_without("month"), "month")
        facets["month"] = tuple(sorted((FacetCount(v, n) for v, n in months), key=lambda f: f.value))
    return facets


def _with_recency(snap: Snapshot, docs: np.ndarray, scores: np.ndarray, half_life_days: float) -> np.ndarray:
    """Return scores multiplied by 1 + RECENCY_WEIGHT * 0.5 ** (age / half-life), age from the newest match."""
    dates = snap.dates()[docs]
    dated = dates != MISSING
    if not dated.any():
        return scores
    newest = dates[dated].max()
    age_days = (newest - dates[dated]).astype(np.float64) / _DAY
    boosted = scores.copy()
    boosted[docs[dated]] *= (1 + RECENCY_WEIGHT * np.power(0.5, age_days / half_life_days)).astype(np.float32)
    return boosted


def _rank_tiers(snap: Snapshot, docs: np.ndarray, scores: np.ndarray, tier: np.ndarray, order_by: str,
                count: int) -> np.ndarray:
    """Return docs in result order, tier by tier (every word first), enough to fill `count` stories.

    Each tier is ranked on its own (by score or date), so a partial match never outranks a full
    one whatever its score. Ranking stops once `count` stories (near-duplicates collapsed) are in.
    """
    ranked: list[np.ndarray] = []
    stories = taken = 0
    for level in np.unique(tier[docs]).tolist():
        if stories >= count:
            break
        members = docs[tier[docs] == level]
        # Enough of this tier to fill the page even if its own copies, and copies of stories
        # already ranked (at most `taken` of them), collapse away.
        duplicates = members.size - snap.collapsed_total(members)
        part = _rank(snap, members, scores, order_by, count - stories + duplicates + taken)
        ranked.append(part)
        taken += part.size
        stories = snap.collapsed_total(np.concatenate(ranked))
    return np.concatenate(ranked) if ranked else docs[:0]


def _rank(snap: Snapshot, docs: np.ndarray, scores: np.ndarray, order_by: str, count: int) -> np.ndarray:
    """Return the first `count` of docs in result order (ties broken by document number)."""
    count = min(max(count, 0), docs.size)
    if count == 0:
        return docs[:0]
    if order_by in ("newest", "oldest"):
        dates = snap.dates()[docs]
        missing = dates == MISSING
        key = np.where(missing, np.iinfo(np.int64).max, -dates if order_by == "newest" else dates)
        primary, secondary = key, -scores[docs]
    else:
        primary, secondary = -scores[docs], np.zeros(docs.size)
    if count < docs.size:
        cut = np.argpartition(primary, count - 1)[:count]
        # Everything tied with the last kept value must be considered, or the tie-break is arbitrary.
        threshold = primary[cut].max()
        cut = np.flatnonzero(primary <= threshold)
    else:
        cut = np.arange(docs.size)
    order = np.lexsort((docs[cut], secondary[cut], primary[cut]))
    return docs[cut][order][:count]


def _head_depth() -> int:
    """Return how many of the best matches the exact-form and proximity factors re-order."""
    return max(ranking.EXACT_DEPTH, ranking.PROXIMITY_DEPTH)


def _rerank_head(snap: Snapshot, parsed: ParsedQuery, ranked: np.ndarray, scores: np.ndarray,
                 tier: np.ndarray | None):
    """Return (ranked, scores) with the best matches re-ordered by the exact-form and proximity factors.

    tier (Tiers.rank): articles holding every word stay ahead of those holding some, and those
    holding more words ahead of those holding fewer, whatever the factors.
    """
    depth = _head_depth()
    head = ranked[:depth].tolist()
    boosted = exact_form_scores(snap, head[:ranking.EXACT_DEPTH], scores, exact_forms(parsed))
    factors = proximity_factors(snap, head[:ranking.PROXIMITY_DEPTH], parsed)
    if not boosted and not factors:
        return ranked, scores
    scores = scores.copy()
    for doc, score in boosted.items():
        scores[doc] = score
    for doc, factor in factors.items():
        scores[doc] *= factor
    if tier is not None and tier.dtype == bool:  # a mask of the full matches (older callers)
        tier = np.where(tier, 0, 1)
    level = (lambda doc: int(tier[doc])) if tier is not None else (lambda doc: 0)
    head.sort(key=lambda doc: (level(doc), -scores[doc], doc))
    return np.concatenate([np.asarray(head, dtype=ranked.dtype), ranked[depth:]]), scores


def _collapse(snap: Snapshot, ranked: np.ndarray, count: int) -> list[int]:
    """Return the first `count` of ranked docs, keeping only the first article of each cluster."""
    clusters = snap.column("cluster").codes
    seen, kept = set(), []
    for doc in ranked.tolist():
        key = int(clusters[doc])
        if key:
            if key in seen:
                continue
            seen.add(key)
        kept.append(doc)
        if len(kept) >= count:
            break
    return kept


def _copies(snap: Snapshot, doc: int) -> tuple[Copy, ...]:
    """Return the other articles of doc's cluster (the same story elsewhere), oldest first."""
    if not snap.shared()[doc]:
        return ()
    clusters = snap.column("cluster").codes
    key = clusters[doc]
    members = np.flatnonzero((clusters == key) & snap.live)
    copies = []
    for member in members.tolist():
        if member == doc:
            continue
        stored = snap.stored(member)
        copies.append(Copy(id=stored["id"], title=_title(snap, stored), url=stored.get("url"),
                           source=stored.get("source"), date=_date_text(stored),
                           source_name=outlets.display_name(stored.get("source")),
                           title_derived=bool(stored.get("title_derived"))))
    return tuple(sorted(copies, key=lambda c: (c.date or "", c.id)))


def _date_text(stored: dict) -> str | None:
    value = stored.get("published") or stored.get("date")
    if value is None:
        return None
    return value if isinstance(value, str) else value.isoformat()


def _hit(snap: Snapshot, doc: int, score: float, title_spec: MatchSpec, content_spec: MatchSpec,
         snippets: bool = True, every_word: bool = True) -> Hit:
    """Return the Hit of one document: stored fields, marked title and snippet, collapsed copies."""
    stored = snap.stored(doc)
    title = _title(snap, stored)
    content = stored.get("content") or ""
    if title:
        title_html = highlight.mark(title, title_spec)
    else:
        # Some archives have no titles: head the hit with the start of the article instead.
        title_html = highlight.lead(content, 90)
    if not snippets:
        snippet = ""
    elif snap.past_deadline():
        # The time limit covers snippets too: past it, the remaining hits show their opening instead of
        # a search through their text (the results are whole; a failed search would show nothing).
        snippet = highlight.lead(content)
    else:
        snippet = highlight.snippet(content, content_spec)
    return Hit(
        id=stored["id"], title=title, url=stored.get("url"), source=stored.get("source"),
        date=_date_text(stored), category=stored.get("category"), score=round(score, 4),
        snippet=snippet, title_html=title_html,
        duplicates=_copies(snap, doc), every_word=every_word, source_name=outlets.display_name(stored.get("source")),
        title_derived=bool(stored.get("title_derived")),
    )


def _title(snap: Snapshot, stored: dict) -> str:
    """Return an article's title; one Warta made from its URL is cased as the index's corpus writes its
    words. (A title made from the opening words is the article's own text, cased as written.)"""
    title = stored.get("title") or ""
    if title and stored.get("title_derived") and title.lower() == (title_from_url(stored.get("url")) or "").lower():
        return titles.case_title(title, getattr(snap, "title_counts", None))
    return title


def _record(stored: dict, snap: Snapshot | None = None) -> ArticleRecord:
    title = _title(snap, stored) if snap is not None else stored.get("title") or ""
    return ArticleRecord(id=stored["id"], title=title, content=stored.get("content") or "",
                         url=stored.get("url"), source=stored.get("source"), date=_date_text(stored),
                         category=stored.get("category"), cluster=stored.get("cluster"),
                         source_name=outlets.display_name(stored.get("source")),
                         title_derived=bool(stored.get("title_derived")))


def _docnum(searcher, article_id: str) -> int | None:
    try:
        return searcher.document_number(id=str(article_id))
    except Exception:  # Whoosh raises on unknown terms in some versions
        return None


def _has_unknown_words(snap: Snapshot, parsed: ParsedQuery) -> bool:
    """Return True when some plain word of the query is in no document at all."""
    reader = snap.searcher.reader()
    for words in parsed.words:
        if words.kind == "prefix":
            continue
        for term in words.terms:
            if not any((name, term) in reader for name in ("title", "content")):
                return True
    return False


