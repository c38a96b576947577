"""Near-duplicate detection: MinHash signatures of word shingles, LSH band keys, and clustering.

The same wire story published by two outlets, or an article re-published with small edits, shares
most of its 5-word shingles. A MinHash signature estimates that share (the Jaccard similarity of
the shingle sets); its LSH band keys are kept per build (ClusterTable) and beside the index
(BandTable), so a new article finds its candidates with one lookup per band, and candidates are
confirmed by their estimated similarity before an article joins their cluster. Tuned on the
development corpus: pairs at or above 0.7 were the same story retold (one outlet's follow-ups, wire copies); below
0.5 they were different stories of the same beat sharing boilerplate.
"""
from __future__ import annotations

import os
import sqlite3
import zlib
from dataclasses import dataclass
from functools import cached_property
from typing import Iterable

import numpy as np

SHINGLE_WORDS = 5
PERMUTATIONS = 64
BANDS = 8           # 8 bands of 3 rows: a pair at Jaccard 0.7 becomes a candidate 96.5% of the time,
ROWS_PER_BAND = 3   # at 0.75 98.6%, at 0.8 99.8%, at 0.3 20% (then rejected by the estimate). Each
                    # band is an index term of its own per article (most are unique): with 16 bands
                    # they were half the terms of a news index and a large share of build time.
THRESHOLD = 0.7     # estimated Jaccard at or above which two articles are the same story
MIN_WORDS = 30      # shorter texts say too little to call them copies of another

# Bytes that separate words: ASCII whitespace, controls and punctuation ("DKI," is "dki").
_SEPARATOR = np.zeros(256, dtype=bool)
_SEPARATOR[:33] = True
_SEPARATOR[[ord(c) for c in "!\"#$%&'()*+,./:;<=>?@[\\]^`{|}~"]] = True
_MAX_BYTES = 1 << 20  # longer texts are judged on their first megabyte
# Fixed seeds: signatures are stored in indexes and must be the same in every process and run.
_rng = np.random.Generator(np.random.PCG64(20251125))
_MULTIPLIERS = _rng.integers(1, 2**63, size=PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_OFFSETS = _rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)
_SHINGLE_WEIGHTS = _rng.integers(1, 2**63, size=SHINGLE_WORDS, dtype=np.uint64) | np.uint64(1)


@dataclass(frozen=True)
class Signature:
    """The MinHash of one text: PERMUTATIONS uint32 values, and its LSH band keys."""

    values: np.ndarray

    @cached_property
    def band_digests(self) -> list[int]:
        """The 64-bit hash of each band's rows."""
        digests = []
        for band in range(BANDS):
            rows = self.values[band * ROWS_PER_BAND:(band + 1) * ROWS_PER_BAND].tobytes()
            digests.append(zlib.crc32(rows, band * 7919) << 32 | zlib.adler32(rows))
        return digests

    @cached_property
    def band_keys(self) -> list[int]:
        """The band digests as SQLite integers (signed 64-bit), band number mixed in: the keys
        under which the build's ClusterTable and the index's BandTable find candidates."""
        return [(digest ^ (band << 56)) - (1 << 63) for band, digest in enumerate(self.band_digests)]

    def similarity(self, other: "Signature") -> float:
        """Return the estimated Jaccard similarity of the two texts' shingle sets."""
        return float(np.count_nonzero(self.values == other.values)) / PERMUTATIONS


def signature(text: str) -> Signature | None:
    """Return the MinHash signature of a text's word shingles, or None when it is too short."""
    word_hashes = _word_hashes(text)
    if len(word_hashes) < MIN_WORDS:
        return None
    count = len(word_hashes) - SHINGLE_WORDS + 1
    with np.errstate(over="ignore"):  # uint64 arithmetic wraps on purpose: it is a hash
        shingles = word_hashes[:count] * _SHINGLE_WEIGHTS[0]
        for i in range(1, SHINGLE_WORDS):
            shingles += word_hashes[i:i + count] * _SHINGLE_WEIGHTS[i]
        hashed = shingles[None, :] * _MULTIPLIERS[:, None] + _OFFSETS[:, None]
    # A multiply-add modulo 2**64 acts as a random permutation; repeated shingles cannot change a
    # minimum, so no need to deduplicate them. Its high 32 bits are the signature value.
    values = (hashed.min(axis=1) >> np.uint64(32)).astype(np.uint32)
    return Signature(values)


