"""The Index facade: open an index, search it, fetch articles; returns plain dataclasses."""
from __future__ import annotations

import html
import json
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import qparser

from search.errors import IncompatibleIndex, IndexNotFound
from search.indexer import META_FILE
from search.results import ArticleRecord, Hit, IndexStats, SearchResults
from search.schema import SCHEMA_VERSION


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


class Index:
    """A Warta index on disk."""

    def __init__(self, whoosh_ix, path: Path):
        self._ix = whoosh_ix
        self.path = path

    @classmethod
    def open(cls, path: str | Path = "index") -> "Index":
        """Open the index at `path`; raise IndexNotFound or IncompatibleIndex with the fix."""
        path = Path(path)
        if not whoosh_index.exists_in(path):
            raise IndexNotFound(f"No index at '{path}'. Build one with: warta index FILE...")
        meta_path = path / META_FILE
        version = json.loads(meta_path.read_text(encoding="utf-8")).get("schema_version") if meta_path.exists() else None
        if version != SCHEMA_VERSION:
            raise IncompatibleIndex(
                f"The index at '{path}' was built by another version of Warta (schema {version}, "
                f"this version reads {SCHEMA_VERSION}). Rebuild it: warta index --rebuild FILE..."
            )
        try:
            ix = whoosh_index.open_dir(path)
        except Exception as exc:  # unpicklable schema from an older analyzer, truncated files
            raise IncompatibleIndex(f"Cannot read the index at '{path}' ({exc}). Rebuild it: warta index --rebuild FILE...") from exc
        return cls(ix, path)

    def search(self, text: str, page: int = 1, per_page: int = 10) -> SearchResults:
        """Return one page of articles matching `text`, best first."""
        started = time.perf_counter()
        parser = qparser.MultifieldParser(["title", "content"], self._ix.schema)
        query = parser.parse(text)
        with self._ix.searcher() as searcher:
            results = searcher.search_page(query, page, pagelen=per_page)
            hits = tuple(
                Hit(
                    id=h["id"], title=h.get("title", ""), url=h.get("url"), source=h.get("source"),
                    date=_iso(h.get("date")), category=h.get("category"), score=float(h.score or 0),
                    snippet=h.highlights("content") or html.escape(h.get("content", "")[:300]),
                    title_html=html.escape(h.get("title", "")),
                )
                for h in results
            )
            total = len(results)
        pages = max(1, -(-total // per_page))
        return SearchResults(hits=hits, total=total, page=page, pages=pages, per_page=per_page,
                             took_ms=(time.perf_counter() - started) * 1000, query=text)

    def get(self, article_id: str) -> ArticleRecord | None:
        """Return the full stored article with this id, or None."""
        with self._ix.searcher() as searcher:
            stored = searcher.document(id=article_id)
        if stored is None:
            return None
        return ArticleRecord(id=stored["id"], title=stored.get("title", ""), content=stored.get("content", ""),
                             url=stored.get("url"), source=stored.get("source"), date=_iso(stored.get("date")),
                             category=stored.get("category"), cluster=stored.get("cluster"))

    def stats(self) -> IndexStats:
        """Return how many articles the index holds, from which outlets and dates, and its size."""
        with self._ix.searcher() as searcher:
            sources: dict[str, int] = {}
            first = last = None
            for stored in searcher.all_stored_fields():
                source = stored.get("source") or "(unknown)"
                sources[source] = sources.get(source, 0) + 1
                date = stored.get("date")
                if date is not None:
                    first = date if first is None or date < first else first
                    last = date if last is None or date > last else last
            documents = searcher.doc_count()
        size = sum(p.stat().st_size for p in self.path.iterdir() if p.is_file())
        return IndexStats(path=str(self.path), documents=documents, sources=dict(sorted(sources.items())),
                          date_first=_iso(first), date_last=_iso(last), size_bytes=size)
