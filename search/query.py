"""User text -> Whoosh query; filters -> a test on documents. The one place where matching is decided.

The query language, all of it optional:

    kebakaran hutan            every word must match (inflected forms too, through the analyzer)
    "hutan lindung"            a phrase
    banjir OR longsor          either word
    -jakarta  NOT jakarta      exclude
    korup*                     words starting with "korup" (bounded expansion)
    +banjir  banjir AND bekasi required words: never dropped when the search continues with
                               articles holding some of the words (phrases are always required)
    "banjir bandang"~5         the words within 5 words of each other, in any order
    banjir NEAR/5 bandang      the same
    title:banjir  content:...  search one field only
    source:kompas category:olahraga
    date:2017  date:2017-03  date:2017-03-02  date:2017-01-01..2017-06-30  date:2017..  date:..2018-06

We parse this ourselves, leniently: characters that mean nothing here (parentheses, stray quotes,
`AND`) are separators, an `OR` without a word on both sides is just the word "or", and a field name
we do not know (`foo:bar`) is ordinary text. What we cannot honour (`date:xyz`, `*jakarta`, a query
that only excludes) raises InvalidQuery with a message saying how to write it; we never search for
something other than what was asked without saying so in `describe()`.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Iterable

from whoosh import query as wq

from search.analysis import TOKEN_PATTERN, IndonesianAnalyzer, function_words, normalise, plain_analyzer
from search.errors import InvalidQuery
from search.messages import Message, N_

MAX_QUERY_CHARS = 1000  # longer text is a pasted article, not a query
MAX_TERMS = 40  # index terms in one query; bounds the work of one search
MIN_PREFIX_CHARS = 2  # "k*" would expand to half the vocabulary
MAX_PREFIX_EXPANSIONS = 50  # most frequent index terms a prefix* stands for
TITLE_BOOST = 2.5  # a word in the title counts this much more than in the body (BM25F-style field weight)
PHRASE_BOOST = 1.5  # a quoted phrase is a stronger signal than its words

TEXT_FIELDS = ("title", "content")
FILTER_FIELDS = ("source", "category", "date")
OPERATORS = ("OR", "AND", "NOT")
NEAR_OPERATOR = "NEAR/"  # NEAR/5 between two words
MAX_NEAR_DISTANCE = 50  # NEAR/N and ~N beyond this are searched as this (the same paragraph, roughly)

# ---------------------------------------------------------------------------------------------
# What a query means, independent of Whoosh


@dataclass(frozen=True)
class Words:
    """A word, phrase or prefix the user asked for, with the index terms it becomes."""

    text: str  # as the user wrote it (for describe())
    terms: tuple[str, ...]  # index terms, in order
    positions: tuple[int, ...]  # their positions (stop words leave gaps)
    field: str | None = None  # None = title and content
    kind: str = "word"  # "word" | "phrase" | "prefix" | "near"
    required: bool = False  # +word or AND: never relaxed away when partial matches follow
    distance: int = 0  # kind "near": the words lie within this many words of each other

    @property
    def is_phrase(self) -> bool:
        return len(self.terms) > 1 and self.kind not in ("prefix", "near")

    @property
    def is_near(self) -> bool:
        return self.kind == "near"

    @property
    def must_match(self) -> bool:
        """Whether every result must hold this: asked for with +/AND, or a quoted phrase or NEAR."""
        return self.required or self.is_phrase or self.is_near


@dataclass(frozen=True)
class DateRange:
    """A half-open span of time [start, end); either end may be open (None)."""

    start: datetime | None
    end: datetime | None
    text: str

    def contains(self, moment: datetime) -> bool:
        return (self.start is None or moment >= self.start) and (self.end is None or moment < self.end)


@dataclass(frozen=True)
class Condition:
    """One filter: the document's `field` must (or, negated, must not) be one of `values`."""

    field: str  # "source" | "category" | "year" | "month" | "date"
    values: tuple  # strings, or DateRanges for "date"
    negated: bool = False

    def describe(self) -> str:
        # Quoted when it holds a space, so that the description can be searched again: source:"cnn indonesia".
        shown = ",".join(v.text if isinstance(v, DateRange) else (f'"{v}"' if " " in v else v) for v in self.values)
        name = "date" if self.field in ("date", "year", "month") else self.field
        return f"{'-' if self.negated else ''}{name}:{shown}"


