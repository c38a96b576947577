"""Warta's analysis as an OpenSearch analysis chain: settings, and the word lists beside them.

The chain, in the order OpenSearch runs it:

    char_filter  warta_fold      mapping: accented letters to Warta's folded form, ’ to ', ‐ to -
    tokenizer    warta_tokens    pattern: Warta's token pattern, written with Java's classes
    filter       lowercase
                 warta_stop      stop: Warta's stop words (positions kept, as Warta counts them)
                 warta_keep      keyword_marker: protected words and learned names Warta never stems
                 warta_stems     stemmer_override: word => Warta's term, for every word of the index
                                 and every root of the stemmer's dictionary
                 (warta_split    word_delimiter_graph + flatten_graph, then warta_keep and warta_stems
                                 again, remove_duplicates last: only when Warta indexes hyphenated
                                 words as parts plus joined form)
                 warta_keep_*    keyword_marker patterns: digits, symbols, short words (Warta keeps them)
                 warta_stemmer   stemmer (indonesian): only words none of the above decided

(warta_stop only while Warta's analyzer has a stop list.) Every word the index has seen gets its
term from Warta itself (the rules file), so the Indonesian stemmer of Lucene (about two thirds right
on news words, where Warta is ~98%) only sees new words.
The folding runs as a char filter rather than ASCII folding: ASCIIFoldingFilter folds far more than
Warta does (ß to ss, æ to ae), and a char filter keeps highlight offsets right. Each folded
letter becomes letters only, so token boundaries are the same before and after it.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from search.opensearch.warta_terms import IndexTerms

ANALYZER = "warta"              # title and content
EXACT_ANALYZER = "warta_exact"  # the .exact subfields: the same words, unstemmed (exact-form boosts)
RULES_FILE = "warta-stems.txt"         # stemmer_override rules, beside template.json
KEYWORDS_FILE = "warta-keywords.txt"   # keyword_marker words, beside template.json
# Where the word lists go on every node: rules_path and keywords_path are read relative to the
# node's config folder (OpenSearch refuses paths outside it).
CONFIG_SUBDIR = "analysis"

# Python's \w (what Warta's TOKEN_PATTERN uses) is letters, numbers and the underscore; Java's \w
# is ASCII only unless flagged, and its Unicode mode adds combining marks, which Python's lacks.
# So the class is spelled out.
JAVA_WORD = r"[\p{L}\p{N}_]"
_JOINERS = {"’": "'", "‐": "-"}  # the analyzer reads them as ' and -


# The keyword_marker patterns of the chain (Java and Python read them alike): words Warta keeps as
# written, whatever the vocabulary; rules that would say the same are left out of the rules file.
KEEP_SYMBOLS = ".*[^a-z-].*"   # digits, apostrophes, other scripts (Warta's _NEEDS_NO_STEM)
KEEP_SHORT = ".{1,3}"           # under 4 letters (Warta's _MIN_STEM_LENGTH)
_KEPT_BY_PATTERN = re.compile(f"{KEEP_SYMBOLS}|{KEEP_SHORT}")


@dataclass(frozen=True)
class WordLists:
    """The files the chain reads from the node's config folder, as lines."""

    rules: list[str]      # "word=>term"
    keywords: list[str]   # one word a line


def java_token_pattern(terms: IndexTerms) -> str:
    """Return Warta's token pattern in Java regex syntax (the pattern tokenizer's `pattern`)."""
    pattern = terms.token_pattern.pattern
    java = pattern.replace(r"\w", JAVA_WORD)
    if "\\" in java.replace(JAVA_WORD, ""):
        # An escape this translation does not know: refuse rather than export a chain that differs.
        raise ValueError(f"Cannot translate Warta's token pattern to Java: {pattern!r}")
    return java


