"""Did-you-mean corrections and search-box completions, both from the index's own vocabulary.

The vocabulary is the set of index terms of the title and body fields (roots, as the analyzer makes
them), or of an unstemmed text field when the schema has one (then completions are words as
written). Corrections prefer the smallest edit distance, then the most frequent term.
"""
from __future__ import annotations

import re

from search.analysis import IndonesianAnalyzer
from search.query import ParsedQuery

MIN_CORRECTION_DF = 2  # a "correction" seen in a single article is more likely a typo itself
MIN_COMPLETION_DF = 2  # in archives of 1,000+ articles; a word seen once there is often a typo
COMPLETION_SCAN = 400  # vocabulary entries read per field for one completion
_WORD_AT_END = re.compile(r"(\w[\w'-]*)$", re.UNICODE)


def vocabulary_fields(schema) -> tuple[str, ...]:
    """Return the fields whose terms make the vocabulary: unstemmed text fields if any, else title and content."""
    unstemmed = tuple(name for name in schema.names()
                      if isinstance(getattr(schema[name], "analyzer", None), IndonesianAnalyzer)
                      and not schema[name].analyzer.stemming)
    return unstemmed or tuple(name for name in ("title", "content") if name in schema)


def correct_word(snap, term: str) -> str | None:
    """Return the most likely index term for an unknown term: closest edit distance, then most frequent."""
    reader = snap.searcher.reader()
    if len(term) < 3 or not term.isalpha():
        return None
    for distance in (1, 2) if len(term) > 5 else (1,):
        candidates = set()
        for name in ("content", "title"):
            if name in reader.schema:
                candidates.update((name, t) for t in reader.terms_within(name, term, distance, prefix=1))
        best = None
        for name, candidate in candidates:
            if candidate == term:
                continue
            df = reader.doc_frequency(name, candidate)
            if df >= MIN_CORRECTION_DF and (best is None or (df, candidate) > best):
                best = (df, candidate)
        if best:
            return best[1]
    return None


def suggest_query(snap, parsed: ParsedQuery) -> str | None:
    """Return the query text with unknown words replaced by their likely correction, or None."""
    reader = snap.searcher.reader()
    changed = False
    parts = []
    for group in parsed.groups:
        shown = []
        for words in group:
            text = words.text
            if words.kind == "word" and len(words.terms) == 1:
                term = words.terms[0]
                known = any((name, term) in reader for name in ("title", "content"))
                if not known:
                    fixed = correct_word(snap, term)
                    if fixed:
                        text, changed = fixed, True
            if words.kind == "phrase":
                text = f'"{text}"'
            shown.append(f"{words.field}:{text}" if words.field else text)
        parts.append(" OR ".join(shown))
    parts += ["-" + w.text for w in parsed.excluded]
    return " ".join(parts) if changed else None


def complete(snap, prefix: str, limit: int = 8) -> list[str]:
    """Return up to `limit` completions of the text typed so far, the most frequent words first.

    Reads only the vocabulary entries that start with the last word typed (a bounded scan of the
    sorted term list), so a call costs a few milliseconds at any index size and needs no warm-up.
    """
    if not isinstance(prefix, str) or not prefix.strip() or limit < 1:
        return []
    prefix = prefix[:200]
    match = _WORD_AT_END.search(prefix.lower())
    if not match:
        return []
    start, head = match.group(1), prefix[:match.start()]
    reader = snap.searcher.reader()
    min_df = MIN_COMPLETION_DF if snap.documents >= 1000 else 1
    frequency: dict[str, int] = {}
    for name in vocabulary_fields(reader.schema):
        for index, term in enumerate(reader.expand_prefix(name, start)):
            if index >= COMPLETION_SCAN:
                break
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            if text.isdigit():
                continue
            df = reader.doc_frequency(name, text)
            if df >= min_df:
                frequency[text] = max(frequency.get(text, 0), df)
    ranked = sorted(frequency, key=lambda t: (-frequency[t], t))
    return [head + term for term in ranked[:limit]]
