"""The Indonesian analyzer: tokenizer, stemming with PySastrawi, its caches and lexicon.

One analyzer object per index serves its indexing and its queries, so a word always becomes the
same index term there; it holds the names that index's corpus taught and its own caches. Every
word is indexed, function words included (lexicon/function_words.txt says which words queries
treat as optional).

Stemming is PySastrawi's per-word stemmer with a news-tuned dictionary (lexicon/roots.txt added,
lexicon/not_roots.txt removed, its infix rules off), behind our own lexicon: corrections for common
news words, protected names/places/acronyms, and names learned from the corpus (words it mostly
writes capitalised, see CapitalisationCounter). Each distinct word is stemmed once per analyzer.
"""
from __future__ import annotations

import bisect
import json
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from importlib import resources
from typing import Iterable, Iterator

from whoosh.analysis import Composable, Token

# Words, numbers, and words joined by hyphens or apostrophes: "anak-anak", "Jong-un", "COVID-19".
# Possessive: a separator is never a word character, so giving characters back could never make
# another match; not trying makes term_positions ~6% faster (the same tokens: see tests).
TOKEN_PATTERN = re.compile(r"\w++(?:[-‐'’]\w++)*+", re.UNICODE)
_NEEDS_NO_STEM = re.compile(r"[^a-z-]")  # digits, other scripts, apostrophes, underscores: keep as written
_CLITIC = "nya"  # the -nya clitic: "kinerjanya" is "kinerja" + -nya
_PREFIXES = frozenset(("", "ber", "be", "di", "ter", "te", "se", "ke", "me", "men", "mem", "meng", "pe",
                       "pen", "per", "diper", "memper", "mempe", "keber", "seper"))
_MIN_STEM_LENGTH = 4  # "ibu", "dpr", "uang": too short to carry an affix worth removing
# Sastrawi (without its infix rules) can only change a word that starts with one of these prefixes,
# ends with one of these suffixes or particles, or is hyphenated; any other word it returns as is,
# after trying ~40 regex rules three times. Checking this first skips it for most of a vocabulary.
_MAY_HAVE_AFFIX = re.compile(r"^(?:di|ke|se|be|te|me|pe|ku|ka|er)|-|(?:i|an|is|isme|lah|kah|tah|pun|ku|mu|nya)$")

# Bump when the code's rules change how words become terms (the lexicon files are hashed anyway).
_RULES_VERSION = "5"  # 5: every word indexed; hyphenated words as parts + joined form

# Sastrawi's infix rules (-el-, -em-, -er-, -in-) turn names and common words into rare roots
# (Temanggung -> tanggung, belahan -> bahan, menemani -> tani) far more often than news text
# uses a real infix (gemetar, gerigi); so they are switched off.
_INFIX_RULES = ("DisambiguatorPrefixRule37", "DisambiguatorPrefixRule38",
                "DisambiguatorPrefixRule39", "DisambiguatorPrefixRule40")

# Sastrawi's derivational suffixes without its loanword "-is": in news "-is" words are nouns and
# adjectives of their own (finalis, minimalis) or names (Boris, Denis, Lilis), and cutting it off
# also hides the real affixes of pelukis (lukis), sebaris (baris), penggaris (garis).
_DERIVATIONAL_SUFFIX = re.compile(r"(isme|isasi|i|kan|an)$")
# A bare -i / -an / -is ending on a short consonant-initial root is a name far more often than a
# derived word: Susan, Busan, Golan, Logan, Hakan, Nani, Dili are not sus, bus, gol, log, hak...
# (vowel-initial short roots are real: ujian, acuan, iuran, aduan, akui).
_NAME_LIKE_ENDINGS = ("i", "an", "is")
_SHORT_ROOT = 3
# Prefixes written with a hyphen before a loanword or name: "di-update", "men-support", "se-Asia".
_HYPHENATED_PREFIXES = frozenset(("di", "ke", "se", "ter", "ber", "me", "mem", "men", "meng", "meny",
                                  "peng", "pen", "pem", "per"))
_PARTICLES = ("lah", "kah", "tah", "pun")
_ROOT_ENDINGS = ("i", *_PARTICLES)


_LEXICON_FILES = ("stopwords.txt", "not_stopwords.txt", "function_words.txt", "stem_corrections.txt", "protected.txt",
                  "places_geonames.txt", "roots.txt", "not_roots.txt")


@lru_cache(maxsize=1)
def analysis_fingerprint() -> str:
    """Return a short hash of everything that decides index terms: the lexicon files and the rules.

    An index records it when built; if it differs when the index is opened, the index's terms no
    longer match what queries produce, and it should be rebuilt (warta index --rebuild).
    """
    import hashlib

    digest = hashlib.sha1(_RULES_VERSION.encode())
    for name in _LEXICON_FILES:
        digest.update(resources.files("search.lexicon").joinpath(name).read_bytes())
    return digest.hexdigest()[:12]


