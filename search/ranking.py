"""Matching document sets and BM25F scores for a parsed query, computed with numpy over one searcher.

Whoosh's matchers walk postings one document at a time in Python, and counting facets or total hits
means walking every match again. Here each term's postings are decoded once per searcher into
arrays (and cached), field lengths and facet columns are loaded once per searcher, and a query is
a handful of whole-array operations: matching, BM25F scoring, filtering, facet counts, date sorting.
Phrases still use Whoosh's positional matching for the documents that contain the phrase.
"""
from __future__ import annotations

import math
import pickle
import threading
import time
import zlib
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass
from itertools import accumulate

import numpy as np
from whoosh import query as wq

from search.errors import SearchTooSlow
from search.analysis import normalise, plain_analyzer
from search.query import TEXT_FIELDS, Condition, DateRange, ParsedQuery, Words, near_window

# BM25F parameters (Robertson & Zaragoza 2009): tf is normalised per field, weighted, summed, then saturated.
K1 = 1.2
FIELD_B = {"title": 0.5, "content": 0.75}  # titles vary little in length: normalise them less
FIELD_WEIGHT = {"title": 2.5, "content": 1.0}  # a word in the title counts 2.5 times a word in the body
PHRASE_BONUS = 0.5  # documents holding the exact phrase get this share of the phrase's score on top

FACET_FIELDS = ("source", "category", "year", "month", "cluster")
TERM_CACHE_SIZE = 2048  # decoded postings kept per searcher
BLOCK_CACHE_SIZE = 256  # postings blocks with positions kept per searcher (about 10 kB each)
POSITIONS_CACHE_SIZE = 16384  # (field, term, document) positions kept per searcher (small lists)
STORED_CACHE_SIZE = 512  # stored articles kept per searcher (each is one decompressed pickle)
MISSING = np.iinfo(np.int64).max  # what Whoosh's date column holds for articles without a date
NEAR_CACHED_UP_TO = 64  # NEAR candidates up to this many use the per-document positions cache
UNDATED = "undated"  # the year facet's bucket (and year= filter value) for articles without a date


_VALUES_START = b"c_codecs\nencode\n"  # where a pickled block's position values begin
_INFLATE_STEP = 2048  # 128 ids and weights take about 1.5 kB of a block's pickle


def _read_block(leaf) -> tuple[np.ndarray, np.ndarray] | None:
    """Return (document numbers, frequencies) of the leaf matcher's current block, or None if unsure.

    Each block is pickled as (ids, weights, values). In protocol 2 (Whoosh's own writer, and Warta
    indexes built before segments.BLOCK_PROTOCOL) unpickling the values (every posting's positions,
    each a bytes object rebuilt through _codecs.encode) is most of the cost of reading postings;
    ranking needs no positions, so such a pickle is cut where the values start and closed there.
    The ids are delta-decoded with numpy. Anything unexpected returns None (the caller then reads
    the block the ordinary way).
    """
    try:
        raw = leaf._postfile.get(leaf._dataoffset, leaf._nextoffset - leaf._dataoffset)
        if leaf._compression:
            # Inflate a protocol 2 pickle only as far as the values: ids and weights come first.
            inflater = zlib.decompressobj()
            raw = inflater.decompress(raw, _INFLATE_STEP)
            protocol_2 = raw[:2] == b"\x80\x02"
            while (not protocol_2 or raw.find(_VALUES_START) < 0) and (inflater.unconsumed_tail or not inflater.eof):
                more = inflater.decompress(inflater.unconsumed_tail, _INFLATE_STEP)
                if not more:
                    break
                raw += more
        cut = raw.find(_VALUES_START) if raw[:2] == b"\x80\x02" else -1
        data = pickle.loads(raw[:cut] + b"t\x87.") if cut > 0 else pickle.loads(raw)
        ids, weights = data[0], data[1]
        count = leaf._blocklength
        ids = np.asarray(ids, dtype=np.int64)
        if not leaf._byteids:
            ids = np.cumsum(ids)
        if weights is None:
            freqs = np.ones(count, dtype=np.float32)
        elif isinstance(weights, float):
            freqs = np.full(count, weights, dtype=np.float32)
        else:
            freqs = np.asarray(weights, dtype=np.float32)
        if ids.shape != (count,) or freqs.shape != (count,):
            return None
        return ids, freqs
    except Exception:  # a format we do not know: let Whoosh read it
        return None


