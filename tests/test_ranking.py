"""The numpy ranking layer: postings read its own fast way equal Whoosh's, and BM25F behaves."""
import numpy as np

from search import Index
from search.query import parse
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




def _build_index(tmp_path, rows):
    import json

    from search.indexer import build

    archive = tmp_path / "a.jsonl"
    archive.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    build([archive], tmp_path / "ix")
    return Index.open(tmp_path / "ix")


def test_positions_read_from_postings_blocks_equal_whooshs(tmp_path):
    import json

    from search.indexer import build

    # Over 128 postings (positions come from later blocks too), and a second file indexed later:
    # a second segment, whose documents are numbered after the first one's.
    rows = [{"id": f"a{i}", "title": f"Berita {i}",
             "content": ("Warga kota " * (i % 5)) + f"banjir melanda kota {i}. Banjir surut." * (1 + i % 3)}
            for i in range(300)]
    for name, part in (("a.jsonl", rows[:200]), ("b.jsonl", rows[200:])):
        (tmp_path / name).write_text("\n".join(json.dumps(r) for r in part) + "\n", encoding="utf-8")
        build([tmp_path / name], tmp_path / "ix")
    with Index.open(tmp_path / "ix") as index:
        snap = index._current()
        reader = snap.searcher.reader()
        docs = [0, 5, 127, 128, 129, 199, 200, 201, 299]
        for term in ("banjir", "kota", "warga"):
            found = snap.positions("content", term, docs)
            again = snap.positions("content", term, docs)  # from the cache this time
            for doc in docs:
                matcher = reader.postings("content", term)
                matcher.skip_to(doc)
                expected = list(matcher.value_as("positions")) if matcher.is_active() and matcher.id() == doc else None
                assert found.get(doc) == expected == again.get(doc)
        assert snap.stored(0)["id"] == "a0" and 0 not in snap.positions("content", "warga", [0])  # a0: no "warga"


def filler(count: int, start: int = 0, kind: int = 0) -> str:
    """Return `count` different sentences of 8 words without query words (cleaning drops repeated ones).

    Two kinds, the same length, so that two articles with the same query words are not
    near-duplicates (which collapse into one hit).
    """
    template = ("Pejabat dinas {n} menyampaikan laporan terbaru tentang kawasan {n}. ",
                "Petugas polisi {n} memberikan keterangan lengkap soal wilayah {n}. ")[kind]
    return "".join(template.format(n=n) for n in range(start, start + count))


def test_query_words_side_by_side_rank_first(tmp_path, monkeypatch):
    # The same query words, the same lengths: BM25F scores both alike (checked with proximity off),
    # only adjacency tells them apart. The article that should lose is indexed first, so a tie
    # would put it first.
    from search import ranking

    rows = [{"id": "apart", "title": "Laporan", "content": "Banjir. " + filler(3) + "Rob Jakarta."},
            {"id": "adjacent", "title": "Laporan", "content": "Banjir rob. " + filler(3, kind=1) + "Jakarta."}]
    monkeypatch.setattr(ranking, "LEAD_WEIGHT", 0.0)  # adjacency alone
    with _build_index(tmp_path, rows) as index:
        results = index.search("banjir rob")
        assert [hit.id for hit in results.hits] == ["adjacent", "apart"]
        assert results.hits[0].score > results.hits[1].score
        # The other order of the query words: near but not in order still counts.
        assert [hit.id for hit in index.search("rob banjir").hits] == ["adjacent", "apart"]
        for name in ("ORDERED_WEIGHT", "UNORDERED_WEIGHT", "LEAD_WEIGHT"):
            monkeypatch.setattr(ranking, name, 0.0)
        plain = index.search("banjir rob")
        assert [hit.id for hit in plain.hits] == ["apart", "adjacent"]
        assert plain.hits[0].score == plain.hits[1].score


def test_proximity_never_lifts_some_words_over_every_word(tmp_path, monkeypatch):
    from search import ranking

    rows = [{"id": "every-word-apart", "title": "Laporan",
             "content": "Gempa. " + filler(4) + "Lombok. " + filler(4, 10, kind=1) + "Tenda."},
            {"id": "two-words-adjacent", "title": "Gempa Lombok", "content": "Gempa Lombok. Gempa Lombok."}]
    with _build_index(tmp_path, rows) as index:
        monkeypatch.setattr(ranking, "ORDERED_WEIGHT", 100.0)  # even with an absurd weight
        assert [hit.id for hit in index.search("gempa lombok tenda").hits] == ["every-word-apart", "two-words-adjacent"]


def test_proximity_features():
    from search import ranking
    from search.ranking import proximity_features, query_term_groups

    groups = query_term_groups(parse("banjir jakarta"))
    assert groups == [frozenset({"banjir"}), frozenset({"jakarta"})]
    assert query_term_groups(parse('"hutan lindung" korup*')) == [frozenset({"hutan"}), frozenset({"lindung"})]
    assert proximity_features([[3], [4]]) == (1.0, 1.0, 1.0)
    assert proximity_features([[4], [3]])[:2] == (0.0, 1.0)  # near, not in order
    far = 3 + ranking.UNORDERED_WINDOW + 1
    assert proximity_features([[3], [far]])[:2] == (0.0, 0.0)
    assert proximity_features([[3], []]) == (0.0, 0.0, 0.5)
    assert proximity_features([[ranking.LEAD_WORDS], [ranking.LEAD_WORDS + 2]])[2] == 0.0
    assert proximity_features([]) == (0.0, 0.0, 0.0)