def _lexicon_lines(name: str) -> list[str]:
    """Return the non-comment, non-blank lines of a lexicon file shipped in search/lexicon/."""
    text = resources.files("search.lexicon").joinpath(name).read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


def _lexicon_words(name: str) -> frozenset[str]:
    """Return the lowercase words of a lexicon file, any number per line."""
    return frozenset(word.lower() for line in _lexicon_lines(name) for word in line.split())


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Return Sastrawi's stop list, plus lexicon/stopwords.txt, minus lexicon/not_stopwords.txt.

    No longer a stop list: every word is indexed. These frequent words are never learned as names,
    and a particle on one of them comes off ("itulah" is "itu"); stemming keeps its old results.
    """
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    words = set(StopWordRemoverFactory().get_stop_words())
    words.update(_lexicon_words("stopwords.txt"))
    return frozenset(words - _lexicon_words("not_stopwords.txt"))


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Return the true function words (lexicon/function_words.txt): indexed like every word, but
    optional in plain word queries (see search.query.make_function_words_optional)."""
    return _lexicon_words("function_words.txt")


@lru_cache(maxsize=1)
def _length_neutral_surfaces() -> frozenset[str]:
    """Return the written forms (lowercase, Capitalised, UPPER) of the words that do not count
    towards a text's length for ranking: Sastrawi's common words and the function words.

    Every word is indexed, but BM25's field lengths still count the other words only, as they did
    when these words were never indexed: how many function words a text has says little about how
    verbose it is, and counting them moved known-item answers down (summary set MRR@10 0.885 ->
    0.877 on the news corpus).
    """
    words = common_words() | function_words()
    return frozenset(form for word in words for form in (word, word.capitalize(), word.upper()))


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
    """Return names, places and acronyms that must never be stemmed (lexicon/protected.txt, and
    the GeoNames place names of lexicon/places_geonames.txt)."""
    return _lexicon_words("protected.txt") | _lexicon_words("places_geonames.txt")


_CACHE_LIMIT = 300_000  # entries per cache (~60 MB at most); 7,000 news articles have 84,000 distinct words
# The lexicon and Sastrawi's dictionary are read once per process and never change while it runs:
# shared by every analyzer. What differs per index (learned names) and what depends on it (the
# caches) lives on each IndonesianAnalyzer.
_sastrawi = None


def _sastrawi_stemmer():
    """Return Sastrawi's per-word stemmer with our dictionary and rules, built once per process."""
    global _sastrawi
    if _sastrawi is None:
        _sastrawi = _new_stemmer()
    return _sastrawi


def _new_stemmer(fast: bool = True):
    """Return a Sastrawi stemmer with our dictionary, without infix rules; `fast` swaps in plain
    string bookkeeping and prefix checks (same results, see tests) for Sastrawi's regex one."""
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    roots = {w for w in StemmerFactory().get_words() if w}
    roots -= _lexicon_words("not_roots.txt")
    roots |= _lexicon_words("roots.txt")
    stemmer = Stemmer(ArrayDictionary(sorted(roots)))
    provider = stemmer.visitor_provider
    for visitor in provider.suffix_visitors:
        if type(visitor).__name__ == "RemoveDerivationalSuffix":
            visitor.remove = lambda word: _DERIVATIONAL_SUFFIX.sub("", word, count=1)
    provider.prefix_visitors = [
        visitor for visitor in provider.prefix_visitors
        if not any(type(rule).__name__.startswith(_INFIX_RULES)
                   for rule in getattr(visitor, "disambiguators", ()))
    ]
    if fast:
        provider.suffix_visitors = [_plain_removal(v) for v in provider.suffix_visitors]
        provider.prefix_visitors = [_plain_removal(v) for v in provider.prefix_visitors]
        _prefix_visitors_skipped(stemmer)
    return stemmer


def _rule_prefix(rule_name: str) -> str | None:
    """Return the two letters every word a Sastrawi prefix rule can match starts with (None: any).

    Read off the rules' patterns: 1-5 be-/ber-, 6-9 and 35 te-/ter-, 10-19 me-, 20-34 and 36 pe-,
    41 ku-, 42 kau-.
    """
    number = re.search(r"\d+", rule_name)
    if number is None:
        return None
    number = int(number.group())
    for prefix, numbers in (("be", range(1, 6)), ("te", (6, 7, 8, 9, 35)), ("me", range(10, 20)),
                            ("pe", (*range(20, 35), 36)), ("ku", (41,)), ("ka", (42,))):
        if number in numbers:
            return prefix
    return None


