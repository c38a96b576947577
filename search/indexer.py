"""Building and updating the index; reports what it did with every input record.

A build runs in two passes so that it can use both cores and still learn from the whole input:

1. Read (streaming): every input record is cleaned into an Article, or rejected with a reason.
   Each Article is classified against the index and against the records read earlier in this run:
   new, changed (same id, other text: updated), unchanged (same id, same text), or exact duplicate
   (same text as another id: skipped). New and changed articles get a near-duplicate cluster key
   (search.dedupe; their band keys go to the index's band table) and are spooled to temporary
   files, one per indexing process; their text goes to a helper process that counts
   capitalisation (to learn names) and stems words ahead.
2. Index: with the learned names in effect, each process turns its spool into Whoosh segments
   (a new one every SEGMENT_DOCS articles). The parent holds the index lock throughout, deletes
   the old versions of changed articles, and commits all new segments in one table-of-contents
   write (the band table just before, stamped with that commit), so a crash or Ctrl-C at any
   point leaves the last committed index as it was.

Memory stays the same however large the input: what pass 1 remembers of this run's articles is in
a temporary SQLite database, the name counter and stem caches have fixed limits, and a segment
holds at most SEGMENT_DOCS articles.

Every record read ends up in exactly one of: indexed, updated, duplicates (skipped), rejected.
Duplicates are of two kinds, both skipped: the same text under another id, and the same id with
the same text as already indexed (re-indexing an archive); the second kind is also counted as
`unchanged`, so a summary says how much of a re-run was new.
"""
from __future__ import annotations

import collections
import ctypes
import gc
import json
import logging
import multiprocessing
import os
import pickle
import queue
import re
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import asdict, dataclass, field
from datetime import timezone
from pathlib import Path
from typing import Callable, Iterable

from whoosh import index as whoosh_index
from whoosh import writing

from search import analysis, children, dedupe, phrases, writelock
from search.segments import BuildWriter, writer_args
from search.commits import has_index, latest_commit
from search.documents import Article, to_article
from search.errors import IncompatibleIndex, IndexBusy, IndexNotFound, IndexUnreadable, RejectedRecord
from search.ingest import Rejection, read_inputs
from search.ingest.records import displayable, json_line
from search.schema import SCHEMA_VERSION, build_schema

META_FILE = "warta.json"       # {"schema_version": N}: Index.open refuses other versions
NAMES_FILE = "names.json"      # learned names of indexes built before names-<generation>.json (read only)
NAMES_PATTERN = re.compile(r"^names-([0-9]+)\.json$")  # capitalisation counts (learned names) per commit
REJECTS_FILE = "rejects.jsonl"  # default place for rejected records, inside the index folder
BANDS_FILE = "bands.sqlite"    # near-duplicate band keys of the indexed articles (dedupe.BandTable)
DEFAULT_WAIT = 30.0            # seconds to wait for another writer before giving up
PARALLEL_MIN_DOCS = 2000       # below this, a second process costs more than it saves
SEGMENT_DOCS = 20_000          # articles per new segment at most (bounded memory, see _index_spool)
SPOOL_BATCH = 64               # articles handed to one process before switching to the other
PASS1_CACHE_KB = 8 * 1024      # page cache of the build's on-disk tables of this run's articles
MAX_CANDIDATES_PER_BAND = 50   # near-duplicate candidates checked per LSH band key
STEM_AHEAD_WORDS = 200_000     # at most this many words as written stemmed ahead (7,000 news articles: 103,000)
RAW_EXCERPT = 300              # characters of an offending record kept in the rejects file
MISSING_PATH_REASON = "no such file or folder; check the path"  # search.ingest.read_inputs
SPOOL_PREFIX = "warta-build-"  # the build's temporary folder: warta-build-<pid>-<random>
log = logging.getLogger("warta")


@dataclass
class BuildSummary:
    """What a build did with every record it read: read = indexed + updated + duplicates + rejected."""

    read: int = 0
    indexed: int = 0        # new articles added
    updated: int = 0        # articles whose id was indexed before (or earlier in this run) with other text
    duplicates: int = 0     # skipped: same text as another article, or unchanged
    unchanged: int = 0      # of duplicates: same id and same text as already indexed (or earlier in this run)
    near_duplicates: int = 0  # of indexed + updated: joined the cluster of an earlier article
    rejected: int = 0
    rejects_file: str | None = None
    seconds: float = 0.0
    docs_per_s: float = 0.0   # records read per second
    documents: int = 0        # articles in the index after the build
    processes: int = 1
    reasons: dict[str, int] = field(default_factory=dict)
    failure: str | None = None  # why nothing was indexed (no readable record): the CLI exits 1 with it

    def as_dict(self) -> dict:
        """Return the summary as a JSON-ready dict."""
        return asdict(self)


# --- Index folder: schema version, opening, learned names ---------------------------------------


def schema_version(index_dir: str | Path) -> int | None:
    """Return the schema version an index folder was built with, or None when it has none."""
    meta_path = Path(index_dir) / META_FILE
    try:
        return json.loads(meta_path.read_text(encoding="utf-8")).get("schema_version")
    except (OSError, ValueError, AttributeError):
        return None


