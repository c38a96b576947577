"""Segment writing: BuildWriter writes exactly the posting files Whoosh's own SegmentWriter does."""
from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh import writing
from whoosh.qparser import QueryParser

from search import segments
from search.indexer import article_fields
from search.schema import build_schema

WORDS = ("banjir bekasi warga rumah hujan petugas kebakaran hutan riau polisi menyita senjata pemilu "
         "presiden jakarta pembangunan jalan tol ekonomi harga beras naik turun pasar sekolah anak").split()


def documents(count: int) -> list[dict]:
    """Return `count` documents of random words: common terms span several 128-posting blocks."""
    rng = random.Random(7)
    docs = []
    for n in range(count):
        content = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 60)))
        doc = {"id": f"doc-{n}", "title": " ".join(rng.sample(WORDS, 3)), "content": content,
               "content_hash": f"h{n}", "cluster": f"c{n % 7}", "source": rng.choice(["kompas", "detik"]),
               "date": datetime(2017, 1 + n % 12, 1 + n % 28), "year": "2017", "month": "2017-01"}
        if n % 10 == 4:
            doc["_title_boost"] = 2.5  # a per-document field boost multiplies the posting weights
            doc["_source_boost"] = doc["_cluster_boost"] = 1.5
        docs.append(doc)
    return docs


# The reference: Whoosh's own writer (add_document, posting pool, add_postings), same codec options.
class WhooshPostingsWriter(writing.SegmentWriter):
    """Whoosh's own writer, with the field lengths Warta gives article text (common and function
    words not counted, IndonesianAnalyzer.terms_and_length) in place of its count of postings."""

    def add_document(self, **fields):
        from search.analysis import IndonesianAnalyzer

        add_field = self.perdocwriter.add_field

        def with_content_length(name, field, value, length):
            if isinstance(getattr(field, "analyzer", None), IndonesianAnalyzer) and isinstance(fields.get(name), str):
                length = field.analyzer.terms_and_length(fields[name])[1]
            add_field(name, field, value, length)

        self.perdocwriter.add_field = with_content_length
        try:
            super().add_document(**fields)
        finally:
            del self.perdocwriter.add_field


def write_index(folder: Path, writer_class, docs: list[dict], limitmb: int) -> Path:
    folder.mkdir()
    ix = whoosh_index.create_in(folder, build_schema())
    args = segments.writer_args()
    args["limitmb"] = limitmb
    writer = writer_class(ix, **args)
    if limitmb < 1:  # spill sorted runs to disk every few documents
        writer.pool.limit = 20_000
    for doc in docs:
        writer.add_document(**doc)
    writer.commit(merge=False)
    return folder


def postings_on_disk(folder: Path) -> dict:
    """Return every term's statistics, postings (id, weight, value bytes) and block bounds, read from disk.

    A term of one posting has one block, however it is kept (Warta inlines it in the term table).
    """
    ix = whoosh_index.open_dir(folder)
    found = {}
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)
            matcher = reader.postings(fieldname, text)
            postings, blocks = [], []
            while matcher.is_active():
                if info.doc_frequency() > 1:
                    block = (matcher.block_min_id(), matcher.block_max_id(), matcher.block_max_weight(),
                             matcher.block_min_length(), matcher.block_max_length())
                    if not blocks or blocks[-1] != block:
                        blocks.append(block)
                postings.append((matcher.id(), matcher.weight(), matcher.value() or None))  # no value: None or b""
                matcher.next()
            found[fieldname, text] = ((info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                                       info.max_weight(), info.min_id(), info.max_id()), blocks, postings)
    return found


@pytest.mark.parametrize("limitmb", [segments.LIMIT_MB, 0])
def test_fast_postings_are_whooshs_postings(tmp_path, limitmb):
    """Same terms, statistics, blocks and postings as Whoosh's own writer (only the pickle protocol differs)."""
    docs = documents(400)
    ours = postings_on_disk(write_index(tmp_path / "ours", segments.BuildWriter, docs, limitmb))
    theirs = postings_on_disk(write_index(tmp_path / "theirs", WhooshPostingsWriter, docs, limitmb))
    assert len(ours) > 100 and any(len(blocks) > 1 for _, blocks, _ in ours.values())
    assert ours == theirs
    inlined = [term for term, (stats, _, _) in ours.items() if stats[1] == 1]
    assert inlined and all(_term_info(tmp_path / "ours", term).is_inlined() for term in inlined[:50])


def _term_info(folder: Path, term: tuple):
    with whoosh_index.open_dir(folder).searcher() as searcher:
        return searcher.reader().term_info(*term)


def test_fast_postings_pickle_blocks_with_bytes_and_are_smaller(tmp_path):
    docs = documents(400)
    ours = write_index(tmp_path / "ours", segments.BuildWriter, docs, segments.LIMIT_MB)
    theirs = write_index(tmp_path / "theirs", WhooshPostingsWriter, docs, segments.LIMIT_MB)
    ours_pst, theirs_pst = (next(folder.glob("*.pst")).read_bytes() for folder in (ours, theirs))
    assert b"c_codecs" in theirs_pst and b"c_codecs" not in ours_pst
    assert len(ours_pst) < 0.8 * len(theirs_pst)


