"""Snippets and marked titles: which sentences to show, how matches are marked, always HTML-safe.

The stored text is re-analysed with the index's own analyzer (MatchSpec.analyzer), keeping character offsets, so a
match is any original word whose index term was searched for: a search for "tembak" marks
"menembakkan". A quoted phrase marks only where the whole phrase occurs. All archive text is
escaped; the only markup in the output is our own <mark>...</mark>.

We do our own fragmenting (sentences, best first) instead of Whoosh's, whose fragmenters stop
looking at 32,768 characters and so never mark matches late in long articles.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from search.analysis import ACCENTED, TOKEN_PATTERN, IndonesianAnalyzer, normalise, plain_analyzer

SNIPPET_CHARS = 300  # about two sentences
# Snippets look for matches in the article's first TEXT_WINDOW characters only: 3x the longest
# article of the news corpus (32,767 characters), so real articles are read whole, while one huge
# article (an index built before the record cap could hold one of 200 MB) costs a search about
# what a normal one does.
TEXT_WINDOW = 100_000
ELLIPSIS = " … "
_LOOKBACK = 600  # a sentence longer than this is cut by _trim anyway
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+|\n\s*")


@dataclass(frozen=True)
class MatchSpec:
    """What to mark in one field: single index terms, and phrases as (terms, relative positions).

    analyzer: the one that made the terms (the index's, with its learned names); the text is
    re-analysed with it. None: an analyzer with no learned names.
    """

    terms: frozenset[str] = frozenset()
    phrases: tuple[tuple[tuple[str, ...], tuple[int, ...]], ...] = ()
    # NEAR groups as (terms, window): every term marked where all lie within `window` positions
    # (last minus first, any order), as query.near_window defines it
    nears: tuple[tuple[tuple[str, ...], int], ...] = ()
    analyzer: IndonesianAnalyzer | None = field(default=None, compare=False, repr=False)

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases or self.nears)


def _cores(spec: MatchSpec) -> tuple[str, ...]:
    """Return strings one of which every word that can stem to a searched term contains.

    Indonesian affixation keeps a root whole except, at most, its first letter (me+tembak ->
    menembak, pe+sapu -> penyapu), so a word whose text holds none of these never needs stemming.
    """
    terms = set(spec.terms)
    for phrase, _ in spec.phrases + spec.nears:
        terms.update(phrase)
    return tuple(sorted({t[1:] if len(t) >= 3 else t for t in terms}))


# What Indonesian affixation can leave after a root: derivational suffix, possessive, particle
# (the order Sastrawi strips them in), and how much can come before it (prefixes such as
# "memper-" plus a changed first letter).
_SUFFIXES = frozenset(d + p + q for d in ("", "i", "kan", "an", "is", "isasi", "isasikan", "isme", "wan", "wati", "asi")
                      for p in ("", "ku", "mu", "nya")
                      for q in ("", "lah", "kah", "tah", "pun"))
_MAX_HEAD = 8


def _may_stem_to_a_term(word: str, cores: tuple[str, ...]) -> bool:
    """Return False only for words that cannot stem to a term: no core with a prefix before and a suffix after."""
    if "-" in word or "'" in word:
        return any(core in word for core in cores)  # reduplication and clitics: let the stemmer decide
    for core in cores:
        at = word.find(core)
        while 0 <= at <= _MAX_HEAD:
            if word[at + len(core):] in _SUFFIXES:
                return True
            at = word.find(core, at + 1)
    return False


def find_matches(text: str, spec: MatchSpec) -> list[tuple[int, int, str]]:
    """Return (start, end, key) of every match of spec in text, in order, overlaps merged.

    Tokenises exactly as the analyzer does (same pattern, normalisation and stemmer, so the same
    positions), but stems only words that could match: stemming every word of every hit would
    dominate the cost of a search.
    """
    if not spec or not text:
        return []
    analyzer = spec.analyzer or plain_analyzer()
    cores = _cores(spec)
    searchable = _folded(text)
    if searchable is not None:
        candidates = _candidates(text, cores, analyzer, positions=bool(spec.phrases or spec.nears),
                                 lowered=searchable)
    else:  # folding changes offsets ("İ", "ß", a combining mark written apart): walk every token instead
        candidates = _candidates_by_walking(text, cores, analyzer)
    terms = spec.terms
    found = [(start, end, term) for _, term, start, end in candidates if term in terms]
    if spec.phrases:
        # A hyphenated word holds several terms at one place ("e-money": e and emoney at p, money at p+1).
        at = {(pos, term): end for pos, term, _, end in candidates}
        firsts = {phrase[0] for phrase, _ in spec.phrases}
        for pos, term, start, _ in candidates:
            if term not in firsts:
                continue
            for phrase, offsets in spec.phrases:
                if phrase[0] != term:
                    continue
                ends = [at.get((pos + offset, t)) for offset, t in zip(offsets, phrase)]
                if all(e is not None for e in ends):
                    found.append((start, max(ends), " ".join(phrase)))
    for terms, window in spec.nears:
        found.extend(_near_matches(candidates, terms, window))
    return _merge(found)


def _near_matches(candidates, terms: tuple[str, ...], window: int) -> list[tuple[int, int, str]]:
    """Return (start, end, term) of the words of every stretch holding all `terms` within `window` positions.

    A sliding window over the candidates in text order: for each word, the shortest stretch
    ending there that holds every term; when it is narrow enough, each of its words is marked.
    """
    wanted = set(terms)
    # (position, term, start, end) by position: a hyphenated word gives its parts and joined form
    words = sorted((c for c in candidates if c[1] in wanted), key=lambda c: (c[0], c[2]))
    found = []
    inside: dict[str, int] = {}
    left = 0
    for right, (position, term, _, _) in enumerate(words):
        inside[term] = inside.get(term, 0) + 1
        while len(inside) == len(wanted):
            first_term = words[left][1]
            if inside[first_term] > 1:  # the stretch still holds every term without its first word
                inside[first_term] -= 1
                left += 1
                continue
            if position - words[left][0] <= window:
                found.extend((start, end, word) for _, word, start, end in words[left:right + 1])
            break
    return found


def _token_candidates(analyzer: IndonesianAnalyzer, surface: str, position: int, start: int, end: int):
    """Return (position, term, start, end) for each term of one token (several for "e-money")."""
    entry = analyzer.token_terms(surface)
    if entry.__class__ is str:
        return [(position, entry, start, end)]
    return [(position + offset, term, start, end) for term, offset in entry[1]]


def _candidates_by_walking(text: str, cores: tuple[str, ...],
                           analyzer: IndonesianAnalyzer) -> list[tuple[int, str, int, int]]:
    """Return (position, term, start, end) of the words that may match, visiting every token."""
    found = []
    position = 0
    for match in TOKEN_PATTERN.finditer(text):
        surface = match.group()
        if _may_stem_to_a_term(normalise(surface), cores):
            found += _token_candidates(analyzer, surface, position, match.start(), match.end())
        position += analyzer.width(surface)
    return found


def _core_pattern(cores: tuple[str, ...]) -> re.Pattern:
    pattern = _PATTERNS.get(cores)
    if pattern is None:
        if len(_PATTERNS) > 256:
            _PATTERNS.clear()
        # normalise() unifies apostrophes and hyphens; the raw text may hold either form.
        alternatives = (re.escape(c).replace("'", "['’]").replace("\\-", "[-‐]") for c in sorted(cores, key=len, reverse=True))
        pattern = _PATTERNS[cores] = re.compile("|".join(alternatives))
    return pattern


_PATTERNS: dict[tuple[str, ...], re.Pattern] = {}


class _CharFolding(dict):
    """str.translate table: each character as normalise() writes it on its own ("É" -> "e"), found
    once per character. Only where that is one character does the folded text keep the offsets."""

    def __missing__(self, char_code: int) -> str:
        char = chr(char_code)
        alone, in_accented_word = normalise(char), normalise("é" + char)[1:]
        if not char.isalnum():
            # Between words (a no-break space, "…"): no core holds it, only its length counts.
            folded = self[char_code] = alone if len(alone) == 1 else char
            return folded
        # normalise() folds compatibility characters ("³" -> "3") only inside a word that holds an
        # accent: such a character has no one folding, and two characters make the text's length
        # change, so find_matches walks its tokens instead.
        folded = self[char_code] = alone if alone == in_accented_word else "??"
        return folded


_FOLDING = _CharFolding()


def _folded(text: str) -> str | None:
    """Return text lowercased and accent-folded as normalise() folds its words, character for
    character (same offsets), or None when folding changes its length.

    The core search runs over it: accents must not hide words from it ("José" for "jose"), and
    folding char by char lets the C scan serve articles with an accent or two, which walking every
    token (many times slower) served before.
    """
    lowered = text.lower()
    if len(lowered) != len(text):
        return None
    if lowered.isascii() or not ACCENTED.search(lowered) and "’" not in lowered and "‐" not in lowered:
        return lowered
    folded = lowered.translate(_FOLDING)
    return folded if len(folded) == len(text) else None


def _candidates(text: str, cores: tuple[str, ...], analyzer: IndonesianAnalyzer,
                positions: bool = False, lowered: str | None = None) -> list[tuple[int, str, int, int]]:
    """Return (position, term, start, end) of the words holding a core, without walking every word.

    The same tokens as the analyzer's (TOKEN_PATTERN), found from the core's place in the text by
    a regex scan in C. Positions (counting the tokens in between, also in C) only when asked: only
    phrases need them; otherwise every position is -1.
    """
    if lowered is None:
        lowered = text.lower()
    found = []
    position, next_position, last_end = -1, 0, 0
    for hit in _core_pattern(cores).finditer(lowered):
        at = hit.start()
        if at < last_end:
            continue  # inside the word just looked at
        start = at
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in _JOINERS):
            start -= 1
        token = TOKEN_PATTERN.search(text, start)
        while token is not None and token.end() <= at:
            token = TOKEN_PATTERN.search(text, token.end())
        if token is None or token.start() > at or token.start() < last_end:
            continue
        surface = token.group()
        if positions:
            between = TOKEN_PATTERN.findall(text, last_end, token.start())
            position = next_position + len(between)
            if "-" in text[last_end:token.start()] or "‐" in text[last_end:token.start()]:
                position += sum(analyzer.width(t) - 1 for t in between)  # "e-money" takes two places
            next_position = position + analyzer.width(surface)
        last_end = token.end()
        if _may_stem_to_a_term(normalise(surface), cores):
            found += _token_candidates(analyzer, surface, position, token.start(), token.end())
    return found


_JOINERS = "_-‐'’"


def _merge(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Return matches sorted, overlapping ones merged."""
    found.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, key in found:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, key))
    return merged


