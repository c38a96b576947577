"""One analyzer per index: a freshly opened Index uses its own learned names from the first search,
and two indexes in one process never share names (issue 11)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from search import Index
from search.analysis import IndonesianAnalyzer, plain_analyzer
from search.indexer import build


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


# A corpus that writes "Pedagang" capitalised mid-sentence (a name to the counter), so its index
# term is "pedagang"; without the index's names, the query word would stem to "dagang".
CAPITALISED = [{"id": f"cap-{i}", "title": "Pasar pagi",
                "content": f"Menurut warga, Pedagang pasar pagi menolak relokasi untuk kali ke-{i}. "
                           f"Kata lurah, Pedagang akan dibantu."} for i in range(4)]
LOWERCASE = [{"id": f"low-{i}", "title": "Pasar sore",
              "content": f"Para pedagang pasar sore berdagang lagi, pedagang ikan ke-{i} ikut."} for i in range(3)]


@pytest.fixture
def named_index(tmp_path) -> Path:
    build([write_jsonl(tmp_path / "cap.jsonl", CAPITALISED)], tmp_path / "named")
    return tmp_path / "named"


@pytest.fixture
def plain_index(tmp_path) -> Path:
    build([write_jsonl(tmp_path / "low.jsonl", LOWERCASE)], tmp_path / "plain")
    return tmp_path / "plain"


def test_the_corpus_teaches_the_name_and_the_plain_stemmer_would_miss_it(named_index):
    assert plain_analyzer().stem("pedagang") == "dagang"  # what a query analysed without names looks up
    with Index.open(named_index) as ix:
        assert "pedagang" in ix.analyzer.names


def test_the_first_search_of_a_fresh_index_uses_its_learned_names(named_index):
    with Index.open(named_index) as ix:
        results = ix.search("pedagang")
    assert results.total == 4 and {h.id for h in results.hits} == {f"cap-{i}" for i in range(4)}
    assert "<mark>Pedagang</mark>" in results.hits[0].snippet


def test_warta_search_in_its_own_process_finds_the_learned_name(named_index):
    """One search per process, as the issue saw it: nothing earlier could have set the names."""
    result = subprocess.run([sys.executable, "-m", "search", "search", "pedagang", "--index", str(named_index),
                             "--json"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["total"] == 4


def test_two_indexes_in_one_process_keep_their_own_names(named_index, plain_index):
    with Index.open(named_index) as named, Index.open(plain_index) as plain:
        assert named.analyzer is not plain.analyzer and "pedagang" not in plain.analyzer.names
        for _ in range(2):  # interleaved, in both orders: neither changes the other
            assert named.search("pedagang").total == 4
            assert plain.search("pedagang").total == 3
            assert plain.search("dagang").total == 3  # "pedagang" is an inflected form of dagang here
            assert named.search("pedagang").total == 4
        assert named.search("Pedagang pasar").hits[0].snippet.count("<mark>") >= 2
    assert plain_analyzer().names == frozenset()


def test_the_analyzer_comes_back_from_the_schema_pickle_without_names(named_index):
    from whoosh import index as whoosh_index

    schema = whoosh_index.open_dir(named_index).schema
    analyzer = schema["content"].analyzer
    assert isinstance(analyzer, IndonesianAnalyzer) and analyzer.names == frozenset()
    with Index.open(named_index) as ix:
        ix.search("pedagang")
        searcher_schema = ix._current().searcher.schema
        assert searcher_schema["content"].analyzer is ix.analyzer  # attached on open


def test_a_rebuild_that_learns_new_names_gives_the_open_index_a_new_analyzer(tmp_path, plain_index):
    with Index.open(plain_index) as ix:
        assert ix.search("pedagang").total == 3
        build([write_jsonl(tmp_path / "cap.jsonl", CAPITALISED)], plain_index, rebuild=True)
        ix._checked = float("-inf")  # skip the one-second wait before looking at the disk again
        assert ix.search("kata").total == 4
        assert "pedagang" in ix.analyzer.names
        assert ix.search("pedagang").total == 4