def test_index_written_fast_reads_back_like_whooshs(tmp_path):
    docs = documents(300)
    folders = [write_index(tmp_path / name, cls, docs, segments.LIMIT_MB)
               for name, cls in (("ours", segments.BuildWriter), ("theirs", WhooshPostingsWriter))]
    seen = []
    for folder in folders:
        ix = whoosh_index.open_dir(folder)
        with ix.searcher() as searcher:
            reader = searcher.reader()
            terms = {}
            for fieldname, text in reader.all_terms():
                if fieldname in ("content", "title", "cluster", "source"):
                    terms[fieldname, text] = _items(reader, fieldname, text)
            query = QueryParser("content", ix.schema).parse('"harga beras" OR banjir')
            hits = [(hit["id"], round(hit.score, 6)) for hit in searcher.search(query, limit=None)]
        seen.append((terms, hits))
    assert seen[0][0], "no terms read back"
    assert seen[0] == seen[1]


def _items(reader, fieldname, text) -> list:
    """Return (docnum, weight, positions) of every posting of a term."""
    matcher = reader.postings(fieldname, text)
    items = []
    while matcher.is_active():
        positions = matcher.value_as("positions") if fieldname in ("content", "title") else None
        items.append((matcher.id(), matcher.weight(), positions))
        matcher.next()
    return items


def test_packed_term_table_buckets_hold_what_whooshs_lists_hold_in_less_memory():
    import sys

    entries = [(2**32 - 1 - n, 10 * n) for n in range(5000)]
    bucket = segments.PackedBucket(entries[:10])
    for entry in entries[10:]:
        bucket.append(entry)
    assert len(bucket) == 5000 and list(bucket) == entries
    packed = sys.getsizeof(bucket.hashes) + sys.getsizeof(bucket.offsets)
    as_tuples = sys.getsizeof(entries) + sum(sys.getsizeof(e) + sys.getsizeof(e[0]) + sys.getsizeof(e[1]) for e in entries)
    assert packed * 5 < as_tuples


def test_every_field_of_the_schema_takes_a_fast_way(tmp_path):
    ix = whoosh_index.create_in(tmp_path, build_schema())
    writer = segments.BuildWriter(ix, **segments.writer_args())
    try:
        indexed = {name: way for name, way in writer._ways.items() if ix.schema[name].indexed}
    finally:
        writer.cancel()
    assert indexed["content"] == indexed["title"] == "positions"
    assert {indexed[name] for name in ("id", "content_hash", "cluster", "source", "category", "year", "month")} == {"whole"}


def test_the_fast_term_hash_is_whooshs():
    from whoosh.filedb.filetables import md5_hash

    keys = [b"", b"\x00\x01banjir", "jalan tol".encode(), bytes(range(256))] + [random.Random(n).randbytes(n % 40) for n in range(200)]
    assert [segments._md5_hash(key) for key in keys] == [md5_hash(key) for key in keys]


def test_a_text_term_added_both_ways_is_one_group_in_document_order():
    from whoosh.filedb.filestore import RamStorage

    pool = segments.TermGroupedPool(RamStorage(), None)
    pool.add_positions("content", 3, {"banjir": [0, 4], "bekasi": [1]}, 1.0)
    pool.add(("content", "banjir".encode(), 1, 1.0, b"x"))  # a value Whoosh indexed its own way
    pool.add_positions("content", 5, {"banjir": [2]}, 1.0)
    pool.add_positions("content", 4, {"banjir": [2]}, 1.0)  # out of order: a writer never does it
    pool.add(("source", b"kompas", 2, 1.0, b""))
    pool.add(("source", b"kompas", 0, 1.0, b""))
    groups = list(pool.iter_groups())
    assert [key for key, _ in groups] == [("content", b"banjir"), ("content", b"bekasi"), ("source", b"kompas")]
    assert groups[0][1][0::3] == [1, 3, 4, 5]  # flat: docnum, weight, value, docnum...
    assert groups[2][1][0::3] == [0, 2]
    assert groups[0][1][2::3] == [b"x", segments._encode_positions([0, 4]), *[segments._encode_positions([2])] * 2]


def test_postings_out_of_document_order_across_spilled_runs_come_out_in_order(tmp_path):
    from whoosh.filedb.filestore import FileStorage

    pool = segments.TermGroupedPool(FileStorage(str(tmp_path)), None)
    for docnum in (5, 7):
        pool.add_positions("content", docnum, {"banjir": [0]}, 1.0)
    pool.save()  # a spilled run
    for docnum in (3, 6):
        pool.add_positions("content", docnum, {"banjir": [0]}, 1.0)
    [(key, postings)] = list(pool.iter_groups())
    assert key == ("content", b"banjir") and postings[0::3] == [3, 5, 6, 7]


def test_the_pool_counts_postings_given_whole_at_what_they_hold():
    import tracemalloc

    from whoosh.filedb.filestore import RamStorage

    pool = segments.TermGroupedPool(RamStorage(), None, limitmb=1000)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n in range(20_000):  # as a segment merge gives them: new objects per posting
            pool.add(("content", f"kata{n % 500}".encode(), n, float(n % 7 + 1), bytes(8) + bytes([n % 3])))
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert held * 0.8 <= pool.currentsize <= held * 1.5