def _plain_removal(visitor):
    """Return the visitor with Sastrawi's regex bookkeeping replaced by plain string operations.

    Sastrawi records each removed affix with re.sub(result, "", word): a fresh regex compiled from
    every intermediate word, which costs most of its time and raises re.error on words such as
    "*kami". Only [a-z-] words reach the stemmer, so str.replace gives the same removed part.
    """
    from Sastrawi.Stemmer.Context.Removal import Removal

    affix_type = {"RemoveInflectionalParticle": "P", "RemoveInflectionalPossessivePronoun": "PP",
                  "RemoveDerivationalSuffix": "DS", "RemovePlainPrefix": "DP"}.get(type(visitor).__name__)
    word_prefix = None  # the two letters every word this visitor can change starts with, if known
    if affix_type is not None:
        remove = visitor.remove

        def visit(context):
            word = context.current_word
            result = remove(word)
            if result != word:
                context.add_removal(Removal(visitor, word, result, word.replace(result, "", 1), affix_type))
                context.current_word = result
    elif hasattr(visitor, "disambiguators"):
        disambiguators = visitor.disambiguators
        prefix = word_prefix = _rule_prefix(type(disambiguators[0]).__name__) if disambiguators else None

        def visit(context):
            word = context.current_word
            if prefix is not None and not word.startswith(prefix):
                return  # every rule of this visitor starts with a prefix this word lacks
            contains = context.dictionary.contains
            result = None
            for disambiguator in disambiguators:
                result = disambiguator.disambiguate(word)
                if contains(result):
                    break
            if result is None:
                return
            context.add_removal(Removal(visitor, word, result, word.replace(result, "", 1), "DP"))
            context.current_word = result
    else:
        return visitor
    visitor.visit = visit  # an attribute on this instance only: other Sastrawi users are untouched
    visitor.word_prefix = word_prefix  # see _prefix_visitors_skipped
    return visitor


def _prefix_visitors_skipped(stemmer) -> None:
    """Make the stemmer try only the prefix rules whose prefix the current word has.

    Sastrawi tries each of its ~40 prefix visitors in turn, through a method call and three checks
    each, up to three times per removal attempt: most of its time per word. A visitor whose
    two-letter word prefix (see _plain_removal) the word lacks changes nothing, and the checks
    after it repeat the checks after the last visitor that ran; so only the visitors for the
    word's first two letters run (in Sastrawi's order), with the checks done up front when the
    first visitor is not among them, as Sastrawi would have done after it.
    """
    from Sastrawi.Stemmer.Context.Context import Context

    visitors = stemmer.visitor_provider.prefix_visitors
    prefixes = [getattr(visitor, "word_prefix", None) for visitor in visitors]
    if any(prefix is not None and len(prefix) != 2 for prefix in prefixes):
        return  # rules this shortcut was not written for: keep Sastrawi's loop
    for_start = {start: [v for v, p in zip(visitors, prefixes) if p is None or p == start]
                 for start in set(prefixes) - {None}}
    for_others = [v for v, p in zip(visitors, prefixes) if p is None]
    first = visitors[0] if visitors else None

    class SkippingContext(Context):
        def accept_prefix_visitors(self, visitors_given):
            if visitors_given is not visitors:
                return super().accept_prefix_visitors(visitors_given)
            removal_count = len(self.removals)
            contains = self.dictionary.contains
            word = self.current_word
            applicable = for_start.get(word[:2], for_others)
            if not applicable or applicable[0] is not first:
                if contains(word) or self.process_is_stopped:
                    return word
            for visitor in applicable:
                visitor.visit(self)
                if contains(self.current_word) or self.process_is_stopped:
                    return self.current_word
                if len(self.removals) > removal_count:
                    return None
                if self.current_word != word:  # a rule changed the word without a removal (none
                    # of Sastrawi's do): the rest must be chosen for the new word, as Sastrawi would
                    return super().accept_prefix_visitors(visitors[visitors.index(visitor) + 1:])
            return None

    dictionary, provider = stemmer.dictionary, stemmer.visitor_provider

    def stem_singular_word(word):
        context = SkippingContext(word, dictionary, provider)
        context.execute()
        return context.result

    stemmer.stem_singular_word = stem_singular_word  # this instance only


# Latin letters with accents (Latin-1, Extended-A/B, Vietnamese) and combining accents.
ACCENTED = re.compile("[\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f]")
_UNDECOMPOSED = str.maketrans({"đ": "d", "ø": "o", "ł": "l", "ı": "i"})  # letters NFKD leaves whole
_NON_ASCII_RUN = re.compile("[^\x00-\x7f]+")  # combining marks are never ASCII: the rest is skipped in C


def _without_combining(run: re.Match) -> str:
    return "".join(ch for ch in run.group() if not unicodedata.combining(ch))


def normalise(surface: str) -> str:
    """Return the lowercase word the analyzer stems for a token as written (unified dashes and quotes,
    accents dropped: people type "jose mourinho" and "kafe" for José Mourinho and kafé)."""
    word = surface.lower()
    if word.isascii():
        return word
    word = word.replace("’", "'").replace("‐", "-")
    if ACCENTED.search(word):
        # (Also whole articles, for ranking and spelling: only their non-ASCII runs are looked at.)
        word = _NON_ASCII_RUN.sub(_without_combining, unicodedata.normalize("NFKD", word))
        word = word.translate(_UNDECOMPOSED)
    return word


