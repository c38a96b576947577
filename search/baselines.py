"""The two baseline systems Warta's relevance is measured against: index builders and searchers.

Both are what issue 5 defines as "plain BM25" and "just add Sastrawi":
Whoosh BM25F (default k1=1.2, b=0.75) over title + content with equal field weights, any-word (OR)
queries, Whoosh's RegexTokenizer, lowercasing and Sastrawi's stop list;
  - "bm25-nostem": no stemming;
  - "bm25-naive-stem": Sastrawi's CachedStemmer.stem() on every token, as ../shared/bench/naive_reference.py.

A baseline index is built from the stored articles of a Warta index, so it holds exactly the same
articles, cleaned the same way, with the same ids. It is cached in a folder of its own (by default
under the temp folder, see baseline_dir) and rebuilt when the Warta index changes.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from whoosh import fields
from whoosh import index as whoosh_index
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.query import Or, Term

FINGERPRINT_FILE = "baseline.json"


@dataclass(frozen=True)
class Baseline:
    """One baseline system: its name in tables and whether it stems."""

    name: str
    stemming: bool


BASELINES = (Baseline("bm25-nostem", stemming=False), Baseline("bm25-naive-stem", stemming=True))

_sastrawi = None


def naive_stem(word: str) -> str:
    """Return Sastrawi's CachedStemmer.stem() of one token (the word itself if that comes out empty).

    A module-level function so that Whoosh pickles a reference to it into the schema, not the
    stemmer with its dictionary.
    """
    global _sastrawi
    if _sastrawi is None:
        from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

        _sastrawi = StemmerFactory().create_stemmer()
    return _sastrawi.stem(word) or word


def sastrawi_stop_words() -> frozenset[str]:
    """Return Sastrawi's own stop list (without Warta's additions)."""
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    return frozenset(StopWordRemoverFactory().get_stop_words())


def baseline_analyzer(stemming: bool):
    """Return the analyzer of a baseline: tokenize, lowercase, Sastrawi stop list, maybe naive stemming."""
    analyzer = RegexTokenizer() | LowercaseFilter() | StopFilter(stoplist=sastrawi_stop_words())
    if stemming:
        analyzer = analyzer | StemFilter(stemfn=naive_stem)
    return analyzer


def baseline_schema(stemming: bool) -> fields.Schema:
    """Return the schema of a baseline index: id, and title + content with equal weights."""
    analyzer = baseline_analyzer(stemming)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=analyzer),
        content=fields.TEXT(analyzer=analyzer),
    )


def build_baseline(articles: Iterable[dict], index_dir: str | Path, stemming: bool) -> int:
    """Build a fresh baseline index from dicts with id, title and content; return how many were indexed."""
    index_dir = Path(index_dir)
    shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True)
    ix = whoosh_index.create_in(index_dir, baseline_schema(stemming))
    writer = ix.writer(limitmb=256)
    count = 0
    try:
        for article in articles:
            writer.add_document(id=article["id"], title=article.get("title") or "",
                                content=article.get("content") or "")
            count += 1
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    return count


def warta_articles(warta_index_dir: str | Path) -> Iterator[dict]:
    """Yield id, title and content of every article stored in a Warta index."""
    ix = whoosh_index.open_dir(warta_index_dir)
    with ix.searcher() as searcher:
        for stored in searcher.all_stored_fields():
            yield {"id": stored["id"], "title": stored.get("title") or "", "content": stored.get("content") or ""}


def warta_index_fingerprint(warta_index_dir: str | Path) -> dict:
    """Return what identifies one state of a Warta index: generation, document count, commit files.

    The table-of-contents files are rewritten at every commit, so a rebuilt index with the same
    generation and count still differs by their modification times.
    """
    ix = whoosh_index.open_dir(warta_index_dir)
    tocs = sorted([p.name, p.stat().st_mtime_ns] for p in Path(warta_index_dir).glob("*.toc"))
    return {"source": str(Path(warta_index_dir).resolve()), "generation": ix.latest_generation(),
            "documents": ix.doc_count(), "commits": tocs}


def baseline_dir(warta_index_dir: str | Path, baseline: Baseline, parent: str | Path | None = None) -> Path:
    """Return where the baseline index for a Warta index lives: under `parent`, else in the temp folder.

    The default keeps baseline indexes out of the user's folders (an index often lives inside a
    project): <temp>/warta-baselines/<index name>-<hash of its path>/.
    """
    warta_index_dir = Path(warta_index_dir).resolve()
    if parent is None:
        key = hashlib.blake2b(str(warta_index_dir).encode("utf-8"), digest_size=6).hexdigest()
        parent = Path(tempfile.gettempdir()) / "warta-baselines" / f"{warta_index_dir.name}-{key}"
    return Path(parent) / f"{warta_index_dir.name}-{baseline.name}"


def ensure_baseline(warta_index_dir: str | Path, baseline: Baseline, parent: str | Path | None = None,
                    rebuild: bool = False) -> Path:
    """Return the folder of an up-to-date baseline index for this Warta index, building it if needed."""
    target = baseline_dir(warta_index_dir, baseline, parent)
    wanted = {**warta_index_fingerprint(warta_index_dir), "baseline": baseline.name}
    marker = target / FINGERPRINT_FILE
    if not rebuild and whoosh_index.exists_in(target) and marker.exists():
        if json.loads(marker.read_text(encoding="utf-8")) == wanted:
            return target
    build_baseline(warta_articles(warta_index_dir), target, baseline.stemming)
    marker.write_text(json.dumps(wanted), encoding="utf-8")
    return target


class BaselineSearcher:
    """Searches one baseline index with any-word BM25F queries; returns ranked article ids."""

    def __init__(self, index_dir: str | Path):
        self._ix = whoosh_index.open_dir(index_dir)
        self._analyzer = self._ix.schema["content"].analyzer
        self._searcher = self._ix.searcher()

    def query(self, text: str):
        """Return the Whoosh query for `text`: each analysed word in title or content, any word may match.

        Built from the analysed words rather than Whoosh's QueryParser, so that "?" or ":" in a
        question are plain punctuation, not wildcard or field syntax.
        """
        words = [t.text for t in self._analyzer(text)]
        return Or([Or([Term("title", w), Term("content", w)]) for w in words])

    def search(self, text: str, limit: int = 100) -> list[str]:
        """Return the ids of the best `limit` articles for `text`, best first."""
        results = self._searcher.search(self.query(text), limit=limit)
        return [hit["id"] for hit in results]

    def close(self) -> None:
        self._searcher.close()

    def __enter__(self) -> "BaselineSearcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