def fold_mappings(terms: IndexTerms) -> list[str]:
    """Return the mapping char filter's rules: each letter Warta folds, to what it becomes.

    Every letter of the Basic Multilingual Plane is tried (Warta folds accented Latin letters, and
    letters whose lowercase is one, such as the Angstrom sign); letters only, so that token
    boundaries stay where Warta's tokenizer puts them.
    """
    word = re.compile(r"\w+")
    rules = [f"{_escape(char)}=>{_escape(target)}" for char, target in _JOINERS.items()]
    for code in range(0x80, 0x10000):
        char = chr(code)
        if not word.fullmatch(char):
            continue  # separators (and surrogates), never inside a token
        lower = char.lower()
        target = terms.normalise(char)
        # Java lowercases one character at a time; Python's "İ".lower() is two characters.
        if target == lower and len(lower) == 1:
            continue
        if not word.fullmatch(target):
            continue  # Ŀ folds to "l·": a separator would split the token (Warta keeps it whole)
        rules.append(f"{_escape(char)}=>{_escape(target)}")
    return rules


def _escape(text: str) -> str:
    """Return text written with \\uXXXX escapes for non-ASCII (OpenSearch's mapping rule syntax)."""
    return "".join(ch if ch.isascii() and ch.isalnum() or ch in "'-" else f"\\u{ord(ch):04x}" for ch in text)


def word_lists(terms: IndexTerms, vocabulary: set[str]) -> WordLists:
    """Return the rules and keywords that give every word of `vocabulary` its Warta term.

    vocabulary: normalised words of the index's text. Words Warta keeps as they are because they
    are protected or learned names go to the keyword list (also for words the index never had);
    every other word gets a rule, itself included when Warta keeps it (so that the Indonesian
    stemmer never sees it). Stem corrections are rules whether or not the index has the word.
    A hyphenated word that Warta indexes as its parts and joined form gets no rule itself (the
    chain splits it, see analysis_settings); its parts and joined form get theirs.
    """
    corrections = terms.stem_corrections
    words = set(vocabulary) | set(corrections)
    for word in [w for w in words if "-" in w]:
        if isinstance(terms.word_terms(word), tuple):
            parts = [part for part in word.split("-") if part]
            words.update(parts)
            words.add("".join(parts))
    keywords = sorted(w for w in (terms.protected_words | terms.learned_names)
                      if w not in corrections and _is_one_token(terms, w) and terms.word_terms(w) == w)
    keep = set(keywords)
    rules: dict[str, str] = {}
    for word in sorted(words):
        if word in keep or not _is_one_token(terms, word):
            continue
        term = terms.term(word)  # None: a stop word, or split into parts
        if term and not (term == word and _KEPT_BY_PATTERN.fullmatch(word)):
            rules[word] = term
    # No spaces around "=>": OpenSearch's rule parsers differ in what they trim.
    return WordLists(rules=[f"{w}=>{t}" for w, t in rules.items()], keywords=keywords)


def _is_one_token(terms: IndexTerms, word: str) -> bool:
    """Return whether the word is one whole token (rules for anything else could never match)."""
    return bool(word) and terms.token_pattern.fullmatch(word) is not None and "=>" not in word


