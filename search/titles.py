"""Headlines for articles the archive gave no title: cased as the corpus writes its words.

A title Warta derives from a URL slug arrives all lowercase ("generasi muda partai golkar akan
klarifikasi ke ma soal setya novanto"). It is cased when it is read, from the capitalisation counts
the build keeps (INDEX/names.json), so the casing follows the whole archive as it grows, with no
rebuild:

- a word the corpus writes in capitals throughout, mid-sentence, is an acronym: "MA", "KPK";
- every other word gets a capital initial, as Indonesian headlines are written (PUEBI, the official
  spelling guide: each word of a title is capitalised except function words such as di, ke, dari,
  dan, yang, untuk that do not open it), so "ke" and "soal" stay lowercase;
- reduplicated words are capitalised in both halves ("Anak-Anak"), as PUEBI writes them in titles.

Title case rather than sentence case: it is what the outlets' own headlines use, and it needs no
guess about which words are names (every word but the function words is capitalised either way).
"""
from __future__ import annotations

import re

from search.analysis import CapitalisationCounter

# Function words (kata tugas) left lowercase inside a title: prepositions, conjunctions and particles.
FUNCTION_WORDS = frozenset(
    "di ke dari dan atau yang untuk pada dengan oleh dalam bagi tentang terhadap kepada daripada "
    "karena agar serta hingga sampai demi per soal sejak tanpa atas lah kah pun vs v".split())

_WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")


def is_acronym(word: str, counts: CapitalisationCounter) -> bool:
    """Return whether the corpus writes `word` (lowercase) in capitals more often than in any other way."""
    upper = counts.upper.get(word, 0)
    if upper == 0:
        return False
    others = counts.capitalised.get(word, 0) - upper + counts.lowercase.get(word, 0)
    return upper > others


def case_title(title: str, counts: CapitalisationCounter | None) -> str:
    """Return a derived (lowercase) title cased as a headline; words already capitalised keep their case."""
    counts = counts or CapitalisationCounter()
    first = True

    def cased(match: re.Match) -> str:
        nonlocal first
        word = match.group()
        opening, first = first, False
        if opening and word[1:] == word[1:].lower():
            word = word.lower()  # title_from_url capitalises the first letter: not the corpus's casing
        if word != word.lower():
            return word  # the source gave it a capital already ("Indonesia" in an old derived title)
        if is_acronym(word, counts):
            return word.upper()
        if not opening and word in FUNCTION_WORDS:
            return word
        if word[0].isdigit():
            return word  # "2018", "rp850"
        return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))

    return _WORD.sub(cased, title)