def render(text: str, matches: list[tuple[int, int, str]], start: int = 0, end: int | None = None) -> str:
    """Return text[start:end] escaped, with the matches inside it wrapped in <mark>."""
    end = len(text) if end is None else end
    out, cursor = [], start
    for m_start, m_end, _ in matches:
        if m_end <= start or m_start >= end:
            continue
        m_start, m_end = max(m_start, start), min(m_end, end)
        out.append(html.escape(text[cursor:m_start]))
        out.append("<mark>" + html.escape(text[m_start:m_end]) + "</mark>")
        cursor = m_end
    out.append(html.escape(text[cursor:end]))
    return "".join(out)


def mark(text: str, spec: MatchSpec) -> str:
    """Return the whole text escaped with its matches marked (for titles)."""
    return render(text, find_matches(text, spec))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of each sentence of text, without surrounding space."""
    spans, start = [], 0
    for boundary in _SENTENCE_END.finditer(text):
        if boundary.start() > start:
            spans.append((start, boundary.start()))
        start = boundary.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _trim(text: str, start: int, end: int, budget: int, focus: int) -> tuple[int, int, bool, bool]:
    """Return a window of at most `budget` characters of text[start:end] around `focus`, cut at spaces."""
    if end - start <= budget:
        return start, end, False, False
    left = max(start, min(focus - budget // 3, end - budget))
    right = min(end, left + budget)
    if left > start:
        space = text.find(" ", left, focus)
        left = space + 1 if space >= 0 else left
    if right < end:
        space = text.rfind(" ", max(left, focus), right)
        right = space if space > left else right
    return left, right, left > start, right < end


def lead(text: str, max_chars: int = SNIPPET_CHARS) -> str:
    """Return the article's opening, escaped, cut at a sentence or word boundary."""
    text = text[: max_chars * 4].strip() if len(text) > max_chars * 4 else text.strip()
    if len(text) <= max_chars:
        return html.escape(text)
    spans = sentence_spans(text[:max_chars + 1])
    end = 0
    for _, s_end in spans:
        if s_end > max_chars:
            break
        end = s_end
    if end < max_chars // 2:
        space = text.rfind(" ", 0, max_chars)
        end = space if space > max_chars // 2 else max_chars
        return html.escape(text[:end]) + " …"
    return html.escape(text[:end])


