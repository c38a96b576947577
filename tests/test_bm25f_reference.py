"""BM25F scores equal a plain, loop-by-loop reference formula (as rank_bm25's correctness tests do).

The reference reads term frequencies and field lengths through Whoosh's public reader API and
combines them the textbook way (Robertson & Zaragoza 2009: per-field normalised tf, weighted, summed,
then saturated once), so a slip in the numpy layer's arrays, idf or normalisation shows up here.
Non-default k1, b and field weights are used so that a constant hard-wired somewhere cannot hide.
"""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from whoosh import index as whoosh_index

from search import ranking
from search.indexer import build

ROWS = [
    {"id": "a", "title": "Banjir besar melanda Jakarta", "source": "kompas",
     "content": "Banjir merendam ribuan rumah di Jakarta. Warga mengungsi karena banjir terus naik."},
    {"id": "b", "title": "Kebakaran hutan di Riau", "source": "detik",
     "content": "Kebakaran hutan meluas. Asap kebakaran sampai ke Malaysia dan Singapura."},
    {"id": "c", "title": "Banjir bandang", "source": "tempo",
     "content": "Banjir bandang menerjang desa di lereng gunung setelah hujan deras semalaman."},
    {"id": "d", "title": "Harga beras naik", "source": "kompas",
     "content": "Harga beras naik lagi di pasar induk. Pedagang menyebut pasokan dari daerah berkurang, "
                "sementara banjir di sentra padi membuat panen tertunda beberapa pekan."},
    {"id": "e", "title": "Pemilu daerah", "source": "antaranews",
     "content": "Komisi pemilihan menetapkan jadwal pemilu daerah untuk tahun depan."},
]


def reference_scores(reader, term: str, fields, k1: float, b: dict, weight: dict) -> dict[int, float]:
    """Return BM25F scores of `term` per live document, computed one document and field at a time."""
    docs = list(reader.all_doc_ids())
    average = {}
    for name in fields:
        lengths = [reader.doc_field_length(d, name, 0) or 0 for d in docs]
        average[name] = (sum(lengths) / len(lengths)) or 1.0
    pseudo_tf = {}
    for name in fields:
        if (name, term) not in reader:
            continue
        matcher = reader.postings(name, term)
        while matcher.is_active():
            doc = matcher.id()
            length = reader.doc_field_length(doc, name, 0) or 0
            normalised = matcher.weight() / (1 - b[name] + b[name] * length / average[name])
            pseudo_tf[doc] = pseudo_tf.get(doc, 0.0) + weight[name] * normalised
            matcher.next()
    df = len(pseudo_tf)
    idf = math.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
    return {doc: idf * tf * (k1 + 1) / (k1 + tf) for doc, tf in pseudo_tf.items()}


@pytest.fixture
def index_dir(tmp_path):
    archive = tmp_path / "a.jsonl"
    archive.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS) + "\n", encoding="utf-8")
    build([archive], tmp_path / "ix")
    return tmp_path / "ix"


@pytest.mark.parametrize("k1, b_title, b_content, w_title", [
    (1.2, 0.5, 0.75, 2.5),   # Warta's own parameters
    (0.9, 0.3, 0.9, 4.0),    # other values: nothing may be hard-wired
    (2.0, 0.0, 0.0, 1.0),    # no length normalisation, equal weights: plain BM25 on summed tf
])
def test_term_scores_equal_reference_formula(index_dir, monkeypatch, k1, b_title, b_content, w_title):
    monkeypatch.setattr(ranking, "K1", k1)
    monkeypatch.setattr(ranking, "FIELD_B", {"title": b_title, "content": b_content})
    monkeypatch.setattr(ranking, "FIELD_WEIGHT", {"title": w_title, "content": 1.0})
    ix = whoosh_index.open_dir(str(index_dir))
    with ix.searcher() as searcher:
        snap = ranking.Snapshot(searcher)
        reader = searcher.reader()
        fields = ("title", "content")
        terms = {t.decode("utf-8") for name in fields for t in reader.lexicon(name)}
        assert len(terms) > 20
        for term in sorted(terms):
            expected = reference_scores(reader, term, fields, k1, {"title": b_title, "content": b_content},
                                        {"title": w_title, "content": 1.0})
            got = snap.term_scores(term, fields)
            assert set(np.flatnonzero(got).tolist()) == set(expected), term
            for doc, score in expected.items():
                assert got[doc] == pytest.approx(score, rel=1e-5), (term, doc)


def test_title_weight_and_rarity_order_scores(index_dir):
    """Sanity of the formula itself: a rarer term scores higher; a title match outweighs a body one."""
    ix = whoosh_index.open_dir(str(index_dir))
    with ix.searcher() as searcher:
        snap = ranking.Snapshot(searcher)
        reader = searcher.reader()
        ids = {reader.stored_fields(d)["id"]: d for d in reader.all_doc_ids()}
        flood = snap.term_scores("banjir", ("title", "content"))
        # "banjir" is in a's and c's titles and d's body only: the title holders score above d.
        assert flood[ids["a"]] > flood[ids["d"]] and flood[ids["c"]] > flood[ids["d"]]
        assert flood[ids["b"]] == 0 and flood[ids["e"]] == 0
        rare = snap.term_scores("pemilu", ("title", "content"))
        assert rare[ids["e"]] > flood[ids["a"]]