@dataclass
class BlockMap:
    """Where each postings block of one term in one segment lies on disk, to read positions later.

    Recorded while the postings are decoded (every block header is read then anyway), so that the
    positions of a few documents cost one block each: no walk through the blocks before them.
    """

    postfile: object
    format: object  # the field's posting format, which decodes a posting's value into positions
    byteids: bool
    max_ids: np.ndarray  # the last (segment-local) document number of each block
    spans: list  # (data offset, next block offset, compressed) of each block


def _decode(matcher) -> tuple[np.ndarray, np.ndarray, BlockMap | None]:
    """Return all (document numbers, frequencies) of a postings matcher, and where its blocks lie.

    Reads a block at a time when possible; the BlockMap is None for postings Whoosh keeps another
    way (inlined in the term table, deleted-document wrappers without a leaf).
    """
    from whoosh.codec.whoosh3 import W3LeafMatcher

    leaf = matcher
    while not isinstance(leaf, W3LeafMatcher) and hasattr(leaf, "child"):
        leaf = leaf.child  # deleted documents are masked out by Snapshot.live instead
    ids: list = []
    freqs: list = []
    blocks = None
    if isinstance(leaf, W3LeafMatcher):
        blocks = BlockMap(leaf._postfile, leaf.format, bool(leaf._byteids), np.empty(0, dtype=np.int64), [])
        max_ids = []
        while leaf.is_active():
            max_ids.append(leaf._maxid)
            blocks.spans.append((leaf._dataoffset, leaf._nextoffset, leaf._compression))
            block = _read_block(leaf) if leaf._i == 0 else None
            if block is None:
                leaf._read_ids()
                leaf._read_weights()
                block = (np.asarray(leaf._ids[leaf._i:leaf._blocklength], dtype=np.int64),
                         np.asarray(leaf._weights[leaf._i:leaf._blocklength], dtype=np.float32))
            ids.append(block[0])
            freqs.append(block[1])
            leaf._next_block()
        blocks.max_ids = np.asarray(max_ids, dtype=np.int64)
    else:
        plain_ids, plain_freqs = [], []
        while matcher.is_active():
            plain_ids.append(matcher.id())
            plain_freqs.append(matcher.weight())
            matcher.next()
        ids.append(np.asarray(plain_ids, dtype=np.int64))
        freqs.append(np.asarray(plain_freqs, dtype=np.float32))
    if not ids:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32), blocks
    return np.concatenate(ids), np.concatenate(freqs), blocks


def _positions_by_matcher(leaf, fieldname: str, term: str, local: list[int], offset: int) -> dict[int, list[int]]:
    """Return {document: positions} for segment-local docs, through Whoosh's own matcher (any format)."""
    matcher = leaf.postings(fieldname, term)
    found = {}
    for doc in local:  # ascending
        if not matcher.is_active():
            break
        matcher.skip_to(doc)
        if matcher.is_active() and matcher.id() == doc:
            found[doc + offset] = list(matcher.value_as("positions"))
    return found


def datetime_key(moment) -> int:
    """Return the number the date column stores for a UTC-naive datetime."""
    from whoosh.util.times import datetime_to_long

    return datetime_to_long(moment)


@dataclass
class Column:
    """A facet column as integer codes per document, and the label of each code ("" = none)."""

    codes: np.ndarray
    labels: list[str]


class LruCache:
    """A bounded mapping that forgets its least recently used entries; safe to share between threads."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, default=None):
        """Return the value kept for key (now the most recently used), or default."""
        with self._lock:
            value = self._items.get(key, _ABSENT)
            if value is _ABSENT:
                return default
            self._items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        """Keep value for key, forgetting the least recently used entries beyond the size."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


_ABSENT = object()


