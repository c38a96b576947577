"""Relevance evaluation: metrics on hand-made runs, the baselines, and `warta eval` end to end."""
from __future__ import annotations

import json

import pytest

from search.baselines import BASELINES, BaselineSearcher, baseline_dir, ensure_baseline
from search.cli import main
from search.evaluate import (EvaluationInputError, ensure_warta_index, markdown_table, read_qrels, read_topics,
                             score_run)

NOSTEM, NAIVE_STEM = BASELINES


def test_score_run_matches_hand_computed_figures():
    qrels = {"q1": {"a": 1}, "q2": {"b": 1}, "q3": {"c": 2, "d": 1}, "q4": {"e": 0}}
    run = {"q1": ["x", "a"], "q2": ["b", "y"], "q3": []}
    result = score_run(run, qrels, "hand")
    # q4 has no relevant article: it is not counted. q3 returned nothing: it counts as 0.
    assert result.topics == 3
    assert result.no_results == 1
    assert result.figures["MRR@10"] == pytest.approx((0.5 + 1 + 0) / 3)
    assert result.figures["R@10"] == pytest.approx((1 + 1 + 0) / 3)
    # q1: one relevant article at rank 2 -> 1/log2(3); q2: at rank 1 -> 1.
    assert result.figures["nDCG@10"] == pytest.approx((1 / 1.5849625 + 1 + 0) / 3, abs=1e-6)
    assert result.per_topic["q1"]["MRR@10"] == pytest.approx(0.5)


def test_score_run_uses_graded_gains_and_keeps_our_order():
    qrels = {"q": {"best": 2, "ok": 1}}
    ideal = score_run({"q": ["best", "ok"]}, qrels).figures["nDCG@10"]
    swapped = score_run({"q": ["ok", "best"]}, qrels).figures["nDCG@10"]
    assert ideal == pytest.approx(1.0)
    assert swapped < ideal
    # Ranks beyond 10 do not count for MRR@10, but do for R@100; repeated ids keep their first rank.
    late = score_run({"q": [f"n{i}" for i in range(10)] + ["best", "best"]}, qrels)
    assert late.figures["MRR@10"] == 0
    assert late.figures["R@100"] == pytest.approx(0.5)


def test_trec_files_are_read_and_bad_lines_explained(tmp_path):
    topics = tmp_path / "topics.tsv"
    topics.write_text("q1\tkebakaran hutan\n\nq2\tbanjir\n", encoding="utf-8")
    assert read_topics(topics) == {"q1": "kebakaran hutan", "q2": "banjir"}
    qrels = tmp_path / "qrels.txt"
    qrels.write_text("q1 0 a 2\nq1 0 b 0\n", encoding="utf-8")
    assert read_qrels(qrels) == {"q1": {"a": 2, "b": 0}}
    qrels.write_text("q1 a 2\n", encoding="utf-8")
    with pytest.raises(EvaluationInputError, match="qid 0 docid relevance"):
        read_qrels(qrels)
    topics.write_text("q1 kebakaran\n", encoding="utf-8")
    with pytest.raises(EvaluationInputError, match="qid<TAB>query"):
        read_topics(topics)


def test_baselines_build_from_the_warta_index_and_differ_in_stemming(built_index, tmp_path):
    for baseline in BASELINES:
        folder = ensure_baseline(built_index, baseline, tmp_path / "baselines")
        assert folder == baseline_dir(built_index, baseline, tmp_path / "baselines")
    with BaselineSearcher(baseline_dir(built_index, NOSTEM, tmp_path / "baselines")) as plain, \
            BaselineSearcher(baseline_dir(built_index, NAIVE_STEM, tmp_path / "baselines")) as stemmed:
        # "persenjataan" only matches "senjata" once Sastrawi has stemmed it.
        assert plain.search("senjata") == []
        assert stemmed.search("senjata") == ["senjata-polisi"]
        # Any word may match; question marks and colons are punctuation, not syntax.
        assert set(plain.search("banjir kebakaran?")) == {"banjir-bekasi", "kebakaran-riau"}
        assert plain.search("title: (") == []


def test_baseline_is_cached_until_the_warta_index_changes(built_index, tmp_path, articles_file):
    from search.indexer import build

    parent = tmp_path / "baselines"
    folder = ensure_baseline(built_index, NOSTEM, parent)
    marker = (folder / "baseline.json").stat().st_mtime_ns
    ensure_baseline(built_index, NOSTEM, parent)
    assert (folder / "baseline.json").stat().st_mtime_ns == marker
    extra = tmp_path / "more.jsonl"
    extra.write_text(json.dumps({"id": "gempa", "title": "Gempa di Palu", "content": "Gempa mengguncang Palu."}) + "\n",
                     encoding="utf-8")
    build([extra], built_index)
    ensure_baseline(built_index, NOSTEM, parent)
    with BaselineSearcher(folder) as searcher:
        assert searcher.search("gempa") == ["gempa"]


def test_warta_index_for_evaluation_is_cached(tmp_path, articles_file):
    index_dir, built = ensure_warta_index([articles_file], tmp_path / "ix")
    assert built
    assert ensure_warta_index([articles_file], tmp_path / "ix") == (index_dir, False)


def _write_set(tmp_path):
    topics = tmp_path / "topics.tsv"
    topics.write_text("q1\tkebakaran hutan\nq2\tbanjir bekasi\n", encoding="utf-8")
    qrels = tmp_path / "qrels.txt"
    qrels.write_text("q1 0 kebakaran-riau 2\nq2 0 banjir-bekasi 1\n", encoding="utf-8")
    return topics, qrels