def _word_hashes(text: str) -> np.ndarray:
    """Return a stable 64-bit hash per word of the lowercased text, in order, computed with numpy.

    A polynomial hash over the UTF-8 bytes: prefix sums of byte * BASE**k (mod 2**64, so wrapping
    is exact), and each word's hash is its prefix-sum difference scaled back by BASE**-start.
    """
    data = np.frombuffer(text.lower().encode("utf-8")[:_MAX_BYTES], dtype=np.uint8)
    if not len(data):
        return np.zeros(0, dtype=np.uint64)
    inside = ~_SEPARATOR[data]
    edges = np.flatnonzero(np.diff(np.concatenate(([False], inside, [False])).view(np.int8)))
    starts, ends = edges[0::2], edges[1::2]
    powers, inverse_powers = _powers(len(data) + 1)
    with np.errstate(over="ignore"):
        prefix = np.zeros(len(data) + 1, dtype=np.uint64)
        np.cumsum(data.astype(np.uint64) * powers[:len(data)], out=prefix[1:])
        return (prefix[ends] - prefix[starts]) * inverse_powers[starts]


_BASE = np.uint64(0x100000001B3)  # odd, so invertible modulo 2**64
_BASE_INVERSE = np.uint64(pow(int(_BASE), -1, 2**64))
_power_tables: list[np.ndarray] = []


def _powers(length: int) -> tuple[np.ndarray, np.ndarray]:
    """Return BASE**k and BASE**-k (mod 2**64) for k < length, grown on demand and kept."""
    if not _power_tables or len(_power_tables[0]) < length:
        size = max(length, 1 << 16)
        with np.errstate(over="ignore"):
            powers = np.cumprod(np.full(size, _BASE, dtype=np.uint64))
            inverse = np.cumprod(np.full(size, _BASE_INVERSE, dtype=np.uint64))
        # cumprod starts at BASE**1; shift so index k holds BASE**k.
        one = np.ones(1, dtype=np.uint64)
        _power_tables[:] = [np.concatenate((one, powers[:-1])), np.concatenate((one, inverse[:-1]))]
    return _power_tables[0], _power_tables[1]


def article_signature(title: str, content: str) -> Signature | None:
    """Return the signature an article is judged on: its body's (outlets retitle wire stories), with
    the title when the body alone is short."""
    return signature(content if content.count(" ") >= 2 * MIN_WORDS else f"{title}\n{content}")