class TermsAhead:
    """Index terms of words as written, worked out with no learned names in use (in the build's
    helper process, while the names are still being counted), and what each one owes to names.

    A word's terms depend on the learned names only through the words explain() looks up among
    them on the way (the word itself, the part after "se-", the base before -nya, the parts of a
    hyphenated word...); explain records those, and IndonesianAnalyzer.prime_term_cache re-works
    only the words whose look-ups hit a learned name.
    """

    def __init__(self):
        self.terms: dict[str, TokenTerms] = {}            # word as written -> its terms (see token_terms)
        self.looked_up: dict[str, tuple[str, ...]] = {}  # word -> names it looked up, unless just itself
        self._analyzer = IndonesianAnalyzer()             # no names; this process's only (not sent)

    def __len__(self) -> int:
        return len(self.terms)

    def __getstate__(self) -> dict:
        return {"terms": self.terms, "looked_up": self.looked_up}

    def __setstate__(self, state: dict) -> None:
        self.__init__()
        self.terms, self.looked_up = state["terms"], state["looked_up"]

    def add_text(self, text: str) -> None:
        """Work out the terms of every word of `text` not seen yet."""
        terms, analyzer = self.terms, self._analyzer
        for surface in TOKEN_PATTERN.findall(text):
            if surface in terms:
                continue
            word = normalise(surface)
            looked_up: list[str] = []
            terms[surface] = analyzer.word_terms(word, looked_up)
            if looked_up != [word]:
                self.looked_up[word] = tuple(looked_up)


# The terms of one token: a str when it is one term at one position (nearly every token), else
# (width, ((term, offset), ...)) for a hyphenated word that is not one root ("e-money": e at
# offset 0, money at 1, and the joined form emoney at 0; width 2 positions).
TokenTerms = "str | tuple[int, tuple[tuple[str, int], ...]]"


