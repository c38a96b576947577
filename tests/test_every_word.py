"""Every word indexed: phrases with former stop-list words, optional function words, and
hyphenated, spaced and joined spellings that meet (issue 11). Each case reproduces a symptom the
issue reported on the news corpus, on a small archive written here."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from search import Index
from search.indexer import build


def article(id: str, content: str, title: str = "Berita") -> dict:
    return {"id": id, "title": title, "content": content, "source": "contoh",
            "date": "2024-01-01T10:00:00+07:00"}


ARCHIVE = [
    article("menlu", "Menteri Luar Negeri Retno Marsudi bertemu duta besar Jepang."),
    article("mendagri", "Menteri Dalam Negeri Tito Karnavian meminta kepala daerah siaga."),
    article("menteri-lain", "Menteri itu berada di luar kota, sementara urusan dalam negeri menunggu."),
    article("tahun-baru", "Perayaan tahun baru di Jakarta berlangsung meriah."),
    article("tahun-lain", "Tahun ini harga rumah baru turun, kata pengembang."),
    article("naik", "Harga cabai naik lagi menjelang lebaran."),
    article("hoaks", "Polisi memastikan kabar penculikan itu tidak benar."),
    article("bukan-hoaks", "Tidak ada saksi, namun laporan yang benar sudah diterima."),
    article("banjir-di", "Banjir melanda di Bekasi sejak pagi."),
    article("banjir-tanpa", "Banjir Bekasi meluas ke tiga kecamatan."),
    article("emoney-hyphen", "Pembayaran tol dengan e-money wajib mulai Oktober."),
    article("emoney-joined", "Kartu emoney bisa diisi ulang di minimarket."),
    article("emoney-spaced", "Saldo e money habis di gerbang tol."),
    article("kpop-hyphen", "Konser K-pop di Jakarta dipadati penggemar."),
    article("kpop-joined", "Penggemar kpop antre tiket sejak subuh."),
    article("jongun-hyphen", "Kim Jong-un meninjau uji coba rudal."),
    article("jongun-spaced", "Pemimpin Korea Utara Kim Jong Un bertemu Putin."),
    article("ecommerce", "Transaksi e-commerce tumbuh pesat, ecommerce lokal ikut untung."),
    article("anak", "Anak-anak bermain di rumah-rumah warga."),
    article("anak-satu", "Seorang anak hilang di pasar."),
]


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    folder = tmp_path_factory.mktemp("every-word")
    path = folder / "archive.jsonl"
    path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARCHIVE) + "\n", encoding="utf-8")
    build([path], folder / "index")
    with Index.open(folder / "index") as index:
        yield index


def found(ix: Index, query: str) -> set[str]:
    results = ix.search(query, per_page=100)
    assert results.total == len(results.hits)
    return {hit.id for hit in results.hits}


def test_phrases_with_former_stop_words_are_matched_exactly(ix):
    assert found(ix, '"menteri luar negeri"') == {"menlu"}
    assert found(ix, '"menteri dalam negeri"') == {"mendagri"}
    assert found(ix, '"tahun baru"') == {"tahun-baru"}
    assert found(ix, "tahun") >= {"tahun-baru", "tahun-lain"}
    assert found(ix, '"tidak benar"') == {"hoaks"}


def test_a_former_stop_word_alone_is_searched(ix):
    results = ix.search("naik")
    assert {h.id for h in results.hits} == {"naik"} and "nothing searchable" not in results.query
    assert "<mark>naik</mark>" in results.hits[0].snippet


def test_the_phrase_is_marked_with_its_function_words(ix):
    (hit,) = ix.search('"menteri luar negeri"').hits
    assert "<mark>Menteri Luar Negeri</mark>" in hit.snippet


def test_function_words_never_make_a_result_fail_but_count_where_present(ix):
    results = ix.search("banjir di bekasi", per_page=100)
    ids = [h.id for h in results.hits]
    assert set(ids) == {"banjir-di", "banjir-tanpa"} and results.total == 2 and not results.relaxed
    assert ids[0] == "banjir-di"  # it holds "di" too
    assert "(optional: di)" in results.query


def test_hyphenated_and_joined_spellings_meet(ix):
    assert found(ix, "e-money") == {"emoney-hyphen", "emoney-joined", "emoney-spaced"}
    assert found(ix, "emoney") == {"emoney-hyphen", "emoney-joined"}
    assert found(ix, "k-pop") == found(ix, "kpop") == {"kpop-hyphen", "kpop-joined"}
    assert found(ix, "e-commerce") == found(ix, "ecommerce") == {"ecommerce"}


def test_hyphenated_and_spaced_spellings_meet(ix):
    assert found(ix, "jong-un") == found(ix, "jong un") == {"jongun-hyphen", "jongun-spaced"}
    assert found(ix, '"kim jong un"') == found(ix, '"kim jong-un"') == {"jongun-hyphen", "jongun-spaced"}


def test_hyphenated_matches_are_marked_whole(ix):
    (hit,) = ix.search("jong-un rudal").hits
    assert "<mark>Jong-un</mark>" in hit.snippet
    (hit,) = ix.search("kpop antre").hits
    assert "<mark>kpop</mark>" in hit.snippet


def test_reduplication_still_meets_the_single_word(ix):
    assert found(ix, "anak-anak") == found(ix, "anak") == {"anak", "anak-satu"}
    assert found(ix, "rumah") == {"anak", "tahun-lain"}  # "rumah-rumah" and "rumah"
