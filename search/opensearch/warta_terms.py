"""Warta's analyzer as the export reads it: the one place this package touches search.analysis.

The OpenSearch chain is written from what Warta's analyzer does (its token pattern, normalisation,
stop words if any, protected words, learned names, the term of every word, and whether hyphenated
words are indexed as their parts plus the joined form), so everything the export needs from the
analyzer goes through IndexTerms. It follows both shapes of the analyzer: learned names held per
process (use_index_names) with a stop list, and one analyzer object per index (index_analyzer)
that keeps every word and splits hyphenated words that are not one root.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from search import analysis

# A word's terms: a str (one term at one position), or (width, ((term, offset), ...)) for a
# hyphenated word indexed as its parts plus its joined form; None for a stop word.
WordTerms = "str | tuple[int, tuple[tuple[str, int], ...]] | None"


class IndexTerms:
    """Warta's analysis as one index uses it, with the index's learned names."""

    def __init__(self, index_dir: str | Path):
        from search import indexer

        if hasattr(indexer, "index_analyzer"):  # one analyzer object per index
            self.analyzer = indexer.index_analyzer(index_dir)
            self.learned_names: frozenset[str] = frozenset(self.analyzer.names)
        else:  # names held per process: put the index's in force before any word is asked
            indexer.use_index_names(index_dir)
            self.analyzer = analysis.IndonesianAnalyzer()
            self.learned_names = frozenset(analysis.learned_names())
        self.splits_hyphenated = hasattr(self.analyzer, "word_terms")
        # A stop list is in use when the analyzer drops the commonest function word.
        dropped = not list(self.analyzer("yang"))
        self.stop_words: frozenset[str] = frozenset(analysis.stop_words()) if dropped else frozenset()
        self.token_pattern = analysis.TOKEN_PATTERN
        # Prefixes Warta takes off a hyphenated word ("di-update" is update, "se-Asia" asia).
        self.hyphenated_prefixes: frozenset[str] = frozenset(getattr(analysis, "_HYPHENATED_PREFIXES", ()))
        self.protected_words: frozenset[str] = analysis.protected_words()
        self.stem_corrections: dict[str, str] = analysis.stem_corrections()
        self._terms: dict[str, object] = {}

    def dictionary_roots(self) -> set[str]:
        """Return the stemmer's dictionary of roots (words Warta knows even where an index lacks them).

        An export gives them rules too, so that a new article's plain root words ("panen", "cabai")
        are not cut by Lucene's stemmer, which has no dictionary ("caba").
        """
        return set(analysis._sastrawi_stemmer().dictionary.words)  # the analyzer's own dictionary

    def normalise(self, surface: str) -> str:
        """Return the word as the analyzer stems it (lowercase, unified dashes and quotes, no accents)."""
        return analysis.normalise(surface)

    def word_terms(self, word: str):
        """Return the terms of a normalised word (see WordTerms)."""
        entry = self._terms.get(word, _UNSEEN)
        if entry is _UNSEEN:
            if word in self.stop_words:
                entry = None
            elif self.splits_hyphenated:
                entry = self.analyzer.word_terms(word)
            else:
                entry = analysis.stem(word)
            self._terms[word] = entry
        return entry

    def term(self, word: str) -> str | None:
        """Return the one index term of a normalised word, or None (a stop word, or a hyphenated word
        indexed as its parts)."""
        entry = self.word_terms(word)
        return entry if isinstance(entry, str) else None

    def words(self, text: str) -> Iterable[str]:
        """Yield the tokens of `text` as written, in order (what the analyzer splits it into)."""
        return self.token_pattern.findall(text)

    def analyze(self, text: str) -> list[tuple[int, str]]:
        """Return (position, term) for every term of `text`: Warta's analyzer itself."""
        return [(token.pos, token.text) for token in self.analyzer(text, positions=True)]

    def vocabulary(self, texts: Iterable[str]) -> set[str]:
        """Return the normalised words of these texts (the words an export gives rules for)."""
        surfaces: set[str] = set()
        for text in texts:
            surfaces.update(self.words(text))
        return {self.normalise(s) for s in surfaces}


_UNSEEN = object()
