"""Print how many words of the stemming gold list Warta's stem() and naive PySastrawi get right.

Usage: .venv/bin/python bench/stem_accuracy.py [--failures] [--heldout-failures]

The gold list is tests/data/stem_gold.txt; its held-out part (sha1(word) % 4 == 0) was never used
to write lexicon corrections, so its accuracy is reported separately. --failures lists the
development part's misses (what to fix next); held-out misses are only shown on request.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

GOLD = Path(__file__).resolve().parent.parent / "tests" / "data" / "stem_gold.txt"


def load_gold(path: Path = GOLD) -> dict[str, str]:
    """Return word -> expected root from a gold file (lines "word root", # comments)."""
    gold = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            word, root = line.split()
            gold[word] = root
    return gold


def is_heldout(word: str) -> bool:
    """Return whether a gold word belongs to the held-out part."""
    return int(hashlib.sha1(word.encode("utf-8")).hexdigest(), 16) % 4 == 0


def misses(stem, gold: dict[str, str]) -> list[tuple[str, str, str]]:
    """Return (word, expected, got) for each gold word `stem` reduces wrongly."""
    return [(w, r, got) for w, r in gold.items() if (got := stem(w)) != r]


def accuracy(stem, gold: dict[str, str]) -> float:
    """Return the share of gold words `stem` reduces to the expected root."""
    return 1 - len(misses(stem, gold)) / len(gold)


def naive_stem():
    """Return PySastrawi used naively: the factory's whole-string stem() per word."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer().stem


def main(argv: list[str]) -> None:
    from search.analysis import stem, stem_corrections

    gold = load_gold()
    dev = {w: r for w, r in gold.items() if not is_heldout(w)}
    heldout = {w: r for w, r in gold.items() if is_heldout(w)}
    # A few held-out words were corrected from the corpus scan before the gold list existed.
    unseen = {w: r for w, r in heldout.items() if w not in stem_corrections()}
    naive = naive_stem()
    print(f"gold words: {len(gold)} (development {len(dev)}, held-out {len(heldout)})")
    parts = (("all", gold), ("development", dev), ("held-out", heldout),
             (f"held-out without corrected words ({len(unseen)})", unseen))
    for name, part in parts:
        print(f"{name}: warta {accuracy(stem, part):.1%}, naive PySastrawi {accuracy(naive, part):.1%}")
    shown = [("development", dev)] if "--failures" in argv else []
    if "--heldout-failures" in argv:
        shown.append(("held-out", heldout))
    for name, part in shown:
        for word, expected, got in misses(stem, part):
            print(f"  {name} miss: {word}: expected {expected}, got {got}")


if __name__ == "__main__":
    main(sys.argv[1:])
