"""Warta's analyzer as the export reads it: the one place this package touches search.analysis.

The OpenSearch chain is written from what Warta's analyzer does (its token pattern, normalisation,
stop words, protected words, learned names and the term of every word), so everything the export
needs from the analyzer goes through IndexTerms. When the analyzer changes shape (an object per
index, no stop list, joined forms of hyphenated words), only this module follows it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from search import analysis


class IndexTerms:
    """Warta's analysis as one index uses it: its learned names in force for every word asked."""

    def __init__(self, index_dir: str | Path):
        from search.indexer import use_index_names

        # The analyzer keeps the learned names per process (for now); an index's terms were made
        # with its own, so they are put in force before any word is asked.
        use_index_names(index_dir)
        self.token_pattern = analysis.TOKEN_PATTERN
        self.stop_words: frozenset[str] = analysis.stop_words()
        self.learned_names: frozenset[str] = analysis.learned_names()
        self.protected_words: frozenset[str] = analysis.protected_words()
        self.stem_corrections: dict[str, str] = analysis.stem_corrections()
        self._terms: dict[str, str | None] = {}

    def dictionary_roots(self) -> set[str]:
        """Return the stemmer's dictionary of roots (words Warta knows even where an index lacks them).

        An export gives them rules too, so that a new article's plain root words ("panen", "cabai")
        are not cut by Lucene's stemmer, which has no dictionary ("caba").
        """
        return set(analysis._sastrawi_stemmer().dictionary.words)  # the analyzer's own dictionary

    def normalise(self, surface: str) -> str:
        """Return the word as the analyzer stems it (lowercase, unified dashes and quotes, no accents)."""
        return analysis.normalise(surface)

    def term(self, word: str) -> str | None:
        """Return the index term of a normalised word, or None when it is a stop word (not indexed)."""
        term = self._terms.get(word, _UNSEEN)
        if term is _UNSEEN:
            term = None if word in self.stop_words else analysis.stem(word)
            self._terms[word] = term
        return term

    def words(self, text: str) -> Iterable[str]:
        """Yield the tokens of `text` as written, in order (what the analyzer splits it into)."""
        return self.token_pattern.findall(text)

    def analyze(self, text: str) -> list[tuple[int, str]]:
        """Return (position, term) for every indexed token of `text`: Warta's analyzer itself."""
        analyzer = analysis.IndonesianAnalyzer()
        return [(token.pos, token.text) for token in analyzer(text, positions=True)]

    def vocabulary(self, texts: Iterable[str]) -> set[str]:
        """Return the normalised words of these texts (the words an export gives rules for)."""
        surfaces: set[str] = set()
        for text in texts:
            surfaces.update(self.words(text))
        return {self.normalise(s) for s in surfaces}


_UNSEEN = object()
