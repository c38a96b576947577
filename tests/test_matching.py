"""Matching and counting (issue 11): honest totals, partial matches after full ones, required words,
proximity (NEAR/N, "..."~N), did-you-mean capitals and phrase completions, on articles written here."""
from __future__ import annotations

import json
import re

import pytest

from search.cli import main
from search.errors import InvalidQuery
from search.index import Index
from search.phrases import PairCounter, PairTable, save
from search.query import describe, parse
from search.ranking import within_window
from web import create_app

ARTICLES = [
    {"id": "elon-partai", "title": "Elon Musk membentuk partai", "source": "detik",
     "content": "Pengusaha Elon Musk mengumumkan partai politik baru di Amerika Serikat."},
    {"id": "musk-tesla", "title": "Elon Musk memimpin Tesla", "source": "kompas",
     "content": "Elon Musk kembali memimpin rapat pemegang saham Tesla."},
    {"id": "partai-a", "title": "Partai baru didirikan", "source": "kompas", "content": "Sebuah partai baru didirikan di Bandung."},
    {"id": "partai-b", "title": "Partai lama bubar", "source": "tempo", "content": "Partai lama itu resmi bubar pekan lalu."},
    {"id": "partai-c", "title": "Kongres partai digelar", "source": "tempo", "content": "Kongres partai digelar di Surabaya."},
    # Proximity: bandang three words before banjir; and the two words far apart.
    {"id": "near-close", "title": "Sungai meluap di Garut", "source": "antaranews",
     "content": "Warga melihat bandang datang setelah banjir semalam."},
    {"id": "near-far", "title": "Lumpur menutup jalan", "source": "antaranews",
     "content": "Banjir melanda kota itu. Sepuluh hari kemudian warga masih membersihkan lumpur sisa hujan deras "
                "ketika air bandang datang lagi."},
    # Names the archive writes capitalised mid-sentence, and phrases for completion.
    *({"id": f"prabowo-{n}", "title": f"Kebakaran hutan di Riau bagian {n}", "source": "kompas",
       "content": f"Menurut Presiden Prabowo, kebakaran hutan harus dicegah. Kata Prabowo lagi, warga dilibatkan "
                  f"pada tahap {n}."} for n in range(4)),
    {"id": "hukum", "title": "Kebakaran dan hukum", "source": "tempo",
     "content": "Hubungan kebakaran dengan hukum dibahas. Kebakaran di gudang terjadi kemarin."},
    {"id": "emoney", "title": "Dompet digital", "source": "detik", "content": "Bank menerbitkan e-money untuk pelanggan."},
    *({"id": f"keuangan-{n}", "title": f"Menteri Keuangan bicara anggaran {n}", "source": "detik",
       "content": "Menteri keuangan menjelaskan anggaran negara. Keuskupan Agung tidak terkait."} for n in range(2)),
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    from search.indexer import build

    folder = tmp_path_factory.mktemp("matching")
    source = folder / "articles.jsonl"
    source.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n", encoding="utf-8")
    build([source], folder / "index")
    return folder / "index"


@pytest.fixture(scope="module")
def index(index_dir):
    with Index.open(index_dir) as opened:
        yield opened


def ids(results):
    return [hit.id for hit in results.hits]


# -- honest counts and partial matches ---------------------------------------------------------------


def test_total_counts_every_word_matches_and_partial_total_the_rest(index):
    results = index.search("Elon Musk partai", per_page=20)
    assert (results.total, results.partial_total) == (1, 4)
    assert results.relaxed is True
    assert ids(results)[0] == "elon-partai"
    assert ids(results)[1] == "musk-tesla"  # two of the three words before those with one
    assert set(ids(results)[2:]) == {"partai-a", "partai-b", "partai-c"}
    assert [hit.every_word for hit in results.hits] == [True] + [False] * 4
    assert "some of the words" in results.query


def test_facets_count_what_total_counts(index):
    results = index.search("Elon Musk partai")
    assert results.facets_counted == "every word"
    assert {f.value: f.count for f in results.facets["source"]} == {"detik": 1}


def test_facets_count_partial_matches_when_no_article_has_every_word(index):
    results = index.search("tesla bubar")
    assert (results.total, results.partial_total) == (0, 2)
    assert results.facets_counted == "some words"
    assert sum(f.count for f in results.facets["source"]) == 2
    assert "no article has every word" in results.query


def test_paging_covers_full_then_partial_matches_in_order(index):
    pages = [index.search("Elon Musk partai", page=n, per_page=2) for n in (1, 2, 3)]
    assert pages[0].pages == 3
    assert ids(pages[0]) == ["elon-partai", "musk-tesla"]
    assert sorted(ids(pages[1]) + ids(pages[2])) == ["partai-a", "partai-b", "partai-c"]


def test_one_word_queries_have_no_partial_matches(index):
    results = index.search("partai")
    assert results.partial_total == 0 and results.relaxed is False and results.total == 4


def test_filters_hold_for_partial_matches_too(index):
    results = index.search("Elon Musk partai", source="tempo")
    assert results.total == 0
    assert set(ids(results)) == {"partai-b", "partai-c"}


def test_copies_of_a_story_among_partial_matches_count_once(tmp_path):
    from search.indexer import build

    story = ("Hujan deras sejak pagi membuat sungai meluap dan banjir merendam ratusan rumah warga di tiga "
             "kecamatan. Petugas mengevakuasi warga lanjut usia dan anak-anak ke tempat yang lebih tinggi.")
    articles = [{"id": "full", "title": "Banjir di Bekasi", "content": "Banjir merendam Bekasi sejak pagi."},
                {"id": "copy-1", "title": "Sungai meluap", "content": story, "source": "kompas"},
                {"id": "copy-2", "title": "Sungai meluap", "content": story.replace("tinggi", "aman"),
                 "source": "detik"}]  # the same wire story, lightly edited: a near-duplicate
    source = tmp_path / "a.jsonl"
    source.write_text("\n".join(json.dumps(a) for a in articles) + "\n", encoding="utf-8")
    build([source], tmp_path / "index")
    with Index.open(tmp_path / "index") as opened:
        results = opened.search("banjir bekasi")
    assert (results.total, results.partial_total, results.pages) == (1, 1, 1)
    assert ids(results)[0] == "full" and len(results.hits) == 2
    assert len(results.hits[1].duplicates) == 1


# -- required words --------------------------------------------------------------------------------


def test_plus_word_is_never_relaxed(index):
    results = index.search("elon +partai", per_page=20)
    assert results.total == 1
    assert set(ids(results)) == {"elon-partai", "partai-a", "partai-b", "partai-c"}  # never musk-tesla
    assert "+partai" in results.query and "each with partai" in results.query


def test_and_makes_both_words_required(index):
    parsed = parse("elon AND partai tesla")
    assert [w.required for w in parsed.words] == [True, True, False]
    results = index.search("elon AND partai tesla", per_page=20)
    assert ids(results) == ["elon-partai"]  # musk-tesla holds tesla but not the required partai
    assert (results.total, results.partial_total) == (0, 1)


def test_phrases_are_required_among_partial_matches(index):
    results = index.search('"elon musk" tesla', per_page=20)
    assert ids(results) == ["musk-tesla", "elon-partai"]
    assert (results.total, results.partial_total) == (1, 1)


# -- proximity ------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ['"banjir bandang"~5', "banjir NEAR/5 bandang", '"bandang banjir"~3'])
def test_near_finds_the_words_within_the_distance_in_any_order(index, query):
    results = index.search(query)
    assert ids(results) == ["near-close"]
    assert "within" in results.query and "of each other" in results.query
    assert "<mark>bandang</mark>" in results.hits[0].snippet and "<mark>banjir</mark>" in results.hits[0].snippet


def test_near_leaves_out_words_further_apart(index):
    assert ids(index.search("banjir NEAR/2 bandang")) == []
    assert set(ids(index.search("banjir NEAR/40 bandang"))) == {"near-close", "near-far"}


def test_near_marks_only_words_within_the_distance(index):
    html = index.highlight_text(ARTICLES[6]["content"], "banjir NEAR/3 bandang")
    assert "<mark>" not in html  # 13 words apart
    html = index.highlight_text(ARTICLES[5]["content"], "banjir NEAR/3 bandang")
    assert html.count("<mark>") == 2


@pytest.mark.parametrize("query, message", [
    ('"banjir bandang"~x', "needs a number"),
    ("banjir NEAR/0 bandang", "at least 1"),
    ("banjir NEAR/ bandang", "needs a number"),
    ("banjir NEAR/x bandang", "needs a number"),
    ("NEAR/5 bandang", "goes between two words"),
    ("banjir NEAR/5", "goes between two words"),
    ('"banjir besar" NEAR/5 bandang', "not phrases"),
    ("banjir NEAR/5 source:kompas", "not a word and a filter"),
    ("banjir NEAR/5 bandang NEAR/3 garut", "one distance"),
])
def test_bad_proximity_is_refused_with_a_message(index, query, message):
    with pytest.raises(InvalidQuery, match=message):
        index.search(query)


def test_huge_distances_are_capped_and_said(index):
    results = index.search("banjir NEAR/100000 bandang")
    assert set(ids(results)) == {"near-close", "near-far"}
    assert "widest allowed" in results.query


def test_tilde_zero_is_the_exact_phrase():
    (words,) = parse('"banjir bandang"~0').words
    assert words.kind == "phrase"


@pytest.mark.parametrize("places, window, expected", [
    ([[1], [4]], 3, True), ([[4], [1]], 3, True), ([[1], [5]], 3, False),
    ([[1, 20], [18]], 2, True), ([[], [3]], 5, False),
    ([[0], [1], [2]], 2, True), ([[0], [2], [1]], 2, True), ([[0], [1], [3]], 2, False),
    ([[0, 10], [11], [12, 30]], 2, True),
])
def test_within_window(places, window, expected):
    assert within_window(places, window) is expected


# -- suggestions ----------------------------------------------------------------------------------


def test_did_you_mean_keeps_the_capitals_the_archive_writes(index):
    assert index.search("Prabowi").suggestion == "Prabowo"
    assert index.search("prabowi").suggestion == "Prabowo"


def test_completions_are_phrases_the_archive_holds_after_the_typed_word(index):
    assert index.suggest("kebakaran hu")[0] == "kebakaran hutan"
    assert "kebakaran hubung" not in index.suggest("kebakaran hu")  # a stem, never a written word
    assert index.suggest("menteri keu") == ["menteri keuangan"]
    assert index.suggest("kebakaran ")[0] == "kebakaran hutan"
    assert all(not s.endswith(" di") for s in index.suggest("kebakaran "))


def test_a_first_word_completes_to_written_words(index):
    completions = index.suggest("keu")
    assert "keuangan" in completions and "uang" not in completions


def test_pair_counts_add_up_over_builds_unless_rebuilt(tmp_path):
    first = PairCounter()
    first.observe("Kebakaran hutan", "Kebakaran hutan di Riau.")  # once per article
    save(tmp_path, first, rebuild=False)
    save(tmp_path, first, rebuild=False)
    table = PairTable(tmp_path)
    assert table.following("kebakaran", "hu", 5) == [("hutan", 2)]
    table.close()
    save(tmp_path, first, rebuild=True)
    table = PairTable(tmp_path)
    assert table.following("kebakaran", "", 5) == [("hutan", 1)]
    table.close()


def test_pair_counter_stays_bounded():
    counter = PairCounter(max_pairs=100)
    for n in range(200):
        counter.observe(f"kata{n} lain{n}", "")
    assert len(counter.counts) <= 100


def test_a_damaged_pair_table_falls_back_to_words(tmp_path):
    (tmp_path / "phrases.sqlite").write_bytes(b"not a database")
    assert not PairTable(tmp_path)
    assert PairTable(tmp_path).following("kebakaran", "hu", 5) == []


# -- the CLI and the web ----------------------------------------------------------------------------


def test_cli_says_both_counts(index_dir, runner):
    result = runner.invoke(main, ["search", "Elon Musk partai", "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 with every word, 4 more with some of them")
    assert "-- with some of the words:" in result.output


def test_cli_refuses_bad_proximity_in_one_line(index_dir, runner):
    result = runner.invoke(main, ["search", "banjir NEAR/0 bandang", "--index", str(index_dir)])
    assert result.exit_code != 0
    assert "at least 1" in result.output and "Traceback" not in result.output


@pytest.fixture(scope="module")
def client(index_dir):
    return create_app({"INDEX": str(index_dir), "TESTING": True, "PER_PAGE": 10}).test_client()


def test_api_gives_both_counts(client):
    body = client.get("/api/search?q=Elon+Musk+partai").get_json()
    assert (body["total"], body["partial_total"], body["relaxed"]) == (1, 4, True)
    assert [hit["every_word"] for hit in body["hits"]] == [True, False, False, False, False]


def test_page_says_both_counts_and_heads_the_partial_matches(client):
    html = client.get("/search?q=Elon+Musk+partai").get_data(as_text=True)
    assert re.search(r"1 with every word, 4 more with some of them", html)
    assert html.count('class="tier-note"') == 1
    assert "Articles with some of the words" in html


def test_page_says_when_no_article_has_every_word(client):
    html = client.get("/search?q=tesla+bubar").get_data(as_text=True)
    assert "No article has every word; 2 with some of them" in html
    assert "Counts of the articles with some of the words" in html


def test_page_shows_proximity_errors_as_a_message(client):
    response = client.get("/search?q=banjir+NEAR%2F0+bandang")
    assert response.status_code == 400
    assert "at least 1" in response.get_data(as_text=True)


@pytest.mark.parametrize("distance", [1, 2, 3, 5, 13, 14, 40])
def test_near_matches_what_whoosh_span_near_matches(index, index_dir, distance):
    from whoosh import index as whoosh_index

    from search.query import build_query

    query = f"banjir NEAR/{distance} bandang"
    with whoosh_index.open_dir(index_dir).searcher() as searcher:
        whoosh_ids = {searcher.stored_fields(doc)["id"] for doc in searcher.docs_for_query(
            build_query(parse(query), lambda field, prefix: []))}
    assert set(ids(index.search(query, per_page=20))) == whoosh_ids


def test_large_builds_keep_only_pairs_seen_twice(tmp_path):
    counter = PairCounter()
    counter.observe("menteri keuangan", "")
    counter.observe("menteri keuangan", "")
    counter.observe("menteri keuskupan", "")
    counter.articles = 1000  # as after a build of 1,000 articles
    save(tmp_path, counter, rebuild=True)
    table = PairTable(tmp_path)
    assert table.following("menteri", "keu", 5) == [("keuangan", 2)]
    table.close()


@pytest.mark.parametrize("query", ["e-money NEAR/2 bank", "bank NEAR/2 e-money", '"bank e-money"~2', "emoney NEAR/2 bank"])
def test_near_takes_every_spelling_of_a_hyphenated_word(index, query):
    results = index.search(query)
    assert ids(results) == ["emoney"]
    assert "<mark>e-money</mark>" in results.hits[0].snippet and "<mark>Bank</mark>" in results.hits[0].snippet