def analysis_settings(terms: IndexTerms, rules_in: str = "path", lists: WordLists | None = None) -> dict:
    """Return the index settings' `analysis` section.

    rules_in: "path" reads the word lists from the node's config folder (analysis/...: copy them
    there); "inline" puts them in the settings (for clusters whose config folder cannot be reached,
    such as managed ones or a test container; needs `lists`).
    """
    if rules_in == "inline":
        if lists is None:
            raise ValueError("inline word lists need the lists")
        keep = {"keywords": lists.keywords}
        stems = {"rules": lists.rules}
    else:
        keep = {"keywords_path": f"{CONFIG_SUBDIR}/{KEYWORDS_FILE}"}
        stems = {"rules_path": f"{CONFIG_SUBDIR}/{RULES_FILE}"}
    filters = {
        "warta_stop": {"type": "stop", "stopwords": sorted(terms.stop_words), "ignore_case": False},
        "warta_keep": {"type": "keyword_marker", "ignore_case": False, **keep},
        "warta_stems": {"type": "stemmer_override", **stems},
        # Warta keeps words with digits or symbols as written, and words under 4 letters.
        "warta_keep_symbols": {"type": "keyword_marker", "keywords_pattern": KEEP_SYMBOLS},
        "warta_keep_short": {"type": "keyword_marker", "keywords_pattern": KEEP_SHORT},
        "warta_stemmer": {"type": "stemmer", "language": "indonesian"},
    }
    if not terms.stop_words:
        del filters["warta_stop"]
    stops = ["warta_stop"] if terms.stop_words else []
    if terms.splits_hyphenated:
        # Warta indexes a hyphenated word that is not one root as its parts at consecutive
        # positions plus the joined form at the first ("e-money": e, emoney, money). The rules run
        # first and mark the words they decide (one root: "anak-anak" => anak) as keywords, which
        # the splitter leaves whole; it splits the rest at hyphens only (apostrophes and
        # underscores are letters here, as in Warta's tokens), and the rules then give each part
        # and joined form its term.
        filters["warta_split"] = {
            "type": "word_delimiter_graph", "generate_word_parts": True, "generate_number_parts": True,
            "catenate_words": False, "catenate_numbers": False, "catenate_all": True,
            "split_on_case_change": False, "split_on_numerics": False, "preserve_original": False,
            "stem_english_possessive": False, "ignore_keywords": True, "adjust_offsets": True,
            "type_table": ["' => ALPHA", "_ => ALPHA"],
        }
        # The parts meet the keyword list and the rules again ("al-quran": quran is a learned name).
        # Warta leaves out a joined form whose term is the first part's ("tahun-an": tahun, an):
        # remove_duplicates drops the second "tahun" at that position.
        # A new word with a hyphenated prefix ("se-asia", "di-upload"), which Warta always makes one
        # root (asia, upload), loses the prefix before the split, so it keeps one position as in
        # Warta (else every later position of the text would be one off). Reduplications are not
        # treated so: whether Warta makes one root of them depends on the stemmer's dictionary
        # ("kuda-kuda" is kuda, "masing-masing" stays two parts), which a pattern cannot know.
        filters["warta_hyphen_prefix"] = {
            "type": "pattern_replace", "replacement": "$1", "all": False,
            "pattern": "^(?:" + "|".join(sorted(terms.hyphenated_prefixes, key=len, reverse=True)) + r")-(\p{L}+)$"}
        stemmed = ["lowercase", *stops, "warta_keep", "warta_stems", "warta_hyphen_prefix",
                   "warta_split", "flatten_graph",
                   "warta_keep", "warta_stems", "warta_keep_symbols", "warta_keep_short", "warta_stemmer",
                   "remove_duplicates"]
    else:
        stemmed = ["lowercase", *stops, "warta_keep", "warta_stems",
                   "warta_keep_symbols", "warta_keep_short", "warta_stemmer"]
    unstemmed = ["lowercase", *stops]
    return {
        "char_filter": {"warta_fold": {"type": "mapping", "mappings": fold_mappings(terms)}},
        "tokenizer": {"warta_tokens": {"type": "pattern", "pattern": java_token_pattern(terms), "group": 0}},
        "filter": filters,
        "analyzer": {
            ANALYZER: {"type": "custom", "char_filter": ["warta_fold"], "tokenizer": "warta_tokens",
                       "filter": stemmed},
            EXACT_ANALYZER: {"type": "custom", "char_filter": ["warta_fold"], "tokenizer": "warta_tokens",
                             "filter": unstemmed},
        },
    }


if __name__ == "__main__":  # pragma: no cover - a look at the chain by hand
    import json

    print(json.dumps(analysis_settings(IndexTerms(sys.argv[1])), ensure_ascii=False, indent=1)[:4000])