class IndonesianAnalyzer(Composable):
    """Tokenize, lowercase and stem, in one pass, every word kept, with one index's learned names.

    One object per index: the Index and the build make it with the names the index's corpus
    taught (learned_names) and pass it on, and it keeps its own stem and term caches, so two
    indexes in one process never share names. Whoosh pickles the schema, analyzers included,
    into the index at every commit: __getstate__ keeps only `stemming` (names and caches never
    ride along; Index.open attaches the index's own analyzer to the schema it reads). Lives at
    module top level under a stable name for the same reason.

    Hyphenated words that are not one root ("e-money", "Jong-un", "COVID-19"; not "anak-anak"
    nor "di-update", which stem to one root) are indexed as their parts at consecutive positions
    plus the joined form at the first part's position, so "jong un", "jong-un", "emoney" and
    "e-money" meet (see token_terms).
    """

    def __init__(self, stemming: bool = True, names: Iterable[str] = ()):
        self.stemming = stemming
        self.names: frozenset[str] = frozenset(normalise(w) for w in names)
        self._stems: dict[str, str] = {}
        # Surface form as written -> its terms: term_positions' fast path.
        self._terms: dict[str, object] = {}
        # Entries per cache before it is emptied. A build wants the whole vocabulary; a server's
        # analyzer (search.index) takes a smaller bound: it re-analyses the text of every hit it
        # shows, so its caches would otherwise grow with every article shown, for hours.
        self.cache_limit = _CACHE_LIMIT

    def __getstate__(self) -> dict:
        return {"stemming": self.stemming}

    def __setstate__(self, state: dict) -> None:
        self.__init__(stemming=state.get("stemming", True))

    def __eq__(self, other):
        return type(other) is type(self) and other.stemming == self.stemming

    def __repr__(self) -> str:
        return f"IndonesianAnalyzer(stemming={self.stemming}, names={len(self.names)})"

    def with_names(self, names: Iterable[str]) -> "IndonesianAnalyzer":
        """Return a new analyzer like this one protecting `names` (its own, empty caches)."""
        return IndonesianAnalyzer(self.stemming, names)

    # -- single words -------------------------------------------------------------------------

    def stem(self, word: str) -> str:
        """Return the index root of one lowercase word, using the cache, lexicon and name guard."""
        root = self._stems.get(word)
        if root is None:
            root = self.explain(word)[0]
            if len(self._stems) >= self.cache_limit:
                self._stems.clear()  # bounded memory; a news vocabulary fits many times over
            self._stems[word] = root
        return root

    def explain(self, word: str, looked_up: list[str] | None = None) -> tuple[str, str]:
        """Return (root, reason) for one lowercase word; reason says which rule decided the root.

        looked_up: when given, every word looked up among the learned names on the way is appended
        (what the root may owe to names, see TermsAhead).

        Reasons: "correction", "protected", "learned name", "kept (digits/symbols)", "kept (short)",
        "stemmed", "unchanged" (Sastrawi found no affix), "kept (name-like ending)" (a short root
        plus -i/-an/-is: Susan, Busan), "kept (stemmer error)", "kept (unstemmed field)".
        """
        if not self.stemming:
            return word, "kept (unstemmed field)"
        corrected = stem_corrections().get(word)
        if corrected is not None:
            return corrected, "correction"
        if word in protected_words():
            return word, "protected"
        if looked_up is not None:
            looked_up.append(word)
        if word in self.names:
            return word, "learned name"
        return _explain_unnamed(self, word, looked_up)

    def word_terms(self, word: str, looked_up: list[str] | None = None):
        """Return the terms of one normalised token (TokenTerms: a str, or (width, (term, offset)s)).

        A hyphenated word whose root keeps its hyphen is no single root: its parts and its joined
        form are indexed instead ("e-money" -> e@0 emoney@0 money@1), so that hyphenated, spaced
        and joined spellings meet. Reduplication ("anak-anak" -> anak) and hyphenated prefixes
        ("di-update" -> update) stem to one root and stay one term.
        """
        root = self.explain(word, looked_up)[0]
        if "-" not in root or not self.stemming:
            return root
        parts = [part for part in word.split("-") if part]
        if len(parts) < 2:
            return root
        # The parts in order, then the joined form (query parsing reads them in this order).
        terms = [(self.explain(part, looked_up)[0], offset) for offset, part in enumerate(parts)]
        joined = self.explain("".join(parts), looked_up)[0]
        if joined != terms[0][0]:
            terms.append((joined, 0))
        return (len(parts), tuple(terms))

    def token_terms(self, surface: str):
        """Return the terms of one token as written (cached; see word_terms)."""
        entry = self._terms.get(surface)
        if entry is None:
            entry = self.word_terms(normalise(surface))
            if len(self._terms) >= self.cache_limit:
                self._terms.clear()  # bounded memory: numbers and typos never stop coming
            self._terms[surface] = entry
        return entry

    def width(self, surface: str) -> int:
        """Return how many positions one token as written takes (2 for "e-money", else mostly 1)."""
        if "-" not in surface and "‐" not in surface:
            return 1
        entry = self.token_terms(surface)
        return 1 if entry.__class__ is str else entry[0]

    # -- whole texts --------------------------------------------------------------------------

    def term_positions(self, text: str) -> dict[str, list[int]]:
        """Return index term -> word positions in `text`, exactly as __call__ indexes them."""
        return self.terms_and_length(text)[0]

    def terms_and_length(self, text: str) -> tuple[dict[str, list[int]], int]:
        """Return (index term -> word positions, length for ranking) of `text`.

        The length counts positions but not the common and function words (see
        _length_neutral_surfaces). The indexer's fast path: no Token objects, and a cache from
        each word as written to its terms.
        """
        surfaces = TOKEN_PATTERN.findall(text)
        cached = self._terms.get
        entry_of = self.token_terms
        positions: dict[str, list[int]] = {}
        known = positions.get
        position = 0
        for surface in surfaces:
            entry = cached(surface)
            if entry is None:
                entry = entry_of(surface)
            if entry.__class__ is str:
                found = known(entry)
                if found is None:
                    positions[entry] = [position]
                else:
                    found.append(position)
                position += 1
                continue
            width, terms = entry
            for term, offset in terms:
                found = known(term)
                at = position + offset
                if found is None:
                    positions[term] = [at]
                elif found[-1] < at:
                    found.append(at)
                elif at not in found:  # a term twice in one word ("x-y-x"): positions stay sorted
                    bisect.insort(found, at)
            position += width
        return positions, position - sum(map(_length_neutral_surfaces().__contains__, surfaces))

    def analyze(self, text: str) -> list[str]:
        """Return the index terms of `text`, in order: what indexing and queries see."""
        return [t.text for t in self(text)]

    def prime_term_cache(self, ahead: TermsAhead) -> int:
        """Put the terms worked out ahead into this analyzer's term cache, with its names; return how
        many were added. Processes forked afterwards share the cache instead of each building its
        own; words whose look-ups hit a learned name are worked out again here."""
        names, looked_up, cache = self.names, ahead.looked_up, self._terms
        room = _CACHE_LIMIT - len(cache)
        added = 0
        for surface, terms in ahead.terms.items():
            if added >= room:
                break
            if surface in cache:
                continue
            if names:
                word = normalise(surface)
                if not names.isdisjoint(looked_up.get(word, (word,))):
                    terms = self.word_terms(word)
            cache[surface] = terms
            added += 1
        return added

    def clear(self) -> None:
        """Forget the cached stems and terms (the names stay)."""
        self._stems.clear()
        self._terms.clear()

    # -- Whoosh's analyzer protocol -------------------------------------------------------------

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        position = start_pos
        if not tokenize:  # Whoosh wants the whole value as one term (range query endpoints)
            matches = [_WholeValue(value)]
        else:
            matches = TOKEN_PATTERN.finditer(value)
        for match in matches:
            original = match.group()
            entry = self.token_terms(original)
            if entry.__class__ is str:
                width, terms = 1, ((entry, 0),)
            else:
                width, terms = entry
            for term, offset in terms:
                token.stopped = False
                token.text = term
                if keeporiginal:
                    token.original = original
                token.boost = 1.0
                if positions:
                    token.pos = position + offset
                if chars:
                    token.startchar = start_char + match.start()
                    token.endchar = start_char + match.end()
                yield token
            position += width


