"""Print what ingest makes of the raw samples, one block per file, for checking extraction quality by eye.

Usage: .venv/bin/python bench/ingest_check.py [PATH...]
(default: ../shared/data/raw_samples and ../shared/data/seed)
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from search.documents import to_article
from search.errors import RejectedRecord
from search.ingest import Rejection, read_inputs

DEFAULT_PATHS = [Path(__file__).resolve().parents[1].parent / "shared" / "data" / name for name in ("raw_samples", "seed")]


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or [p for p in DEFAULT_PATHS if p.exists()]
    if not paths:
        print("no input: pass paths, or put the development data at ../shared/data", file=sys.stderr)
        return 1
    started = time.perf_counter()
    articles = rejected = 0
    for item in read_inputs(paths):
        if isinstance(item, Rejection):
            rejected += 1
            print(f"REJECTED {item.origin}: {item.reason}\n")
            continue
        try:
            article = to_article(item.fields)
        except RejectedRecord as exc:
            rejected += 1
            print(f"REJECTED {item.origin}: {exc}\n")
            continue
        articles += 1
        first = article.content[:150].replace("\n", " ¶ ")
        print(f"== {Path(item.origin).name}")
        print(f"   title : {article.title}")
        print(f"   date  : {article.date.isoformat() if article.date else None}   source: {article.source}   "
              f"category: {article.category}   id: {article.id}")
        print(f"   url   : {article.url}")
        print(f"   length: {len(article.content)} chars, {article.content.count(chr(10) + chr(10)) + 1} paragraphs"
              + (f"   notes: {'; '.join(item.notes)}" if item.notes else ""))
        print(f"   text  : {first}")
        print(f"   end   : …{article.content[-120:]!r}\n")
    print(f"{articles} articles, {rejected} rejected in {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
