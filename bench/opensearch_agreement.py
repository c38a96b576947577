#!/usr/bin/env python3
"""OpenSearch export on the news corpus: export time, and real Lucene's terms against Warta's.

    python bench/opensearch_agreement.py             # build (or reuse) the news index, export, compare
    python bench/opensearch_agreement.py --every 5   # compare every 5th article only (faster)
    python bench/opensearch_agreement.py --held-out  # also: index 80% of the corpus, compare on the other 20%

1. The whole corpus: build a Warta index of news.jsonl.gz, time `warta opensearch export` of it
   (issue 15: under 30 s), build the exported chain from template.json with Lucene's classes
   (search/opensearch/lucene_check.py) and compare every token position of the stored text with
   Warta's analyzer (issue 15: at least 99.5% identical).
2. --held-out: index the articles whose number is not a multiple of 5, export, and compare on the
   others: the agreement on text the export never saw, and on its words the vocabulary lacked.
Needs ../shared (WARTA_SHARED), a JDK and liblucene8-java (installed with apt-get when run as root).
Indexes are kept under --work (default: the temp folder) and reused on the next run.
"""
from __future__ import annotations

import argparse
import gzip
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("WARTA_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "data" / "news.jsonl.gz"


def build(corpus: Path, index_dir: Path) -> None:
    from search.indexer import build as build_index

    if (index_dir / "warta.json").exists():
        print(f"reusing the index at {index_dir}")
        return
    started = time.perf_counter()
    summary = build_index([corpus], index_dir, rebuild=True)
    print(f"built {index_dir}: {summary.documents} articles, {time.perf_counter() - started:.1f}s")


def measure(index_dir: Path, out: Path, texts_from: str | None, every: int, work: Path) -> None:
    from search.opensearch import export
    from search.opensearch.lucene_check import LuceneChain, compare, ensure_lucene, index_texts
    from search.opensearch.warta_terms import IndexTerms

    started = time.perf_counter()
    summary = export(index_dir, out)
    print(f"export: {summary.articles} articles, {len(summary.files)} bulk files, {summary.rules} rules, "
          f"{summary.keywords} keywords, {time.perf_counter() - started:.1f}s")
    terms = IndexTerms(index_dir)
    vocabulary = terms.vocabulary(index_texts(index_dir))
    texts = index_texts(texts_from or index_dir, every)
    lucene = LuceneChain(out, work / "java", jars=ensure_lucene())
    started = time.perf_counter()
    agreement = compare(terms, texts, lucene.analyze(texts), vocabulary)
    print(f"Lucene on {len(texts) // 2} articles ({time.perf_counter() - started:.1f}s): {agreement.summary()}")
    for (word, ours, theirs), count in agreement.differences.most_common(12):
        print(f"  {count:5d}  {word}: warta {ours}, lucene {theirs}")


def split_corpus(corpus: Path, work: Path) -> tuple[Path, Path]:
    """Write the corpus's lines into an 80% and a 20% file (every 5th line held out)."""
    kept, held = work / "news-80.jsonl", work / "news-20.jsonl"
    if not kept.exists():
        with gzip.open(corpus, "rt", encoding="utf-8") as lines, open(kept, "w", encoding="utf-8") as a, \
                open(held, "w", encoding="utf-8") as b:
            for number, line in enumerate(lines):
                (b if number % 5 == 0 else a).write(line)
    return kept, held


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--every", type=int, default=1, help="Compare every Nth article (default: all).")
    parser.add_argument("--held-out", action="store_true", help="Also measure on articles the index never held.")
    parser.add_argument("--held-out-only", action="store_true", help="Only the held-out measurement.")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "warta-opensearch-bench")
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"data not found: {CORPUS} (set WARTA_SHARED)")
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    if not args.held_out_only:
        print("== the corpus the index was built from")
        build(CORPUS, args.work / "news-index")
        measure(args.work / "news-index", args.work / "news-export", None, args.every, args.work)
    if args.held_out or args.held_out_only:
        print("== held out: index 80% of the corpus, compare on the other 20%")
        kept, held = split_corpus(CORPUS, args.work)
        build(kept, args.work / "news-80-index")
        build(held, args.work / "news-20-index")  # only for its cleaned, stored text
        measure(args.work / "news-80-index", args.work / "news-80-export", args.work / "news-20-index",
                args.every, args.work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