_plain = None


def plain_analyzer() -> IndonesianAnalyzer:
    """Return this process's analyzer with no learned names (for tools and tests; never changed)."""
    global _plain
    if _plain is None:
        _plain = IndonesianAnalyzer()
    return _plain


def stem(word: str) -> str:
    """Return the root of one lowercase word with no learned names (see IndonesianAnalyzer.stem)."""
    return plain_analyzer().stem(word)


def explain(word: str, looked_up: list[str] | None = None) -> tuple[str, str]:
    """Return (root, reason) for one lowercase word with no learned names (IndonesianAnalyzer.explain)."""
    return plain_analyzer().explain(word, looked_up)


def analyze(text: str, analyzer: IndonesianAnalyzer | None = None) -> list[str]:
    """Return the index terms of `text`, in order (with `analyzer`'s names, by default none)."""
    return (analyzer or plain_analyzer()).analyze(text)


def term_positions(text: str, analyzer: IndonesianAnalyzer | None = None) -> dict[str, list[int]]:
    """Return index term -> positions in `text` (with `analyzer`'s names, by default none)."""
    return (analyzer or plain_analyzer()).term_positions(text)


def _explain_unnamed(analyzer: IndonesianAnalyzer, word: str, looked_up: list[str] | None) -> tuple[str, str]:
    """Return (root, reason) for a word that is no correction, protected word or learned name."""
    explain = analyzer.explain
    if _NEEDS_NO_STEM.search(word):
        return word, "kept (digits/symbols)"
    if len(word) < _MIN_STEM_LENGTH:
        return word, "kept (short)"
    prefix, dash, rest = word.partition("-")
    if dash and prefix in _HYPHENATED_PREFIXES and rest.isalpha() and rest != prefix:
        return explain(rest, looked_up)[0], "stemmed"  # "di-update" is "update", "se-Asia" is "asia"
    if word.startswith("ketidak") and word.endswith("an") and len(word) > 11:
        # ke-tidak-X-an: "ketidakadilan" is adil, "ketidakpastian" pasti; Sastrawi has no such confix
        return explain(word[7:-2], looked_up)[0], "stemmed"
    stemmer = _sastrawi_stemmer()
    if (word.endswith(_PARTICLES) and word[:-3] in common_words()
            and (word in common_words() or not stemmer.dictionary.contains(word))):
        return word[:-3], "stemmed"  # "bukankah", "itulah": a particle on a function word
    base = _clitic_base(word)
    if base is not None and not stemmer.dictionary.contains(word):
        # The -nya clitic comes off first, and the rest is stemmed as the word it is: Sastrawi's
        # own order misses the confix of "pemakainya" (-> maka) and any root for "kinerjanya",
        # and the base's correction or protection applies ("penyelidikannya", "jokowinya").
        root, reason = explain(base, looked_up)
        return root, "stemmed" if reason == "unchanged" else reason
    if not _MAY_HAVE_AFFIX.search(word):
        return word, "unchanged"
    try:
        root = stemmer.stem_word(word)
    except Exception:  # Sastrawi builds regexes from the word and raises re.error on some
        return word, "kept (stemmer error)"
    if (len(root) <= _SHORT_ROOT and root[:1] not in "aeiou" and word.startswith(root)
            and word[len(root):] in _NAME_LIKE_ENDINGS):
        return word, "kept (name-like ending)"
    for ending in _ROOT_ENDINGS:
        if word.endswith(root + ending) and stemmer.dictionary.contains(root + ending):
            # Sastrawi cut off an -i or particle that belongs to the root: disekolah is sekolah,
            # not seko; bersimpati simpati; sesekali sekali; masalah stays masalah.
            root += ending
            break
    if not root or root == word:
        base = _clitic_base(word, min_length=_MIN_STEM_LENGTH)
        if base is not None and not stemmer.dictionary.contains(word):  # no root for the whole word, but "bandnya", "game-nya" are still -nya forms
            return explain(base, looked_up)[0], "stemmed"
        return word, "unchanged"
    return root, "stemmed"


def _clitic_base(word: str, min_length: int = 5) -> str | None:
    """Return the word without its -nya clitic ("kinerjanya", "twitter-nya"), or None.

    Only for bases of min_length letters or more and not hyphenated ("tanya-tanya", "anak-anaknya"
    are Sastrawi's to handle); short ones ("dipunya") too easily end in "nya" by chance.
    """
    if not word.endswith(_CLITIC):
        return None
    base = word[: -len(_CLITIC)]
    base = base[:-1] if base.endswith("-") else base
    if len(base) < min_length or "-" in base:
        return None
    for root in _roots_ending_in_clitic():
        if word.endswith(root) and word[: -len(root)] in _PREFIXES:
            return None  # "bertanya", "dipunyai": the "nya" belongs to the root
    return base


