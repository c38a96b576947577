"""Print how long Warta's analysis takes over a news corpus, against naive PySastrawi, in one run.

Usage: .venv/bin/python bench/stem_speed.py [../shared/data/news.jsonl.gz] [--limit N]

Three figures, each against the naive way (StemmerFactory().create_stemmer().stem per token):
  1. the distinct vocabulary: stem each distinct word once, cold caches;
  2. every token of every article through analysis.term_positions (what the indexer calls);
  3. the same through the Whoosh IndonesianAnalyzer (what queries and highlighting use).
"""
from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "news.jsonl.gz"


def read_texts(path: Path, limit: int | None) -> list[str]:
    """Return title + content of the first `limit` articles of a JSON-lines (.gz) corpus."""
    opener = gzip.open if path.suffix == ".gz" else open
    texts = []
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            article = json.loads(line)
            texts.append(f"{article.get('title') or ''}\n{article.get('content') or ''}")
            if limit and len(texts) >= limit:
                break
    return texts


def timed(function, *args):
    """Return (seconds, result) of one call."""
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=None, help="read only the first N articles")
    args = parser.parse_args()

    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    from search import analysis

    texts = read_texts(args.corpus, args.limit)
    tokens = [analysis.normalise(m.group()) for text in texts for m in analysis.TOKEN_PATTERN.finditer(text)]
    vocabulary = sorted(set(tokens))
    print(f"{len(texts)} articles, {len(tokens)} tokens, {len(vocabulary)} distinct words")

    naive = StemmerFactory().create_stemmer()  # built outside the timing, as ours is below
    analysis._sastrawi_stemmer()
    naive_vocab, _ = timed(lambda: [naive.stem(w) for w in vocabulary])
    analysis._stem_cache.clear()
    ours_vocab, _ = timed(lambda: [analysis.stem(w) for w in vocabulary])
    print(f"distinct vocabulary: warta {ours_vocab:.1f}s, naive {naive_vocab:.1f}s, "
          f"ratio {naive_vocab / ours_vocab:.1f}x")

    # Whole corpus, cold caches for us; the naive stemmer keeps its own result cache from above,
    # which is what it would have in a long indexing run.
    analysis._stem_cache.clear()
    analysis._term_cache.clear()
    naive_all, _ = timed(lambda: [naive.stem(t) for t in tokens])
    ours_fast, _ = timed(lambda: [analysis.term_positions(t) for t in texts])
    analyzer = analysis.IndonesianAnalyzer()
    ours_whoosh, _ = timed(lambda: [[tok.text for tok in analyzer(t, positions=True)] for t in texts])
    print(f"all tokens, naive stem() per token (its cache warm): {naive_all:.1f}s")
    print(f"all tokens, warta term_positions (cold caches): {ours_fast:.1f}s, ratio {naive_all / ours_fast:.1f}x")
    print(f"all tokens, warta IndonesianAnalyzer (warm caches): {ours_whoosh:.1f}s, "
          f"ratio {naive_all / ours_whoosh:.1f}x")


if __name__ == "__main__":
    main()
