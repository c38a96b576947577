"""`warta opensearch export`: write what a cluster needs from a built Warta index.

OUT/ gets:
    template.json          the index template (PUT _index_template/NAME): analysis chain, mappings
    warta-stems.txt        stemmer_override rules (copy to each node's config/analysis/)
    warta-keywords.txt     keyword_marker words (the same)
    search-template.json   Warta's query as a stored search template (PUT _scripts/warta-search)
    bulk-0001.ndjson ...   every article of the index once, as _bulk index actions with Warta's ids
    manifest.json          what was exported: counts per file, the index, the analysis fingerprint

The files are written to a temporary folder inside OUT and moved into place at the end, so an
interrupted export leaves the previous one whole; bulk files of an earlier, larger export are removed.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from search.errors import WartaError
from search.opensearch import chain, search_template, template
from search.opensearch.warta_terms import IndexTerms

TEMPLATE_FILE = "template.json"
SEARCH_TEMPLATE_FILE = "search-template.json"
MANIFEST_FILE = "manifest.json"
BULK_PATTERN = "bulk-*.ndjson"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # OpenSearch's guidance for a bulk request: 5-15 MB
DEFAULT_INDEX_NAME = "warta"
_OWN_FILES = (TEMPLATE_FILE, SEARCH_TEMPLATE_FILE, MANIFEST_FILE, chain.RULES_FILE, chain.KEYWORDS_FILE)


class ExportFailed(WartaError):
    """The export could not be written, or would not hold every article of the index."""


@dataclass
class ExportSummary:
    """What an export wrote: every article of the index, in which files."""

    out: str
    articles: int = 0
    index_documents: int = 0
    files: list[dict] = field(default_factory=list)
    rules: int = 0
    keywords: int = 0
    vocabulary: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def export(index_dir: str | Path, out: str | Path, *, index_name: str = DEFAULT_INDEX_NAME,
           max_bytes: int = DEFAULT_MAX_BYTES, shards: int = 1, replicas: int = 1,
           progress: bool = False) -> ExportSummary:
    """Write the template, word lists, search template and bulk files of an index to `out`."""
    from whoosh import index as whoosh_index

    from search.analysis import analysis_fingerprint
    from search.index import Index

    started = time.perf_counter()
    index_dir, out = Path(index_dir), Path(out)
    Index.open(index_dir).close()  # refuses a missing or incompatible index with the fix
    if out.exists() and not out.is_dir():
        raise ExportFailed(f"'{out}' is a file; give a folder for the export (it is created if missing).")
    if max_bytes < 1024:
        raise ExportFailed("--max-bytes must be at least 1 kB (a bulk file holds whole articles).")
    try:
        out.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".export-", dir=out))
    except OSError as exc:
        raise ExportFailed(f"Cannot write to '{out}' ({exc.strerror}). Choose a folder you can write to.") from None
    try:
        terms = IndexTerms(index_dir)
        summary = ExportSummary(out=str(out))
        surfaces: set[str] = set()  # every word as written (memory: the vocabulary, not the text)
        with whoosh_index.open_dir(index_dir).reader() as reader:
            summary.index_documents = reader.doc_count()
            with _BulkFiles(work, max_bytes) as bulk:
                for _, stored in _progress(reader.iter_docs(), summary.index_documents, progress):
                    document = bulk_document(stored)
                    bulk.add(document)
                    for text in (document["title"], document["content"]):
                        surfaces.update(terms.words(text))
            summary.files = bulk.files
        summary.articles = sum(f["articles"] for f in summary.files)
        if summary.articles != summary.index_documents:
            raise ExportFailed(f"Exported {summary.articles} articles but the index holds "
                               f"{summary.index_documents}; the index changed during the export: run it again.")
        vocabulary = {terms.normalise(s) for s in surfaces}
        summary.vocabulary = len(vocabulary)
        # The dictionary's roots too: words a later article may bring (measured on held-out news:
        # CHANGELOG.md); their terms are Warta's like every other rule.
        lists = chain.word_lists(terms, vocabulary | terms.dictionary_roots())
        summary.rules, summary.keywords = len(lists.rules), len(lists.keywords)
        meta = {"analysis": analysis_fingerprint(), "articles": summary.articles,
                "index": str(index_dir.resolve()), "exported": datetime.now().astimezone().isoformat(timespec="seconds"),
                "word_lists": f"copy {chain.RULES_FILE} and {chain.KEYWORDS_FILE} to config/{chain.CONFIG_SUBDIR}/ on every node"}
        _write_json(work / TEMPLATE_FILE, template.index_template(terms, index_name, shards, replicas, meta))
        _write_json(work / SEARCH_TEMPLATE_FILE, search_template.search_template())
        _write_lines(work / chain.RULES_FILE, lists.rules)
        _write_lines(work / chain.KEYWORDS_FILE, lists.keywords)
        summary.seconds = round(time.perf_counter() - started, 2)
        _write_json(work / MANIFEST_FILE, {**meta, "index_name": index_name, **summary.as_dict()})
        _replace_export(work, out)
    except OSError as exc:
        raise ExportFailed(f"Cannot write the export to '{out}' ({exc.strerror or exc}).") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return summary


def bulk_document(stored: dict) -> dict:
    """Return the OpenSearch document of one stored Warta article (every field of the mappings)."""
    published = stored.get("published")
    date = stored.get("date")
    when = _parse_date(published) or date
    document = {
        "id": stored["id"],
        "title": stored.get("title") or "",
        "content": stored.get("content") or "",
        "url": stored.get("url"),
        "source": stored.get("source"),
        "category": stored.get("category"),
        # The original date with its offset; an index without it has the UTC date (naive = UTC).
        "date": published or (date.isoformat() if date else None),
        "year": when.year if when else None,
        "month": f"{when.year:04d}-{when.month:02d}" if when else None,
        # Every article has a cluster: collapse would put all articles without one in one group.
        "cluster": stored.get("cluster") or stored["id"],
        "content_hash": stored.get("content_hash"),
    }
    return {key: value for key, value in document.items() if value is not None}


def _parse_date(value) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


class _BulkFiles:
    """Writes _bulk index actions into numbered files of at most max_bytes (one article may exceed it)."""

    def __init__(self, folder: Path, max_bytes: int):
        self.folder, self.max_bytes = folder, max_bytes
        self.files: list[dict] = []
        self._handle = None
        self._size = 0

    def add(self, document: dict) -> None:
        action = json.dumps({"index": {"_id": document["id"]}}, ensure_ascii=False)
        source = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        try:
            data = f"{action}\n{source}\n".encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate in stored text: JSON's \u escapes carry it
            action = json.dumps({"index": {"_id": document["id"]}})
            data = f"{action}\n{json.dumps(document, separators=(',', ':'))}\n".encode("ascii")
        if self._handle is None or (self._size and self._size + len(data) > self.max_bytes):
            self._next_file()
        self._handle.write(data)
        self._size += len(data)
        self.files[-1]["articles"] += 1
        self.files[-1]["bytes"] = self._size

    def _next_file(self) -> None:
        self.close()
        name = f"bulk-{len(self.files) + 1:04d}.ndjson"
        self._handle = open(self.folder / name, "wb")
        self._size = 0
        self.files.append({"name": name, "articles": 0, "bytes": 0})

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _progress(items, total: int, shown: bool):
    if not shown:
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, unit=" articles", desc="export", leave=False)


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def _replace_export(work: Path, out: Path) -> None:
    """Move the new export's files into `out`, removing the files of an earlier export first."""
    for old in list(out.glob(BULK_PATTERN)) + [out / name for name in _OWN_FILES]:
        if old.is_file():
            old.unlink()
    for new in sorted(work.iterdir()):
        os.replace(new, out / new.name)