@lru_cache(maxsize=1)
def _roots_ending_in_clitic() -> tuple[str, ...]:
    """Return the dictionary roots that end in "nya" themselves (tanya, punya, hanya, nyonya...)."""
    return tuple(sorted(w for w in _sastrawi_stemmer().dictionary.words if w.endswith(_CLITIC)))


class _WholeValue:
    """A stand-in for a regex match covering a whole value (IndonesianAnalyzer with tokenize=False)."""

    def __init__(self, value: str):
        self.value = value

    def group(self) -> str:
        return self.value

    def start(self) -> int:
        return 0

    def end(self) -> int:
        return len(self.value)


# --- Learning names from the corpus -------------------------------------------------------------

# A word written capitalised mid-sentence: right after a letter, digit, comma or closing bracket and
# spaces. After . ! ? : a quote, an opening bracket, a dateline dash ("JAKARTA - Polisi") or at a line
# start, a capital is forced by the sentence and says nothing about the word.
# A counted word is a whole run of [\w'-] characters: letters, with single ' or - between letters.
# Both patterns are written for speed (observing is a large share of a build's CPU), and match
# exactly what their plain forms would:
#   capitalised: (?<=[\w,)\]])[ \t]+([A-ZÀ-ÖØ-Þ][^\W\d_]*(?:['-][^\W\d_]+)*)(?![\w'-])
#   lowercase:   (?<![\w'-])[a-zß-öø-ÿ][^\W\d_]*(?:['-][^\W\d_]+)*(?![\w'-])
# - They open with a character class (not a lookbehind), which lets the regex engine jump from one
#   candidate character to the next; the lookbehind, moved after that first character, checks the
#   character before it ("." always matches the space, tab or letter just read).
# - Most words are plain ASCII: "[a-z]*+" followed by the end of the run takes them without the
#   slower Unicode letter test; any other word falls to the general branch. Both branches end where
#   the run of [\w'-] ends, so a word matches the same span either way.
_CAPITALISED_MID_SENTENCE = re.compile(
    r"[ \t](?<=[\w,)\]].)[ \t]*"
    r"([A-ZÀ-ÖØ-Þ](?:[a-z]*+(?![\w'-])|[^\W\d_]*(?:['-][^\W\d_]+)*(?![\w'-])))")
_LOWERCASE_WORD = re.compile(
    r"[a-zß-öø-ÿ](?<![\w'-].)(?:[a-z]*+(?![\w'-])|[^\W\d_]*(?:['-][^\W\d_]+)*(?![\w'-]))")
_TITLE_LINE_MAX_CHARS = 250  # headlines are short; a long line is body text