# What ends a sentence: an end mark, a closing quote or bracket or none, then a space or line
# break (as _SENTENCE_END), or a line break alone. A sentence keeps its mark and closers:
# '“Kami pergi!” kata dia.' is not cut before its closing quote. One regex scan finds the nearest
# end each way (a str.find per form, 37 of them, each read on to the end of the article, made
# finding sentences most of a snippet's time).
_END_OF_SENTENCE = re.compile("[.!?][\"”’')]?[ \n]|\n")


def _sentence_at(text: str, at: int) -> tuple[int, int]:
    """Return (start, end) of the sentence around offset `at`, looking back at most _LOOKBACK characters."""
    window_start = max(0, at - _LOOKBACK)
    start = window_start
    for end_mark in _END_OF_SENTENCE.finditer(text, window_start, at):
        start = end_mark.end()
    while start < at and text[start].isspace():
        start += 1
    end_mark = _END_OF_SENTENCE.search(text, at)
    end = end_mark.end() - 1 if end_mark else len(text)  # keep the mark and closers, drop the space or newline
    return start, end


def snippet(text: str, spec: MatchSpec, max_chars: int = SNIPPET_CHARS) -> str:
    """Return up to ~max_chars of the best sentences of text, best first, matches marked; else the lead.

    Sentences are found around the matches only, so a long article costs no more than a short one,
    and only the first TEXT_WINDOW characters are searched, so a huge one costs no more either.
    """
    if len(text) > TEXT_WINDOW:
        end = text.rfind(" ", TEXT_WINDOW - 200, TEXT_WINDOW)
        text = text[: end if end > 0 else TEXT_WINDOW]  # cut at a space: a word cut short could mis-match
    matches = find_matches(text, spec)
    if not matches:
        return lead(text, max_chars)
    per_sentence: dict[tuple[int, int], list[tuple[int, int, str]]] = {}
    current = None
    for match in matches:
        if current is None or not current[0] <= match[0] < current[1]:
            current = _sentence_at(text, match[0])
        per_sentence.setdefault(current, []).append(match)
    # Best: most different matched words, then most matches, then earliest in the article.
    ranked = sorted(per_sentence, key=lambda span: (-len({m[2] for m in per_sentence[span]}), -len(per_sentence[span]), span))
    chosen: list[list] = []  # [left, right, cut_left, cut_right]
    used, seen_keys = 0, set()
    for span in ranked:
        keys = {m[2] for m in per_sentence[span]}
        if chosen and keys <= seen_keys:
            continue  # adds no word we have not shown yet
        budget = max_chars - used
        if chosen and (span[1] - span[0] > budget or budget < 60):
            continue
        left, right, cut_left, cut_right = _trim(text, span[0], span[1], budget, per_sentence[span][0][0])
        chosen.append([left, right, cut_left, cut_right])
        used += right - left + len(ELLIPSIS)
        seen_keys |= keys
        if used >= max_chars - 40:
            break
    # A lone short sentence reads better with the sentences after it, while the budget allows.
    best = chosen[0]
    while not best[3]:
        boundary = _SENTENCE_END.search(text, best[1])
        if boundary is None or boundary.end() >= len(text):
            break
        following = _SENTENCE_END.search(text, boundary.end())
        end = following.start() if following else len(text)
        if used + end - best[1] > max_chars or any(c is not best and c[0] < end and best[1] < c[1] for c in chosen):
            break
        used, best[1] = used + end - best[1], end
    return ELLIPSIS.join(("… " if cut_left else "") + render(text, matches, left, right) + (" …" if cut_right else "")
                         for left, right, cut_left, cut_right in chosen)
