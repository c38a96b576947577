"""Plain-text articles: a scraper's "URL:/TANGGAL:/JUDUL:" header then the body, or a title line then the body."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from search.documents import FIELD_ALIASES
from search.ingest.encoding import cut_short, cut_short_reason, decode_bytes, open_binary
from search.ingest.limits import over_cap, read_capped
from search.ingest.records import RawRecord, Rejection, preview

# Header keys a scraper writes at the top ("URL: ...", "TANGGAL: ...", "JUDUL: ..."), per article field.
_HEADER_KEYS = {alias: field for field, aliases in FIELD_ALIASES.items() if field != "content" for alias in aliases}
_HEADER_LINE = re.compile(r"^\s*([A-Za-z_ ]{2,20}?)\s*:\s*(.*?)\s*$")
_MAX_HEADER_LINES = 12
_MAX_TITLE_CHARS = 250  # a first line longer than this is a paragraph, not a headline


def read_text_file(path: Path) -> Iterator[RawRecord | Rejection]:
    """Yield the one article a text file holds, or a rejection when it holds no text."""
    with open_binary(path) as handle:
        data, size = read_capped(handle)
        cut = cut_short(handle)
    if size is not None:
        yield Rejection(str(path), over_cap("text file", size))
        return
    if cut is not None:
        yield Rejection(str(path), cut_short_reason(cut) + " (the article's text is incomplete)", preview(data))
        return
    text, note = decode_bytes(data)
    if "\x00" in text:
        yield Rejection(str(path), "file holds binary data (NUL bytes), not text; is it really a .txt file?")
        return
    fields = parse_text_article(text)
    if not fields.get("content", "").strip():
        yield Rejection(str(path), "no article text in the file (it is empty or has only a header)")
        return
    yield RawRecord(str(path), fields, (note,) if note else ())


def parse_text_article(text: str) -> dict:
    """Return the fields of a text article: its header keys when it has a header, else first line as title."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    fields: dict = {}
    consumed = 0
    for consumed, line in enumerate(lines[:_MAX_HEADER_LINES]):
        if not line.strip():
            break  # the blank line that ends a header
        match = _HEADER_LINE.match(line)
        key = match.group(1).strip().lower().replace(" ", "_") if match else None
        if not match or key not in _HEADER_KEYS or _HEADER_KEYS[key] in fields:
            break
        fields[_HEADER_KEYS[key]] = match.group(2)
    else:
        consumed = min(len(lines), _MAX_HEADER_LINES)
    if fields:
        body = lines[consumed:]
    else:
        body = lines
        first = body[0].strip() if body else ""
        # A first line is a headline when it is short and the text goes on after it.
        if first and len(first) <= _MAX_TITLE_CHARS and len(body) > 1 and any(line.strip() for line in body[1:]):
            fields["title"] = first
            body = body[1:]
    fields["content"] = "\n".join(body).strip()
    return fields
