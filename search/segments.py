"""Writing one Whoosh segment fast: the posting buffer and segment writer the indexer builds with.

Whoosh's SegmentWriter spends most of a build in Python work per posting: it buffers every posting
as its own tuple, sorts them all, spills them to disk one pickle per posting, asks a file-exists
question per posting while writing, and goes through several method calls per posting on the way
in (field.index generator, pool.add) and out (start_term, add_posting, _write_block, finish_term).
These classes and write_postings write Whoosh's file format with the same postings, blocks and term
statistics (tests/test_segments.py compares them with those of Whoosh's own SegmentWriter) and do
less of that. One difference in the bytes: a block's data is pickled with protocol 3, where Whoosh
uses protocol 2 (see BLOCK_PROTOCOL).
"""
from __future__ import annotations

import heapq
import struct
import zlib
from array import array
from hashlib import md5
from operator import itemgetter
from pickle import dump, dumps, load

from whoosh import formats, writing
from whoosh.analysis import IDTokenizer
from whoosh.filedb.filetables import md5_hash
from whoosh.system import pack_uint

from search import analysis
from search.schema import FastPositions

LIMIT_MB = 32  # posting buffer per indexing process; beyond it a sorted run is spilled to disk.
# Spilling and merging runs cost a tenth of indexing, and a small buffer keeps the build's peak
# PSS well under the naive reference's (~260 MB). The pool's size estimate matches tracemalloc's
# count within a few per cent on the news corpus (3,500 articles: 23.2 MB estimated, 23.6 MB traced).
# Protocol 2 has no bytes type: it pickles every posting's positions as a call to
# _codecs.encode(str, "latin1"), which made pickling a block ~5x slower (most of writing a segment),
# loading it slower, and the posting file twice as large. Whoosh reads blocks with pickle.loads,
# which takes any protocol; protocol 3 has bytes and, unlike 4, no framing header per block.
BLOCK_PROTOCOL = 3
# Term groups per pickle in a spilled run: larger chunks cost more in garbage collection, and while
# runs are merged each holds one chunk in memory (bounded by the run sizes).
RUN_CHUNK = 200


class FieldLengths:
    """Each document's field lengths, read once per field: what the posting writer asks per posting.

    Whoosh's per-document reader answers doc_field_length() with a file-exists check (a stat
    call) for every posting of a field without lengths, and a column lookup for the others; on a
    news corpus that is about a third of the time spent writing a segment.
    """

    def __init__(self, reader, schema):
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
        from whoosh.util.numeric import byte_to_length

        decoded = [byte_to_length(b) for b in range(256)]
        self.lengths: dict[str, list[int]] = {}
        for name, field in schema.items():
            column = reader._cached_reader(_lenfield(name), LENGTHS_COLUMN) if field.scorable else None
            if column is not None:
                self.lengths[name] = [decoded[b] for b in column]

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self.lengths.get(fieldname)
        return lengths[docnum] if lengths is not None else default


def _encode_positions(positions: list[int]) -> bytes:
    """Return FastPositions.encode(positions): the count, then the positions as native uints."""
    return pack_uint(len(positions)) + array("I", positions).tobytes()


_ONE = pack_uint(1)
# Most postings have one position, at the start of an article, and a frequency of 1 or 2: their
# values and weights are made once and shared, not made per posting (with TermGroupedPool's flat
# groups a posting holds ~27 bytes, where Whoosh's pool took ~165; the buffer spills to disk less
# often). Shared bytes pickle as back-references in a block, which read back as the same values.
_ONE_POSITION = tuple(_ONE + struct.pack("=I", position) for position in range(4096))
_FREQUENCY_WEIGHTS = tuple(float(frequency) for frequency in range(256))
_TEXT_GROUP_BYTES = 70  # a new term's group: a dict entry and a list (the term string is the analyzer's own)
_GROUP_BYTES = 150      # a new group of another field: a dict entry, a key tuple, term bytes and a list
_POSTING_BYTES = 27     # three list slots (docnum, weight and value shared), with the list's spare room
_ADDED_POSTING_BYTES = 100  # a posting given whole (pool.add; a segment merge): its own int, float, bytes
_KEY_VALUE_LENGTHS = struct.Struct("!ii")  # whoosh.filedb.filetables: a hash file row's header
_NATIVE_UINT = struct.Struct("=I").pack  # array("I") is native order, standard size


def _sort_postings(group: list) -> None:
    """Sort a flat group of postings by document (stable), in place."""
    triples = sorted(zip(group[0::3], group[1::3], group[2::3]), key=itemgetter(0))
    group[:] = [item for triple in triples for item in triple]


