"""Did-you-mean corrections and search-box completions, both from the index's own vocabulary.

The vocabulary is the set of index terms of the title and body fields (roots, as the analyzer makes
them), or of an unstemmed text field when the schema has one (then completions are words as
written). Corrections prefer the smallest edit distance, then the most frequent term.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter

from search.analysis import TOKEN_PATTERN, IndonesianAnalyzer, normalise, plain_analyzer
from search.query import ParsedQuery

MIN_CORRECTION_DF = 2  # a "correction" seen in a single article is more likely a typo itself
MAX_ROOT_GUESSES = 10  # affix-stripped forms of a misspelt word looked up (each costs ~400 lookups)
MAX_CANDIDATE_ROOTS = 5  # index roots whose written forms are read for one correction
SURFACE_SAMPLE = 15  # articles read per root to learn how it is written
MIN_COMPLETION_DF = 2  # in archives of 1,000+ articles; a word seen once there is often a typo
COMPLETION_SCAN = 400  # vocabulary entries read per field for one completion
# Words never offered as the next word after a space (they follow almost any word; typed, they still complete).
NEXT_WORD_SKIPPED = frozenset("yang di ke dari dan ini itu dengan untuk pada dalam akan juga atau oleh tidak "
                              "sudah telah karena bahwa adalah ada jadi saat se nya pun lagi kata bagi".split())
_WORD_AT_END = re.compile(r"(\w[\w'-]*)$", re.UNICODE)
PAIR_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")  # the words of the text typed, as phrases.WORD counts them


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


def suggest_query(snap, parsed: ParsedQuery, written=None) -> str | None:
    """Return the query text with unknown words replaced by their likely correction, or None.

    written(word) gives a corrected word as the corpus mostly writes it (capitals of names); the
    words the user typed are kept as typed.
    """
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
                        text, changed = (written(fixed) if written else fixed), True
            if words.kind == "phrase":
                text = f'"{text}"'
            shown.append(f"{words.field}:{text}" if words.field else text)
        parts.append(" OR ".join(shown))
    parts += ["-" + w.text for w in parsed.excluded]
    return " ".join(parts) if changed else None


def complete(snap, prefix: str, limit: int = 8, pairs=None, words=None, written=None) -> list[str]:
    """Return up to `limit` completions of the text typed so far, as words written in the archive.

    After a word, the phrases the archive holds: the words written right after it that start with
    what is being typed, in the most articles first (pairs: a phrases.PairTable; "kebakaran hu" ->
    "kebakaran hutan"; "kebakaran " -> its most frequent next words). For a first word, or when no
    pair matches, the archive's words with that start, most frequent first (words: a SurfaceWords),
    else the index's vocabulary (roots, for indexes built without word counts). written(word) gives
    a word with the capitals the archive mostly writes it with. Each is a bounded read: a few
    milliseconds at any index size.
    """
    if not isinstance(prefix, str) or not prefix.strip() or limit < 1:
        return []
    prefix = prefix[:200]
    lowered = prefix.lower()
    match = _WORD_AT_END.search(lowered)
    start, head = (match.group(1), prefix[:match.start()]) if match else ("", prefix)
    shown = written or (lambda word: word)
    min_df = MIN_COMPLETION_DF if snap.documents >= 1000 else 1
    previous = PAIR_WORD.findall(head.lower())
    if pairs and previous and (start or head[-1:].isspace()):
        if start:
            following = [word for word, _ in pairs.following(previous[-1], start, limit, min_df)]
        else:  # nothing typed yet after the space: the next words that make a phrase, not "di", "yang"
            following = [word for word, _ in pairs.following(previous[-1], "", limit * 4, min_df)
                         if word not in NEXT_WORD_SKIPPED and not word.isdigit()][:limit]
        if following:
            return [head + shown(word) for word in following]
    if not start:
        return []
    # Words in the most articles' titles and leads first (the pair table counts articles), then
    # other written words by how often the bodies use them (sentence starts are not counted there).
    counts = pairs.words_starting(start, limit * 4) if pairs else {}
    found = sorted((w for w, n in counts.items() if n >= min_df and not w.isdigit()), key=lambda w: (-counts[w], w))
    if words and len(found) < limit:
        found += [w for w in words.starting(start, limit, min_df) if w not in counts]
    if found:
        return [head + shown(word) for word in found[:limit]]
    reader = snap.searcher.reader()
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


class SurfaceWords:
    """The archive's words as written (lowercase), with how often each occurs, for completing a first word.

    From the capitalisation counts a build keeps for learned names (every word of every body
    line, capitalised or not), so no extra work at build time; sorted once, then read by prefix.
    """

    def __init__(self, capitalised, lowercase):
        counts = Counter(lowercase)
        counts.update(capitalised)
        self._counts = counts
        self._sorted = sorted(counts)

    def __bool__(self) -> bool:
        return bool(self._sorted)

    def counted(self, start: str) -> dict[str, int]:
        """Return {word: occurrences} of the words starting with `start` (a bounded scan)."""
        at = bisect_left(self._sorted, start)
        found = {}
        for word in self._sorted[at:at + COMPLETION_SCAN]:
            if not word.startswith(start):
                break
            found[word] = self._counts[word]
        return found

    def starting(self, start: str, limit: int, min_count: int = 1) -> list[str]:
        """Return up to `limit` words starting with `start`, most frequent first (a bounded scan)."""
        at = bisect_left(self._sorted, start)
        found = []
        for word in self._sorted[at:at + COMPLETION_SCAN]:
            if not word.startswith(start):
                break
            if not word.isdigit() and self._counts[word] >= min_count:
                found.append(word)
        found.sort(key=lambda w: (-self._counts[w], w))
        return found[:limit]