@dataclass
class ParsedQuery:
    """The meaning of a user's query text: required groups, exclusions, filters, ignored words."""

    groups: list[tuple[Words, ...]] = field(default_factory=list)  # all must match; each is an OR
    excluded: list[Words] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # words with nothing searchable (emoji), question framing
    # Function words of a plain word query (lexicon/function_words.txt): scored where present,
    # never required (see make_function_words_optional).
    optional: list[Words] = field(default_factory=list)
    blank: bool = False  # the user typed nothing at all
    notes: list[Message] = field(default_factory=list)  # how something typed was read (a capped NEAR/ distance)

    @property
    def words(self) -> list[Words]:
        return [w for group in self.groups for w in group]

    def required_groups(self) -> list[bool]:
        """Return, per group, whether every result must hold it (partial matches never drop it)."""
        return [any(w.must_match for w in group) for group in self.groups]


# ---------------------------------------------------------------------------------------------
# Tokenising user text


@dataclass
class _Token:
    text: str
    field: str | None = None
    quoted: bool = False
    negated: bool = False
    required: bool = False  # written +word
    distance: str | None = None  # what followed a closing quote's ~ ("5" in "banjir bandang"~5)

    @property
    def operator(self) -> str | None:
        if not self.quoted and self.field is None and not self.negated and not self.required:
            if self.text in OPERATORS:
                return self.text
            if self.text.startswith(NEAR_OPERATOR):
                return "NEAR"
        return None


_FIELD_PREFIX = re.compile(r"(\w+):")
_SEPARATORS = set("()[]{}")


def tokenize(text: str) -> list[_Token]:
    """Return the user's text cut into words, "phrases", -exclusions and field:values."""
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace() or ch in _SEPARATORS:
            i += 1
            continue
        negated = required = False
        if ch == "-" and i + 1 < n and not text[i + 1].isspace():
            negated, i = True, i + 1
        elif ch == "+" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] != "+":
            required, i = True, i + 1
        fieldname = None
        match = _FIELD_PREFIX.match(text, i)
        if match and match.group(1).lower() in TEXT_FIELDS + FILTER_FIELDS:
            fieldname, i = match.group(1).lower(), match.end()
        if i < n and text[i] == '"':
            # A phrase runs to the closing quote, or to the end when the quote is never closed.
            close = text.find('"', i + 1)
            end = n if close < 0 else close
            distance = None
            if close >= 0 and close + 1 < n and text[close + 1] == "~":
                # "..."~N: the rest of the word after ~ is the distance (checked by the parser).
                stop = close + 2
                while stop < n and not text[stop].isspace() and text[stop] not in _SEPARATORS and text[stop] != '"':
                    stop += 1
                distance, end = text[close + 2:stop], stop - 1
            tokens.append(_Token(text[i + 1:close if close >= 0 else n], fieldname, quoted=True, negated=negated,
                                 required=required, distance=distance))
            i = end + 1
            continue
        start = i
        while i < n and not text[i].isspace() and text[i] not in _SEPARATORS and text[i] != '"':
            i += 1
        word = text[start:i]
        if word or fieldname:
            tokens.append(_Token(word, fieldname, negated=negated, required=required))
    return tokens


# ---------------------------------------------------------------------------------------------
# Parsing


