"""The Lucene baseline (IndonesianAnalyzer + BM25): its ranking on a tiny corpus, and its messages.

The ranking tests need a JDK and Debian's liblucene8-java. They are marked slow and, run as root
with apt (as CI runs), install what is missing; anywhere else they fail saying what to install,
never skip: a baseline nobody checks is not one.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from search import lucene_baseline
from search.cli import main
from search.lucene_baseline import (LuceneMissing, LuceneSearcher, build_lucene_baseline, compiled_classes,
                                    ensure_lucene_baseline, lucene_available)

PACKAGES = ["openjdk-17-jdk-headless", "liblucene8-java"]

ARTICLES = [
    {"id": "karhutla-riau", "title": "Kebakaran hutan di Riau meluas",
     "content": "Kebakaran hutan dan lahan di Riau meluas. Pembakaran lahan diduga disengaja; hutan terbakar "
                "ratusan hektare."},
    {"id": "rumah-terbakar", "title": "Rumah warga terbakar",
     "content": "Sebuah rumah terbakar di Bekasi. Tidak ada korban jiwa."},
    {"id": "banjir-bekasi", "title": "Banjir merendam Bekasi",
     "content": "Banjir setinggi satu meter merendam permukiman di Bekasi. Warga mengungsi ke masjid."},
    {"id": "liga\tinggris\\kutip \u201cmu\u201d", "title": "Persaingan Liga Inggris",
     "content": "Manchester United menang di Liga Inggris.\nPelatih memuji pemain."},
    {"id": "hutan-lindung", "title": "Hutan lindung dijaga",
     "content": "Petugas menjaga hutan lindung dari penebangan liar."},
]


@pytest.fixture(scope="module")
def java_and_lucene():
    """Make sure a JDK and Lucene 8 are there: install them as root with apt, else fail saying how."""
    if not lucene_available():
        if os.geteuid() == 0 and shutil.which("apt-get"):
            subprocess.run(["apt-get", "update", "-qq"], check=False)
            subprocess.run(["apt-get", "install", "-y", "-qq", *PACKAGES], check=False,
                           env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        if not lucene_available():
            pytest.fail(f"the Lucene baseline tests need a JDK and Lucene 8: apt-get install {' '.join(PACKAGES)}")


@pytest.fixture(scope="module")
def lucene_index(java_and_lucene, tmp_path_factory):
    folder = tmp_path_factory.mktemp("lucene") / "index"
    assert build_lucene_baseline(ARTICLES, folder, compiled_classes()) == len(ARTICLES)
    return folder


@pytest.mark.slow
def test_lucene_ranks_stemmed_matches_by_bm25(lucene_index):
    with LuceneSearcher(lucene_index) as searcher:
        # IndonesianStemFilter takes kebakaran, pembakaran and terbakar to "bakar": every article
        # about a fire matches, the forest fire (the word in title and text, several times) first.
        fires = searcher.search("bakar")
        assert fires[0] == "karhutla-riau"
        assert set(fires) == {"karhutla-riau", "rumah-terbakar"}
        # Any word may match; the article holding both words ranks above those holding one.
        forest_fire = searcher.search("kebakaran hutan")
        assert forest_fire[0] == "karhutla-riau"
        assert set(forest_fire) == {"karhutla-riau", "rumah-terbakar", "hutan-lindung"}
        # A rare word weighs more than a common one (BM25's idf): "lindung" is in one article.
        assert searcher.search("hutan lindung")[0] == "hutan-lindung"
        assert searcher.search("banjir", limit=1) == ["banjir-bekasi"]


@pytest.mark.slow
def test_lucene_answers_every_query_with_its_own_line(lucene_index):
    with LuceneSearcher(lucene_index, depth=2) as searcher:
        # Stop words only (Lucene's Indonesian list), punctuation, query syntax and line breaks:
        # each is an answer of its own, and the next query still gets the right one.
        assert searcher.search("yang dan di") == []
        assert searcher.search('title:( "AND* ?') == []
        assert searcher.search("banjir\nbakar") == ["banjir-bekasi", "karhutla-riau"]
        assert len(searcher.search("bekasi terbakar hutan")) == 2  # depth
        # Ids with tabs, backslashes and quotes come back exactly.
        assert searcher.search("liga inggris") == ["liga\tinggris\\kutip \u201cmu\u201d"]


@pytest.mark.slow
def test_eval_compare_runs_lucene_on_the_warta_index(java_and_lucene, runner, built_index, tmp_path):
    topics = tmp_path / "topics.tsv"
    topics.write_text("q1\tkebakaran hutan\nq2\tbanjir bekasi\nq3\tsenjata\n", encoding="utf-8")
    qrels = tmp_path / "qrels.txt"
    qrels.write_text("q1 0 kebakaran-riau 2\nq2 0 banjir-bekasi 1\nq3 0 senjata-polisi 1\n", encoding="utf-8")
    args = ["eval", str(topics), str(qrels), "--index", str(built_index), "--compare",
            "--baseline-dir", str(tmp_path / "baselines"), "--runs", str(tmp_path / "runs"), "--json"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    systems = {s["system"]: s for s in json.loads(result.output)["systems"]}
    assert set(systems) == {"warta", "bm25-nostem", "bm25-naive-stem", "lucene-indonesian"}
    lucene = systems["lucene-indonesian"]
    assert lucene["topics"] == 3 and lucene["no_results"] == 0
    # Lucene's stemmer takes "persenjataan" to "senjata", so even q3 is found at rank 1.
    assert lucene["figures"]["MRR@10"] == pytest.approx(1.0)
    run = (tmp_path / "runs" / "lucene-indonesian.run").read_text(encoding="utf-8").splitlines()
    assert run[0].split()[:4] == ["q1", "Q0", "kebakaran-riau", "1"]
    # The index is cached: a second run finds it up to date and gives the same figures.
    folder = ensure_lucene_baseline(built_index, tmp_path / "baselines")
    stamp = (folder / "baseline.json").stat().st_mtime_ns
    again = runner.invoke(main, args)
    assert json.loads(again.output)["systems"] == json.loads(result.output)["systems"]
    assert (folder / "baseline.json").stat().st_mtime_ns == stamp


def test_missing_java_is_one_line_that_says_what_to_install(monkeypatch, runner, built_index, tmp_path):
    monkeypatch.setattr(lucene_baseline.shutil, "which", lambda name: None)
    with pytest.raises(LuceneMissing, match="openjdk-17-jdk-headless liblucene8-java"):
        compiled_classes()
    topics = tmp_path / "topics.tsv"
    topics.write_text("q1\tbanjir\n", encoding="utf-8")
    qrels = tmp_path / "qrels.txt"
    qrels.write_text("q1 0 banjir-bekasi 1\n", encoding="utf-8")
    args = ["eval", str(topics), str(qrels), "--index", str(built_index), "--compare",
            "--baseline-dir", str(tmp_path / "baselines")]
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert "apt-get install openjdk-17-jdk-headless liblucene8-java" in result.output
    assert "--no-lucene" in result.output and "Traceback" not in result.output
    # Nothing was built before the message: the Whoosh baselines wait until Lucene can run too.
    assert not (tmp_path / "baselines").exists()
    left_out = runner.invoke(main, args + ["--no-lucene", "--json"])
    assert left_out.exit_code == 0, left_out.output
    assert [s["system"] for s in json.loads(left_out.output)["systems"]] == ["warta", "bm25-nostem", "bm25-naive-stem"]


def test_missing_lucene_jars_are_named(monkeypatch, tmp_path):
    monkeypatch.setattr(lucene_baseline, "JAR_FOLDERS", (tmp_path,))
    monkeypatch.delenv("WARTA_LUCENE_JARS", raising=False)
    with pytest.raises(LuceneMissing, match="lucene-core.jar not found"):
        lucene_baseline.lucene_classpath()