class BitTable:
    """A fixed-size table of hash bits: "never added" for certain, "maybe added" with false positives.

    Lets the build's on-disk tables answer the common case (an article with nothing seen before)
    without a query.
    """

    def __init__(self, bits: int):
        self._mask = bits - 1  # bits is a power of two
        self._bytes = bytearray(bits // 8)

    def add(self, hashed: int) -> None:
        bit = hashed & self._mask
        self._bytes[bit >> 3] |= 1 << (bit & 7)

    def __contains__(self, hashed: int) -> bool:
        bit = hashed & self._mask
        return bool(self._bytes[bit >> 3] & (1 << (bit & 7)))


class ClusterTable:
    """Band key -> (cluster key, signature) of the articles seen so far in one build, kept on disk.

    A build sees every article once, so this table grows with the input (about 1 KB per article:
    BANDS keys and a 256-byte signature, some 100 MB for 100,000 articles held in dicts). It lives
    in an SQLite database, a temporary file by default, whose page cache is capped at CACHE_KB, so
    the build's memory stays the same however many articles it reads. A fixed-size bit table of the
    band keys seen answers most lookups (an article with no earlier copy) without asking SQLite.
    """

    CACHE_KB = 8 * 1024
    FILTER_BITS = 1 << 26  # 8 MB: at 1,000,000 articles (8,000,000 keys) 11% of keys pass falsely
    FLUSH_ROWS = 500       # articles written to SQLite at a time

    def __init__(self, connection: sqlite3.Connection | None = None):
        self._db = connection if connection is not None else temporary_database(self.CACHE_KB)
        self._db.executescript("""
            CREATE TABLE IF NOT EXISTS cluster_members (member INTEGER PRIMARY KEY, cluster TEXT NOT NULL,
                                                        signature BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS cluster_bands (band_key INTEGER PRIMARY KEY, member INTEGER NOT NULL);
        """)
        self._filter = BitTable(self.FILTER_BITS)
        self._count = 0
        # Rows are written in batches; a lookup the bit table cannot answer first writes them.
        self._waiting_members: list[tuple[int, str, bytes]] = []
        self._waiting_bands: list[tuple[int, int]] = []
        self._find_sql = ("SELECT band_key, member, cluster, signature FROM cluster_bands JOIN cluster_members "
                          "USING (member) WHERE band_key IN ({})")

    def __len__(self) -> int:
        return self._count

    def _maybe_seen(self, keys: list[int]) -> list[int]:
        """Return the keys the bit table says may have been added (it has false positives only)."""
        # The bit comes from a key's high half (CRC-32 of the band: well mixed); the low half is
        # an Adler-32 of 12 bytes, which takes few distinct values.
        return [key for key in keys if key >> 32 in self._filter]

    def find(self, sig: Signature) -> tuple[str, float] | None:
        """Return (cluster key, similarity) of the most similar article seen, if similar enough."""
        keys = sig.band_keys
        maybe = self._maybe_seen(keys)
        if not maybe:
            return None
        self._flush()
        sql = self._find_sql.format(", ".join("?" * len(maybe)))
        rows = {row[0]: row[1:] for row in self._db.execute(sql, maybe)}
        best: tuple[str, float] | None = None
        seen: set[int] = set()
        for key in keys:  # in band order, so that ties go to the same article every run
            row = rows.get(key)
            if row is None or row[0] in seen:
                continue
            member, cluster, stored = row
            seen.add(member)
            values = np.frombuffer(stored, dtype=np.uint32)
            similarity = float(np.count_nonzero(values == sig.values)) / PERMUTATIONS
            if similarity >= THRESHOLD and (best is None or similarity > best[1]):
                best = (cluster, similarity)
        return best

    def add(self, sig: Signature, cluster: str) -> None:
        """Remember an article's signature under its cluster key (the first article keeps a band)."""
        member = self._count
        keys = sig.band_keys
        self._waiting_members.append((member, cluster, sig.values.astype(np.uint32).tobytes()))
        self._waiting_bands += [(key, member) for key in keys]
        for key in keys:
            self._filter.add(key >> 32)
        self._count += 1
        if len(self._waiting_members) >= self.FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        """Write the rows waiting; bands keep the first article that had them, as if added one by one."""
        if self._waiting_members:
            self._db.executemany("INSERT INTO cluster_members VALUES (?, ?, ?)", self._waiting_members)
            self._db.executemany("INSERT OR IGNORE INTO cluster_bands VALUES (?, ?)", self._waiting_bands)
            self._waiting_members.clear()
            self._waiting_bands.clear()


def temporary_database(cache_kb: int) -> sqlite3.Connection:
    """Return a connection to a new private SQLite database on disk, deleted when it is closed.

    For tables a build needs only while it runs: no journal, no syncing to disk, and a page cache
    of at most cache_kb kilobytes (SQLite writes the rest to its temporary file).
    """
    db = sqlite3.connect("", check_same_thread=False)  # one implicit transaction: never committed
    db.execute(f"PRAGMA cache_size = -{int(cache_kb)}")
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    return db


class BandTable:
    """Band keys -> ids of an index's articles, kept in an SQLite file beside the index.

    A build looks up the near-duplicate candidates of a new article here rather than in the index:
    the BANDS keys of every article, as index terms, were a third of a segment's terms and about a
    sixth of indexing time. One row per article, one indexed column per band.

    The table is stamped with the index generation it describes, just before the index commits.
    A build uses it only when the stamp matches the index and SQLite finds it sound; otherwise (a
    crash between the two commits, a table deleted, damaged or copied from elsewhere) it fills a
    new table from the index. Rows of updated and deleted articles are removed; a table may still
    hold rows of articles the index lacks (a build that crashed before its index commit, where a
    later delete brought the index to the stamped generation): every candidate is checked against
    the index, so such a row costs a lookup, never a wrong cluster. A new table (a new index, a
    rebuild, a fill) is written to a side file that replace() puts in place after the index commit.
    """

    FLUSH_ROWS = 2000
    CACHE_KB = 8 * 1024
    _COLUMNS = ", ".join(f"band{band} INTEGER NOT NULL" for band in range(BANDS))

    def __init__(self, path: str, fresh: bool):
        self.path, self.fresh = path, fresh
        self._target = path + ".new" if fresh else path
        if fresh:
            for leftover in (self._target, self._target + "-journal"):
                if os.path.exists(leftover):
                    os.remove(leftover)
        elif not os.path.exists(path):
            raise sqlite3.OperationalError(f"no band table at {path}")
        self._db = sqlite3.connect(self._target, check_same_thread=False)
        try:
            self._db.execute(f"PRAGMA cache_size = -{self.CACHE_KB}")
            self._db.execute("PRAGMA synchronous = OFF")  # a damaged table is filled again (quick_check)
            if fresh:
                self._db.execute("PRAGMA journal_mode = OFF")  # a side file: installed only once complete
                self._db.executescript(f"""
                    CREATE TABLE bands (id TEXT NOT NULL, {self._COLUMNS});
                    CREATE TABLE stamp (generation INTEGER NOT NULL);
                """)
            elif self._db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError(f"the band table at {path} is damaged")
            # This build's rows are not candidates for its own articles: those are found in the
            # build's own ClusterTable, and checking them against the index finds older versions.
            self._last_indexed_row = self._last_row()
        except BaseException:
            self._db.close()
            raise
        self._waiting: list[tuple] = []
        self._find_sql = [f"SELECT id FROM bands WHERE band{band} = ? AND rowid <= ? LIMIT ?"
                          for band in range(BANDS)]

    def _last_row(self) -> int:
        return self._db.execute("SELECT COALESCE(MAX(rowid), 0) FROM bands").fetchone()[0]

    def generation(self) -> int | None:
        """Return the index generation the table describes (None: none recorded)."""
        return self._db.execute("SELECT MAX(generation) FROM stamp").fetchone()[0]

    def add(self, article_id: str, sig: Signature) -> None:
        """Record an article's band keys (visible to lookups of later builds)."""
        self._waiting.append((article_id, *sig.band_keys))
        if len(self._waiting) >= self.FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._waiting:
            marks = ", ".join("?" * (BANDS + 1))
            self._db.executemany(f"INSERT INTO bands VALUES ({marks})", self._waiting)
            self._waiting.clear()

    def candidates(self, sig: Signature, per_band: int) -> list[str]:
        """Return the ids of earlier builds' articles sharing a band with sig, at most per_band a band.

        A band shared by very many articles is boilerplate, not a story: it is only sampled.
        """
        ids: dict[str, None] = {}
        for band, key in enumerate(sig.band_keys):
            for (article_id,) in self._db.execute(self._find_sql[band], (key, self._last_indexed_row, per_band)):
                ids[article_id] = None
        return list(ids)

    def forget(self, ids: Iterable[str]) -> None:
        """Remove the rows of earlier builds for these ids (articles updated or deleted)."""
        self._flush()
        self._db.executemany("DELETE FROM bands WHERE id = ? AND rowid <= ?",
                             ((article_id, self._last_indexed_row) for article_id in ids))

    def fill(self, articles: Iterable[tuple[str, Signature]]) -> None:
        """Add the rows of articles already in the index (a new table for an existing index)."""
        for article_id, sig in articles:
            self.add(article_id, sig)
        self._flush()
        self._make_indexes()
        self._last_indexed_row = self._last_row()

    def _make_indexes(self) -> None:
        # Made after a new table's rows are in: far faster than row by row.
        for band in range(BANDS):
            self._db.execute(f"CREATE INDEX IF NOT EXISTS bands_by_band{band} ON bands (band{band})")
        self._db.execute("CREATE INDEX IF NOT EXISTS bands_by_id ON bands (id)")

    def commit(self, generation: int) -> None:
        """Write the rows waiting and stamp the table as describing index generation `generation`."""
        self._flush()
        self._make_indexes()
        self._db.execute("DELETE FROM stamp")
        self._db.execute("INSERT INTO stamp VALUES (?)", (generation,))
        self._db.commit()

    def replace(self) -> None:
        """Put a new table in place of the old one (after the index commit it describes)."""
        self._db.close()
        if self.fresh:
            # A journal the old table left (a killed build) would be replayed into the new one.
            if os.path.exists(self.path + "-journal"):
                os.remove(self.path + "-journal")
            os.replace(self._target, self.path)
            self.fresh = False

    def close(self) -> None:
        """Close the table; a new one not put in place is thrown away, and uncommitted rows with it."""
        self._db.close()
        if self.fresh and os.path.exists(self._target):
            os.remove(self._target)

    @classmethod
    def forget_deleted(cls, path: str, ids: list[str], old: int, new: int) -> None:
        """Remove the rows of deleted articles from the table at path and stamp it with the index's
        new generation, if it described the old one (else the next build fills it again)."""
        try:
            table = cls(path, fresh=False)
        except sqlite3.Error:
            return  # missing or damaged: the next build fills it again
        try:
            if table.generation() == old:
                table.forget(ids)
                table.commit(new)
        except sqlite3.Error:
            pass  # not committed: the stamp still says `old`, and the next build fills it again
        finally:
            table.close()