def parse(text: str, analyzer: IndonesianAnalyzer | None = None) -> ParsedQuery:
    """Return the meaning of the user's query text; raise InvalidQuery when it cannot be honoured.

    analyzer: the index's own (Index.analyzer), so that its learned names shape the query's terms
    as they shaped the index's; without one, an analyzer with no learned names.
    """
    analyzer = analyzer or plain_analyzer()
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise InvalidQuery(Message("The query must be text, not {kind}.", kind=type(text).__name__))
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidQuery(Message("The query is {length} characters long; shorten it to at most {limit} "
                                   "characters (a few distinctive words work best).",
                                   length=len(text), limit=MAX_QUERY_CHARS))
    parsed = ParsedQuery(blank=not text.strip())
    tokens = tokenize(text)
    # Items, left to right: ["words", Words or a tuple of OR-ed Words, negated] or ["cond", Condition].
    items: list[list] = []
    join_next = False
    pending_not = False
    require_next = False  # the word after AND is required
    near_next: int | None = None  # the word after NEAR/N joins the one before it
    for index, token in enumerate(tokens):
        op = token.operator
        previous_ok = bool(items)
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        following_ok = following is not None and following.operator is None
        if op == "OR" and previous_ok and following_ok and not pending_not:
            join_next = True
            continue
        if op == "AND" and previous_ok and following_ok:
            if items[-1][0] == "words" and not items[-1][2]:
                items[-1][1] = _as_required(items[-1][1])
            require_next = True
            continue
        if op == "NOT" and following_ok:
            pending_not = True
            continue
        if op == "NEAR":
            distance = _near_distance(token.text[len(NEAR_OPERATOR):], token.text, parsed)
            if not (previous_ok and following_ok and items[-1][0] == "words"):
                raise InvalidQuery(f"{token.text} goes between two words: banjir {token.text} bandang finds "
                                   f"them within {distance} words of each other, in any order.")
            near_next = distance
            continue
        negated = token.negated or pending_not
        pending_not = False
        item = _parse_token(token, negated, parsed, analyzer)
        if require_next:
            require_next = False
            if item is not None and item[0] == "words" and not item[2]:
                item = ("words", _as_required(item[1]), False)
        if near_next is not None:
            distance, near_next = near_next, None
            if item is not None:
                items[-1][1] = _near(items[-1], item, distance)
            continue
        if join_next:
            join_next = False
            if item is None:
                continue
            last = items[-1]
            if (last[0] == "words" and last[2]) or (item[0] == "words" and item[2]):
                raise InvalidQuery(Message("OR cannot join an excluded word: to exclude both, write -banjir -longsor."))
            if last[0] == "words" and item[0] == "words":
                last[1] = _alternatives(last[1]) + _alternatives(item[1])
                continue
            if last[0] == "cond" and item[0] == "cond" and last[1].field == item[1].field \
                    and not last[1].negated and not item[1].negated:
                items.append(list(item))  # values of one field are alternatives anyway (merged below)
                continue
            raise InvalidQuery(Message("OR can join words, phrases, or two filters on the same field "
                                       "(source:kompas OR source:detik), not a word and a filter."))
        if item is not None:
            items.append(list(item))
    for item in items:
        if item[0] == "words":
            words = item[1] if isinstance(item[1], tuple) else (item[1],)
            (parsed.excluded.extend(words) if item[2] else parsed.groups.append(words))
        else:
            parsed.conditions.append(item[1])
    parsed.conditions = merge_conditions(parsed.conditions)
    _drop_question_nouns(parsed)
    term_count = sum(len(w.terms) for w in parsed.words + parsed.excluded)
    if term_count > MAX_TERMS:
        raise InvalidQuery(Message("The query has {count} search terms; use at most {limit}.",
                                   count=term_count, limit=MAX_TERMS))
    if parsed.excluded and not parsed.groups and not any(not c.negated for c in parsed.conditions):
        raise InvalidQuery(Message("A query cannot only exclude words: add a word or filter to search for, "
                                   "e.g. banjir -jakarta."))
    make_function_words_optional(parsed)
    return parsed


def _alternatives(words) -> tuple[Words, ...]:
    return words if isinstance(words, tuple) else (words,)


def make_function_words_optional(parsed: ParsedQuery) -> None:
    """Move the plain function words of a query (yang, di, dari, dan...) from its required groups to
    parsed.optional, where they count towards the score of articles holding them but never make one
    fail; question words of a question go to parsed.ignored, as before every word was indexed.

    Only a word typed alone, unquoted and without a field: in a "phrase", OR, title:dan or -dan the
    user asked for it explicitly. A query made only of function words keeps them all required:
    the user is searching for exactly those words (and an OR of them would match nearly all).
    """
    functions = function_words()

    def is_function(group: tuple[Words, ...]) -> bool:
        if len(group) != 1 or group[0].kind != "word" or group[0].field is not None or len(group[0].terms) != 1:
            return False
        if group[0].required:
            return False  # +dan, dan AND ...: asked for explicitly
        typed = TOKEN_PATTERN.findall(group[0].text)  # the word as typed: "kepada" is no "pada" here
        return len(typed) == 1 and normalise(typed[0]) in functions

    content = [group for group in parsed.groups if not is_function(group)]
    if not content:
        return
    for group in parsed.groups:
        if not is_function(group):
            continue
        if normalise(group[0].text).strip("?!.,") in QUESTION_WORDS:
            parsed.ignored.append(group[0].text)  # "Siapa ...?": the answer's article rarely says "siapa"
        else:
            parsed.optional.append(group[0])
    parsed.groups = content


