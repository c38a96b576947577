#!/usr/bin/env python3
"""Research tools' speed and memory: trends latency and export throughput, against naive ways in one run.

    .venv/bin/python bench/bench_research.py                         # the real corpus (built into a temp folder)
    .venv/bin/python bench/bench_research.py --index /tmp/scale/index # an existing index, e.g. 300,000 articles

Trends: Index.trends for 3 queries (by year and by month), p50/p95 over --rounds warm rounds,
alternating with the naive way of counting the same thing, a search per period
(Index.search(q, year=P).total for every period), and checked to give the same counts.
Target: p95 < 200 ms for 3 queries over 300,000 articles.

Export: `warta export` run as a command (a fresh process each time, start-up and index opening
included) for a query matching about 1,000 articles and for the whole index, printing rows/s and
the process's peak RSS, alternating with a naive export in the same kind of process (Whoosh's
searcher.search(limit=None), then every hit's stored fields into csv.writer). Targets: >= 2,000
rows/s from the CLI, and the same peak memory whether 1,000 or 300,000 articles match.
Exits cleanly when ../shared is absent and no --index is given.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"
TREND_QUERIES = ["banjir", "korupsi", "gempa"]
SMALL_CANDIDATES = ["gempa", "banjir", "korupsi", "kebakaran", "tsunami", "narkoba", "pemilu", "sepak", "harga",
                    "presiden", "jakarta", "polisi", "pemerintah", "indonesia"]

# Runs in a child process: one export, then its own peak RSS (kB) on the last line of stderr.
CHILD = r"""
import resource, sys
mode, index_dir, query, out = sys.argv[1:5]
rows = 0
if mode == "warta":
    from search.cli import main
    main(["export", query, "--index", index_dir, "-o", out], standalone_mode=False)
    with open(out, encoding="utf-8-sig") as f:
        import csv
        rows = sum(1 for _ in csv.reader(f)) - 1
else:
    import csv
    from whoosh import index as whoosh_index
    from whoosh.query import Every
    from search import Index
    from search.query import parse
    ix = whoosh_index.open_dir(index_dir)
    with ix.searcher() as searcher:
        if query:
            from whoosh.qparser import MultifieldParser
            q = MultifieldParser(["title", "content"], ix.schema).parse(query)
        else:
            q = Every()
        hits = searcher.search(q, limit=None)
        with open(out, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["id", "title", "date", "source", "url", "category", "cluster"])
            for hit in hits:
                s = hit.fields()
                writer.writerow([s.get("id"), s.get("title"), s.get("published") or s.get("date"), s.get("source"),
                                 s.get("url"), s.get("category"), s.get("cluster")])
                rows += 1
print("RESULT %d %.1f" % (rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), file=sys.stderr)
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def trends_per_period_search(index, queries: list[str], by: str) -> dict:
    """Return the trends counts the naive way: one search per query and period."""
    periods = [c.period for c in index.trends(queries[:1], by=by).series[0].counts]
    return {q: [index.search(q, per_page=1, snippets=False, **{by: p}).total for p in periods] for q in queries}


def bench_trends(index_dir: Path, rounds: int, queries: list[str]) -> None:
    from search import Index

    index = Index.open(index_dir)
    index.time_limit = None
    print(f"opened and warmed in {index.warm() * 1e3:.0f} ms; {index.stats().documents:,} articles")
    for by in ("year", "month"):
        fast, naive = [], []
        expected = trends_per_period_search(index, queries, by)
        got = {s.query: [c.count for c in s.counts] for s in index.trends(queries, by=by).series}
        assert got == expected, "trends disagree with a search per period"
        naive_rounds = max(1, min(rounds, 3 if by == "month" else rounds))
        for number in range(rounds):
            started = time.perf_counter()
            index.trends(queries, by=by)
            fast.append(time.perf_counter() - started)
            if number < naive_rounds:
                started = time.perf_counter()
                trends_per_period_search(index, queries, by)
                naive.append(time.perf_counter() - started)
        periods = len(next(iter(expected.values())))
        print(f"trends by {by} ({len(queries)} queries x {periods} periods, same counts): "
              f"Index.trends p50 {percentile(fast, 0.5) * 1e3:.1f} ms, p95 {percentile(fast, 0.95) * 1e3:.1f} ms "
              f"over {rounds} rounds; a search per period p50 {statistics.median(naive) * 1e3:.0f} ms "
              f"({len(naive)} rounds); ratio of medians {statistics.median(fast) / statistics.median(naive):.4f}")
    index.close()


def small_query(index_dir: Path, target: int = 1000) -> tuple[str, int]:
    """Return the candidate word whose matches are closest to `target`, and how many it matches."""
    from search import Index

    with Index.open(index_dir) as index:
        index.time_limit = None
        totals = {w: index.search(w, per_page=1, snippets=False).total for w in SMALL_CANDIDATES}
    word = min(totals, key=lambda w: abs(totals[w] - target))
    return word, totals[word]


def run_export(mode: str, index_dir: Path, query: str, out: Path) -> tuple[int, float, float]:
    """Return (rows, wall seconds of the whole process, its peak RSS in MB) of one export."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, mode, str(index_dir), query, str(out)],
                          capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    line = [text for text in done.stderr.splitlines() if text.startswith("RESULT ")][-1]
    _, rows, rss = line.split()
    return int(rows), seconds, float(rss)


def bench_export(index_dir: Path, repeat: int) -> None:
    word, matches = small_query(index_dir)
    with tempfile.TemporaryDirectory(prefix="warta-bench-research-") as tmp:
        out = Path(tmp) / "export.csv"
        for label, query in ((f"{word!r} ({matches:,} matches)", word), ("the whole index", "")):
            results = {"warta": [], "naive": []}
            for _ in range(repeat):
                for mode in ("warta", "naive"):  # alternated: this machine's speed drifts within minutes
                    results[mode].append(run_export(mode, index_dir, query, out))
            for mode, runs in results.items():
                rows = runs[0][0]
                best = min(r[1] for r in runs)
                print(f"export {label}, {mode}: {rows:,} rows, fastest {best:.2f} s = {rows / best:,.0f} rows/s "
                      f"(all: {', '.join(f'{r[0] / r[1]:,.0f}' for r in runs)} rows/s), "
                      f"peak RSS {max(r[2] for r in runs):.0f} MB")
            ratios = [w[1] / n[1] for w, n in zip(results["warta"], results["naive"])]
            print(f"  time ratio warta/naive per pair: {', '.join(f'{r:.2f}' for r in ratios)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--index", type=Path, help="an existing Warta index (default: build the real corpus)")
    ap.add_argument("--rounds", type=int, default=20, help="trends rounds (default 20)")
    ap.add_argument("--repeat", type=int, default=2, help="export runs per system (default 2)")
    ap.add_argument("--skip-export", action="store_true")
    ap.add_argument("--skip-trends", action="store_true")
    args = ap.parse_args()
    index_dir = args.index
    tmp = None
    if index_dir is None:
        corpus = SHARED / "data" / "news.jsonl.gz"
        if not corpus.exists():
            print(f"no corpus at {corpus}: give --index DIR (nothing measured)")
            return
        from search.indexer import build

        tmp = tempfile.TemporaryDirectory(prefix="warta-bench-research-")
        index_dir = Path(tmp.name) / "index"
        print(f"building {corpus} into {index_dir} ...")
        build([corpus], index_dir)
    if not args.skip_trends:
        bench_trends(index_dir, args.rounds, TREND_QUERIES)
    if not args.skip_export:
        bench_export(index_dir, args.repeat)
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
