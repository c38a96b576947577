"""Cleaning of scraped article text: page furniture out, repeated paragraphs out, spacing normalised.

Runs on every record, so everything here is compiled once and cheap per line. The rules are
written for the kinds of furniture Indonesian news sites and their scrapers leave behind, not for
one outlet: font-size controls, "Baca juga" links, advert markers, video embeds, share prompts,
copyright and editor credit lines, date-only lines from related-article lists.
"""
from __future__ import annotations

import re
import unicodedata

# Characters that are layout, never text: zero-width marks and the byte-order mark.
_INVISIBLE_MARKS = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"
_INVISIBLE = re.compile(f"[{_INVISIBLE_MARKS}]")
# UTF-8 read as cp1252 or latin-1: a lead byte (Â-ô) followed by continuation bytes, shown as
# latin-1 controls or the cp1252 punctuation that sits at 0x80-0xBF.
_CP1252_BYTES = {bytes([b]).decode("cp1252"): b for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
_CONTINUATION = "[\u0080-\u00bf" + "".join(sorted(_CP1252_BYTES)) + "]"
_MOJIBAKE = re.compile(
    "(?:[\u00c2-\u00df]" + _CONTINUATION + "|[\u00e0-\u00ef]" + _CONTINUATION + "{2}|[\u00f0-\u00f4]" + _CONTINUATION + "{3})+"
)
_C1_CONTROLS = re.compile("[\u0080-\u009f]")
_MOJIBAKE_START = re.compile("[\u00c2-\u00f4]" + _CONTINUATION)
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
# Tokenised text (IndoSum) writes a dash as "- -": "CNN Indonesia - - Ramen" -> "CNN Indonesia - Ramen".
_DASHES = re.compile(r"(?:(?<=\s)|^)-(?:\s+-)+(?=\s|$)")

# Tokenised text also splits hyphenated words: "undang - undang", "teman - temannya", "ke - 72", "U - 19", "e - KTP".
_REDUPLICATION_SUFFIXES = frozenset("nya an kan i lah mu ku pun annya".split())
_HYPHEN_PREFIXES = frozenset(("ke", "Ke", "U", "e"))
_TRAILING_WORD = re.compile(r"[^\W_]++$")  # possessive: a word that does not reach the end is not retried shorter
_LEADING_WORD = re.compile(r"[^\W_]+")

_DAY = r"(?:senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH = (r"(?:januari|februari|pebruari|maret|april|mei|juni|juli|agustus|september|oktober|november|nopember|desember|"
          r"january|february|march|may|june|july|august|october|december|jan|feb|mar|apr|jun|jul|agu|agt|aug|sep|sept|okt|oct|nov|des|dec)")

# Whole lines that are page furniture, never article text.
_FURNITURE_LINE = re.compile(
    r"^(?:"
    r"loading\W*|memuat\W*|a(?:\s*a){0,2}|[aA]\s*[-+]\s*[aA]\s*[+-]?"  # font-size controls "A A A", "A- A+"
    r"|(?:advertisement|advertorial|iklan|ads?)\W*(?:scroll (?:down )?to continue(?: with content| reading)?)?\W*"
    r"|scroll (?:down )?to continue(?: with content| reading)?\W*|content continues below\W*"
    r"|(?:baca|lihat|simak|tonton)(?:[ _]+(?:juga|pula))?\s*:?\s*|baca selengkapnya\b.*"  # a bare "Baca juga:" label
    r"|(?:simak|tonton|saksikan)\s+(?:juga\s+)?(?:video|live|streaming|siaran)\b.*|video (?:pilihan|terkait)\W*"
    r"|berita terkait\W*|artikel terkait\W*|related(?: news| articles?)?\W*|terpopuler\W*|rekomendasi\W*"
    r"|[\[(]\s*gambas\s*:[^\])]*[\])]\W*"
    r"|lihat foto\W*|foto\s*:\s*\S.{0,80}|ilustrasi\W*|load more\W*|selengkapnya\W*|klik di ?sini\W*.{0,60}"
    r"|(?:dapatkan|ikuti|follow|gabung|join|bagikan|share|sebarkan|yuk)\b.{0,120}\b(?:google news|whatsapp|telegram|instagram|twitter|facebook|tiktok|youtube|channel|saluran|kanal|media sosial|linkedin|line)\b.*"
    r"|(?:share|bagikan|sebarkan)\s*(?:artikel|berita|ini)?\s*:?\s*"
    r"|(?:(?:facebook|twitter|whatsapp|telegram|line|email|e-mail|copy link|salin tautan|linkedin|pinterest|google\+|\d+\s*shares?)\W*){2,}"
    r"|(?:copyright|\(c\)|©).{0,120}|hak cipta dilindungi.{0,80}"
    r"|disclaimer\s*:.*|artikel ini (?:telah )?(?:tayang|terbit|dimuat) (?:di|pada|sebelumnya)\b.*"
    r"|home\s*>.*|informasi pemasangan iklan.*"
    r"|\W*" + _DAY + r"?\W*\d{1,2}\s*[-/. ]\s*(?:\d{1,2}|" + _MONTH + r")\s*[-/. ,]\s*\d{2,4}(?:\W+\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?\s*(?:wib|wita|wit|gmt[+\d]*)?\W*"
    r"|[\W_]*|\W*\d{1,2}\W*"  # separators, stray list numbers: "* * *", "---", "–"
    r"|[\[(]\s*[a-z]{2,5}\s*[\])]"  # editor initials "(ard)", "[sau]"
    r"|[\[(]\s*[\w.]{1,8}(?: [\w.]{1,4})?(?:\s*-\s*[\w.]{1,8})?(?:\s*/\s*[\w.]{1,8}(?:\s*-\s*[\w.]{1,8})?)+\s*[\])]"  # "(kpl/pur/tch)", "(Uu. H - RF / I015)"
    r")$",
    re.IGNORECASE,
)
# Credit lines ("Editor: Ade Marboen", "| Penulis | : Nabilla Tashandra |"): furniture only when short
# enough to be a name, not a sentence that happens to start with the word.
_CREDIT_LINE = re.compile(
    r"^\|?\s*(?:pewarta|penulis|penerjemah|reporter|editor|penyunting|redaktur|fotografer|kontributor|sumber foto|foto|video|"
    r"produser|writer|author|photographer|laporan wartawan|wartawan)\s*\|?\s*:\s*[^!?]{0,70}\|?\s*$",
    re.IGNORECASE,
)
_CREDIT_WORDS_MAX = 9
# Short lines that are furniture wherever the tell-tale words sit in them.
_FURNITURE_SHORT_LINE = re.compile(r"\ball rights reserved\b|\bdilihat \d[\d.,]* kali\b|\[at\]", re.IGNORECASE)
_SHORT_LINE_CHARS = 120
_FURNITURE_CHARS_MAX = 300

# Furniture glued inside a paragraph (flattened scrapes): removed wherever it appears.
_INLINE_FURNITURE = re.compile(
    r"(?:ADVERTISEMENT\s*)?SCROLL TO CONTINUE WITH CONTENT|\bADVERTISEMENT\b|[\[(]\s*Gambas\s*:[^\])]{0,80}[\])]",
)
# An agency's credit tail glued to the last sentence: "...katanya.Pewarta: X Editor: Y COPYRIGHT © ANTARA 2023"
# Each credit's name runs (possessively) up to the next label or a .!?: mark: a lazy name followed by
# optional spaces, four times over, could split the same text countless ways before failing
# (a 240-character tail of "Pewarta: Ade" repeated took 20 ms a search, thousands of them minutes).
_CREDIT_LABELS = r"(?:Pewarta|Penulis|Penerjemah|Reporter|Editor|Penyunting|Redaktur)"
_CREDIT_TAIL = re.compile(
    r"(?:" + _CREDIT_LABELS + r"\s*+:\s*+(?:(?!" + _CREDIT_LABELS + r"\s*:)[^.!?:]){1,60}+){1,4}+"
    r"(?:(?:COPYRIGHT|Copyright|Hak cipta)?\s*©\s*[^.!?]{0,40})?$"
    r"|(?:COPYRIGHT|Copyright)?\s*+©\s*+[A-Za-z. ]{0,30}\d{4}[^.!?]{0,30}$",
)
# A credit tail has one of these labels or a ©: testing for them first is far cheaper than the full pattern.
_CREDIT_LABEL = re.compile(r"(?:Pewarta|Penulis|Penerjemah|Reporter|Editor|Penyunting|Redaktur)\s*:")
_LINK_LINE = re.compile(r"^[\[(]?\s*(?:baca|lihat|simak|tonton)(?:[ _]+(?:juga|pula))?\s*(?P<colon>:)?", re.IGNORECASE)
_LINK_WORDS_MAX_WITHOUT_COLON = 16
_CREDIT_TAIL_CHARS = 240
# "Baca juga:" starting a word. The words come first and each look-behind checks the character before the
# word (a word boundary): a pattern that opens with its letters lets the regex engine skip to candidates.
_BACA_JUGA = re.compile(r"(?:B(?:aca|ACA)(?<!\w.{4})|Lihat(?<!\w.{5})|Simak(?<!\w.{5}))(?: [Jj]uga| JUGA)?\s*:\s*")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")
# The space between two sentences of space-normalised text: after an end mark and at most one closing
# quote or bracket, before a capital or digit. The pattern opens with the space itself so that the
# regex engine jumps from space to space instead of trying the look-behinds at every character.
_SENTENCE_GAP = re.compile(r" (?:(?<=[.!?] )|(?<=[.!?][\"'”’)] ))(?=[\"'“‘(]?[A-Z0-9])")
# Words that start a new sentence rather than continue a headline, for glued "Baca juga: <headline> <Next sentence>".
_SENTENCE_STARTERS = frozenset(
    # Function words: lowercase inside a sentence-case headline and mid-sentence, so a capitalised one
    # starts a sentence. Office titles (Presiden, Menteri) are left out: they are capitalised mid-sentence.
    "dia ia mereka kami kita saya aku anda ini itu hal menurut menurutnya pihaknya sementara selain sebelumnya "
    "kemudian lalu namun tetapi tapi adapun pada dalam saat ketika untuk bagi dengan di ke dari bahkan sedangkan "
    "oleh karena sebab jika apabila bila setelah sebelum selanjutnya selama sejak berdasarkan terkait meski meskipun "
    "walaupun sehingga maka juga tak tidak para sejumlah salah seperti sebagai secara hingga sampai tentu sekitar "
    "akan sudah telah masih yang atau dan jadi begitu demikian kendati diketahui dikatakan disebutkan".split()
)
_TITLE_WORDS_MAX = 25

# A dateline glued to the word before it: "dikhawatirkanJakarta (ANTARA) -", "melemah.Bandung, Jawa Barat (ANTARA) -".
# The capital comes first and the look-behind checks the character before it: a pattern that opens with a
# character class lets the regex engine skip to candidates, one that opens with a look-behind tries every position.
_GLUED_DATELINE = re.compile(
    r"[A-Z](?<=[a-z0-9.,!?\"'”’…][A-Z])[a-z.']{1,25}(?: [A-Z][a-z.']{1,25}){0,3}(?:, [A-Z][A-Za-z ]{1,30})? "
    r"\([A-Z][A-Za-z]{1,15}(?: [A-Z][A-Za-z]{1,15})?\) [-–—]"
)
_PULL_QUOTE_CHARS = 600

_MIN_WORDS_TO_DEDUPE = 5  # short lines ("Babak kedua", lyrics, line-ups) may legitimately repeat
_MIN_WORDS_SINGLE_REPEAT = 15  # one repeated sentence this long is a copy, not a refrain


def clean_text(text: str) -> str:
    """Return the article body without furniture and repeated passages, paragraphs separated by a blank line."""
    if not text:
        return ""
    text = compose_accents(repair_mojibake(text))
    text = _unglue_pull_quote(text)
    # Scanning for a few characters is much cheaper than running a substitution over every article.
    if "\r" in text or "\u2028" in text or "\u2029" in text or "\x85" in text:
        text = _LINE_BREAKS.sub("\n", text)
    if any(mark in text for mark in _INVISIBLE_MARKS):
        text = _INVISIBLE.sub("", text)
    paragraphs: list[str] = []
    seen_paragraphs: set[str] = set()
    seen_sentences: set[str] = set()
    for raw_line in text.split("\n"):
        if not raw_line:
            continue  # the blank line between paragraphs
        line = clean_line(raw_line)
        if not line:
            continue
        key = _key(line)
        if key in seen_paragraphs and key.count(" ") >= _MIN_WORDS_TO_DEDUPE - 1:
            continue
        deduplicated = _drop_repeated_sentences(line, seen_sentences)
        if deduplicated != line:
            # What is left may now be short enough to be a link line: judge it again.
            line = clean_line(deduplicated)
            if not line:
                continue
            key = _key(line)
        if key in seen_paragraphs and key.count(" ") >= _MIN_WORDS_TO_DEDUPE - 1:
            continue
        seen_paragraphs.add(key)
        paragraphs.append(line)
    return "\n\n".join(paragraphs)


def _unglue_pull_quote(text: str) -> str:
    """Return the text without a pull-quote glued to the dateline ("...dikhawatirkanJakarta (ANTARA) - ...").

    Agency pages put a quote from the story above its dateline; flattened scrapes glue the two.
    The quote is dropped when the story repeats it, and otherwise kept as a paragraph of its own.
    """
    if text.find(") ", 0, _PULL_QUOTE_CHARS) < 0:
        return text  # no "(ANTARA) -" up front: most articles
    match = _GLUED_DATELINE.search(text, 0, _PULL_QUOTE_CHARS)
    if match is None or "\n" in text[: match.start()]:
        return text
    quote, rest = text[: match.start()].strip(), text[match.start():]
    probe = " ".join(quote.rstrip(".…").split())[:60].lower()
    if probe and probe in " ".join(rest.split()).lower():
        return rest
    return quote + "\n" + rest


def clean_line(line: str) -> str:
    """Return one paragraph with spacing normalised and furniture removed; "" when it was all furniture."""
    line = _normalise_spaces(line)
    # Each removal can expose more (a credit before a link, dashes around an advert), so strip until
    # nothing changes; every round only removes text, so this ends.
    while line and not is_furniture(line):
        stripped = _strip_inline_furniture(line)
        if stripped == line:
            return line
        line = stripped
    return ""


def _normalise_spaces(line: str) -> str:
    """Return the line with each run of whitespace made one space, and none at either end."""
    # Every whitespace character but the space itself is non-printable (tests/test_clean.py checks each
    # code point), so a printable line without double or outer spaces is already normal: most scraped
    # lines are, and this test is cheaper than splitting them into words.
    if line.isprintable() and "  " not in line and not line.startswith(" ") and not line.endswith(" "):
        return line
    return " ".join(line.split())  # str.split knows every Unicode space and is far faster than a regex


def _strip_inline_furniture(line: str) -> str:
    """Return the (space-normalised) line after one round of removing furniture glued inside it."""
    stripped = line
    if "SCROLL" in stripped or "ADVERTISEMENT" in stripped or "ambas" in stripped:
        stripped = _INLINE_FURNITURE.sub(" ", stripped)
    if "- -" in stripped:
        stripped = _DASHES.sub("-", stripped)
    if " - " in stripped:
        stripped = _rejoin_hyphens(stripped)
    if "©" in stripped or ":" in stripped:
        stripped = _strip_credit_tail(stripped)
    if ":" in stripped and ("Baca" in stripped or "BACA" in stripped or "Lihat" in stripped or "Simak" in stripped):
        stripped = _strip_inline_links(stripped)
    if stripped == line:
        return line  # nothing removed (the usual case), and the line came in space-normalised
    return " ".join(stripped.split())


def is_furniture(line: str) -> bool:
    """Return True when a whole (stripped) line is page furniture rather than article text."""
    if len(line) > _FURNITURE_CHARS_MAX:
        return False  # furniture is short; most paragraphs skip the patterns altogether
    if _FURNITURE_LINE.match(line):
        return True
    if len(line) <= _SHORT_LINE_CHARS and _FURNITURE_SHORT_LINE.search(line):
        return True
    link = _LINK_LINE.match(line)
    if link and (link.group("colon") or re.match(r"^[\[(]?\s*\w+[ _]+(?:juga|pula)\b", line, re.IGNORECASE)):
        # A "Baca juga" link line; a long one is running text that starts with a link (handled inline).
        words = len(line.split())
        return words <= (_TITLE_WORDS_MAX + 3 if link.group("colon") else _LINK_WORDS_MAX_WITHOUT_COLON)
    return ":" in line and bool(_CREDIT_LINE.match(line)) and len(line.split()) <= _CREDIT_WORDS_MAX


def repair_mojibake(text: str) -> str:
    """Return the text with UTF-8 that was mis-decoded as cp1252/latin-1 ("CafÃ©", "â€œ") decoded properly."""
    if not _may_hold_mojibake(text):
        return text
    # Text encoded twice over needs one round per layer; every round that changes something makes the
    # text shorter, so this ends, and it ends where a further call would change nothing.
    while _MOJIBAKE.search(text):
        repaired = _MOJIBAKE.sub(_redecode, text)
        if repaired == text:
            break
        text = repaired
    return text


def _may_hold_mojibake(text: str) -> bool:
    """Return False when the text certainly has no mojibake, by tests far cheaper than the full pattern."""
    if text.isascii():
        return False
    # Every lead character (U+00C2-U+00F4) is encoded as the byte C3 and C3 stands for nothing else in
    # UTF-8; a byte search finds it much faster than a character-class scan of the text.
    if b"\xc3" not in text.encode("utf-8", "surrogatepass"):
        return False
    return _MOJIBAKE_START.search(text) is not None


def compose_accents(text: str) -> str:
    """Return the text in Unicode NFC: a letter followed by a combining accent ("e" + U+0301) becomes one
    letter ("é"), as most sites write it, so that the word stays one token and matches its other copies."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _redecode(match: re.Match) -> str:
    run = match.group(0)
    try:
        raw = bytes(ord(ch) if ord(ch) < 256 else _CP1252_BYTES[ch] for ch in run)
        decoded = raw.decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return run  # not mojibake after all: leave the text as published
    if _C1_CONTROLS.search(decoded):
        return run  # real mis-decoded text turns into letters and punctuation, not control characters
    return decoded


def clean_title(title: str) -> str:
    """Return a one-line title with normalised spacing and dashes.

    Every Unicode space and line break (U+2028, NEL, the information separators...) becomes one
    space, as ids and content hashes already treat them. Split hyphenated words are not rejoined
    as in the body: that would change the id of an article identified by its text.
    """
    title = " ".join(_INVISIBLE.sub("", compose_accents(repair_mojibake(title))).split())
    return _DASHES.sub("-", title) if "-" in title else title


def _rejoin_hyphens(line: str) -> str:
    """Return the line with hyphenated words that tokenised text split apart joined again ("anak - anak")."""
    pieces = line.split(" - ")
    joined = pieces[0]
    for piece in pieces[1:]:
        # The words either side of this " - ": the last of what came before, the first of what follows,
        # each a whole word (not itself hyphenated further).
        before = _TRAILING_WORD.search(joined, max(0, len(joined) - 40))
        after = _LEADING_WORD.match(piece)
        left = before.group(0) if before and joined[before.start() - 1: before.start()] != "-" else ""
        right = after.group(0) if after and piece[after.end(): after.end() + 1] != "-" else ""
        joined += ("-" if _split_word(left, right) else " - ") + piece
    return joined


def _split_word(left: str, right: str) -> bool:
    """Return True when "left - right" is one hyphenated word that tokenising split apart."""
    if not left or not right:
        return False
    if left in _HYPHEN_PREFIXES:
        return True  # "ke - 72", "U - 19", "e - KTP"
    if len(left) < 2 or not left.isalpha() or not right.isalpha():
        return False
    left, right = left.lower(), right.lower()
    # "anak - anak", "teman - temannya", "mudah - mudahan"
    return right == left or (right.startswith(left) and right[len(left):] in _REDUPLICATION_SUFFIXES)


def _strip_credit_tail(line: str) -> str:
    """Return the line without the agency credits glued to its end."""
    # Credits are short, so only the end of the line is searched: long flattened bodies stay cheap.
    # Credit after credit is taken off here, each from the end of what is left: one removal per
    # round of clean_line (which re-normalises the whole line) made thousands of them quadratic.
    end = len(line)
    while True:
        cut = max(0, end - _CREDIT_TAIL_CHARS)
        if line.find("©", cut, end) < 0 and not _CREDIT_LABEL.search(line, cut, end):
            break
        match = _CREDIT_TAIL.search(line, cut, end)
        if match is None or not _NOT_SPACE.search(line, 0, match.start()):
            break  # nothing, or nothing but the credit: whole-line credits are is_furniture's job
        end = match.start()
        while end and line[end - 1].isspace():
            end -= 1
    return line if end == len(line) else line[:end]


_NOT_SPACE = re.compile(r"\S")


def _strip_inline_links(line: str) -> str:
    """Return the line without "Baca juga: <headline>" links glued into running text."""
    # From the last link backwards, so that each headline ends at most where the next link began.
    # The line is kept as a prefix of the original (up to `cut`) and the words after it, stored last
    # word first so that taking the headline's words off the front costs what they are: rebuilding
    # and splitting the whole line per link made a paragraph of thousands of links quadratic.
    cut = len(line)
    tail: list[str] | None = None  # the words after the prefix, last first; None: nothing after it
    for match in reversed(list(_BACA_JUGA.finditer(line))):
        start = match.end()
        whole = True
        if start <= cut:
            # Only the first words decide the headline: a link kept in place must not cost the rest of the line.
            segment, whole = _words_between(line, start, cut, _TITLE_WORDS_MAX + 1)
        else:  # the next link's place, the space before it already stripped
            segment = [] if tail is not None else [""]
        ahead = segment[:]
        if tail is not None and len(ahead) <= _TITLE_WORDS_MAX:
            ahead += tail[-1: -(_TITLE_WORDS_MAX + 2 - len(ahead)): -1]
        end = _headline_end(ahead)  # it reads no further than the first _TITLE_WORDS_MAX + 1 words
        if end is None:
            continue
        if tail is None:
            tail = []
        tail.extend(reversed(segment if whole else line[start:cut].split(" ")))
        del tail[len(tail) - end:]
        before = match.start()
        while before > 0 and line[before - 1].isspace():
            before -= 1
        cut = before
        if not any(tail):
            tail = None
    if tail is None:
        return line[:cut]
    rest = " ".join(reversed(tail))
    return (line[:cut] + " " + rest).strip() if cut else rest


_FIRST_WORDS = re.compile(r"[^ ]*+(?: [^ ]*+){0,%d}" % _TITLE_WORDS_MAX)  # the first _TITLE_WORDS_MAX + 1 words


def _words_between(line: str, start: int, stop: int, count: int) -> tuple[list[str], bool]:
    """Return the first `count` (_TITLE_WORDS_MAX + 1) words of line[start:stop] split at single spaces,
    and whether they are all of them."""
    assert count == _TITLE_WORDS_MAX + 1
    match = _FIRST_WORDS.match(line, start, stop)
    return match.group().split(" "), match.end() == stop


def _headline_end(words: list[str]) -> int | None:
    """Return how many words of `words` are the linked headline, or None when that cannot be told."""
    tail = " ".join(words)
    if len(words) <= _TITLE_WORDS_MAX and not _SENTENCE_END.search(tail) and not tail.endswith("."):
        return len(words)  # the link is the tail of the paragraph (headlines end without a full stop)
    seen_lower = False
    for i, word in enumerate(words[:_TITLE_WORDS_MAX]):
        if i >= 2 and word[:1].isupper() and seen_lower:
            # Only a word that starts sentences, never a name, ends the headline: when unsure, the link
            # text stays in (a few extra words) rather than article words going out.
            if word.strip("\"'“”‘’(),").lower() in _SENTENCE_STARTERS:
                return i
        if word[:1].islower():
            seen_lower = True
        if word.endswith((".", "!", "?")) and i >= 1:
            return None  # a sentence ended inside: not a headline we can delimit safely
    return None


def _drop_repeated_sentences(line: str, seen: set[str]) -> str:
    """Return the paragraph without runs of sentences the article already had (a body pasted twice)."""
    sentences, keys = _sentences_and_keys(line)
    repeated = []
    for k in keys:  # a sentence also repeats one earlier in the same paragraph (a body pasted twice, flattened)
        repeated.append(k in seen and k.count(" ") >= 2)
        seen.add(k)
    if not any(repeated):
        return line  # the usual case: nothing to drop
    keep: list[str] = []
    for i, sentence in enumerate(sentences):
        run = repeated[i] and ((i > 0 and repeated[i - 1]) or (i + 1 < len(sentences) and repeated[i + 1]))
        long_single = repeated[i] and len(keys[i].split()) >= _MIN_WORDS_SINGLE_REPEAT
        if run or long_single:
            continue
        keep.append(sentence)
    if len(keep) == len(sentences):
        return line
    return " ".join(keep)


def _sentences_and_keys(line: str) -> tuple[list[str], list[str]]:
    """Return the sentences of a space-normalised paragraph (each with its closing punctuation) and their keys."""
    sentences = _SENTENCE_GAP.split(line)
    return sentences, list(map(_key, sentences))


# The key a paragraph or sentence is deduplicated by (text is already space-normalised); the builtin itself
# rather than a wrapper, as it runs for every sentence.
_key = str.lower
