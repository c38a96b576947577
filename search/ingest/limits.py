"""How large one record may be, and the bounded reads that enforce it without holding what is over it.

One record (a JSON line, a CSV row, a text file, an HTML page, a WARC record) is read into memory
whole, cleaned and indexed; the cap keeps a hostile or broken input (a gzip bomb, a quote never
closed, a line without an end) from taking the machine's memory. 8 MB is 250 times the longest
article of the news corpus (32,767 characters; a saved page with its scripts is a few MB), and
small enough that cleaning and indexing one record at the cap stays well under the build's memory
budget (peak RSS under 400 MB whatever the input): a 15 MB article peaked at 326 MB, and text
outside Latin-1 takes up to four times its characters in memory.
"""
from __future__ import annotations

import re
from typing import BinaryIO, Iterator

MAX_RECORD_BYTES = 8 << 20
MAX_RECORD_LABEL = "8 MB"
_CHUNK = 1 << 20
_BLANK = re.compile(rb"[ \t\r\n]*+")


def over_cap(what: str, size: int | None = None) -> str:
    """Return the rejection reason for a record over the cap, naming the cap (and the size when known)."""
    seen = f" ({size:,} bytes)" if size is not None else ""
    return (f"{what} is larger than the {MAX_RECORD_LABEL} limit for one record{seen}: it was skipped without "
            "being read whole; split it or leave it out")


def read_capped(handle: BinaryIO, limit: int = MAX_RECORD_BYTES) -> tuple[bytes, int | None]:
    """Return (data, None) for a stream of at most `limit` bytes, else (b"", size) having read on only to count it."""
    data = handle.read(limit + 1)
    if len(data) <= limit:
        return data, None
    size = len(data)
    del data
    while chunk := handle.read(_CHUNK):
        size += len(chunk)
    return b"", size


def bounded_lines(handle: BinaryIO, limit: int = MAX_RECORD_BYTES) -> Iterator[tuple[int, bytes | None, int, bool]]:
    """Yield (line number, bytes, size, ended) for each line that is not blank; bytes is None for a line
    over `limit`, and ended is False for a last line without a line break (cut short, or no final newline).

    Blank runs (however long: a file of gigabytes of newlines) are skipped and counted at C speed,
    and a line over the limit is measured as it streams by, never held.
    """
    number = 1  # of the line the next byte belongs to
    pending = bytearray()
    pending_size = 0
    start = 1
    while chunk := handle.read(_CHUNK):
        pos, size = 0, len(chunk)
        while pos < size:
            if pending_size == 0:
                blank_end = _BLANK.match(chunk, pos).end()
                number += chunk.count(b"\n", pos, blank_end)
                pos = blank_end
                if pos >= size:
                    break
                start = number
            newline = chunk.find(b"\n", pos)
            end = size if newline < 0 else newline
            if pending_size + (end - pos) <= limit:
                pending += chunk[pos:end]
            elif pending:
                pending = bytearray()  # over the limit: stop holding it
            pending_size += end - pos
            if newline < 0:
                break
            yield start, (bytes(pending) if pending_size <= limit else None), pending_size, True
            number += 1
            pending, pending_size, pos = bytearray(), 0, newline + 1
    if pending_size:
        yield start, (bytes(pending) if pending_size <= limit else None), pending_size, False