def _write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` so that readers see the old or the new file, never half of one."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _damaged(index_dir: Path, what: str) -> IndexUnreadable:
    return IndexUnreadable(f"The index at '{index_dir}' is damaged or incomplete ({what}). Restore it from a "
                           f"backup, or rebuild it: warta index --rebuild --index {index_dir} FILE...")


def _check_meta(index_dir: Path) -> None:
    """Raise IndexUnreadable when the meta file is there but cannot be read (cut short, not JSON)."""
    path = index_dir / META_FILE
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError) as exc:
        raise _damaged(index_dir, f"{META_FILE} cannot be read: {exc}") from None


def _open_readable(index_dir: Path):
    """Return the Whoosh index at index_dir once every segment of its latest commit opens."""
    try:
        ix = whoosh_index.open_dir(index_dir)
        ix.reader().close()
    except Exception as exc:  # a truncated table of contents, a missing segment file, an old analyzer
        raise _damaged(index_dir, f"{type(exc).__name__}: {exc}") from None
    return ix


def _incompatible(index_dir: Path, version) -> IncompatibleIndex:
    return IncompatibleIndex(
        f"The index at '{index_dir}' was built by another version of Warta (schema {version}, "
        f"this version writes {SCHEMA_VERSION}). Rebuild it: warta index --rebuild --index {index_dir} FILE..."
    )


def open_or_create(index_dir: str | Path, rebuild: bool = False):
    """Return the Whoosh index at index_dir, creating it (and its meta file) when absent.

    An index of another schema version raises IncompatibleIndex, unless rebuild is set: then it is
    replaced by an empty one (it could not be read anyway). A compatible index is never emptied
    here: build(rebuild=True) drops its articles in the same commit that adds the new ones.
    """
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    if has_index(index_dir):
        version = schema_version(index_dir)
        if version == SCHEMA_VERSION:
            try:
                return _open_readable(index_dir)
            except IndexUnreadable:
                if not rebuild:
                    raise
        elif not rebuild:
            _check_meta(index_dir)
            raise _incompatible(index_dir, version)
        _remove_names(index_dir, lambda generation: True)
    ix = whoosh_index.create_in(index_dir, build_schema())
    _write_meta(index_dir)
    return ix


def _write_meta(index_dir: Path) -> None:
    """Record the schema version and the analysis the index's terms were made with."""
    meta = {"schema_version": SCHEMA_VERSION, "analysis": analysis.analysis_fingerprint()}
    _write_atomically(index_dir / META_FILE, json.dumps(meta))


def names_path(index_dir: str | Path, generation: int | None = None) -> Path:
    """Return the learned names file of a commit (default: the index's latest), written before that commit.

    Names are written with the commit, never after it: a build writes names-<N>.json for the
    generation N it is about to commit, so a crash between the two leaves the names of the last
    commit in place, and the next writer removes the file of the commit that never happened. A
    commit that learns nothing (a deletion) keeps using the names of the commit before it.
    """
    index_dir = Path(index_dir)
    if generation is None:
        commit = latest_commit(index_dir)
        generation = commit.generation if commit is not None else -1
    best = None
    for found, number in _names_files(index_dir):
        if number <= generation and (best is None or number > best[1]):
            best = (found, number)
    return best[0] if best is not None else index_dir / NAMES_FILE


def _names_files(index_dir: Path) -> list[tuple[Path, int]]:
    try:
        return [(path, int(match.group(1))) for path in index_dir.iterdir()
                if (match := NAMES_PATTERN.match(path.name))]
    except OSError:
        return []


def _remove_names(index_dir: Path, which: Callable[[int], bool]) -> None:
    """Remove the names files of the generations `which` says (and the old names.json with any of them)."""
    for path, number in _names_files(index_dir):
        if which(number):
            path.unlink(missing_ok=True)
    if which(-1):
        (index_dir / NAMES_FILE).unlink(missing_ok=True)


def load_names(index_dir: str | Path) -> analysis.CapitalisationCounter:
    """Return the capitalisation counts stored with an index's latest commit (empty when it has none)."""
    try:
        return analysis.CapitalisationCounter.from_json(names_path(index_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return analysis.CapitalisationCounter()


def index_analyzer(index_dir: str | Path) -> analysis.IndonesianAnalyzer:
    """Return a new analyzer protecting the names this index's corpus taught (its names.json)."""
    return analysis.IndonesianAnalyzer(names=load_names(index_dir).learned_names())


def _lock(ix, index_dir: Path, wait: float, **writer_args):
    """Return a writer holding the index lock, waiting up to `wait` seconds; else raise IndexBusy.

    The lock records its holder (search.writelock): a dead holder's lock is taken over at once, and
    what a writer that died while holding it left in the folder is removed before this one starts.
    """
    lock = writelock.acquire(index_dir, wait)
    try:
        removed = _remove_uncommitted(ix, index_dir)
        if lock.previous is not None:
            log.warning("note: an earlier writer of '%s' (process %d) ended without finishing; the index is as "
                        "its last commit left it%s", index_dir, lock.previous.pid,
                        f" (removed {removed} files it had written)" if removed else "")
        writer = BuildWriter(ix, _lk=False, **writer_args)
    except BaseException:
        lock.release()
        raise
    writer.writelock = lock  # released by the writer's commit or cancel
    return writer


def _remove_uncommitted(ix, index_dir: Path) -> int:
    """Remove the files no commit refers to (segments of a build that died, the writers' temporary
    folder); return how many were removed. Only while holding the write lock."""
    if ix.latest_generation() < 0:
        return 0
    storage = ix.storage
    before = set(storage.list())
    generation = ix.latest_generation()
    try:
        whoosh_index.clean_files(storage, ix.indexname, generation, ix._segments())
    except Exception:  # an unreadable table of contents: opening the index reports it
        return 0
    shutil.rmtree(index_dir / f"{ix.indexname}.tmp", ignore_errors=True)
    # Names written for a commit that never happened, and those older than the last commit's.
    match = NAMES_PATTERN.match(names_path(index_dir, generation).name)
    in_use = int(match.group(1)) if match else -1
    _remove_names(index_dir, lambda number: number > generation or 0 <= number < in_use)
    return len(before - set(storage.list()))


def _abandon(writer, ix, index_dir: Path) -> None:
    """Cancel a build: remove every file it wrote into the index folder, then release the lock.

    Whoosh's writer.cancel() leaves the segments already finished (tens of MB) until a later build
    and fails (FileNotFoundError) when an indexing process removed the shared temporary folder first.
    """
    try:
        try:
            writer._close_segment()
        except Exception:  # files already removed: nothing left to close
            pass
        _remove_uncommitted(ix, index_dir)
    finally:
        if writer.writelock is not None:
            writer.writelock.release()
            writer.writelock = None
        writer.is_closed = True


def _remove_stale_spools() -> None:
    """Remove the temporary folders of builds that were killed (their pid is in the name)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{SPOOL_PREFIX}*-*"):
        try:
            pid = int(folder.name[len(SPOOL_PREFIX):].split("-", 1)[0])
        except ValueError:
            continue
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass


# --- The Whoosh document of an article ----------------------------------------------------------


def article_fields(article: Article, cluster: str, content_hash: str | None = None) -> dict:
    """Return the Whoosh document of an article."""
    doc = {
        "id": article.id,
        "title": article.title,
        "content": article.content,
        "content_hash": content_hash or article.content_hash,
        "cluster": cluster,
    }
    if article.url:
        doc["url"] = article.url
    if article.extra.get("title_derived"):
        doc["title_derived"] = True
    if article.source:
        doc["source"] = article.source
    if article.category:
        doc["category"] = article.category
    if article.date:
        # The DATETIME field holds naive UTC: Whoosh compares aware and naive datetimes wrongly.
        date = article.date
        utc = date.astimezone(timezone.utc).replace(tzinfo=None) if date.utcoffset() is not None else date
        doc["date"] = utc
        doc["published"] = date.isoformat()
        doc["year"] = f"{date.year:04d}"
        doc["month"] = f"{date.year:04d}-{date.month:02d}"
    return doc


# --- Pass 1: classify, cluster, spool ------------------------------------------------------------


class _Classifier:
    """Decides what happens to each article: new, changed, unchanged or duplicate, and its cluster.

    What it remembers of this run's articles (id -> content hash and spool place, content hash ->
    id, near-duplicate signatures, ids replaced in the index) is kept in a temporary SQLite
    database with a small page cache, not in dicts: a build's memory must not grow with its input.
    """

    FILTER_BITS = 1 << 23  # per bit table (1 MB): ids, content hashes
    FLUSH_ROWS = 2000      # rows written to SQLite at a time

    def __init__(self, searcher, rebuild: bool, bands: dedupe.BandTable):
        # With --rebuild the old articles are about to go: compare against this run only.
        self.searcher = None if rebuild or searcher.doc_count() == 0 else searcher
        self.bands = bands  # the index's articles' band keys: near-duplicate candidates
        self.db = dedupe.temporary_database(PASS1_CACHE_KB)
        self.db.executescript("""
            CREATE TABLE run_articles (id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, spool INTEGER NOT NULL,
                                       seq INTEGER NOT NULL) WITHOUT ROWID;
            CREATE INDEX run_articles_by_hash ON run_articles (content_hash);
            CREATE TABLE replaced_ids (id TEXT PRIMARY KEY) WITHOUT ROWID;
        """)
        self.clusters = dedupe.ClusterTable(self.db)
        # Most articles are new: bit tables of the ids and hashes seen answer "not seen" without
        # SQLite, rows are written in batches, and a lookup that may find something first writes
        # the rows waiting (so SQLite always answers from everything seen).
        self._ids, self._hashes = dedupe.BitTable(self.FILTER_BITS), dedupe.BitTable(self.FILTER_BITS)
        self._waiting: list[tuple[str, str, int, int]] = []

    def _flush(self) -> None:
        if self._waiting:
            self.db.executemany("INSERT OR REPLACE INTO run_articles VALUES (?, ?, ?, ?)", self._waiting)
            self._waiting.clear()

    def earlier(self, article_id: str) -> tuple[str, int, int] | None:
        """Return (content hash, spool, seq) of the version of this id spooled earlier in this run."""
        if hash(article_id) not in self._ids:
            return None
        self._flush()
        return self.db.execute("SELECT content_hash, spool, seq FROM run_articles WHERE id = ?",
                               (article_id,)).fetchone()

    def run_duplicate(self, content_hash: str) -> str | None:
        """Return the id of an article spooled earlier in this run with this text (its latest version)."""
        if hash(content_hash) not in self._hashes:
            return None
        self._flush()
        row = self.db.execute("SELECT id FROM run_articles WHERE content_hash = ? LIMIT 1", (content_hash,)).fetchone()
        return row[0] if row else None

    def remember(self, article_id: str, content_hash: str, spool: int, seq: int) -> None:
        """Record the spooled version of an article (replacing an earlier version of its id)."""
        self._waiting.append((article_id, content_hash, spool, seq))
        self._ids.add(hash(article_id))
        self._hashes.add(hash(content_hash))
        if len(self._waiting) >= self.FLUSH_ROWS:
            self._flush()

    def replaces(self, article_id: str) -> None:
        """Record that the indexed version of this id goes."""
        self.db.execute("INSERT OR IGNORE INTO replaced_ids VALUES (?)", (article_id,))

    def replaced_ids(self) -> Iterable[str]:
        """Yield the ids whose indexed version goes."""
        for (article_id,) in self.db.execute("SELECT id FROM replaced_ids"):
            yield article_id

    def close(self) -> None:
        self.db.close()  # deletes the temporary database

    def indexed_hash(self, article_id: str) -> str | None:
        if self.searcher is None:
            return None
        stored = self.searcher.document(id=article_id)
        return stored.get("content_hash") if stored else None

    def duplicate_of(self, article: Article, content_hash: str) -> str | None:
        """Return the id of another article with exactly this text, in this run or the index."""
        other = self.run_duplicate(content_hash)
        if other is None and self.searcher is not None:
            stored = self.searcher.document(content_hash=content_hash)
            other = stored["id"] if stored else None
        return other if other != article.id else None

    def cluster_of(self, article: Article, sig: dedupe.Signature | None) -> tuple[str, bool]:
        """Return (cluster key, whether it joined an earlier article's cluster)."""
        if sig is None:
            return article.id, False
        found = self.clusters.find(sig)
        if self.searcher is not None:
            indexed = self._indexed_cluster(article.id, sig)
            if indexed is not None and (found is None or indexed[1] > found[1]):
                found = indexed
        return (found[0], True) if found else (article.id, False)

    def _indexed_cluster(self, article_id: str, sig: dedupe.Signature) -> tuple[str, float] | None:
        best = None
        for other_id in self.bands.candidates(sig, MAX_CANDIDATES_PER_BAND):
            if other_id == article_id:
                continue  # the old version of the article being updated
            stored = self.searcher.document(id=other_id)
            if stored is None:
                continue  # deleted since its row was written
            other = dedupe.article_signature(stored.get("title", ""), stored.get("content", ""))
            if other is None:
                continue
            similarity = sig.similarity(other)
            if similarity >= dedupe.THRESHOLD and (best is None or similarity > best[1]):
                best = (stored.get("cluster") or stored["id"], similarity)
        return best


def _band_table(index_dir: Path, searcher, rebuild: bool, generation: int) -> dedupe.BandTable:
    """Return the band table this build reads and adds to: the index's own when it describes the
    index as committed (generation), else a new one, filled from the index when that has articles."""
    path = str(index_dir / BANDS_FILE)
    if rebuild or searcher.doc_count() == 0:
        return dedupe.BandTable(path, fresh=True)
    table = None
    try:
        table = dedupe.BandTable(path, fresh=False)
        if table.generation() == generation:
            return table
    except sqlite3.Error:  # missing or damaged: made again below
        pass
    if table is not None:
        table.close()
    table = dedupe.BandTable(path, fresh=True)
    try:
        table.fill(_indexed_signatures(searcher))
    except BaseException:
        table.close()
        raise
    return table


def _indexed_signatures(searcher) -> Iterable[tuple[str, dedupe.Signature]]:
    """Yield (id, signature) of every article in the index that is long enough to have one."""
    for stored in searcher.reader().all_stored_fields():
        sig = dedupe.article_signature(stored.get("title", ""), stored.get("content", ""))
        if sig is not None:
            yield stored["id"], sig


class _Spools:
    """Temporary files of pickled Whoosh documents, one per indexing process, filled in batches."""

    def __init__(self, folder: Path, count: int):
        self.paths = [folder / f"spool-{i}.pickle" for i in range(count)]
        self.files = [open(p, "wb") for p in self.paths]
        self.sizes = [0] * count
        self.skip: list[set[int]] = [set() for _ in range(count)]  # superseded within this run
        self.current = 0
        self.in_batch = 0

    def add(self, doc: dict) -> tuple[int, int]:
        """Spool one document; return (spool number, sequence number) to find it again."""
        spool = self.current
        pickle.dump(doc, self.files[spool], pickle.HIGHEST_PROTOCOL)
        seq = self.sizes[spool]
        self.sizes[spool] += 1
        self.in_batch += 1
        if self.in_batch >= SPOOL_BATCH:
            self.current = (self.current + 1) % len(self.files)
            self.in_batch = 0
        return spool, seq

    def close(self) -> None:
        for f in self.files:
            f.close()


class _Rejects:
    """The rejects file, opened at the first rejected record."""

    def __init__(self, path: Path):
        self.path = path
        self.file = None

    def write(self, origin: str, reason: str, raw: str | None) -> None:
        if self.file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.file = open(self.path, "w", encoding="utf-8")
        record = {"origin": origin, "reason": reason, "raw": raw[:RAW_EXCERPT] if raw else raw}
        self.file.write(json_line(record) + "\n")

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


def _raw_excerpt(fields) -> str:
    try:
        return json.dumps(fields, ensure_ascii=False, default=str)[:RAW_EXCERPT]
    except (TypeError, ValueError):
        return repr(fields)[:RAW_EXCERPT]


def _read_and_spool(paths, classifier: _Classifier, spools: _Spools, names: analysis.CapitalisationCounter,
                    rejects: _Rejects, summary: BuildSummary, tick: Callable[[], None],
                    helper: _TextHelper | None = None, pairs: phrases.PairCounter | None = None) -> None:
    """Pass 1: account for every input record, spool the articles to index."""
    for item in read_inputs(paths):
        summary.read += 1
        tick()
        if isinstance(item, Rejection):
            reason, origin, raw = item.reason, item.origin, item.raw
        else:
            try:
                article = to_article(item.fields)
            except RejectedRecord as exc:
                reason, origin, raw = str(exc), item.origin, _raw_excerpt(item.fields)
            except Exception as exc:  # a cleaning bug must cost one record, not the build
                reason, origin, raw = f"cannot read this record ({type(exc).__name__}: {exc})", item.origin, _raw_excerpt(item.fields)
            else:
                if _classify(article, classifier, spools, summary):
                    if helper is not None:
                        helper.add(article.title, article.content)
                    else:
                        names.observe(article.title)
                        names.observe(article.content)
                        if pairs is not None:
                            pairs.observe(article.title, article.content)
                continue
        summary.rejected += 1
        reason = displayable(reason)  # a file name's undecodable bytes must not stop the summary's printing
        summary.reasons[reason] = summary.reasons.get(reason, 0) + 1
        rejects.write(origin, reason, raw)


def _classify(article: Article, classifier: _Classifier, spools: _Spools, summary: BuildSummary) -> bool:
    """Count what happens to one article, and spool it when it is to be indexed; return whether it is."""
    content_hash = article.content_hash
    earlier = classifier.earlier(article.id)
    if earlier is not None:
        if earlier[0] == content_hash:
            summary.duplicates += 1
            summary.unchanged += 1
            return False
        spools.skip[earlier[1]].add(earlier[2])  # the later version of an id wins
        summary.updated += 1
    else:
        indexed_hash = classifier.indexed_hash(article.id)
        if indexed_hash == content_hash:
            summary.duplicates += 1
            summary.unchanged += 1
            return False
        if classifier.duplicate_of(article, content_hash) is not None:
            summary.duplicates += 1
            return False
        if indexed_hash is not None:
            classifier.replaces(article.id)
            summary.updated += 1
        else:
            summary.indexed += 1
    sig = dedupe.article_signature(article.title, article.content)
    cluster, joined = classifier.cluster_of(article, sig)
    summary.near_duplicates += joined
    if sig is not None:
        classifier.clusters.add(sig, cluster)
        classifier.bands.add(article.id, sig)
    spool, seq = spools.add(article_fields(article, cluster, content_hash))
    classifier.remember(article.id, content_hash, spool, seq)
    return True


# --- Learning names and stemming ahead, on the core pass 1 leaves idle -------------------------


class _TextHelper:
    """A process that learns names from the articles pass 1 accepts, and stems their words ahead.

    Pass 1 runs on one core. Counting capitalisation (for learned names) needs only the text of
    each accepted article, and stemming (PySastrawi, once per distinct word) is the largest single
    cost of pass 2, which both indexing processes would otherwise pay for the common words. The
    names are not known until every article is read, so the helper works out terms without them,
    noting the words each root's rules looked up among the names (analysis.TermsAhead); the parent
    re-works only the words whose look-ups hit a learned name and puts the terms in the cache that
    the indexing processes inherit (analysis.prime_term_cache).
    A sender thread feeds the process, so pass 1 waits only when the helper is IN_FLIGHT batches
    behind; a helper that is behind counts names (every article must be counted) but leaves the
    words of that batch to be stemmed in pass 2.
    """

    BATCH_CHARS = 250_000
    IN_FLIGHT = 2

    def __init__(self):
        context = multiprocessing.get_context("fork")
        self.connection, child_end = context.Pipe()
        # The helper closes the parent's end of the pipe (search.children): holding it, a helper whose
        # build was killed waited in recv() for ever, and kept the write lock.
        self.process = context.Process(target=children.run_child, daemon=True,
                                       args=(os.getpid(), [self.connection], _text_helper_in_process, child_end))
        with children.stop_signals_held():
            self.process.start()
        child_end.close()
        self.queue: queue.Queue = queue.Queue(maxsize=self.IN_FLIGHT)
        self.sender = threading.Thread(target=self._send_batches, daemon=True)
        self.sender.start()
        self.batch: list[tuple[str, str]] = []
        self.chars = 0
        self.failed = False

    def _send_batches(self) -> None:
        try:
            while True:
                batch = self.queue.get()
                self.connection.send(batch)
                if batch is None:
                    return
        except (OSError, ValueError):  # the helper died: results() says so
            self.failed = True
            while self.queue.get() is not None:  # unblock pass 1; the build fails at its end
                pass

    def add(self, title: str, content: str) -> None:
        """Count one accepted article's names and stem its words."""
        self.batch.append((title, content))
        self.chars += len(title) + len(content)
        if self.chars >= self.BATCH_CHARS:
            self._flush()

    def _flush(self) -> None:
        if self.batch:
            self.queue.put(self.batch)
        self.batch, self.chars = [], 0

    def results(self) -> tuple[analysis.CapitalisationCounter, analysis.TermsAhead]:
        """Return (the names counted, the terms of the words stemmed ahead); waits for the helper."""
        self._flush()
        self.queue.put(None)
        self.sender.join()
        try:
            if self.failed:
                raise EOFError
            names, terms, self.pairs = self.connection.recv()
        except (EOFError, OSError):
            raise RuntimeError(f"the process learning names from the articles died (exit code "
                               f"{self.process.exitcode}); nothing was written to the index, run the build again") from None
        return names, terms

    def close(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.connection.close()


def _text_helper_in_process(connection) -> None:
    names = analysis.CapitalisationCounter()
    pairs = phrases.PairCounter()  # word pairs for phrase completions, counted on this idle core too
    terms = analysis.TermsAhead()  # without names, for the parent's term cache: it re-works those a name may shape
    # Batches of texts waiting to be stemmed, newest last. Counting names must keep up with pass 1;
    # stemming ahead is only a saving: when the helper falls behind, the oldest batches are dropped
    # (their words are stemmed in pass 2), and between texts it looks whether the next batch came.
    waiting: collections.deque[list[str]] = collections.deque(maxlen=_TextHelper.IN_FLIGHT)
    finished = False
    while not finished:
        batch = connection.recv()
        if batch is None:
            finished = True
        else:
            texts = []
            for title, content in batch:
                names.observe(title)
                names.observe(content)
                pairs.observe(title, content)
                texts += (title, content)
            if len(terms) < STEM_AHEAD_WORDS:  # bounded memory: the rest is stemmed in pass 2
                waiting.append(texts)
        while waiting and (finished or not connection.poll()):
            texts = waiting[0]
            terms.add_text(texts.pop())
            if not texts:
                waiting.popleft()
    connection.send((names, terms, pairs))
    connection.close()


# --- Pass 2: index the spools, one segment per process -------------------------------------------


def _spooled_docs(path: Path, skip: set[int]) -> Iterable[dict]:
    with open(path, "rb") as f:
        seq = 0
        while True:
            try:
                doc = pickle.load(f)
            except EOFError:
                return
            if seq not in skip:
                yield doc
            seq += 1


def _index_spool(ix, spool: Path, skip: set[int], tick: Callable[[int], None],
                 analyzer: analysis.IndonesianAnalyzer | None = None) -> list:
    """Index one spool into new segments of at most SEGMENT_DOCS articles each; return the segments.

    A segment writer keeps a few numbers per distinct term until the segment is written, and most
    articles bring unique terms (id, content hash, cluster): starting a new segment every
    SEGMENT_DOCS articles keeps an indexing process's memory the same however large the input.
    The temp folder (INDEX/MAIN.tmp) is shared with the parent and the other process: the parent
    removes it after the commit.
    """
    segments, writer = [], None
    # Indexing makes no reference cycles (tests/test_indexer.py checks), while the cyclic garbage
    # collector's full passes over the posting buffer's many lists took ~5% of indexing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for doc in _spooled_docs(spool, skip):
            if writer is None:
                writer = BuildWriter(ix, _lk=False, analyzer=analyzer, **writer_args())
            writer.add_document(**doc)
            tick(1)
            if writer.docnum >= SEGMENT_DOCS:
                segments.append(writer._finalize_segment())
                writer = None
        if writer is not None:
            segments.append(writer._finalize_segment())
            writer = None
    except BaseException:
        if writer is not None:
            try:
                writer.cancel()
            except Exception:  # the shared temporary folder already went; the parent removes the rest
                pass
        raise
    finally:
        if collecting:
            gc.enable()
    return segments


def _index_spool_in_process(index_dir: str, spool: str, skip: set[int], analyzer: analysis.IndonesianAnalyzer,
                            done, result) -> None:
    """Worker process: index one spool with the build's analyzer (inherited by fork, caches and
    all); send ("ok", [segment, ...]) or ("error", text)."""
    try:
        def tick(count: int) -> None:
            done.value += count

        segments = _index_spool(whoosh_index.open_dir(index_dir), Path(spool), skip, tick, analyzer)
        result.send(("ok", segments))
    except BaseException as exc:  # report, never hang the parent
        result.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    finally:
        result.close()


def _release_free_memory() -> None:
    """Hand the C heap's free pages back to the system (pass 1's tables leave many), where glibc can."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def _index_in_workers(index_dir: Path, spools: _Spools, analyzer: analysis.IndonesianAnalyzer,
                      tick: Callable[[int], None]) -> list:
    """Index every spool in its own process; return the new segments, in spool order (so that the
    same input always gives the same document order, whichever process finishes first: ties in
    ranking follow it). Raises if any process fails."""
    context = multiprocessing.get_context("fork")  # children inherit the loaded analyzer and stem caches
    workers = []
    # Objects the children inherit stay shared with the parent only while nobody writes to them;
    # a garbage collection in a child writes to every object it inspects: freeze them first.
    _release_free_memory()
    gc.freeze()
    try:
        for path, skip in zip(spools.paths, spools.skip):
            receiver, sender = context.Pipe(duplex=False)
            done = context.Value("q", 0, lock=False)
            parent_ends = [receiver] + [r for _, r, _ in workers]  # the child must not keep the parent's ends
            process = context.Process(target=children.run_child, daemon=True,
                                      args=(os.getpid(), parent_ends, _index_spool_in_process,
                                            str(index_dir), str(path), skip, analyzer, done, sender))
            with children.stop_signals_held():
                process.start()
            sender.close()
            workers.append((process, receiver, done))
        gc.unfreeze()
        segments_of: dict[int, list] = {}  # spool number -> its segments
        reported = 0
        pending = list(workers)
        while pending:
            for worker in list(pending):
                process, receiver, done = worker
                if receiver.poll(0.1):
                    try:
                        status, payload = receiver.recv()
                    except EOFError:
                        status, payload = "error", f"indexing process died (exit code {process.exitcode})"
                    if status != "ok":
                        raise RuntimeError("an indexing process failed: " + payload)
                    segments_of[workers.index(worker)] = payload
                    pending.remove(worker)
            now = sum(d.value for _, _, d in workers)
            tick(now - reported)
            reported = now
        return [segment for number in sorted(segments_of) for segment in segments_of[number]]
    finally:
        gc.unfreeze()
        for process, receiver, _ in workers:
            if process.is_alive():
                process.terminate()
            process.join()
            receiver.close()


def _index_here(ix, spools: _Spools, tick: Callable[[int], None],
                analyzer: analysis.IndonesianAnalyzer | None = None) -> list:
    """Index every spool in this process; return the new segments."""
    segments = []
    for path, skip in zip(spools.paths, spools.skip):
        segments += _index_spool(ix, path, skip, tick, analyzer)
    return segments


# --- The build ----------------------------------------------------------------------------------


def build(paths: Iterable[str | Path], index_dir: str | Path, rejects_path: str | Path | None = None, *,
          rebuild: bool = False, wait: float = DEFAULT_WAIT, processes: int | None = None,
          progress: bool = False) -> BuildSummary:
    """Index every record of `paths` into index_dir and return what happened to each.

    rebuild: drop every article already indexed (in the same commit). wait: seconds to wait for
    another writer before raising IndexBusy. processes: indexing processes (default: 2 on
    multi-core machines for large inputs, decided after reading). progress: show progress bars.
    """
    started = time.perf_counter()
    index_dir = Path(index_dir)
    summary = BuildSummary()
    folder_existed = index_dir.exists()
    index_existed = folder_existed and has_index(index_dir)
    rejects = _Rejects(Path(rejects_path) if rejects_path else index_dir / REJECTS_FILE)
    ix = open_or_create(index_dir, rebuild=rebuild)
    try:
        writer = _lock(ix, index_dir, wait, **writer_args())
    except BaseException:
        if not index_existed:
            _remove_created_index(index_dir, folder_existed)
        raise
    if not rejects_path:  # the index's rejects file is the last build's: a clean run must not leave an old one
        (index_dir / REJECTS_FILE).unlink(missing_ok=True)
    _remove_stale_spools()
    workdir = Path(tempfile.mkdtemp(prefix=f"{SPOOL_PREFIX}{os.getpid()}-"))
    bars = _Bars(progress)
    bands = None
    nothing_read = False
    try:
        names = analysis.CapitalisationCounter()
        pairs = phrases.PairCounter()
        with ix.searcher() as searcher:
            wanted = processes or (2 if (os.cpu_count() or 1) > 1 else 1)
            spools = _Spools(workdir, max(1, wanted))
            # Load the stemmer's dictionary once here: every forked process inherits it loaded.
            analysis.plain_analyzer().stem("pembangunan")
            helper = _TextHelper() if wanted > 1 else None
            bands = _band_table(index_dir, searcher, rebuild, writer.generation - 1)
            classifier = _Classifier(searcher, rebuild, bands)
            try:
                _read_and_spool(paths, classifier, spools, names, rejects, summary, bars.reading, helper, pairs)
                names, terms = helper.results() if helper is not None else (names, analysis.TermsAhead())
                pairs = helper.pairs if helper is not None else pairs
                if not rebuild:
                    for article_id in classifier.replaced_ids():
                        writer.delete_by_term("id", article_id)
                    bands.forget(classifier.replaced_ids())
            finally:
                classifier.close()  # pass 2 needs none of its tables
                spools.close()
                rejects.close()
                if helper is not None:
                    helper.close()
        # Nothing readable (missing paths, empty folders, only rejects): the index stays as it was,
        # even with --rebuild (which would otherwise empty it), and none is created.
        nothing_read = summary.read == summary.rejected
        if nothing_read:
            _abandon(writer, ix, index_dir)
        else:
            if not rebuild:
                names.merge(load_names(index_dir))
            # The build's analyzer: this index's names, the terms worked out ahead in its cache.
            analyzer = analysis.IndonesianAnalyzer(names=names.learned_names())
            analyzer.prime_term_cache(terms)
            del terms
            to_index = sum(spools.sizes) - sum(len(s) for s in spools.skip)
            bars.start_indexing(to_index)
            parallel = len(spools.paths) > 1 and (processes is not None or to_index >= PARALLEL_MIN_DOCS)
            if parallel:
                segments = _index_in_workers(index_dir, spools, analyzer, bars.indexing)
            else:
                segments = _index_here(ix, spools, bars.indexing, analyzer)
            summary.processes = len(spools.paths) if parallel else 1
            bands.commit(writer.generation)  # stamped ahead of the index: a crash before its commit refills it
            # The names go with the commit: written for its generation before it (see names_path).
            _write_atomically(index_dir / f"names-{writer.generation}.json", names.to_json())
            _commit(writer, segments, rebuild)
            bands.replace()
    except BaseException:
        if not writer.is_closed:
            _abandon(writer, ix, index_dir)
        raise
    finally:
        if bands is not None:
            bands.close()
        bars.close()
        shutil.rmtree(workdir, ignore_errors=True)
    if nothing_read:
        summary.failure = _nothing_indexed(summary, index_existed)
        if not index_existed:
            _remove_created_index(index_dir, folder_existed)
    else:
        phrases.save(index_dir, pairs, rebuild)
    if rebuild and not nothing_read:  # every term is now the current analyzer's
        _write_meta(index_dir)
    if index_existed or not nothing_read:
        with whoosh_index.open_dir(index_dir).searcher() as searcher:
            summary.documents = searcher.doc_count()
    if rejects.file is not None:
        summary.rejects_file = str(rejects.path)
    summary.seconds = round(time.perf_counter() - started, 3)
    summary.docs_per_s = round(summary.read / summary.seconds, 1) if summary.seconds else 0.0
    return summary


def _nothing_indexed(summary: BuildSummary, index_existed: bool) -> str:
    """Return the one-line reason a build that read nothing usable gives (and exits 1 with)."""
    outcome = "the index is unchanged" if index_existed else "no index was created"
    if summary.read == 0:
        return (f"nothing was indexed: the paths hold no records (empty folders, or no files Warta reads); "
                f"{outcome}")
    reasons = sorted(summary.reasons.items(), key=lambda item: -item[1])
    if len(reasons) == 1 and reasons[0][0] == MISSING_PATH_REASON:
        return f"nothing was indexed: no such file or folder; check the paths; {outcome}"
    most = ", ".join(f"{reason} ({count})" for reason, count in reasons[:2])
    return f"nothing was indexed: all {summary.read} records read were rejected ({most}); {outcome}"


def _remove_created_index(index_dir: Path, folder_existed: bool) -> None:
    """Remove the empty index this build created (a rejects file stays: it says what went wrong)."""
    for path in list(index_dir.iterdir()) if index_dir.is_dir() else []:
        name = path.name
        if (name.startswith(("_MAIN_", "MAIN_", "MAIN.")) or name in (META_FILE, NAMES_FILE, BANDS_FILE)
                or NAMES_PATTERN.match(name) or name.startswith(BANDS_FILE)):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
    if not folder_existed:
        try:
            index_dir.rmdir()  # only when nothing else (a rejects file) is in it
        except OSError:
            pass


def _commit(writer, segments: list, rebuild: bool) -> None:
    """Write one new table of contents: old segments (merged by policy) plus the new ones."""
    finalsegments = [] if rebuild else writer._merge_segments(None, None, None)
    finalsegments += segments
    if writer._added:
        finalsegments.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc(finalsegments)
    writer._finish()


def delete(index_dir: str | Path, ids: Iterable[str], wait: float = DEFAULT_WAIT) -> tuple[list[str], list[str]]:
    """Remove articles by id; return (deleted ids, unknown ids)."""
    index_dir = Path(index_dir)
    if not has_index(index_dir):
        raise IndexNotFound(f"No index at '{index_dir}'. Build one with: warta index FILE...")
    version = schema_version(index_dir)
    if version != SCHEMA_VERSION:
        _check_meta(index_dir)
        raise _incompatible(index_dir, version)
    ix = _open_readable(index_dir)
    writer = _lock(ix, index_dir, wait)
    deleted, unknown = [], []
    try:
        for article_id in dict.fromkeys(ids):
            (deleted if writer.delete_by_term("id", article_id) else unknown).append(article_id)
        writer.commit(merge=False)
    except BaseException:
        if not writer.is_closed:
            _abandon(writer, ix, index_dir)
        raise
    # After the commit (and the lock): a table left describing the old generation is filled again.
    dedupe.BandTable.forget_deleted(str(index_dir / BANDS_FILE), deleted, writer.generation - 1, writer.generation)
    return deleted, unknown


class _Bars:
    """tqdm progress bars on stderr for the two passes, or nothing."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.read_bar = self.index_bar = None
        if enabled:
            from tqdm import tqdm

            # A terminal that reports no size (some CI and `script` sessions) would get no bar at all.
            size = shutil.get_terminal_size((80, 24))
            width, height = size.columns or 80, size.lines or 24
            self._tqdm = lambda **options: tqdm(file=sys.stderr, mininterval=0.5, ncols=width, nrows=height, **options)
            self.read_bar = self._tqdm(desc="reading", unit=" records")

    def reading(self) -> None:
        if self.read_bar is not None:
            self.read_bar.update(1)

    def start_indexing(self, total: int) -> None:
        if self.enabled:
            self.read_bar.close()
            self.index_bar = self._tqdm(desc="indexing", total=total, unit=" articles")

    def indexing(self, count: int) -> None:
        if self.index_bar is not None and count:
            self.index_bar.update(count)

    def close(self) -> None:
        for bar in (self.read_bar, self.index_bar):
            if bar is not None:
                bar.close()