class TermGroupedPool(writing.PostingPool):
    """A posting buffer that groups postings by term as they arrive.

    Whoosh's pool keeps one tuple per posting and sorts all of them; grouping means only the
    distinct terms are sorted, and a spilled run holds whole term groups (RUN_CHUNK per pickle).
    A group is one flat list, docnum, weight, value, docnum, weight, value...: a tuple per
    posting took 72 bytes where three list slots take 24 (the docnum, weight and value objects are
    mostly shared), so the buffer holds three times the postings before it spills a run.
    A writer hands out document numbers in increasing order, so each group stays sorted by
    document as it grows, and runs spilled later hold later documents.
    Article text's groups are kept per field under the term as a string (the analyzer's own
    string, its hash already known): a (field, term bytes) key made per posting cost more than
    the rest of adding it. Keys become (field, term bytes) only when the buffer is sorted.
    """

    def __init__(self, tempstore, segment, limitmb: int = LIMIT_MB):
        super().__init__(tempstore, segment, limitmb=limitmb)
        self.groups: dict[tuple[str, bytes], list] = {}     # (field, term bytes) -> flat postings
        self.text_groups: dict[str, dict[str, list]] = {}  # article text: field -> term -> flat postings

    def add(self, item):
        # item = (fieldname, term bytes, docnum, weight, value bytes)
        key = (item[0], item[1])
        group = self.groups.get(key)
        if group is None:
            self.groups[key] = group = []
            self.fieldnames.add(item[0])
            self.currentsize += _GROUP_BYTES + len(item[1])
        group += item[2:5]
        if len(group) > 3 and group[-6] > item[2]:  # never seen in practice; keeps the contract
            _sort_postings(group)
        self.currentsize += _ADDED_POSTING_BYTES + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()

    def add_positions(self, fieldname: str, docnum: int, terms: dict[str, list[int]], boost: float,
                      fieldboost: float = 1.0) -> int:
        """Add one document's postings of a FastPositions field; return its length (word count).

        terms: index term -> word positions, as analysis.term_positions returns them. Postings
        come out as SegmentWriter.add_document makes them (weight = frequency * boost * fieldboost,
        in that order, value = FastPositions.encode(positions)) without a generator and a tuple
        per posting on the way.
        """
        groups = self.text_groups.get(fieldname)
        if groups is None:
            groups = self.text_groups[fieldname] = {}
            self.fieldnames.add(fieldname)
        get = groups.get
        one, native_uint, one_position = _ONE, _NATIVE_UINT, _ONE_POSITION
        # frequency * 1.0 * 1.0 is float(frequency): shared floats when nothing is boosted
        weights = _FREQUENCY_WEIGHTS if boost == 1.0 and fieldboost == 1.0 else ()
        size = length = 0
        for term, positions in terms.items():
            count = len(positions)
            length += count
            if count == 1 and positions[0] < 4096:
                value = one_position[positions[0]]
            else:
                value = _encode_positions(positions) if count > 1 else one + native_uint(positions[0])
                size += 40 + len(value)
            weight = weights[count] if count < len(weights) else count * boost * fieldboost
            group = get(term)
            if group is None:
                groups[term] = [docnum, weight, value]
                size += _TEXT_GROUP_BYTES + _POSTING_BYTES
            else:
                group += docnum, weight, value
                size += _POSTING_BYTES
                if group[-6] > docnum:  # never seen in practice; keeps the contract if it happens
                    _sort_postings(group)
        self.currentsize += size
        if self.currentsize > self.limit:
            self.save()
        return length

    def _sorted_groups(self) -> list[tuple[tuple[str, bytes], list]]:
        """Return every group in the buffer as ((field, term bytes), postings), in key order, and
        empty the buffer."""
        items = [((fieldname, term.encode("utf-8")), postings)
                 for fieldname, groups in self.text_groups.items() for term, postings in groups.items()]
        items += self.groups.items()
        self.groups, self.text_groups = {}, {}
        items.sort(key=itemgetter(0))
        # A term of a text field that also came posting by posting (a value that was not a str)
        # is in both: one group, in document order.
        for i in range(len(items) - 1, 0, -1):
            if items[i][0] == items[i - 1][0]:
                merged = items[i - 1][1] + items.pop(i)[1]
                _sort_postings(merged)
                items[i - 1] = (items[i - 1][0], merged)
        return items

    def save(self):
        # RUN_CHUNK groups per pickle: a pickle per group set up a pickler for every term.
        if self.groups or self.text_groups:
            path, f = self._new_run()
            try:
                items = self._sorted_groups()
                for start in range(0, len(items), RUN_CHUNK):
                    dump(items[start:start + RUN_CHUNK], f, 4)
            finally:
                f.close()
            self.runs.append(path)
        self.currentsize = 0

    def _read_groups(self, path):
        f = self._open_run(path)
        try:
            while True:
                yield from load(f)
        except EOFError:
            return
        finally:
            f.close()
            self._remove_run(path)

    def _merged_runs(self):
        """Yield the groups of every spilled run (and of the buffer), merged in key order.

        Items are compared whole: by key, then, for a term in several runs, by postings, whose
        first document is lower in the earlier run, so runs come out in order (and faster than
        merging with a key function).
        """
        self.save()
        runs, self.runs = self.runs, []
        return heapq.merge(*(self._read_groups(path) for path in runs))

    def iter_groups(self):
        """Yield ((fieldname, term bytes), [docnum, weight, value bytes, docnum, ...]) in term order.

        Each term comes once, with its postings in document order (runs are concatenated, and
        sorted should a later run hold an earlier document, which writers never do).
        """
        if not self.runs:
            yield from self._sorted_groups()
            return
        last_key, merged = None, None
        for key, postings in self._merged_runs():
            if key == last_key:
                in_order = merged[-3] <= postings[0]
                merged.extend(postings)
                if not in_order:
                    _sort_postings(merged)
                continue
            if merged is not None:
                yield last_key, merged
            last_key, merged = key, postings
        if merged is not None:
            yield last_key, merged

    def iter_postings(self):
        for (fieldname, tbytes), postings in self.iter_groups():
            for i in range(0, len(postings), 3):
                yield fieldname, tbytes, *postings[i:i + 3]