# Question words (already stop words) mark a question; the nouns that only frame one
# ("Siapa nama ...", "Di kota manakah ...") then say nothing about the answer.
QUESTION_WORDS = frozenset("apa apakah siapa siapakah kapan kapankah dimana dimanakah mana manakah bagaimana "
                           "bagaimanakah mengapa mengapakah kenapa kenapakah berapa berapakah".split())
QUESTION_NOUNS = frozenset({"nama", "manakah"})


def _drop_question_nouns(parsed: ParsedQuery) -> None:
    """Move question-framing nouns of a question to parsed.ignored (when other words remain)."""
    typed = parsed.ignored + [w.text for w in parsed.words]
    if not any(normalise(w).strip("?!.,") in QUESTION_WORDS for w in typed):
        return
    framing = [g for g in parsed.groups if len(g) == 1 and g[0].kind == "word" and g[0].field is None
               and normalise(g[0].text).strip("?!.,") in QUESTION_NOUNS]
    asking = [g for g in parsed.groups if len(g) == 1 and normalise(g[0].text).strip("?!.,") in QUESTION_WORDS]
    if framing and len(framing) + len(asking) < len(parsed.groups):  # other words remain to be searched
        parsed.groups = [g for g in parsed.groups if g not in framing]
        parsed.ignored.extend(g[0].text for g in framing)


def _as_required(words):
    """Return a Words (or an OR-group tuple of them) marked required."""
    if isinstance(words, tuple):
        return tuple(replace(w, required=True) for w in words)
    return replace(words, required=True)


def _near_distance(number: str, written: str, parsed: ParsedQuery) -> int | None:
    """Return the distance of NEAR/N or "..."~N (capped at MAX_NEAR_DISTANCE); raise InvalidQuery if unreadable.

    "..."~0 gives 0: the exact phrase, as in Lucene. NEAR/0 has no such reading and is refused.
    """
    example = '"banjir bandang"~5' if written.startswith("~") else "banjir NEAR/5 bandang"
    if not number.isascii() or not number.isdigit():
        raise InvalidQuery(f"'{written}' needs a number of words: {example} finds the words within 5 words "
                           f"of each other, in any order.")
    distance = int(number)
    if distance == 0 and not written.startswith("~"):
        raise InvalidQuery(f"'{written}': the distance must be at least 1 (NEAR/1: side by side, in any order).")
    if distance > MAX_NEAR_DISTANCE:
        parsed.notes.append(Message(N_("({written} searched as within {distance} words, the widest allowed)"),
                                    written=written, distance=MAX_NEAR_DISTANCE))
        distance = MAX_NEAR_DISTANCE
    return distance


def _near(left_item: list, right_item: tuple, distance: int):
    """Return the proximity Words for `left NEAR/distance right` (left may be an earlier NEAR of the chain).

    A hyphenated word's spellings (a tuple of Words of one typed text, "e-money") give one NEAR
    group per spelling, as alternatives.
    """
    if right_item[0] != "words":
        raise InvalidQuery("NEAR/ joins two plain words, not a word and a filter, e.g. banjir NEAR/5 bandang.")
    left, right = left_item[1], right_item[1]
    spellings = [w if isinstance(w, tuple) and len({v.text for v in w}) == 1 else None for w in (left, right)]
    if any(spellings):
        found = tuple(_near([left_item[0], a, left_item[2]], (right_item[0], b, right_item[2]), distance)
                      for a in _alternatives(left) for b in _alternatives(right))
        return tuple(dict.fromkeys(found)) if len(found) > 1 else found[0]
    for words, negated in ((left, left_item[2]), (right, right_item[2])):
        if negated or isinstance(words, tuple):
            raise InvalidQuery("NEAR/ joins two plain words (not excluded words, OR-groups or filters), "
                               "e.g. banjir NEAR/5 bandang.")
        if words.kind not in ("word", "near") or (words is right and words.kind != "word"):
            raise InvalidQuery("NEAR/ joins plain words, not phrases or wildcards: for a phrase near a word, "
                               'write all the words in quotes with a distance, e.g. "banjir bandang jakarta"~5.')
    if left.kind == "near" and left.distance != distance:
        raise InvalidQuery("A chain of NEAR/ needs one distance throughout, e.g. banjir NEAR/5 bandang NEAR/5 "
                           "jakarta (all three within 5 words of each other).")
    if left.field and right.field and left.field != right.field:
        raise InvalidQuery("NEAR/ joins words of one field: write title:banjir NEAR/5 bandang for titles.")
    terms = left.terms + right.terms
    return Words(text=f"{left.text} {right.text}", terms=terms, positions=tuple(range(len(terms))),
                 field=left.field or right.field, kind="near" if len(set(terms)) > 1 else "word",
                 required=True, distance=distance)


