#!/usr/bin/env python3
"""Print Warta's figures on the tuning sets for one setting of the ranking parameters (never on FacQA test).

  python eval/tune.py [--set ranking.K1=1.4 --set index.SOFT_AND_MIN=0.6 ...] [--sample N] [--sets summary,facqa,judged]

Uses the cached evaluation indexes of eval/run_all.py (run it once first) and opens each once, so a
variant costs seconds to minutes. `--set module.NAME=VALUE` overrides a module constant of
`search.<module>` for this run (a dict entry with NAME[key]=VALUE). FacQA is its train+valid split
(a seeded sample of --sample questions unless 0); the test split is for reporting only.
"""
from __future__ import annotations

import argparse
import ast
import importlib
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_sets import DEFAULT_OUT, PROJECT  # noqa: E402

JUDGED = PROJECT / "eval" / "judged"
DEFAULT_CACHE = Path("/tmp/warta-eval")


def apply_setting(setting: str) -> None:
    """Set one module constant from 'module.NAME=VALUE' or 'module.NAME[key]=VALUE'."""
    target, _, value = setting.partition("=")
    module_name, _, name = target.partition(".")
    module = importlib.import_module(f"search.{module_name}")
    parsed = ast.literal_eval(value)
    if "[" in name:
        name, key = name.rstrip("]").split("[")
        getattr(module, name)[key] = parsed
    else:
        if not hasattr(module, name):
            raise SystemExit(f"search.{module_name} has no {name}")
        setattr(module, name, parsed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--set", action="append", default=[], help="module.NAME=VALUE override")
    parser.add_argument("--sample", type=int, default=800, help="FacQA train+valid questions (0 = all)")
    parser.add_argument("--sets", default="summary,facqa,judged")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    for setting in args.set:
        apply_setting(setting)

    from search.evaluate import WartaSearcher, read_qrels, read_topics, run_topics, score_run

    sets = {
        "summary": (args.out / "summary" / "topics.tsv", args.out / "summary" / "qrels.txt", "news"),
        "facqa": (args.out / "facqa" / "topics-train+valid.tsv", args.out / "facqa" / "qrels-train+valid.txt",
                  "news+facqa"),
        "judged": (JUDGED / "topics.tsv", JUDGED / "qrels.txt", "news"),
    }
    line = []
    for name in args.sets.split(","):
        topics_path, qrels_path, corpus = sets[name]
        topics, qrels = read_topics(topics_path), read_qrels(qrels_path)
        qids = sorted(qrels)
        if name == "facqa" and args.sample:
            qids = sorted(random.Random(20261125).sample(qids, min(args.sample, len(qids))))
        started = time.perf_counter()
        with WartaSearcher(args.cache / corpus / "warta") as searcher:
            run = run_topics(searcher.search, {qid: topics[qid] for qid in qids})
        figures = score_run(run, {qid: qrels[qid] for qid in qids}, "warta").figures
        line.append(f"{name}({len(qids)}) nDCG {figures['nDCG@10']:.3f} MRR {figures['MRR@10']:.3f} "
                    f"R@100 {figures['R@100']:.3f} [{time.perf_counter() - started:.0f}s]")
    print(" ".join(args.set) or "defaults", "|", " | ".join(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