def _way_of(field) -> str:
    """Return how BuildWriter.add_document makes a field's postings (from a str value).

    "positions": article text, through TermGroupedPool.add_positions; "whole": the value is the
    one term (ID fields: IDTokenizer, Existence format); "whoosh": the field's own index().
    Anything else about the field (vectors, spelling, other analyzers) means "whoosh".
    """
    analyzer = getattr(field, "analyzer", None)
    if field.vector or field.separate_spelling():
        return "whoosh"
    if (type(field.format) is FastPositions and isinstance(analyzer, analysis.IndonesianAnalyzer)
            and analyzer.stemming):
        return "positions"
    if type(field.format) is formats.Existence and type(analyzer) is IDTokenizer:
        return "whole"
    return "whoosh"


class BuildWriter(writing.SegmentWriter):
    """A SegmentWriter that writes its segment faster (see FieldLengths, TermGroupedPool, write_postings)."""

    def __init__(self, ix, limitmb: int = LIMIT_MB, analyzer: analysis.IndonesianAnalyzer | None = None, **kwargs):
        super().__init__(ix, limitmb=limitmb, **kwargs)
        if analyzer is not None:  # the build's own (its names, its primed caches) for the schema Whoosh read
            for field in self.schema:
                if isinstance(getattr(field, "analyzer", None), analysis.IndonesianAnalyzer):
                    field.analyzer = analyzer
        # SegmentWriter accepts a poolclass argument but ignores it.
        self.pool = TermGroupedPool(self._tempstorage, self.newsegment, limitmb=limitmb)
        self._ways: dict[str, str] = {name: _way_of(field) for name, field in self.schema.items()}

    def add_document(self, **fields):
        """Add a document as SegmentWriter.add_document does, with fast paths for common fields.

        Whoosh asks each field for a generator of (term bytes, frequency, weight, value), made from
        Token objects, and adds each posting through a method call. Here the positions of article
        text go straight from analysis.term_positions into the pool, and ID fields make their one
        posting directly (see _way_of); other fields take Whoosh's way. Postings come out the
        same: weight = (frequency * format boost) * field boost, in Whoosh's order.
        """
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        pool = self.pool
        ways = self._ways
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    way = ways[fieldname] if isinstance(value, str) else "whoosh"
                    if way == "positions":
                        counted = pool.add_positions(fieldname, docnum, field.analyzer.term_positions(value),
                                                     field.format.field_boost, fieldboost)
                        if field.scorable:
                            length = counted
                    elif way == "whole":
                        weight = field.format.field_boost * fieldboost
                        pool.add((fieldname, value.encode("utf-8"), docnum, weight, b""))
                        if field.scorable:
                            length = 1
                    else:
                        scorable = field.scorable
                        for tbytes, freq, weight, vbytes in field.index(value):
                            weight *= fieldboost
                            if scorable:
                                length += freq
                            pool.add((fieldname, tbytes, docnum, weight, vbytes))
                customval = fields.get("_stored_%s" % fieldname, value)
                perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self):
        self.perdocwriter.close()
        reader = self.per_document_reader()
        try:
            write_postings(self.fieldwriter, self.schema, FieldLengths(reader, self.schema), self.pool.iter_groups())
            self.fieldwriter.close()
        finally:
            reader.close()