def _parse_token(token: _Token, negated: bool, parsed: ParsedQuery, analyzer: IndonesianAnalyzer):
    """Return ("words", Words, negated), ("cond", Condition) or None for a token with nothing in it."""
    if token.field in FILTER_FIELDS:
        value = token.text.strip()
        if not value:
            raise InvalidQuery(Message("{field}: needs a value right after the colon, e.g. {example}.",
                                       field=token.field,
                                       example={"source": "source:kompas", "category": "category:olahraga",
                                                "date": "date:2017-03"}[token.field]))
        if token.field == "date":
            return ("cond", Condition("date", (parse_date_value(value),), negated))
        return ("cond", Condition(token.field, (value.lower(),), negated))
    if token.field is not None and not token.text.strip():
        raise InvalidQuery(Message("{field}: needs a word or \"phrase\" right after the colon, e.g. {field}:banjir.",
                                   field=token.field))
    text = token.text
    if not token.quoted and "*" in text:
        words = _prefix_words(text, token.field)
    elif token.quoted and token.distance is not None:
        distance = _near_distance(token.distance, "~" + token.distance, parsed)
        words = _analysed_words(text, token.field, "near" if distance else "phrase", analyzer)
        if words is not None:
            # A hyphenated word gives its spellings as alternatives: each becomes its own NEAR group.
            words = tuple((replace(w, distance=distance) if len(set(w.terms)) > 1 else replace(w, kind="word"))
                          if w.kind == "near" else w for w in _alternatives(words))
            words = words[0] if len(words) == 1 else words
    else:
        words = _analysed_words(text, token.field, "phrase" if token.quoted else "word", analyzer)
    if words is None:
        parsed.ignored.append(text)
        return None
    if token.required:
        words = _as_required(words)
    return ("words", words, negated)


def _analysed_words(text: str, fieldname: str | None, kind: str, analyzer: IndonesianAnalyzer):
    """Return the Words of one typed word or phrase, or for a hyphenated word that is no single
    root the tuple (as its parts, as joined): "e-money" is the phrase "e money" OR "emoney", so
    it finds all three spellings (the index holds the parts and the joined form, see
    IndonesianAnalyzer.word_terms)."""
    split: list[str] = []
    joined: list[str] = []
    hyphenated = False
    for surface in TOKEN_PATTERN.findall(text):
        entry = analyzer.token_terms(surface)
        if entry.__class__ is str:
            split.append(entry)
            joined.append(entry)
            continue
        hyphenated = True
        width, terms = entry
        split += [term for term, _ in terms[:width]]
        joined.append(terms[width][0] if len(terms) > width else terms[0][0])
    if not split:
        return None
    variants = [split, joined] if hyphenated else [split]
    found = tuple(Words(text=text, terms=tuple(terms), positions=tuple(range(len(terms))), field=fieldname,
                        kind=kind if len(terms) > 1 else "word")
                  for terms in variants)
    return found[0] if len(found) == 1 else found


_PREFIX = re.compile(r"\w[\w'-]*", re.UNICODE)


def _prefix_words(text: str, fieldname: str | None) -> Words:
    stem = text.rstrip("*")
    if not stem:
        raise InvalidQuery(Message("A wildcard needs at least {count} letters before the *, e.g. korup*.",
                                   count=MIN_PREFIX_CHARS))
    if "*" in stem:
        raise InvalidQuery(Message("'{text}': * works only at the end of a word (korup* finds korupsi, koruptor).",
                                   text=text))
    if not _PREFIX.fullmatch(stem):
        raise InvalidQuery(Message("'{text}': a wildcard works on letters and digits only, e.g. korup*.", text=text))
    if len(stem) < MIN_PREFIX_CHARS:
        raise InvalidQuery(Message("'{text}': a wildcard needs at least {count} letters before the *.",
                                   text=text, count=MIN_PREFIX_CHARS))
    return Words(text=text, terms=(stem.lower(),), positions=(0,), field=fieldname, kind="prefix")


# ---------------------------------------------------------------------------------------------
# Dates


_DATE_PART = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


# Days, months and years in filters are Western Indonesian Time (UTC+7) ones: the days the archive's
# dates are shown in, and those its year and month facets count. The date column holds UTC.
_WIB_OFFSET = timedelta(hours=7)


