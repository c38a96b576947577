"""The Indonesian analyzer: tokenizer, stop words, stemming with PySastrawi, its caches and lexicon.

One analyzer serves indexing and queries, so a word always becomes the same index term.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Iterable, Iterator

from whoosh.analysis import Composable, Token

# Words, numbers, and words joined by hyphens or apostrophes: "anak-anak", "Jong-un", "COVID-19".
TOKEN_PATTERN = re.compile(r"\w+(?:[-‐'’]\w+)*", re.UNICODE)
_NEEDS_NO_STEM = re.compile(r"[^a-z-]")  # digits, other scripts, underscores: keep as written


def _lexicon_lines(name: str) -> list[str]:
    """Return the non-comment lines of a lexicon file shipped in search/lexicon/."""
    text = resources.files("search.lexicon").joinpath(name).read_text(encoding="utf-8")
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Return the stop list: Sastrawi's plus our own additions."""
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    words = set(StopWordRemoverFactory().get_stop_words())
    words.update(w.lower() for w in _lexicon_lines("stopwords.txt"))
    return frozenset(words)


@lru_cache(maxsize=1)
def stem_corrections() -> dict[str, str]:
    """Return word -> right root for words PySastrawi gets wrong (lexicon/stem_corrections.txt)."""
    corrections = {}
    for line in _lexicon_lines("stem_corrections.txt"):
        word, root = line.split()
        corrections[word.lower()] = root.lower()
    return corrections


@lru_cache(maxsize=1)
def protected_words() -> frozenset[str]:
    """Return names, places and acronyms that must never be stemmed (lexicon/protected.txt)."""
    return frozenset(w.lower() for w in _lexicon_lines("protected.txt"))


# Words this index's corpus mostly writes capitalised (names); set from the index by use_learned_names.
_learned_names: frozenset[str] = frozenset()
_stem_cache: dict[str, str] = {}
_sastrawi = None


def use_learned_names(words: Iterable[str]) -> None:
    """Protect these words from stemming too (the corpus mostly writes them capitalised)."""
    global _learned_names
    words = frozenset(w.lower() for w in words)
    if words != _learned_names:
        _learned_names = words
        _stem_cache.clear()


def _sastrawi_stemmer():
    """Return Sastrawi's per-word stemmer (not the cached whole-string one), built once per process."""
    global _sastrawi
    if _sastrawi is None:
        from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

        _sastrawi = StemmerFactory().create_stemmer().delegatedStemmer
    return _sastrawi


def stem(word: str) -> str:
    """Return the index root of one lowercase word, using the cache, lexicon and name guard."""
    root = _stem_cache.get(word)
    if root is None:
        root = _stem_uncached(word)
        _stem_cache[word] = root
    return root


def _stem_uncached(word: str) -> str:
    corrected = stem_corrections().get(word)
    if corrected is not None:
        return corrected
    if len(word) <= 3 or word in protected_words() or word in _learned_names or _NEEDS_NO_STEM.search(word):
        return word
    try:
        root = _sastrawi_stemmer().stem_word(word)
    except Exception:  # Sastrawi builds regexes from the word and raises re.error on some
        return word
    return root or word


def analyze(text: str) -> list[str]:
    """Return the index terms of `text`, in order: what indexing and queries see."""
    return [t.text for t in IndonesianAnalyzer()(text)]


class IndonesianAnalyzer(Composable):
    """Tokenize, lowercase, drop stop words and stem, in one pass.

    Lives at module top level under a stable name: Whoosh pickles it into the index schema. It
    holds no state, so the stemmer and its caches never ride along in the pickle.
    """

    def __init__(self, stemming: bool = True):
        self.stemming = stemming

    def __eq__(self, other):
        return type(other) is type(self) and other.stemming == self.stemming

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs) -> Iterator[Token]:
        stops = stop_words()
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        position = start_pos
        for match in TOKEN_PATTERN.finditer(value):
            original = match.group()
            word = original.lower().replace("’", "'").replace("‐", "-")
            token.stopped = word in stops
            if token.stopped and removestops:
                position += 1
                continue
            token.text = stem(word) if self.stemming and not token.stopped else word
            if keeporiginal:
                token.original = original
            token.boost = 1.0
            if positions:
                token.pos = position
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            position += 1
            yield token