class PackedBucket:
    """One of a term table's 256 hash buckets, as two arrays instead of a list of (hash, offset) tuples.

    Whoosh's HashWriter keeps a tuple per term until the segment is closed: ~120 bytes per term,
    and a segment has a few unique terms per article (id, content hash, cluster), so a
    50,000-article segment held some 60 MB of them. Packed, a term costs 12 bytes.
    HashWriter._write_hashes only needs len() and iteration over (hash, offset) pairs.
    """

    __slots__ = ("hashes", "offsets")

    def __init__(self, entries=()):
        self.hashes = array("I")   # crc32-style 32-bit hashes (HashWriter packs them as "!I")
        self.offsets = array("q")  # and key positions ("!q")
        for entry in entries:
            self.append(entry)

    def append(self, entry: tuple[int, int]) -> None:
        self.hashes.append(entry[0])
        self.offsets.append(entry[1])

    def __len__(self) -> int:
        return len(self.hashes)

    def __iter__(self):
        return zip(self.hashes, self.offsets)


_FLOAT32_EXACT = frozenset(float(n) for n in range(1 << 12))  # weights float32 holds as they are
_MD5_TAIL = struct.Struct(">I").unpack_from


def _md5_hash(key: bytes) -> int:
    """Return whoosh.filedb.filetables.md5_hash(key) (the low 32 bits of the MD5 as a number),
    without going through a hex string and a 128-bit integer."""
    return _MD5_TAIL(md5(key, usedforsecurity=False).digest(), 12)[0]


