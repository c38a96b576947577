#!/usr/bin/env python3
"""Pool the top 10 of several systems for the judged topics, for a person to judge.

  python eval/pool.py [--data ../shared/data] [--cache /tmp/warta-eval] [--depth 10] [--out eval/out/judged]

Runs eval/judged/topics.tsv against Warta and the three baselines (both Whoosh BM25 ones and
Lucene's Indonesian analyzer; --no-lucene leaves it out) over the news corpus and writes
  pool.txt    per topic: every pooled article id (sorted by id, so the judge cannot see which
              system ranked it where) with its title, url and the first 400 characters (--excerpt) of its text;
  pool.qrels  the same ids as TREC qrels lines with relevance "?", ready to be filled in.
The output holds archive text, so it goes to eval/out/ (ignored by git), never into the project.
Judgments already in eval/judged/qrels.txt are shown next to each id, so re-pooling after a
ranking change only asks for the new articles.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_sets import DEFAULT_DATA, DEFAULT_OUT  # noqa: E402
from run_all import DEFAULT_CACHE, JUDGED, corpus_index  # noqa: E402

EXCERPT = 400


def pooled_ids(runs: dict[str, dict[str, list[str]]], depth: int) -> dict[str, list[str]]:
    """Return qid -> the union of every system's top `depth` ids, sorted."""
    pool: dict[str, set[str]] = {}
    for run in runs.values():
        for qid, ids in run.items():
            pool.setdefault(qid, set()).update(ids[:depth])
    return {qid: sorted(ids) for qid, ids in pool.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--depth", type=int, default=10)
    parser.add_argument("--excerpt", type=int, default=EXCERPT, help="characters of each article's text shown")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT / "judged")
    parser.add_argument("--no-lucene", dest="lucene", action="store_false", help="leave the Lucene baseline out")
    args = parser.parse_args(argv)
    if not (args.data / "news.jsonl.gz").exists():
        print(f"data not found at {args.data}: skipping")
        return 0

    from search.baselines import BASELINES, BaselineSearcher, ensure_baseline
    from search.evaluate import WartaSearcher, read_qrels, read_topics, run_topics
    from search.index import Index
    from search.lucene_baseline import LUCENE, LuceneSearcher, ensure_lucene_baseline

    topics = read_topics(JUDGED / "topics.tsv")
    judged = read_qrels(JUDGED / "qrels.txt") if (JUDGED / "qrels.txt").exists() else {}
    index_dir = corpus_index(args.data, args.cache, "news")
    with WartaSearcher(index_dir) as warta:
        runs = {"warta": run_topics(warta.search, topics)}
    for baseline in BASELINES:
        with BaselineSearcher(ensure_baseline(index_dir, baseline, index_dir.parent)) as searcher:
            runs[baseline.name] = run_topics(searcher.search, topics)
    if args.lucene:
        with LuceneSearcher(ensure_lucene_baseline(index_dir, index_dir.parent)) as searcher:
            runs[LUCENE.name] = run_topics(searcher.search, topics)
    pool = pooled_ids(runs, args.depth)
    index = Index.open(index_dir)
    args.out.mkdir(parents=True, exist_ok=True)
    new = 0
    with open(args.out / "pool.txt", "w", encoding="utf-8") as text, \
            open(args.out / "pool.qrels", "w", encoding="utf-8") as qrels:
        for qid, query in topics.items():
            text.write(f"\n##### {qid}: {query}  ({len(pool.get(qid, []))} pooled)\n")
            for doc_id in pool.get(qid, []):
                article = index.get(doc_id)
                known = judged.get(qid, {}).get(doc_id)
                new += known is None
                body = " ".join((article.content if article else "").split())[:args.excerpt]
                text.write(f"\n[{qid} {doc_id}] judged={'?' if known is None else known}\n"
                           f"  title: {article.title if article else ''}\n  url: {article.url if article else ''}\n"
                           f"  {body}\n")
                qrels.write(f"{qid} 0 {doc_id} {'?' if known is None else known}\n")
    total = sum(len(ids) for ids in pool.values())
    print(f"pooled {total} articles for {len(topics)} topics ({new} not judged yet): {args.out / 'pool.txt'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
