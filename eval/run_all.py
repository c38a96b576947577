#!/usr/bin/env python3
"""Run every evaluation set against Warta and the three baselines; print one side-by-side table per set.

  python eval/run_all.py [--data ../shared/data] [--cache /tmp/warta-eval] [--tune] [--json] [--rebuild]
                         [--no-lucene]

Builds what is missing first: the generated sets (eval/build_sets.py, into eval/out/), a Warta index
per corpus and the baseline indexes beside it (under --cache; each is rebuilt when its input files
or Warta's indexing code change). Before each table it prints the `warta eval` command that gives
the same figures. --tune adds FacQA train+valid (the split to tune on; test is for reporting).
Without the development data it prints "data not found at ...: skipping" and exits 0. The Lucene
baseline needs a JDK and Lucene 8 (openjdk-17-jdk-headless, liblucene8-java): without them it stops
and says so; --no-lucene leaves that column out.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_sets import DEFAULT_DATA, DEFAULT_OUT, PROJECT, build_all, corpus_paths  # noqa: E402

JUDGED = PROJECT / "eval" / "judged"
DEFAULT_CACHE = Path("/tmp/warta-eval")


def evaluation_sets(out: Path, tune: bool = False) -> list[tuple[str, Path, Path, str]]:
    """Return (set name, topics, qrels, corpus name) for every set to run."""
    sets = [
        ("summary known-item (500)", out / "summary" / "topics.tsv", out / "summary" / "qrels.txt", "news"),
        ("FacQA valid+test (622)", out / "facqa" / "topics-valid+test.tsv", out / "facqa" / "qrels-valid+test.txt", "news+facqa"),
        ("FacQA test (311)", out / "facqa" / "topics-test.tsv", out / "facqa" / "qrels-test.txt", "news+facqa"),
    ]
    if tune:
        sets.append(("FacQA train+valid (2806)", out / "facqa" / "topics-train+valid.tsv",
                     out / "facqa" / "qrels-train+valid.txt", "news+facqa"))
    sets.append(("judged topics", JUDGED / "topics.tsv", JUDGED / "qrels.txt", "news"))
    return sets


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def corpus_index(data: Path, cache: Path, corpus: str, rebuild: bool = False) -> Path:
    """Return an up-to-date Warta index of one corpus under the cache folder, building it if needed."""
    from search.evaluate import ensure_warta_index

    started = time.perf_counter()
    index_dir, built = ensure_warta_index(corpus_paths(data, corpus), cache / corpus / "warta", rebuild=rebuild)
    if built:
        print(f"built the Warta index of corpus '{corpus}' in {time.perf_counter() - started:.0f}s: {index_dir}",
              file=sys.stderr)
    return index_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the development data folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where generated sets live")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where indexes are cached")
    parser.add_argument("--tune", action="store_true", help="also run FacQA train+valid")
    parser.add_argument("--json", action="store_true", help="print all figures as one JSON document")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the Warta indexes even if up to date")
    parser.add_argument("--no-lucene", dest="lucene", action="store_false", help="leave the Lucene baseline out")
    args = parser.parse_args(argv)
    if not (args.data / "news.jsonl.gz").exists():
        print(f"data not found at {args.data}: skipping")
        return 0

    from search.errors import WartaError
    from search.evaluate import evaluate, markdown_table

    if not (args.out / "summary" / "qrels.txt").exists() or not (args.out / "facqa" / "qrels-test.txt").exists():
        build_all(args.data, args.out)
    indexes: dict[str, Path] = {}
    report = []
    for name, topics, qrels, corpus in evaluation_sets(args.out, args.tune):
        if corpus not in indexes:
            indexes[corpus] = corpus_index(args.data, args.cache, corpus, rebuild=args.rebuild)
        index_dir = indexes[corpus]
        started = time.perf_counter()
        try:
            results = evaluate(topics, qrels, index_dir, compare=True, baseline_parent=index_dir.parent,
                               lucene=args.lucene)
        except WartaError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        command = (f"warta eval {_relative(topics)} {_relative(qrels)} --index {index_dir} --compare "
                   f"--baseline-dir {index_dir.parent}{'' if args.lucene else ' --no-lucene'}")
        report.append({"set": name, "command": command, "systems": [r.as_dict() for r in results]})
        if not args.json:
            print(f"\n## {name}  ({time.perf_counter() - started:.0f}s)\n\n    {command}\n")
            print(markdown_table(results), flush=True)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