def _utc(local: datetime) -> datetime:
    """Return a naive WIB time as the naive UTC time the date column compares with."""
    return local - _WIB_OFFSET


def _period(text: str, what: str) -> tuple[datetime, datetime]:
    """Return [start, end) of a year, month or day written as 2017, 2017-03 or 2017-03-02 (naive, local)."""
    match = _DATE_PART.fullmatch(text.strip())
    if not match:
        raise ValueError(what)
    year, month, day = (int(g) if g else None for g in match.groups())
    if not 1 <= year <= 9998 or (month is not None and not 1 <= month <= 12):
        raise ValueError(what)
    if month is None:
        return datetime(year, 1, 1), datetime(year + 1, 1, 1)
    if day is None:
        start = datetime(year, month, 1)
        return start, start + timedelta(days=calendar.monthrange(year, month)[1])
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise ValueError(what)
    start = datetime(year, month, day)
    return start, start + timedelta(days=1)


DATE_HELP = ("Use date:2017, date:2017-03, date:2017-03-02, or a range such as "
             "date:2017-01-01..2017-06-30 (either end may be left open: date:2017.. or date:..2018-06).")


def parse_date_value(value: str) -> DateRange:
    """Return the span a date: value stands for; raise InvalidQuery explaining the forms."""
    try:
        if ".." in value:
            low, high = value.split("..", 1)
            if not low.strip() and not high.strip():
                raise ValueError(value)
            start = _utc(_period(low, value)[0]) if low.strip() else None
            end = _utc(_period(high, value)[1]) if high.strip() else None
            if start and end and start >= end:
                raise InvalidQuery(Message("date:{value} ends before it starts. Use date:2017, date:2017-03, "
                                           "date:2017-03-02, or a range such as date:2017-01-01..2017-06-30 "
                                           "(either end may be left open: date:2017.. or date:..2018-06).",
                                           value=value))
            return DateRange(start, end, value)
        start, end = _period(value, value)
        return DateRange(_utc(start), _utc(end), value)
    except InvalidQuery:
        raise  # a ValueError too, but already says what to do
    except ValueError:
        raise InvalidQuery(Message("Cannot read the date in 'date:{value}'. Use date:2017, date:2017-03, "
                                   "date:2017-03-02, or a range such as date:2017-01-01..2017-06-30 "
                                   "(either end may be left open: date:2017.. or date:..2018-06).",
                                   value=value[:40])) from None


DATE_UNREADABLE = N_("Cannot read the date '{text}'. Write it as 21/10/2017, 21 Oktober 2017, 2017-10-21, "
                     "2017-10 or 2017.")
DATE_RANGE_EMPTY = N_("The date range is empty: the start ({start}) is after the end ({end}). Swap the two dates.")


def _written_day(text: str) -> date | None:
    """Return the day of a date written as ingest reads dates ("21/10/2017", "21 Oktober 2017",
    "Sabtu, 21 Okt 2017"), or None; only a plain day, not a moment with a time of day."""
    from search.ingest.dates import parse_date

    if re.search(r"\d[:.]\d{2}\b(?!\.\d{4})", text) and not re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", text):
        return None  # a time of day: read below as ISO 8601, or refused
    when = parse_date(text)
    return when.date() if when is not None else None


def parse_day(value: str) -> date | None:
    """Return the day a date filter's text names in any form to_datetime() reads as a day, else None."""
    text = str(value).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            return date.fromisoformat("%s-%02d-%02d" % tuple(int(p) for p in text.split("-")))
    except ValueError:
        return None
    return _written_day(text)


def to_datetime(value, *, end: bool = False) -> datetime | None:
    """Return a UTC-naive datetime for a date_from/date_to argument (ISO text, date or datetime).

    A whole day, month or year given as `end` means up to the end of that period. Days are also read
    as ingest reads archive dates ("21/10/2017", "21 Oktober 2017"): the CLI, the Python API and the
    web's date fields take the same forms.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        if value.utcoffset() is not None:
            value = (value - value.utcoffset()).replace(tzinfo=None)
        return value
    if isinstance(value, date):  # a WIB day
        start = datetime(value.year, value.month, value.day)
        return _utc(start + timedelta(days=1) if end else start)
    text = str(value).strip()
    if _DATE_PART.fullmatch(text):
        start, stop = _text_period(text)
        return _utc(stop if end else start)
    day = _written_day(text)
    if day is not None:
        return to_datetime(day, end=end)
    return to_datetime(_moment(text))


def _text_period(text: str) -> tuple[datetime, datetime]:
    try:
        return _period(text, text)
    except ValueError:
        raise InvalidQuery(Message(DATE_UNREADABLE, text=text[:40])) from None


def _moment(text: str) -> datetime:
    """Return an ISO 8601 date and time as an aware datetime (WIB when it names no zone, as in ingest)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidQuery(Message(DATE_UNREADABLE, text=text[:40])) from None
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=timezone(_WIB_OFFSET))


