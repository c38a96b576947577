"""Print the corpus words whose root looks wrong, to maintain search/lexicon/ (a reading aid).

Usage: .venv/bin/python bench/find_wrong_stems.py [CORPUS.jsonl.gz] [--top N] [--min-count C]

A wrong root is usually a rare word that happens to be in Sastrawi's dictionary ("lidi" for
penyelidikan, "gera" for gerakan), so this lists the frequent words whose root occurs fewer than
three times on its own in the corpus, most frequent first, with the reason explain() gives. Read
the list; for each wrong one add a correction (stem_corrections.txt), a missing root (roots.txt),
a trap root to drop (not_roots.txt) or a name (protected.txt). Never copy the gold list's held-out
words into the lexicon (tests/test_analysis_gold.py checks).
"""
from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "news.jsonl.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--top", type=int, default=300, help="how many suspects to print")
    parser.add_argument("--min-count", type=int, default=5, help="ignore words rarer than this")
    args = parser.parse_args()

    from search import analysis

    opener = gzip.open if args.corpus.suffix == ".gz" else open
    frequency: Counter[str] = Counter()
    with opener(args.corpus, "rt", encoding="utf-8") as lines:
        for line in lines:
            article = json.loads(line)
            text = f"{article.get('title') or ''}\n{article.get('content') or ''}"
            frequency.update(analysis.normalise(w) for w in analysis.TOKEN_PATTERN.findall(text))
    stops = analysis.stop_words()
    shown = 0
    for word, count in frequency.most_common():
        if count < args.min_count or shown >= args.top:
            break
        if word in stops or "-" in word:
            continue
        root, reason = analysis.explain(word)
        if reason == "stemmed" and frequency.get(root, 0) < 3:
            print(f"{count:6d}  {word} -> {root}")
            shown += 1


if __name__ == "__main__":
    main()