class Snapshot:
    """Arrays for one open searcher: live documents, field lengths, columns and term postings."""

    def __init__(self, searcher):
        self.searcher = searcher
        reader = searcher.reader()
        self.size = reader.doc_count_all()
        self.leaves = reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]
        self.live = np.zeros(self.size, dtype=bool)
        self.live[list(reader.all_doc_ids())] = True
        self.documents = int(self.live.sum())
        self._norms: dict[str, np.ndarray] = {}
        self._columns: dict[str, Column] = {}
        self._dates: np.ndarray | None = None
        self._shared: np.ndarray | None = None
        self._terms = LruCache(TERM_CACHE_SIZE)
        self._blocks = LruCache(BLOCK_CACHE_SIZE)
        self._positions = LruCache(POSITIONS_CACHE_SIZE)
        self._texts = LruCache(STORED_CACHE_SIZE)
        self._stored = LruCache(STORED_CACHE_SIZE)
        self.deadline: float | None = None  # perf_counter() time the running search must end by
        self.analyzer = plain_analyzer()  # the Index sets its own (with the index's learned names)

    def past_deadline(self) -> bool:
        """Return whether the running search is past its deadline (for steps that can do less instead of failing)."""
        return self.deadline is not None and time.perf_counter() > self.deadline

    def check_time(self) -> None:
        """Raise SearchTooSlow when the running search is past its deadline (called before costly steps)."""
        if self.deadline is not None and time.perf_counter() > self.deadline:
            from search.messages import Message

            raise SearchTooSlow(Message(
                "This search needs too much work to answer in time (many words, wildcards, or quoted phrases "
                "of very common words). Make it more specific: fewer words, more letters before a *, fewer or "
                "rarer words in quotes."))

    def stored(self, doc: int) -> dict:
        """Return the stored fields of a document (recently used ones are kept: hits repeat)."""
        fields = self._stored.get(doc)
        if fields is None:
            fields = self.searcher.stored_fields(doc)
            self._stored.put(doc, fields)
        return fields

    def stored_batch(self, docs) -> list[dict]:
        """Return the stored fields of many documents, uncached (exports and concordances read each once).

        Reads each segment's per-document store directly (Whoosh-private `_perdoc`): the public
        reader.stored_fields() copies every dict through a filter against the schema, a sixth of
        an export's time, and a Warta schema never drops a stored field. Falls back to the public
        call for any other reader.
        """
        starts = [offset for _, offset in self.leaves]
        found = []
        for doc in docs:
            number = bisect_left(starts, doc + 1) - 1
            leaf, offset = self.leaves[number]
            perdoc = getattr(leaf, "_perdoc", None)
            fields = perdoc.stored_fields(doc - offset) if perdoc is not None else None
            found.append(dict(fields) if fields is not None else self.searcher.stored_fields(doc))
        return found

    def plain_text(self, doc: int) -> str:
        """Return a document's title and content, normalised as query words are (kept like stored fields).

        At most the content's first highlight.TEXT_WINDOW characters, as snippets read: the exact-form
        bonus and spelling read this per hit, and a huge article must cost them what a normal one does.
        """
        text = self._texts.get(doc)
        if text is None:
            from search.highlight import TEXT_WINDOW

            stored = self.stored(doc)
            content = stored.get("content") or ""
            text = normalise((stored.get("title") or "") + "\n" + content[:TEXT_WINDOW])
            self._texts.put(doc, text)
        return text

    # -- per-document arrays, loaded on first use ----------------------------------------------

    def norm(self, fieldname: str) -> np.ndarray:
        """Return BM25's length normalisation (1 - b + b * length / average) per document."""
        if fieldname not in self._norms:
            lengths = np.zeros(self.size, dtype=np.float32)
            for leaf, offset in self.leaves:
                count = leaf.doc_count_all()
                lengths[offset:offset + count] = [leaf.doc_field_length(d, fieldname, 0) or 0 for d in range(count)]
            live_lengths = lengths[self.live]
            average = float(live_lengths.mean()) if live_lengths.size and live_lengths.mean() > 0 else 1.0
            b = FIELD_B.get(fieldname, 0.75)
            self._norms[fieldname] = (1 - b + b * lengths / average).astype(np.float32)
        return self._norms[fieldname]

    def column(self, fieldname: str) -> Column:
        """Return a facet column (source, category, year, month, cluster) as integer codes."""
        if fieldname not in self._columns:
            labels: dict[str, int] = {"": 0}
            codes = np.zeros(self.size, dtype=np.int32)
            schema = self.searcher.schema
            if fieldname in schema and schema[fieldname].column_type is not None:
                for leaf, offset in self.leaves:
                    if not leaf.doc_count_all() or not leaf.has_column(fieldname):
                        continue  # an empty index, or a segment written before the column existed
                    values = list(leaf.column_reader(fieldname))
                    codes[offset:offset + len(values)] = [
                        labels.setdefault(v.decode("utf-8") if isinstance(v, bytes) else (v or ""), len(labels))
                        for v in values]
            self._columns[fieldname] = Column(codes, list(labels))
        return self._columns[fieldname]

    def dates(self) -> np.ndarray:
        """Return the date column as sortable integers (MISSING where an article has no date)."""
        if self._dates is None:
            dates = np.full(self.size, MISSING, dtype=np.int64)
            if "date" in self.searcher.schema:
                for leaf, offset in self.leaves:
                    if not leaf.doc_count_all() or not leaf.has_column("date"):
                        continue
                    values = np.array(list(leaf.column_reader("date", translate=False)), dtype=np.uint64)
                    # No date: Whoosh stores the type's maximum, which may not fit a signed integer.
                    dates[offset:offset + len(values)] = np.where(values >= MISSING, MISSING, values).astype(np.int64)
            self._dates = dates
        return self._dates

    def postings(self, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Return (document numbers, term frequencies) of a term, decoded once per searcher."""
        ids, freqs, _ = self._postings_entry(fieldname, term)
        return ids, freqs

    def _postings_entry(self, fieldname: str, term: str) -> tuple[np.ndarray, np.ndarray, list]:
        """Return (document numbers, frequencies, [(segment offset, segment, BlockMap or None)])."""
        key = (fieldname, term)
        cached = self._terms.get(key)
        if cached is not None:
            return cached
        self.check_time()
        ids: list[np.ndarray] = []
        freqs: list[np.ndarray] = []
        maps: list = []
        for leaf, offset in self.leaves:
            if (fieldname, term) not in leaf:
                continue
            block_ids, block_freqs, blocks = _decode(leaf.postings(fieldname, term))
            ids.append(block_ids + offset)
            freqs.append(block_freqs)
            maps.append((offset, leaf, blocks))
        result = ((np.concatenate(ids), np.concatenate(freqs), maps) if ids
                  else (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32), maps))
        self._terms.put(key, result)
        return result

    def positions(self, fieldname: str, term: str, docs) -> dict[int, list[int]]:
        """Return word positions of a term in each of `docs` that holds it, read from the index.

        Only the postings blocks holding those documents are read (their places were noted when
        the term's postings were decoded), and each block read is kept for the searcher's life:
        re-ranking the best few matches reads a handful of blocks per query word.
        """
        found: dict[int, list[int]] = {}
        missing = []
        for doc in map(int, docs):
            cached = self._positions.get((fieldname, term, doc))
            if cached is None:
                missing.append(doc)
            elif cached:  # [] caches "not in this document"
                found[doc] = cached
        if not missing:
            return found
        ids, _, maps = self._postings_entry(fieldname, term)
        wanted = np.asarray(sorted(set(missing)), dtype=np.int64)
        at = np.minimum(np.searchsorted(ids, wanted), max(ids.size - 1, 0))
        wanted = wanted[ids[at] == wanted] if ids.size else wanted[:0]  # only documents that hold the term
        read = self._read_positions(fieldname, term, wanted, maps)
        for doc in missing:
            self._positions.put((fieldname, term, doc), read.get(doc, []))
        found.update(read)
        return found

    def _read_positions(self, fieldname: str, term: str, wanted: np.ndarray, maps: list) -> dict[int, list[int]]:
        """Return {document: positions} of a term for `wanted` (sorted documents that hold it)."""
        found: dict[int, list[int]] = {}
        for number, (offset, leaf, blocks) in enumerate(maps):
            local = wanted[(wanted >= offset) & (wanted < offset + leaf.doc_count_all())] - offset
            if not local.size:
                continue
            if blocks is None:
                found.update(_positions_by_matcher(leaf, fieldname, term, local.tolist(), offset))
                continue
            current = None  # wanted is sorted: neighbouring documents share a block, looked up once
            for doc, block in zip(local.tolist(), np.searchsorted(blocks.max_ids, local).tolist()):
                if block >= len(blocks.spans):
                    continue
                if current != block:
                    block_ids, values = self._block_values((fieldname, term, number, block), blocks, block)
                    current = block
                i = bisect_left(block_ids, doc)
                if i < len(block_ids) and block_ids[i] == doc:
                    found[doc + offset] = blocks.format.decode_positions(values[i])
        return found

    def _block_values(self, key: tuple, blocks: BlockMap, block: int) -> tuple[list[int], tuple]:
        """Return (segment-local document numbers, posting values) of one postings block, cached."""
        cached = self._blocks.get(key)
        if cached is not None:
            return cached
        start, end, compressed = blocks.spans[block]
        raw = blocks.postfile.get(start, end - start)
        ids, _, values = pickle.loads(zlib.decompress(raw) if compressed else raw)
        result = (list(ids) if blocks.byteids else list(accumulate(ids)), tuple(values))
        self._blocks.put(key, result)
        return result

    def expand_prefix(self, fieldname: str, prefix: str, limit: int) -> list[str]:
        """Return up to `limit` index terms of a field starting with prefix, most frequent first."""
        reader = self.searcher.reader()
        found = []
        for index, term in enumerate(reader.expand_prefix(fieldname, prefix)):
            if index >= limit * 40:  # the scan itself is bounded too
                break
            if index % 256 == 255:
                self.check_time()
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            found.append((reader.doc_frequency(fieldname, text), text))
        found.sort(key=lambda item: (-item[0], item[1]))
        return [text for _, text in found[:limit]]

    # -- matching and scoring -----------------------------------------------------------------

    def term_scores(self, term: str, fields: tuple[str, ...]) -> np.ndarray:
        """Return the BM25F score of one index term over `fields` for every document (0 = absent)."""
        pseudo_tf = np.zeros(self.size, dtype=np.float32)
        for name in fields:
            ids, freqs = self.postings(name, term)
            if ids.size:
                pseudo_tf[ids] += FIELD_WEIGHT.get(name, 1.0) * freqs / self.norm(name)[ids]
        pseudo_tf[~self.live] = 0
        df = int(np.count_nonzero(pseudo_tf))
        if df == 0:
            return pseudo_tf
        idf = math.log(1 + (self.documents - df + 0.5) / (df + 0.5))
        return (idf * pseudo_tf * (K1 + 1) / (K1 + pseudo_tf)).astype(np.float32)

    def phrase_mask(self, words: Words, fields: tuple[str, ...]) -> np.ndarray:
        """Return which documents hold the phrase in one of `fields` (Whoosh's positional matching)."""
        gaps = [b - a for a, b in zip(words.positions, words.positions[1:])]
        mask = np.zeros(self.size, dtype=bool)
        for name in fields:
            self.check_time()
            docs = list(self.searcher.docs_for_query(wq.Phrase(name, list(words.terms), slop=max(gaps))))
            mask[docs] = True
        return mask

    def near_mask(self, words: Words, fields: tuple[str, ...]) -> np.ndarray:
        """Return which documents hold a NEAR group's words within its window, in any order, in one field.

        Only documents holding every word are read, and of those only the postings blocks that hold
        them (Snapshot.positions), so a proximity search costs little more than its words' postings.
        """
        terms = list(dict.fromkeys(words.terms))
        window = near_window(words)
        mask = np.zeros(self.size, dtype=bool)
        for name in fields:
            candidates = None
            for term in terms:
                ids = self.postings(name, term)[0]
                candidates = ids if candidates is None else np.intersect1d(candidates, ids, assume_unique=True)
            candidates = candidates[self.live[candidates]] if candidates is not None else np.empty(0, np.int64)
            if not candidates.size:
                continue
            if candidates.size > NEAR_CACHED_UP_TO:
                # Many documents: read their positions block by block, past the per-document cache
                # (its bookkeeping cost more than the reading, and they would push out the re-ranker's).
                places = [self._read_positions(name, term, candidates, self._postings_entry(name, term)[2])
                          for term in terms]
            else:
                places = [self.positions(name, term, candidates) for term in terms]
            for count, doc in enumerate(candidates.tolist()):
                if count % 256 == 255:
                    self.check_time()
                if within_window([found.get(doc, ()) for found in places], window):
                    mask[doc] = True
        return mask

    def words_scores(self, words: Words, expansions: dict[tuple[str, str], list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Return (matches, scores) of one word, phrase or prefix over every document."""
        fields = (words.field,) if words.field in TEXT_FIELDS else TEXT_FIELDS
        if words.kind == "prefix":
            scores = np.zeros(self.size, dtype=np.float32)
            for name in fields:
                for term in expansions.get((name, words.terms[0]), ()):
                    scores += self.term_scores(term, (name,))
            return scores > 0, scores
        if words.is_phrase or words.is_near:
            scores = sum((self.term_scores(t, fields) for t in words.terms), np.zeros(self.size, dtype=np.float32))
            mask = (self.near_mask(words, fields) if words.is_near else self.phrase_mask(words, fields)) & self.live
            return mask, np.where(mask, scores * (1 + PHRASE_BONUS), 0).astype(np.float32)
        scores = self.term_scores(words.terms[0], fields)
        return scores > 0, scores

    def match_groups(self, parsed: ParsedQuery, expansions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (groups matched, summed scores, excluded) per document, filters not applied.

        groups matched counts the query's words (or OR-groups, phrases) each document holds, for
        all-word matching (count == number of groups) and for partial matching.
        """
        matched = np.zeros(self.size, dtype=np.int16)
        total = np.zeros(self.size, dtype=np.float32)
        for group in parsed.groups:
            group_mask = np.zeros(self.size, dtype=bool)
            for words in group:
                found, scores = self.words_scores(words, expansions)
                group_mask |= found
                total += scores
            matched += group_mask
        for words in parsed.optional:  # function words: they add to the score, never to `matched`
            total += self.words_scores(words, expansions)[1]
        excluded = np.zeros(self.size, dtype=bool)
        for words in parsed.excluded:
            excluded |= self.words_scores(words, expansions)[0]
        matched[~self.live] = 0
        return matched, total, excluded

    def condition_mask(self, condition: Condition) -> np.ndarray:
        """Return which documents meet one filter condition."""
        if condition.field == "date":
            dates = self.dates()
            mask = np.zeros(self.size, dtype=bool)
            for span in condition.values:
                assert isinstance(span, DateRange)
                part = dates != MISSING
                if span.start is not None:
                    part &= dates >= datetime_key(span.start)
                if span.end is not None:
                    part &= dates < datetime_key(span.end)
                mask |= part
        else:
            column = self.column(condition.field)
            wanted = [column.labels.index(v) for v in condition.values if v in column.labels]
            if condition.field == "year" and UNDATED in condition.values:
                wanted.append(0)  # code 0: no year, i.e. no date
            mask = np.isin(column.codes, wanted) if wanted else np.zeros(self.size, dtype=bool)
        return ~mask if condition.negated else mask

    def shared(self) -> np.ndarray:
        """Return, per document, whether its cluster has other live members (it may collapse)."""
        if self._shared is None:
            codes = self.column("cluster").codes
            sizes = np.bincount(codes[self.live], minlength=len(self.column("cluster").labels))
            sizes[0] = 0  # code 0: no cluster key, never collapses
            self._shared = sizes[codes] > 1
        return self._shared

    def facet_counts(self, docs: np.ndarray, fieldname: str) -> list[tuple[str, int]]:
        """Return (value, results) for a facet over matching docs, counting collapsed copies once."""
        column = self.column(fieldname)
        width = len(column.labels)
        shared = self.shared()[docs]
        counts = np.bincount(column.codes[docs[~shared]], minlength=width)
        if shared.any():
            # A story with copies counts once per value: count distinct (cluster, value) pairs.
            members = docs[shared]
            pairs = np.unique(self.column("cluster").codes[members].astype(np.int64) * width + column.codes[members])
            counts += np.bincount(pairs % width, minlength=width)
        found = [(column.labels[code], int(n)) for code, n in enumerate(counts) if n and column.labels[code]]
        found.sort(key=lambda item: (-item[1], item[0]))
        return found

    def undated_total(self, docs: np.ndarray) -> int:
        """Return how many results of `docs` (near-duplicates collapsed) have no date."""
        return self.collapsed_total(docs[self.column("year").codes[docs] == 0])

    def period_counts(self, docs: np.ndarray, fieldname: str) -> np.ndarray:
        """Return results per code of a column (year or month), counting collapsed copies once per code.

        As facet_counts, as a whole array: trends read many sets against the same codes.
        """
        column = self.column(fieldname)
        width = len(column.labels)
        shared = self.shared()[docs]
        counts = np.bincount(column.codes[docs[~shared]], minlength=width)
        if shared.any():
            members = docs[shared]
            pairs = np.unique(self.column("cluster").codes[members].astype(np.int64) * width + column.codes[members])
            counts += np.bincount(pairs % width, minlength=width)
        return counts

    def collapsed_total(self, docs: np.ndarray) -> int:
        """Return how many results `docs` make once near-duplicates collapse into one."""
        shared = self.shared()[docs]
        return int(np.count_nonzero(~shared) + np.unique(self.column("cluster").codes[docs[shared]]).size)


EXACT_BONUS = 0.5  # an article holding every query word as typed scores this much more (summary set: 0.25 -> 0.5, MRR@10 0.825 -> 0.831)
EXACT_DEPTH = 20  # how many of the best matches the exact-form bonus re-orders


def exact_forms(parsed: ParsedQuery) -> list[str]:
    """Return the query's plain words as typed (lowercase): the forms the exact-form bonus looks for."""
    return [normalise(w.text) for w in parsed.words if w.kind == "word" and len(w.terms) == 1]


def exact_form_scores(snap: Snapshot, docs: list[int], scores: np.ndarray, forms: list[str]) -> dict[int, float]:
    """Return new scores for docs: multiplied by 1 + EXACT_BONUS * (share of forms found as typed).

    Stemming makes "senjata" match "persenjataan"; an article with the word as the reader typed
    it should still come first. The index holds roots only, so this reads the stored text of the
    few best matches (EXACT_DEPTH; the page's hits need it anyway) and looks for the typed words.
    """
    if not forms:
        return {}
    boosted = {}
    for doc in docs:
        snap.check_time()  # re-ranking counts against the search's time limit like every other step
        text = snap.plain_text(doc)
        found = sum(1 for form in forms if _has_word(text, form))
        boosted[doc] = float(scores[doc]) * (1 + EXACT_BONUS * found / len(forms))
    return boosted


def _has_word(text: str, word: str) -> bool:
    """Return whether `word` occurs in `text` as a whole token (not inside a longer word)."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        before = text[at - 1] if at else " "
        after = text[end] if end < len(text) else " "
        joined_after = after in "-'" and end + 1 < len(text) and text[end + 1].isalnum()
        if not (before.isalnum() or before in "_-'") and not (after.isalnum() or after == "_" or joined_after):
            return True
        at = text.find(word, at + 1)
    return False


# Term proximity re-ranking of the best matches, after the sequential dependence model (Metzler &
# Croft 2005): query words that stand next to each other in query order (ordered window), or near
# each other in any order (unordered window), mark an article about the query rather than one that
# mentions its words apart. As a factor on the BM25F score, so it scales with any query length.
# Positions come from the index (Snapshot.positions), not from re-reading the article text.
# Tuned on the summary set and FacQA train+valid (eval/README.md): MRR@10 0.831 / 0.780 without,
# 0.885 / 0.783 with the weights below.
PROXIMITY_DEPTH = 20  # how many of the best matches proximity re-orders
PROXIMITY_MAX_PLACES = 5_000  # places per query word and article that proximity reads
ORDERED_WINDOW = 3  # "in order": the next query word within this many words (stop words between count)
UNORDERED_WINDOW = 8  # "near": two neighbouring query words within this many words, either order
ORDERED_WEIGHT = 0.5  # an article with every neighbouring query-word pair in order scores this share more
UNORDERED_WEIGHT = 0.25  # ... and this share for every pair near each other
LEAD_WEIGHT = 0.3  # an article holding every query word in its first LEAD_WORDS words scores this share more
LEAD_WORDS = 30  # news puts the essentials first (summary set: 60 words 0.882, 30 0.885, 20 0.888 but FacQA lower)
PROXIMITY_FIELD = "content"  # titles too: the same figures on the tuning sets, more blocks read
# (Also tried, no gain: the most query words in one 12-word window, weight 0.3; see eval/README.md.)


def query_term_groups(parsed: ParsedQuery) -> list[frozenset[str]]:
    """Return the index terms of the query's words in query order, one set per word (OR-groups merged).

    Phrases give one entry per term; prefix* words and words searched in another field are left out.
    """
    groups = []
    for group in parsed.groups:
        words = [w for w in group if w.kind != "prefix" and w.field in (None, PROXIMITY_FIELD)]
        if len(words) == 1 and (words[0].is_phrase or words[0].is_near):
            groups.extend(frozenset((term,)) for term in words[0].terms)
        elif words:
            groups.append(frozenset(term for w in words for term in w.terms[:1]))
    return groups


def proximity_features(places: list[list[int]]) -> tuple[float, float, float]:
    """Return (ordered, unordered, lead) shares for the positions of each query word in one text.

    places[i]: sorted positions of the i-th query word (empty when absent). ordered / unordered: the
    share of neighbouring word pairs seen in order within ORDERED_WINDOW / in any order within
    UNORDERED_WINDOW; lead: the share of query words seen in the first LEAD_WORDS words.
    """
    count = len(places)
    if count == 0:
        return 0.0, 0.0, 0.0
    lead = sum(1 for p in places if p and p[0] < LEAD_WORDS) / count
    if count < 2:
        return 0.0, 0.0, lead
    ordered = unordered = 0
    for left, right in zip(places, places[1:]):
        if left and right:
            ordered += _within(left, right, 1, ORDERED_WINDOW)
            unordered += _within(left, right, -UNORDERED_WINDOW, UNORDERED_WINDOW)
    pairs = count - 1
    return ordered / pairs, unordered / pairs, lead


def within_window(places: list, window: int) -> bool:
    """Return whether one position of each list lies in a span of at most `window` (last - first), any order.

    places: sorted positions of each word. Two words: their closest pair; more: the narrowest
    stretch holding all of them (a sliding window over the merged positions).
    """
    if any(not p for p in places):
        return False
    if len(places) == 2:
        return _within(places[0], places[1], -window, window)
    merged = sorted((pos, word) for word, positions in enumerate(places) for pos in positions)
    inside = [0] * len(places)
    covered = 0
    left = 0
    for pos, word in merged:
        inside[word] += 1
        covered += inside[word] == 1
        while covered == len(places):
            first, first_word = merged[left]
            if pos - first <= window:
                return True
            inside[first_word] -= 1
            covered -= inside[first_word] == 0
            left += 1
    return False


def _within(left: list[int], right: list[int], low: int, high: int) -> bool:
    """Return whether some b - a lies in [low, high] for a in left, b in right (both sorted)."""
    j = 0
    for a in left:
        while j < len(right) and right[j] - a < low:
            j += 1
        if j == len(right):
            return False
        if right[j] - a <= high:
            return True
    return False


def proximity_factors(snap: Snapshot, docs: list[int], parsed: ParsedQuery) -> dict[int, float]:
    """Return per doc the factor 1 + the weighted proximity features of its body, from index positions.

    Snapshot.positions reads only the postings blocks of the docs that hold each query word.
    """
    groups = query_term_groups(parsed)
    if not docs or len(groups) < 2:
        return {}  # one word: nothing to measure between words (and the lead alone was not tuned for it)
    found = {term: snap.positions(PROXIMITY_FIELD, term, docs) for term in set().union(*groups)}
    factors = {}
    for doc in docs:
        snap.check_time()
        # A word's first PROXIMITY_MAX_PLACES places only: more than any real article holds, and a huge
        # article's hundred thousand must not cost the search (positions are in ascending order).
        places = [sorted(p for term in group for p in found[term].get(doc, ())[:PROXIMITY_MAX_PLACES])
                  for group in groups]
        ordered, unordered, lead = proximity_features(places)
        factors[doc] = 1 + ORDERED_WEIGHT * ordered + UNORDERED_WEIGHT * unordered + LEAD_WEIGHT * lead
    return factors
