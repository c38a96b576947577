"""Print how many words of the stemming gold list Warta's stem() and naive PySastrawi get right.

Usage: .venv/bin/python bench/stem_accuracy.py [--failures] [--heldout-failures] [--learned [CORPUS]]

The gold list is tests/data/stem_gold.txt; its held-out part (sha1(word) % 4 == 0) was never used
to write lexicon corrections, so its accuracy is reported separately, overall and per category.
--failures lists the development part's misses (what to fix next); held-out misses are only shown
on request.

What is measured is stem() of the lowercased word alone: the lexicon (corrections, protected
names, roots), our rules and Sastrawi. Running text gets one more guard at index and query time:
names the corpus mostly writes capitalised (CapitalisationCounter). --learned also reports the
figures with the names learned from a corpus (default ../shared/data/news.jsonl.gz) in use, so
each mechanism's share is visible; the tests only rely on the lexicon-only figures. For each
category it also prints which rule decided the right answers (explain()'s reason: "protected" is
the lexicon's name lists, "unchanged" means Sastrawi found nothing to cut, "stemmed" a real affix).

Read the development figures of the name categories with care: names the development part showed
wrong were added to lexicon/protected.txt, so there the held-out column is the honest figure.
"""
from __future__ import annotations

import hashlib
import sys
from collections import Counter
from pathlib import Path

GOLD = Path(__file__).resolve().parent.parent / "tests" / "data" / "stem_gold.txt"
DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "news.jsonl.gz"
_CATEGORY_LINE = "# category:"


def load_gold_entries(path: Path = GOLD) -> dict[str, tuple[str, str]]:
    """Return word -> (expected root, category) from a gold file.

    Lines are "word root"; "# category: NAME" starts a category; other # text is a comment. A word
    listed twice keeps its first entry.
    """
    entries: dict[str, tuple[str, str]] = {}
    category = "uncategorised"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(_CATEGORY_LINE):
            category = line[len(_CATEGORY_LINE):].strip()
            continue
        line = line.split("#", 1)[0].strip()
        if line:
            word, root = line.split()
            entries.setdefault(word, (root, category))
    return entries


def load_gold(path: Path = GOLD) -> dict[str, str]:
    """Return word -> expected root from a gold file (see load_gold_entries)."""
    return {word: root for word, (root, _) in load_gold_entries(path).items()}


def is_heldout(word: str) -> bool:
    """Return whether a gold word belongs to the held-out part."""
    return int(hashlib.sha1(word.encode("utf-8")).hexdigest(), 16) % 4 == 0


def misses(stem, gold: dict[str, str]) -> list[tuple[str, str, str]]:
    """Return (word, expected, got) for each gold word `stem` reduces wrongly."""
    return [(w, r, got) for w, r in gold.items() if (got := stem(w)) != r]


def accuracy(stem, gold: dict[str, str]) -> float:
    """Return the share of gold words `stem` reduces to the expected root."""
    return 1 - len(misses(stem, gold)) / len(gold) if gold else 1.0


def naive_stem():
    """Return PySastrawi used naively: the factory's whole-string stem() per word."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer().stem


def learned_names_from(corpus: Path) -> set[str]:
    """Return the names the indexer would learn from a JSON-lines corpus (titles and bodies)."""
    import gzip
    import json

    from search.analysis import CapitalisationCounter

    counter = CapitalisationCounter()
    opener = gzip.open if corpus.suffix == ".gz" else open
    with opener(corpus, "rt", encoding="utf-8") as lines:
        for line in lines:
            article = json.loads(line)
            counter.observe(article.get("title") or "")
            counter.observe(article.get("content") or "")
    return counter.learned_names()


def _report(label: str, stem, naive, gold: dict[str, str], categories: dict[str, str]) -> None:
    """Print overall, development, held-out and per-category accuracy of `stem` against naive."""
    dev = {w: r for w, r in gold.items() if not is_heldout(w)}
    heldout = {w: r for w, r in gold.items() if is_heldout(w)}
    print(f"== {label}")
    print(f"{'part':44s} {'words':>6s} {'warta':>7s} {'naive':>7s} {'held-out warta':>15s}")
    rows = [("all", gold), ("development", dev), ("held-out", heldout)]
    for category in sorted(set(categories.values())):
        rows.append((category, {w: r for w, r in gold.items() if categories[w] == category}))
    for name, part in rows:
        part_heldout = {w: r for w, r in part.items() if is_heldout(w)}
        print(f"{name[:44]:44s} {len(part):6d} {accuracy(stem, part):7.1%} {accuracy(naive, part):7.1%}"
              f" {accuracy(stem, part_heldout):9.1%} ({len(part_heldout)})")


def main(argv: list[str]) -> None:
    from search import analysis

    entries = load_gold_entries()
    gold = {w: r for w, (r, _) in entries.items()}
    categories = {w: c for w, (_, c) in entries.items()}
    naive = naive_stem()
    dev = {w: r for w, r in gold.items() if not is_heldout(w)}
    heldout = {w: r for w, r in gold.items() if is_heldout(w)}
    print(f"gold words: {len(gold)} (development {len(dev)}, held-out {len(heldout)}), "
          f"{len(set(categories.values()))} categories")
    _report("stem() of the lowercased word (lexicon + rules + Sastrawi; no learned names)",
            analysis.stem, naive, gold, categories)
    print("right answers by the rule that decided them (analysis.explain), per category:")
    for category in sorted(set(categories.values())):
        reasons = Counter(analysis.explain(w)[1] for w, r in gold.items()
                          if categories[w] == category and analysis.stem(w) == r)
        print(f"  {category[:44]:44s} " + ", ".join(f"{reason} {n}" for reason, n in reasons.most_common()))
    if "--learned" in argv:
        at = argv.index("--learned")
        corpus = Path(argv[at + 1]) if at + 1 < len(argv) and not argv[at + 1].startswith("-") \
            else DEFAULT_CORPUS
        names = learned_names_from(corpus)
        _report(f"with the {len(names)} names learned from {corpus.name} (index/query time)",
                analysis.IndonesianAnalyzer(names=names).stem, naive, gold, categories)
    shown = [("development", dev)] if "--failures" in argv else []
    if "--heldout-failures" in argv:
        shown.append(("held-out", heldout))
    for name, part in shown:
        for word, expected, got in misses(analysis.stem, part):
            print(f"  {name} miss [{categories[word]}]: {word}: expected {expected}, got {got}"
                  f" ({analysis.explain(word)[1]})")


if __name__ == "__main__":
    main(sys.argv[1:])