def write_postings(fieldwriter, schema, lengths: FieldLengths, groups) -> None:
    """Write every term's postings and term info through a W3FieldWriter, a whole term at a time.

    Writes what Whoosh's FieldWriter.add_postings writes (start_term / add_posting / _write_block /
    finish_term per posting and block; block data in BLOCK_PROTOCOL), without its per-posting
    method calls, type checks and block objects: most terms of a news index have one or two
    postings, so the per-term and per-block overhead is what a segment's commit costs. A term of
    one posting is inlined in its term table row, as W3Codec(inlinelimit=2) would do if its writer
    worked in whoosh-reloaded 2.7.5 (it calls a missing W3TermInfo.set_inline; the reader side
    works). `groups` yields ((fieldname, term bytes), [docnum, weight, value bytes, docnum, ...]) in
    key order, each term once.
    """
    from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
    from whoosh.system import pack_int, pack_long, pack_ushort
    from whoosh.util.numeric import length_to_byte

    codec = fieldwriter._codec
    blocklimit, compression = codec._blocklimit, codec._compression
    postfile, tindex, fieldmap = fieldwriter._postfile, fieldwriter._tindex, fieldwriter._fieldmap
    pack_terminfo = W3TermInfo._struct.pack
    if not all(isinstance(bucket, PackedBucket) for bucket in tindex.buckets):
        tindex.buckets = [PackedBucket(bucket) for bucket in tindex.buckets]
    pack_lengths, hashfn, buckets, term_offsets = _KEY_VALUE_LENGTHS.pack, tindex.hashfn, tindex.buckets, tindex.index
    if hashfn is md5_hash:
        hashfn = _md5_hash
    length_bytes: dict[int, int] = {}  # document length -> its byte, worked out once per length
    # Both files are written only from here while this runs: keep their offsets instead of asking.
    write, offset = postfile.write, postfile.tell()
    write_term, term_offset = tindex.dbfile.write, tindex.dbfile.tell()
    field_lengths = lengths.lengths
    last_field, last_key = None, tindex.lastkey
    for (fieldname, btext), postings in groups:
        if fieldname != last_field:
            if fieldname not in fieldmap:
                fieldmap[fieldname] = len(fieldmap)
            prefix = pack_ushort(fieldmap[fieldname])
            fixedsize = schema[fieldname].format.fixed_value_size()
            doc_lengths = field_lengths.get(fieldname)
            last_field = fieldname
        count = len(postings) // 3
        if count == 1:
            # Most terms: the posting goes in the term table row ("inlined", which W3TermInfo
            # reads: a flag, then the pickled ids, weights and values), with no block in the
            # posting file; a term read costs one look-up instead of two.
            docnum, weight, value = postings
            weight32 = weight if weight in _FLOAT32_EXACT else array("f", (weight,))[0]
            length = doc_lengths[docnum] if doc_lengths is not None else 0
            length_byte = length_bytes.get(length)
            if length_byte is None:
                # (length_to_byte(0) is length_to_byte(None), which Whoosh writes for no length)
                length_byte = length_bytes[length] = length_to_byte(length)
            max_weight = weight if weight > 0 else 0
            row_value = (pack_terminfo(True, weight32, 1, length_byte, length_byte, max_weight, docnum, docnum)
                         + dumps(((docnum,), (weight32,), (value,)), BLOCK_PROTOCOL))
        else:
            parts = [WHOOSH3_HEADER_MAGIC]
            total_weight = df = 0
            term_min_length, term_max_length, term_max_weight = None, 0, 0
            for start in range(0, count, blocklimit):
                block = postings[3 * start:3 * (start + blocklimit)] if count > blocklimit else postings
                ids = block[0::3]
                raw_weights = block[1::3]
                weights = array("f", raw_weights)  # what Whoosh's block buffer stores (float32)
                # Block statistics, as W3PostingsWriter.add_posting keeps them.
                top = max(raw_weights)
                max_weight = top if top > 0 else 0
                if doc_lengths is not None:
                    present = [n for n in (doc_lengths[d] for d in ids) if n]
                    min_length = min(present) if present else None
                    max_length = max(present) if present else 0
                else:
                    min_length, max_length = None, 0
                # The block: delta-encoded ids, minified weights and values, pickled (BLOCK_PROTOCOL).
                deltas = [ids[0]]
                deltas += [b - a for a, b in zip(ids, ids[1:])]
                if all(w == 1.0 for w in weights):
                    mini_weights = None
                elif all(w == weights[0] for w in weights):
                    mini_weights = weights[0]
                else:
                    mini_weights = tuple(weights)
                values = [value for value in block[2::3] if value]
                if fixedsize is None or fixedsize < 0:
                    mini_values = tuple(values)
                elif fixedsize == 0:
                    mini_values = None
                else:
                    mini_values = b"".join(values)
                databytes = dumps((tuple(deltas), mini_weights, mini_values), BLOCK_PROTOCOL)
                if compression:
                    databytes = zlib.compress(databytes, compression)
                infobytes = dumps((len(ids), ids[-1], max_weight, compression,
                                   length_to_byte(min_length), length_to_byte(max_length)), 2)
                blocklength = len(infobytes) + len(databytes)
                if start + blocklimit >= count:
                    blocklength = -blocklength  # the last block of the term
                parts += (pack_int(blocklength), infobytes, databytes)
                # The term's statistics, as W3TermInfo.add_block accumulates them.
                total_weight += sum(weights)
                df += len(ids)
                term_min_length = min_length if term_min_length is None else min(term_min_length, min_length)
                term_max_length = max(term_max_length, max_length)
                term_max_weight = max(term_max_weight, max_weight)
            data = b"".join(parts)
            row_value = pack_terminfo(False, total_weight, df,
                                     0 if term_min_length is None else length_to_byte(term_min_length),
                                     length_to_byte(term_max_length), term_max_weight,
                                     postings[0], postings[-3])
            row_value += pack_long(offset) + pack_int(len(data))
            write(data)
            offset += len(data)
        # The term table row, as OrderedHashWriter.add writes it.
        key = prefix + btext
        if key <= last_key:
            raise ValueError(f"Keys must increase: {last_key!r}..{key!r}")
        term_offsets.append(term_offset)
        write_term(pack_lengths(len(key), len(row_value)) + key + row_value)
        h = hashfn(key)
        bucket = buckets[h & 255]
        bucket.hashes.append(h)
        bucket.offsets.append(term_offset)
        term_offset += 8 + len(key) + len(row_value)
        last_key = key
    tindex.lastkey = last_key


def writer_args() -> dict:
    """Return SegmentWriter options for building.

    Separate segment files (no compound copy at the end); a bounded posting buffer; posting blocks
    left uncompressed: most terms are rare, and zlib's set-up cost per tiny block was a tenth of the
    build while saving little space (blocks say whether they are compressed, so any reader copes).
    (write_postings inlines terms of one posting itself, whatever the codec's inlinelimit: W3Codec's
    own inline path is broken in whoosh-reloaded 2.7.5.)
    """
    from whoosh.codec.whoosh3 import W3Codec

    return {"limitmb": LIMIT_MB, "compound": False, "codec": W3Codec(compression=0)}
