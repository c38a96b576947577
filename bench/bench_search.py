#!/usr/bin/env python3
"""Search latency of Warta against the naive reference, in one process run (ratios, not absolutes).

    .venv/bin/python bench/bench_search.py                  # the real corpus, 200 queries
    .venv/bin/python bench/bench_search.py --scale 100000   # also Warta alone at 100,000 synthetic articles

Measures p50/p95 of one search returning 10 hits with snippets (and, for Warta, facets, totals and
collapsed copies too). Both indexes are built into a temporary folder from the same corpus; the
naive reference is ../shared/bench/naive_reference.py. Each system's searcher is opened once and
kept across queries, as a server would. Target: Warta p95 <= naive p95 with snippets / 3, and
p95 < 50 ms at 100,000 articles. Exits cleanly when ../shared is absent.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"


def percentile(values: list[float], p: float) -> float:
    """Return the p-th percentile the naive reference uses (same definition, for a fair ratio)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def load_naive(path: Path):
    spec = importlib.util.spec_from_file_location("naive_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def warta_latencies(index_dir: Path, queries: list[str], passes: int = 1) -> list[list[float]]:
    """Return per-query seconds of Index.search (10 hits, snippets, facets) for each pass."""
    from search import Index

    index = Index.open(index_dir)
    print(f"warta: loading field lengths and columns took {index.warm() * 1e3:.0f} ms (once per opened index)")
    runs = [[warta_search(index, text) for text in queries] for _ in range(passes)]
    index.close()
    return runs


def warta_search(index, text: str) -> float:
    """Return the seconds one search takes, 10 hits with snippets, facets and totals."""
    from search import InvalidQuery

    started = time.perf_counter()
    try:
        index.search(text, per_page=10)
    except InvalidQuery:
        pass
    return time.perf_counter() - started


def interleaved(naive_dir: Path, warta_dir: Path, queries: list[str], rounds: int) -> tuple[list[float], list[float]]:
    """Return per-query median seconds of naive and Warta, timed alternately query by query.

    These machines are shared and noisy; alternating the two systems on each query exposes both to
    the same load, and the median over rounds drops one-off stalls. The naive side repeats exactly
    what naive_reference.query_latencies does for one query (parse, search limit 10, highlights).
    """
    from statistics import median

    from whoosh import index as whoosh_index
    from whoosh import qparser

    from search import Index

    naive_ix = whoosh_index.open_dir(str(naive_dir))
    warta = Index.open(warta_dir)
    warta.warm()
    naive_times = [[] for _ in queries]
    warta_times = [[] for _ in queries]
    with naive_ix.searcher() as searcher:
        parser = qparser.MultifieldParser(["title", "content"], naive_ix.schema)
        for _ in range(rounds):
            for i, text in enumerate(queries):
                started = time.perf_counter()
                for hit in searcher.search(parser.parse(text), limit=10):
                    hit.highlights("content")
                naive_times[i].append(time.perf_counter() - started)
                warta_times[i].append(warta_search(warta, text))
    warta.close()
    return [median(t) for t in naive_times], [median(t) for t in warta_times]


def build_warta(corpus: Path, index_dir: Path) -> float:
    from search.indexer import build

    shutil.rmtree(index_dir, ignore_errors=True)
    started = time.perf_counter()
    build([corpus], index_dir)
    return time.perf_counter() - started


def report(name: str, latencies: list[float]) -> dict:
    figures = {"p50_ms": round(percentile(latencies, 0.5) * 1e3, 2), "p95_ms": round(percentile(latencies, 0.95) * 1e3, 2)}
    print(f"{name:<34} p50 {figures['p50_ms']:8.2f} ms   p95 {figures['p95_ms']:8.2f} ms")
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "data" / "news.jsonl.gz")
    parser.add_argument("--queries", type=Path, default=SHARED / "bench" / "queries.txt")
    parser.add_argument("--naive", type=Path, default=SHARED / "bench" / "naive_reference.py")
    parser.add_argument("--scale", type=int, default=0, help="also time Warta alone on N synthetic articles")
    parser.add_argument("--scale-only", action="store_true", help="skip the comparison on the real corpus")
    parser.add_argument("--workdir", type=Path, default=None, help="where to build (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the built indexes")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per query (median taken)")
    parser.add_argument("--reuse", action="store_true", help="reuse indexes already built in --workdir")
    args = parser.parse_args(argv)
    for needed in (args.corpus, args.queries, args.naive):
        if not needed.exists():
            print(f"skipped: {needed} is absent (the benchmark needs ../shared beside the project)")
            return 0
    sys.path.insert(0, str(HERE.parent))
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="warta-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    queries = [q.strip() for q in args.queries.read_text(encoding="utf-8").splitlines() if q.strip()]
    naive = load_naive(args.naive)
    summary: dict = {"queries": len(queries)}
    try:
        if not args.scale_only:
            compare_with_naive(args, naive, queries, workdir, summary)
        if args.scale:
            measure_scale(args, queries, workdir, summary)
        print(json.dumps(summary))
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def compare_with_naive(args, naive, queries: list[str], workdir: Path, summary: dict) -> None:
    """Build both indexes of the real corpus and time the same queries on each."""
    print(f"corpus {args.corpus}, {len(queries)} queries, building into {workdir}")
    if args.reuse and (workdir / "naive").exists() and (workdir / "warta").exists():
        print("reusing the naive and warta indexes already built there")
    else:
        docs, seconds = naive.build(naive.read_records(str(args.corpus)), str(workdir / "naive"))
        print(f"naive index: {docs} articles in {seconds:.1f}s")
        seconds = build_warta(args.corpus, workdir / "warta")
        print(f"warta index: built in {seconds:.1f}s")

    naive_snippets = naive.query_latencies(str(workdir / "naive"), queries, snippets=True)
    first, second = warta_latencies(workdir / "warta", queries, passes=2)
    summary["naive_snippets"] = report("naive reference, with snippets", naive_snippets)
    summary["warta"] = report("warta (first pass)", first)
    summary["warta_warm"] = report("warta (second pass)", second)
    summary["p95_ratio_sequential"] = round(summary["warta"]["p95_ms"] / summary["naive_snippets"]["p95_ms"], 3)
    print(f"p95 ratio warta first pass / naive, run one after the other: {summary['p95_ratio_sequential']:.3f}")
    naive_median, warta_median = interleaved(workdir / "naive", workdir / "warta", queries, args.rounds)
    summary["interleaved"] = {"rounds": args.rounds,
                              "naive": report(f"naive, interleaved, median of {args.rounds}", naive_median),
                              "warta": report(f"warta, interleaved, median of {args.rounds}", warta_median)}
    ratio = summary["interleaved"]["warta"]["p95_ms"] / summary["interleaved"]["naive"]["p95_ms"]
    summary["p95_ratio"] = round(ratio, 3)
    print(f"p95 ratio warta/naive (interleaved): {ratio:.3f}  (target <= 0.333: {'met' if ratio <= 1 / 3 else 'NOT met'})")


def measure_scale(args, queries: list[str], workdir: Path, summary: dict) -> None:
    """Build Warta's index of N synthetic articles and time the queries on it."""
    scale_corpus = workdir / f"scale-{args.scale}.jsonl.gz"
    if not scale_corpus.exists():
        subprocess.run([sys.executable, str(SHARED / "bench" / "make_scale_corpus.py"), str(args.scale),
                        str(scale_corpus), "--corpus", str(args.corpus)], check=True)
    if args.reuse and (workdir / f"warta-{args.scale}").exists():
        print(f"reusing the warta index of {args.scale} synthetic articles in {workdir}")
    else:
        seconds = build_warta(scale_corpus, workdir / f"warta-{args.scale}")
        print(f"warta index of {args.scale} synthetic articles built in {seconds:.1f}s")
    scale_first, scale_second = warta_latencies(workdir / f"warta-{args.scale}", queries, passes=2)
    summary["scale"] = {"articles": args.scale,
                        "first": report(f"warta at {args.scale} (first pass)", scale_first),
                        "warm": report(f"warta at {args.scale} (second pass)", scale_second)}
    met = summary["scale"]["first"]["p95_ms"] < 50
    print(f"p95 at {args.scale}: target < 50 ms: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    sys.exit(main())