def bound_day(value: str, *, end: bool = False) -> date | None:
    """Return the WIB day a date_from (or, with end, date_to) in any accepted form stands for: the
    first day of a year or month, or its last with end ("2017" as an end is 2017-12-31)."""
    text = str(value or "").strip()
    if not text:
        return None
    if _DATE_PART.fullmatch(text):
        start, stop = _text_period(text)
        return (stop - timedelta(days=1)).date() if end else start.date()
    day = _written_day(text)
    if day is not None:
        return day
    return _moment(text).astimezone(timezone(_WIB_OFFSET)).date()


# ---------------------------------------------------------------------------------------------
# Filters


def merge_conditions(conditions: Iterable[Condition]) -> list[Condition]:
    """Return conditions with the positive values of one field merged into one (they are alternatives)."""
    merged: dict[tuple[str, bool], Condition] = {}
    out: list[Condition] = []
    for condition in conditions:
        if condition.negated:
            out.append(condition)
            continue
        key = (condition.field, False)
        if key in merged:
            old = merged[key]
            merged[key] = Condition(old.field, old.values + tuple(v for v in condition.values if v not in old.values))
        else:
            merged[key] = condition
    return list(merged.values()) + out


def _as_written(value) -> str:
    """Return a date_from/date_to argument as date: writes it, so that the description can be searched
    again ("21/10/2017" -> "2017-10-21")."""
    if value is None or value == "":
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    day = parse_day(str(value))
    return day.isoformat() if day else str(value).strip()


def filter_conditions(source=None, category=None, date_from=None, date_to=None, year=None,
                      month=None) -> list[Condition]:
    """Return the conditions for the search() keyword filters (each may be one value or a list)."""
    def values(value) -> tuple[str, ...]:
        if value is None:
            return ()
        items = [value] if isinstance(value, (str, int)) else list(value)
        return tuple(str(v).strip().lower() for v in items if v is not None and str(v).strip())

    conditions = []
    for name, given in (("source", source), ("category", category), ("year", year), ("month", month)):
        if values(given):
            conditions.append(Condition(name, values(given)))
    start, end = to_datetime(date_from), to_datetime(date_to, end=True)
    if start or end:
        if start and end and start >= end:
            raise InvalidQuery(Message(DATE_RANGE_EMPTY, start=date_from, end=date_to))
        shown = f"{_as_written(date_from)}..{_as_written(date_to)}"
        conditions.append(Condition("date", (DateRange(start, end, shown),)))
    return conditions


# ---------------------------------------------------------------------------------------------
# Whoosh queries


def _field_names(words: Words) -> tuple[str, ...]:
    return (words.field,) if words.field in TEXT_FIELDS else TEXT_FIELDS


def _boost(fieldname: str) -> float:
    return TITLE_BOOST if fieldname == "title" else 1.0


def words_query(words: Words, expand: Callable[[str, str], list[str]]) -> wq.Query:
    """Return the Whoosh query for one word, phrase or prefix over its fields."""
    parts: list[wq.Query] = []
    for name in _field_names(words):
        if words.kind == "prefix":
            parts.extend(wq.Term(name, term, boost=_boost(name)) for term in expand(name, words.terms[0]))
        elif words.is_near:
            from whoosh.query import spans

            # Whoosh's SpanNear2 with ordered=False matches two spans whose distance is at most slop, in
            # either order: for two words exactly what NEAR/N means (the numpy matching in
            # ranking.Snapshot.near_mask does the same; tests compare them). For more words its
            # span rules differ, so all the words are required and the window is left to near_mask.
            terms = list(dict.fromkeys(words.terms))
            if len(terms) == 2:
                near = spans.SpanNear2([wq.Term(name, t) for t in terms], slop=near_window(words), ordered=False)
            else:
                near = wq.And([wq.Term(name, t) for t in terms])
            near.boost = _boost(name) * PHRASE_BOOST
            parts.append(near)
        elif words.is_phrase:
            # Stop words inside the phrase leave position gaps; allow exactly that much slack.
            gaps = [b - a for a, b in zip(words.positions, words.positions[1:])]
            parts.append(wq.Phrase(name, list(words.terms), slop=max(gaps), boost=_boost(name) * PHRASE_BOOST))
        else:
            parts.append(wq.Term(name, words.terms[0], boost=_boost(name)))
    if not parts:
        return wq.NullQuery
    return parts[0] if len(parts) == 1 else wq.Or(parts)