def test_eval_command_compares_all_systems(runner, built_index, tmp_path):
    topics, qrels = _write_set(tmp_path)
    # The Lucene baseline needs Java: tests/test_lucene_baseline.py runs it (slow); here, without it.
    args = ["eval", str(topics), str(qrels), "--index", str(built_index), "--compare", "--no-lucene",
            "--baseline-dir", str(tmp_path / "baselines"), "--runs", str(tmp_path / "runs")]
    result = runner.invoke(main, args + ["--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    systems = {s["system"]: s for s in data["systems"]}
    assert set(systems) == {"warta", "bm25-nostem", "bm25-naive-stem"}
    for figures in systems.values():
        assert figures["topics"] == 2
        assert figures["figures"]["MRR@10"] == pytest.approx(1.0)
    run_lines = (tmp_path / "runs" / "warta.run").read_text(encoding="utf-8").splitlines()
    assert run_lines[0].split()[:4] == ["q1", "Q0", "kebakaran-riau", "1"]
    table = runner.invoke(main, args)
    assert table.exit_code == 0, table.output
    assert table.output.startswith("| system | nDCG@10 | MRR@10 | R@10 | R@100 | topics |")
    assert "| bm25-naive-stem | 1.000 | 1.000 |" in table.output


def test_eval_command_explains_mismatched_files(runner, built_index, tmp_path):
    topics, qrels = _write_set(tmp_path)
    qrels.write_text("q9 0 banjir-bekasi 1\n", encoding="utf-8")
    result = runner.invoke(main, ["eval", str(topics), str(qrels), "--index", str(built_index)])
    assert result.exit_code == 1
    assert "no query" in result.output and "Traceback" not in result.output
    result = runner.invoke(main, ["eval", str(tmp_path / "none.tsv"), str(qrels), "--index", str(built_index)])
    assert result.exit_code == 1
    assert "qid<TAB>query" in result.output


def test_markdown_table_lists_every_system():
    figures = score_run({"q": ["a"]}, {"q": {"a": 1}}, "warta")
    assert markdown_table([figures]).splitlines()[2] == "| warta | 1.000 | 1.000 | 1.000 | 1.000 | 1 |"


PROJECT = __import__("pathlib").Path(__file__).resolve().parents[1]


def test_judged_set_is_complete_and_graded():
    topics = read_topics(PROJECT / "eval" / "judged" / "topics.tsv")
    qrels = read_qrels(PROJECT / "eval" / "judged" / "qrels.txt")
    assert len(topics) >= 60
    assert all(1 <= len(query.split()) <= 4 for query in topics.values())
    assert set(qrels) == set(topics), "every topic is judged, and only topics are"
    for qid, judged in qrels.items():
        assert set(judged.values()) <= {0, 1, 2}, qid
        assert any(rel > 0 for rel in judged.values()), f"{qid} has no relevant article"
        assert len(judged) >= 10, f"{qid}: fewer articles judged than one system's top 10"


def test_run_all_skips_cleanly_without_data(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(PROJECT / "eval" / "run_all.py"), "--data", str(tmp_path / "none")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "data not found at" in result.stdout and "skipping" in result.stdout


def test_baseline_is_rebuilt_when_the_warta_index_is_rebuilt_from_other_articles(tmp_path, articles_file):
    from search.indexer import build

    parent = tmp_path / "baselines"
    warta_dir, _ = ensure_warta_index([articles_file], tmp_path / "ix")
    with BaselineSearcher(ensure_baseline(warta_dir, NOSTEM, parent)) as searcher:
        assert searcher.search("banjir") == ["banjir-bekasi"]
    other = tmp_path / "other.jsonl"
    other.write_text("\n".join(json.dumps({"id": f"gempa-{n}", "title": "Gempa", "content": f"Gempa nomor {n}."})
                               for n in range(3)) + "\n", encoding="utf-8")
    import shutil
    import time

    shutil.rmtree(warta_dir)
    time.sleep(0.01)
    build([other], warta_dir)  # same generation and article count, other articles
    with BaselineSearcher(ensure_baseline(warta_dir, NOSTEM, parent)) as searcher:
        assert searcher.search("banjir") == []
        assert len(searcher.search("gempa")) == 3


def test_baselines_default_to_the_temp_folder_not_beside_the_index(built_index):
    import tempfile

    folder = baseline_dir(built_index, NOSTEM)
    assert folder.is_relative_to(tempfile.gettempdir())
    assert folder != baseline_dir(built_index.parent / "other", NOSTEM)
    assert not folder.is_relative_to(built_index.parent)


def test_collapsed_copies_follow_their_hit_in_the_run(tmp_path):
    """The page lists a hit's copies inside its entry: the run has them right after that hit."""
    from search.evaluate import WartaSearcher
    from search.indexer import build
    from tests.test_indexer import OTHER_STORY, WIRE, WIRE_EDITED, write_jsonl

    rows = [{"id": "antara-1", "title": "Banjir Bekasi", "content": WIRE, "source": "antaranews"},
            {"id": "kompas-1", "title": "Banjir Bekasi", "content": WIRE_EDITED, "source": "kompas"},
            {"id": "other", "title": "Bulu tangkis", "content": OTHER_STORY + " Banjir di Bekasi.", "source": "detik"}]
    build([write_jsonl(tmp_path / "rows.jsonl", rows)], tmp_path / "index")
    with WartaSearcher(tmp_path / "index") as searcher:
        run = searcher.search("banjir bekasi")
    assert set(run) == {"antara-1", "kompas-1", "other"}
    first = run[0]
    assert first in {"antara-1", "kompas-1"}
    assert run[1] == ({"antara-1", "kompas-1"} - {first}).pop()  # the copy, before the other story
    assert run[2] == "other"
