"""Did-you-mean corrections and search-box completions, both from the index's own vocabulary.

The vocabulary is the set of index terms of the title and body fields (roots, as the analyzer makes
them), or of an unstemmed text field when the schema has one (then completions are words as
written). Corrections prefer the smallest edit distance, then the most frequent term.
"""
from __future__ import annotations

import re

from search.analysis import TOKEN_PATTERN, IndonesianAnalyzer, normalise, plain_analyzer
from search.query import ParsedQuery

MIN_CORRECTION_DF = 2  # a "correction" seen in a single article is more likely a typo itself
MAX_ROOT_GUESSES = 10  # affix-stripped forms of a misspelt word looked up (each costs ~400 lookups)
MAX_CANDIDATE_ROOTS = 5  # index roots whose written forms are read for one correction
SURFACE_SAMPLE = 15  # articles read per root to learn how it is written
MIN_COMPLETION_DF = 2  # in archives of 1,000+ articles; a word seen once there is often a typo
COMPLETION_SCAN = 400  # vocabulary entries read per field for one completion
_WORD_AT_END = re.compile(r"(\w[\w'-]*)$", re.UNICODE)


def vocabulary_fields(schema) -> tuple[str, ...]:
    """Return the fields whose terms make the vocabulary: unstemmed text fields if any, else title and content."""
    unstemmed = tuple(name for name in schema.names()
                      if isinstance(getattr(schema[name], "analyzer", None), IndonesianAnalyzer)
                      and not schema[name].analyzer.stemming)
    return unstemmed or tuple(name for name in ("title", "content") if name in schema)


def edit_distance(a: str, b: str) -> int:
    """Return the Damerau-Levenshtein distance (adjacent swaps count one) between two short words."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


_PREFIXES = ("memper", "menge", "meny", "meng", "mem", "men", "me", "peny", "peng", "pem", "pen", "per", "pe",
             "ber", "be", "ter", "di", "ke", "se")
_NASAL_PREFIXES = (("mem", "p"), ("pem", "p"), ("men", "t"), ("pen", "t"), ("meng", "k"), ("peng", "k"),
                   ("meny", "s"), ("peny", "s"))
_SUFFIX_GUESSES = ("kannya", "annya", "nya", "kan", "an", "i")


def _root_guesses(word: str, analyzer: IndonesianAnalyzer | None = None) -> list[str]:
    """Return the word and what it might be without its affixes (a misspelt word defeats the stemmer)."""
    guesses = {word, (analyzer or plain_analyzer()).stem(word)}
    heads = [word] + [word[len(p):] for p in _PREFIXES if word.startswith(p) and len(word) - len(p) >= 4]
    # meN-/peN- replace the root's first letter: mem+ilih <- pilih, pen+ulis <- tulis, peng+irim <- kirim.
    heads += [first + word[len(p):] for p, first in _NASAL_PREFIXES if word.startswith(p) and len(word) - len(p) >= 3]
    for head in heads:
        guesses.add(head)
        guesses.update(head[:-len(s)] for s in _SUFFIX_GUESSES if head.endswith(s) and len(head) - len(s) >= 4)
    # Longest first: the fewer letters were taken off, the likelier the guess.
    return sorted((g for g in guesses if len(g) >= 3), key=lambda g: (-len(g), g))[:MAX_ROOT_GUESSES]


def _edits(word: str) -> set[str]:
    """Return every string one deletion, swap, replacement or insertion away from word."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in letters}
            | {a + c + b for a, b in splits for c in letters})


def _close_terms(snap, guess: str) -> list[tuple[int, str]]:
    """Return (document frequency, term) of body terms equal to guess or one edit away from it.

    Looking each edit up costs far less than Whoosh's Levenshtein automaton over the term file.
    """
    reader = snap.searcher.reader()
    found = []
    for term in {guess} | _edits(guess):
        if ("content", term) in reader:
            df = reader.doc_frequency("content", term)
            if df >= (MIN_CORRECTION_DF if snap.documents >= 1000 else 1):
                found.append((df, term))
    return found


def _surface_forms(snap, term: str, documents: int = SURFACE_SAMPLE) -> dict[str, int]:
    """Return how often each written word holding the root occurs in a few articles that have it.

    No stemming here (cold stemming costs milliseconds a word): any word of the articles that
    contains the root, bar its first letter, is a real written word and a fair candidate.
    """
    ids, _ = snap.postings("content", term)
    core = term[1:] if len(term) >= 4 else term
    forms: dict[str, int] = {}
    step = max(1, len(ids) // documents)  # spread over the archive: outlets and years write differently
    for doc in ids[::step][:documents].tolist():
        if not snap.live[doc]:
            continue
        for form in TOKEN_PATTERN.findall(snap.plain_text(doc)):  # normalised once, cached per snapshot
            if core in form:
                forms[form] = forms.get(form, 0) + 1
    return forms


def correct_word(snap, word: str) -> str | None:
    """Return the likeliest intended word for one the index does not know, as it is written in articles.

    Candidates are index terms (roots) close to the word or to what it might be without its affixes;
    their written forms are read from a few articles holding them, and the form closest to what
    was typed wins (then the most frequent). "kebakarn" -> root "bakar" -> "kebakaran".
    """
    word = normalise(word)
    if len(word) < 3 or not word.isalpha():
        return None
    terms: dict[str, int] = {}
    for guess in _root_guesses(word, getattr(snap, "analyzer", None)):
        snap.check_time()  # a long query of unknown words must not run past the search's time limit
        for df, term in _close_terms(snap, guess):
            terms[term] = max(terms.get(term, 0), df)
    best = None
    for term in sorted(terms, key=lambda t: -terms[t])[:MAX_CANDIDATE_ROOTS]:
        forms = _surface_forms(snap, term)
        forms.setdefault(term, 0)
        for form, count in forms.items():
            if abs(len(form) - len(word)) > 2:
                continue
            distance = edit_distance(word, form)
            if form != word and distance <= max(1, min(2, len(word) // 4)):
                key = (distance, -count, -terms[term], form)
                best = key if best is None or key < best else best
    return best[3] if best else None


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
                    fixed = correct_word(snap, words.text)
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