class CapitalisationCounter:
    """Counts, per lowercase word, how often a corpus writes it capitalised mid-sentence vs lowercase.

    Words the corpus mostly writes capitalised where a capital is not forced (not at a sentence
    start, not in a title-case or all-caps line) are names: "Bekasi", "Susi", "Jokowi". The indexer
    observes every article, stores the counter as JSON in the index folder, and passes
    learned_names() to the IndonesianAnalyzer of the index at build and query time.
    """

    # Words counted at most (about 110 bytes each): a news vocabulary keeps growing with the archive
    # (typos, rare names), so a counter fed a whole huge archive prunes its rarest words; 7,000
    # news articles have some 90,000 distinct words, so a typical build never prunes.
    MAX_WORDS = 400_000

    def __init__(self, max_words: int | None = None):
        self.capitalised: Counter[str] = Counter()
        self.lowercase: Counter[str] = Counter()
        # Of the capitalised sightings, those in capitals throughout ("KPK", "MA"): acronyms, which a
        # title made from a URL slug writes that way (search.titles).
        self.upper: Counter[str] = Counter()
        self.max_words = max_words or self.MAX_WORDS

    def observe(self, text: str) -> None:
        """Count the words of one text (title or body)."""
        lowercase: list[str] = []
        body: list[str] = []  # the lines that are not headlines
        for line in text.replace("’", "'").replace("‐", "-").splitlines():
            if not line:
                continue  # paragraph breaks: half the lines of a news text, and no words
            words = _LOWERCASE_WORD.findall(line)
            if (len(line) <= _TITLE_LINE_MAX_CHARS and not _too_lowercase_for_title(line, words)
                    and _is_title_line(line)):
                continue
            lowercase += words
            body.append(line)
        # One update per text: Counter counts a list in C. Neither pattern matches across a line
        # break, so the capitalised words of the body lines joined are those of each line.
        self.lowercase.update(lowercase)
        capitalised = _CAPITALISED_MID_SENTENCE.findall("\n".join(body))
        if capitalised:
            # One lower() for all words: the words hold no line break, and a line break ends the
            # context that lower() reads around a capital sigma just as a string's end does.
            self.capitalised.update("\n".join(capitalised).lower().split("\n"))
            acronyms = [w.lower() for w in capitalised if len(w) > 1 and w.isupper()]
            if acronyms:
                self.upper.update(acronyms)
        if len(self.lowercase) + len(self.capitalised) > self.max_words:
            self.prune()

    def prune(self) -> None:
        """Forget the rarest words until the counter holds at most 3/4 of max_words.

        Words seen once go first (then twice, ...), lowercase-only words before capitalised ones:
        a word written lowercase once and never capitalised cannot become a name, and a name that
        loses one early sighting is still learned once it is seen min_count more times.
        """
        target = self.max_words * 3 // 4
        rare = 1
        while True:
            for counter, keep in ((self.lowercase, self.capitalised), (self.capitalised, ())):
                excess = len(self.lowercase) + len(self.capitalised) - target
                if excess <= 0:
                    return
                doomed = [w for w, n in counter.items() if n <= rare and w not in keep][:excess]
                for word in doomed:
                    del counter[word]
                    self.upper.pop(word, None)
            rare *= 2

    def merge(self, other: "CapitalisationCounter") -> None:
        """Add another counter's counts to this one (from another worker or batch)."""
        self.capitalised.update(other.capitalised)
        self.lowercase.update(other.lowercase)
        self.upper.update(other.upper)

    def learned_names(self, min_count: int = 3, min_ratio: float = 0.9) -> set[str]:
        """Return the words written capitalised at least min_count times and min_ratio of the time.

        The ratio is high because Indonesian capitalises common words inside names of offices
        ("Pemerintah Provinsi", "Kementerian Kesehatan"); those are still written lowercase often
        enough elsewhere to stay below it. Stop words and reduplicated plurals are never names,
        nor "-nya" forms of a word seen without it ("Catalunya" is a name, "Tuhannya" is not).
        """
        stops = common_words()
        names = set()
        for word, capitalised in self.capitalised.items():
            if capitalised < min_count or word in stops or _is_reduplication(word):
                continue  # "Bangsa-Bangsa" in "Perserikatan Bangsa-Bangsa" is still a plural
            if word.endswith(_CLITIC):
                base = word[: -len(_CLITIC)].rstrip("-")
                if base in self.capitalised or base in self.lowercase:
                    continue  # "Tuhannya", "Twitter-nya": the clitic comes off, the base is the name
            if capitalised / (capitalised + self.lowercase.get(word, 0)) >= min_ratio:
                names.add(word)
        return names

    def to_json(self) -> str:
        """Return the counts as a JSON string (for the index folder), words in the order first seen.

        (Sorting the keys took four times as long: a quarter of a second at the end of every
        build of 7,000 articles.)
        """
        return json.dumps({"capitalised": self.capitalised, "lowercase": self.lowercase, "upper": self.upper},
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "CapitalisationCounter":
        """Return a counter read back from to_json's output."""
        data = json.loads(text)
        counter = cls()
        counter.capitalised.update(data.get("capitalised", {}))
        counter.lowercase.update(data.get("lowercase", {}))
        counter.upper.update(data.get("upper", {}))
        return counter


def _is_reduplication(word: str) -> bool:
    """Return whether a word is a reduplicated plural such as "bangsa-bangsa" or "anak-anaknya"."""
    first, dash, rest = word.partition("-")
    return bool(dash) and (rest == first or rest.startswith(first))


def _too_lowercase_for_title(line: str, lowercase_words: list[str]) -> bool:
    """Return True when a line's lowercase words prove _is_title_line(line) is False (a cheap test).

    In a line whose ’ and ‐ are already ' and - (as observe() makes them), each _LOWERCASE_WORD
    match is a whole TOKEN_PATTERN token that starts lowercase. With L such words longer than 3
    characters, of S characters in all, the line's other tokens longer than 3 (each at least 4
    characters and 1 separator) number at most K = (len(line) - S - L + 1) / 5.
    If 4L > K, more than a fifth of the longer tokens start lowercase: below _is_title_line's 80%,
    and L >= 1 also fails its all-capitals test for lines of few words.
    """
    longer = [w for w in lowercase_words if len(w) > 3]
    return 21 * len(longer) + sum(map(len, longer)) > len(line) + 1


def _is_title_line(line: str) -> bool:
    """Return whether a line is a headline in Title Case or ALL CAPS, where capitals are styling.

    Body sentences full of names ("Wali Kota Bekasi Tri Adhianto meninjau ...") still have most
    longer words lowercase.
    """
    words = TOKEN_PATTERN.findall(line)
    longer = [w for w in words if len(w) > 3]
    if len(longer) < 3:
        return 0 < len(words) <= 3 and all(w[0].isupper() for w in words)
    return sum(1 for w in longer if w[0].isupper()) / len(longer) >= 0.8
