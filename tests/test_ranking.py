"""The numpy ranking layer: postings read its own fast way equal Whoosh's, and BM25F behaves."""
import numpy as np

from search import Index
from search.ranking import Snapshot


def whoosh_postings(reader, fieldname, term):
    matcher = reader.postings(fieldname, term)
    ids, freqs = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        freqs.append(matcher.weight())
        matcher.next()
    return ids, freqs


def test_postings_equal_whoosh_for_every_term(tmp_path):
    from search.indexer import build

    # Enough articles for posting lists longer than one block (Whoosh blocks hold 128 postings).
    rows = [{"id": f"a{i}", "title": f"Berita banjir ke-{i}", "source": "kompas",
             "content": f"Banjir melanda kota {i % 7}. Warga {'mengungsi' if i % 3 else 'bertahan'} di rumah. " * (1 + i % 4)}
            for i in range(400)]
    archive = tmp_path / "a.jsonl"
    import json
    archive.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    build([archive], tmp_path / "ix")
    with Index.open(tmp_path / "ix") as index:
        index.warm()
        snap = index._current()
        reader = snap.searcher.reader()
        checked = 0
        for fieldname in ("title", "content"):
            for term in list(reader.lexicon(fieldname)):
                term = term.decode("utf-8")
                ids, freqs = snap.postings(fieldname, term)
                expected_ids, expected_freqs = whoosh_postings(reader, fieldname, term)
                assert ids.tolist() == expected_ids
                assert np.allclose(freqs, expected_freqs)
                checked += len(expected_ids)
        assert checked > 1000
        assert max(len(snap.postings("content", t)[0]) for t in ("banjir", "warga")) == 400


