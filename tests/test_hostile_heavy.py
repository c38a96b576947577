"""Heavy hostile inputs (hundreds of MB generated into tmp_path): each build runs in its own process,
whose peak RSS (resource.getrusage of its children, read by a fresh intermediate process) must stay
under 400 MB, and whose every record is accounted for. Marked slow: .ci/run still runs them.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import hostile_cases  # noqa: E402

pytestmark = pytest.mark.slow

MB = 1 << 20
PEAK_RSS_LIMIT_MB = 400
# Runs `warta index` and prints its summary and the peak RSS of it and its helper processes.
_MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run([sys.executable, "-m", "search", "index", *sys.argv[1:], "--json", "--quiet"],
                      capture_output=True, text=True)
print(json.dumps({"code": done.returncode, "stdout": done.stdout, "stderr": done.stderr[-2000:],
                  "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def index_measured(path: Path, index: Path) -> tuple[dict, float]:
    """Index one file in a fresh process; return (summary, peak RSS in MB) after checking the accounting."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(path), "--index", str(index)],
                          capture_output=True, text=True, timeout=600)
    result = json.loads(done.stdout)
    assert result["code"] == 0, result["stderr"]
    summary = json.loads(result["stdout"])
    assert summary["read"] == summary["indexed"] + summary["updated"] + summary["duplicates"] + summary["rejected"]
    return summary, result["peak_mb"]


@pytest.mark.parametrize("case, size, indexed", [
    ("huge_json_line_gz", 600 * MB, 2),   # a 600 MB JSON line in a .gz, the articles around it kept
    ("html_bomb_gz", 600 * MB, 0),
    ("text_bomb_gz", 600 * MB, 0),
    ("csv_gzip_bomb", 600 * MB, 2),
    ("newlines_jsonl_gz", 600 * MB, 2),
    ("wide_csv", 1 * MB, 0),
])
def test_bombs_are_rejected_in_bounded_memory(tmp_path, case, size, indexed):
    path = hostile_cases.MAKERS[case](tmp_path, size)
    summary, peak = index_measured(path, tmp_path / "index")
    assert summary["indexed"] == indexed
    if case != "newlines_jsonl_gz":
        assert summary["rejected"] == 1
        reason = next(iter(summary["reasons"]))
        assert "8 MB limit" in reason or "columns" in reason
    assert peak < PEAK_RSS_LIMIT_MB, f"{case}: peak RSS {peak:.0f} MB"


def test_a_valid_200_mb_json_line_is_rejected_in_bounded_memory(tmp_path):
    path = hostile_cases.huge_json_line(tmp_path, 200 * MB, compress=False)
    summary, peak = index_measured(path, tmp_path / "index")
    assert summary["indexed"] == 2 and summary["rejected"] == 1
    assert peak < PEAK_RSS_LIMIT_MB, peak


def test_an_article_just_under_the_cap_is_indexed_in_bounded_memory_and_searched_quickly(tmp_path):
    from search import Index

    def archive(name: str, huge_chars: int) -> Path:
        sentence = "Banjir melanda Jakarta pada Selasa pagi dan warga mengungsi ke masjid terdekat. "
        path = tmp_path / name
        with open(path, "w", encoding="utf-8") as out:
            for i in range(50):
                out.write(json.dumps({"id": f"n{i}", "title": f"Banjir {i}", "content": sentence * 20}) + "\n")
            out.write(json.dumps({"id": "besar", "title": "Banjir besar", "content": sentence * (huge_chars // len(sentence))}) + "\n")
        return path

    big = archive("big.jsonl", 8 * MB - 100_000)  # just under the 8 MB cap
    summary, peak = index_measured(big, tmp_path / "big")
    assert summary["indexed"] == 51 and peak < PEAK_RSS_LIMIT_MB, peak
    index_measured(archive("small.jsonl", 150_000), tmp_path / "small")

    def search_cost(index: Path) -> float:
        with Index.open(index) as ix:
            ix.search("banjir besar")  # warm: the first search loads the caches
            best = float("inf")
            for _ in range(3):
                started = time.process_time()
                res = ix.search("banjir besar")
                best = min(best, time.process_time() - started)
            assert "besar" in {h.id for h in res.hits}
            return best

    # Both articles are longer than the snippet window: a 100x larger one must not cost 100x.
    assert search_cost(tmp_path / "big") / search_cost(tmp_path / "small") < 3
