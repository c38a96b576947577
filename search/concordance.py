"""Keyword in context: every occurrence of a query's words in matching articles, with its neighbours.

Occurrences are found by the highlighter's own matching (search.highlight.find_matches): the stored
text re-analysed with the index's analyzer, so a search for "tembak" finds "menembakkan" and
"ditembak", and a quoted phrase is one occurrence where the whole phrase stands.
"""
from __future__ import annotations

from search.analysis import TOKEN_PATTERN, normalise
from search.errors import InvalidQuery
from search.highlight import TEXT_WINDOW, MatchSpec, find_matches
from search.results import ConcordanceLine

SORTS = ("date", "before", "after", "relevance")  # date: oldest first; relevance: the search's order
MAX_WIDTH = 500
ARTICLES_PER_LINE = 4  # at most limit * this many articles are read for `limit` lines


def check(sort: str, width, limit) -> tuple[int, int]:
    """Return (width, limit) as whole numbers; raise InvalidQuery for bad values."""
    if sort not in SORTS:
        raise InvalidQuery(f"Unknown sort {str(sort)[:40]!r} for keyword in context: use one of {', '.join(SORTS)}.")
    try:
        width, limit = int(width), int(limit)
    except (TypeError, ValueError):
        raise InvalidQuery("width and limit must be whole numbers.") from None
    if not 1 <= width <= MAX_WIDTH:
        raise InvalidQuery(f"width must be from 1 to {MAX_WIDTH} characters, not {width}.")
    if limit < 1:
        raise InvalidQuery("limit must be at least 1.")
    return width, limit


def lines_of(stored: dict, date: str | None, spec: MatchSpec, width: int, wanted: int | None = None) -> list[ConcordanceLine]:
    """Return the concordance lines of one article's body (at most `wanted`, when given).

    The body is read a window of TEXT_WINDOW characters at a time (cut at spaces), stopping once
    `wanted` lines are found: a huge article costs what its first lines need, not its whole length.
    """
    text = stored.get("content") or ""
    found: list[ConcordanceLine] = []
    begin = 0
    while begin < len(text) and (wanted is None or len(found) < wanted):
        stop = len(text)
        if stop - begin > TEXT_WINDOW:
            space = text.rfind(" ", begin + TEXT_WINDOW - 200, begin + TEXT_WINDOW)
            stop = space if space > begin else begin + TEXT_WINDOW
        for start, end, _ in find_matches(text[begin:stop], spec):
            start, end = start + begin, end + begin
            found.append(ConcordanceLine(
                id=stored["id"], date=date, source=stored.get("source"),
                left=_left(text, start, width), match=_flat(text[start:end]), right=_right(text, end, width)))
        begin = stop
    return found if wanted is None else found[:wanted]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _left(text: str, start: int, width: int) -> str:
    """Return up to `width` characters before start, whole words only, spaces collapsed."""
    begin = max(0, start - width)
    piece = text[begin:start]
    if begin > 0 and not text[begin - 1].isspace():
        cut = piece.find(" ")
        piece = piece[cut + 1:] if cut >= 0 else ""  # a word cut in half is left out
    trailing = " " if piece[-1:].isspace() else ""
    return (_flat(piece) + trailing) if _flat(piece) else ""


def _right(text: str, end: int, width: int) -> str:
    """Return up to `width` characters after end, whole words only, spaces collapsed."""
    stop = min(len(text), end + width)
    piece = text[end:stop]
    if stop < len(text) and not text[stop].isspace():
        cut = piece.rfind(" ")
        piece = piece[:cut] if cut >= 0 else ""
    leading = " " if piece[:1].isspace() else ""
    return (leading + _flat(piece)) if _flat(piece) else ""


def sort_lines(lines: list[ConcordanceLine], sort: str) -> list[ConcordanceLine]:
    """Return lines in the chosen order: by date (oldest first, undated last), or alphabetically by
    the words before the match (nearest word first, as concordances do) or after it."""
    if sort == "date":
        return sorted(lines, key=lambda line: (line.date is None, line.date or "", line.id))
    if sort == "before":
        return sorted(lines, key=lambda line: (words(line.left)[::-1], line.date or "", line.id))
    if sort == "after":
        return sorted(lines, key=lambda line: (words(line.right), line.date or "", line.id))
    return lines


def words(text: str) -> list[str]:
    """Return the words of text as the analyzer tokenises them, lowercased (punctuation is not a word)."""
    return [normalise(word) for word in TOKEN_PATTERN.findall(text)]
