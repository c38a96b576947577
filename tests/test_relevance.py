"""Ranking rules that decide relevance: all words first then some, question framing, snippets=False."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from search.index import Index
from search.query import describe, parse

ARTICLES = [
    {"id": "all-words", "title": "Gempa Lombok", "content": "Gempa mengguncang Lombok, ribuan warga mengungsi ke tenda."},
    {"id": "two-words", "title": "Gempa Palu", "content": "Gempa mengguncang Palu, warga panik."},
    {"id": "one-word", "title": "Tenda darurat", "content": "Tenda darurat dibagikan di alun-alun kota."},
    {"id": "none", "title": "Harga cabai naik", "content": "Harga cabai naik menjelang lebaran."},
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    from search.indexer import build

    folder = tmp_path_factory.mktemp("relevance")
    source = folder / "articles.jsonl"
    source.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n", encoding="utf-8")
    build([source], folder / "index")
    with Index.open(folder / "index") as opened:
        yield opened


def ids(results):
    return [hit.id for hit in results.hits]


def test_articles_with_every_word_come_first_then_some_of_the_words(index):
    results = index.search("gempa lombok warga mengungsi")
    assert ids(results)[0] == "all-words"
    assert set(ids(results)) == {"all-words", "two-words"}  # "none" holds no query word
    assert results.relaxed is True
    assert "some of the words" in results.query
    assert results.hits[0].score > results.hits[1].score


def test_two_word_queries_continue_with_some_of_the_words_counted_apart(index):
    results = index.search("gempa lombok")
    assert ids(results) == ["all-words", "two-words"]
    assert (results.total, results.partial_total) == (1, 1)
    assert results.relaxed is True and "some of the words" in results.query


def test_no_article_with_every_word_shows_some_of_them(index):
    results = index.search("lombok cabai")
    assert set(ids(results)) == {"all-words", "none"}
    assert (results.total, results.partial_total) == (0, 2)
    assert results.relaxed is True and "no article has every word" in results.query


def test_excluded_words_stay_excluded_among_partial_matches(index):
    results = index.search("gempa lombok warga tenda -palu")
    assert "two-words" not in ids(results)
    assert ids(results)[0] == "all-words"


def test_question_framing_nouns_are_ignored_in_questions_only():
    assert "nama" in describe(parse("Siapa nama gubernur Jakarta?")).split("(ignored:")[1]
    assert describe(parse("nama jalan")) == "nama jalan"  # not a question: every word counts
    assert describe(parse("Siapa nama")).startswith("nama")  # nothing else to search: kept


def test_snippets_false_gives_the_same_ranking_without_snippets(index):
    with_snippets = index.search("gempa lombok warga mengungsi")
    without = index.search("gempa lombok warga mengungsi", snippets=False)
    assert ids(without) == ids(with_snippets)
    assert [h.score for h in without.hits] == [h.score for h in with_snippets.hits]
    assert all(h.snippet == "" for h in without.hits) and with_snippets.hits[0].snippet