def near_window(words: Words) -> int:
    """Return the widest span (last position minus first) in which a NEAR group's words may lie.

    Two words: their distance (NEAR/1 = side by side). Each further word widens the span by one,
    so "a b c"~1 means all three side by side, in any order.
    """
    return words.distance + len(set(words.terms)) - 2


def build_query(parsed: ParsedQuery, expand: Callable[[str, str], list[str]], *, any_word: bool = False) -> wq.Query:
    """Return the Whoosh query for the parsed text: every group must match, or any word with any_word.

    `expand(field, prefix)` returns the index terms a prefix* stands for (bounded by the caller).
    Filters are not part of this query: the Index applies them from its cached columns.
    """
    groups = [[words_query(w, expand) for w in group] for group in parsed.groups]
    groups = [[q for q in group if q is not wq.NullQuery] or [wq.NullQuery] for group in groups]
    if not groups:
        positive: wq.Query = wq.Every()
    elif any_word:
        positive = wq.Or([q for group in groups for q in group])
    else:
        positive = wq.And([group[0] if len(group) == 1 else wq.Or(group) for group in groups])
    if parsed.excluded:
        negative = wq.Or([words_query(w, expand) for w in parsed.excluded])
        return wq.AndNot(positive, negative)
    return positive


def describe(parsed: ParsedQuery, *, any_word: bool = False, some_words: bool = False,
             conditions: Iterable[Condition] = ()) -> str:
    """Return what is searched, in words, for "showing results for ...".

    any_word: no article had every word, any-word matching was used. some_words: articles with
    some of the words follow those with all of them.
    """
    def show(words: Words) -> str:
        if words.is_near:
            typed = words.text.split()
            listed = ", ".join(typed[:-1]) + " and " + typed[-1] if len(typed) > 1 else words.text
            text = f"({listed} within {words.distance} word{'s' if words.distance != 1 else ''} of each other)"
        else:
            text = f'"{words.text}"' if words.kind == "phrase" else words.text
            if words.required and words.kind != "phrase":
                text = "+" + text
        return f"{words.field}:{text}" if words.field else text

    groups = [" OR ".join(dict.fromkeys(show(w) for w in group)) for group in parsed.groups]
    parts = [(" OR " if any_word else " ").join(groups)] if groups else []
    parts += dict.fromkeys("-" + show(w) for w in parsed.excluded)  # a hyphenated word's two forms: once
    parts += [c.describe() for c in list(parsed.conditions) + list(conditions)]
    # A Message joined from parts: the words as typed, and notes a front end shows in its reader's language.
    text = " ".join(p for p in parts if p)
    pieces = [Message.verbatim(text)] if text else [
        Message(N_("all articles")) if parsed.blank else Message(N_("nothing searchable"))]
    kept = _kept(parsed)
    if any_word and kept:
        pieces.append(Message(N_("(no article has every word; showing articles with some of them, each with {words})"),
                              words=kept))
    elif any_word:
        pieces.append(Message(N_("(no article has every word; showing articles with some of them)")))
    elif some_words and kept:
        pieces.append(Message(N_("(then articles with some of the words, each with {words}, after those with every word)"),
                              words=kept))
    elif some_words:
        pieces.append(Message(N_("(then articles with some of the words, after those with every word)")))
    pieces.extend(parsed.notes)
    if parsed.optional:
        pieces.append(Message(N_("(optional: {words})"), words=", ".join(w.text for w in parsed.optional)))
    if parsed.ignored:
        pieces.append(Message(N_("(ignored: {words})"), words=", ".join(parsed.ignored)))
    return Message.joined(pieces)


def _kept(parsed: ParsedQuery) -> str:
    """Return what partial matches still hold (required words, phrases), comma-separated, or ""."""
    kept = [w for group, required in zip(parsed.groups, parsed.required_groups()) if required for w in group]
    return ", ".join(f'"{w.text}"' if w.kind in ("phrase", "near") else w.text for w in kept)