"""JSON inputs: JSON lines, and .json files holding one object or an array of objects (streamed)."""
from __future__ import annotations

import io
import json
import re
import zlib
from pathlib import Path
from typing import Iterator

from search.ingest.encoding import (bom_encoding, cut_short, cut_short_reason, describe_read_error as _describe,
                                    file_bom_encoding, open_binary)
from search.ingest.limits import MAX_RECORD_BYTES, MAX_RECORD_LABEL, bounded_lines, over_cap, read_capped
from search.ingest.records import RawRecord, Rejection, preview

Item = RawRecord | Rejection
_CHUNK_CHARS = 1 << 20
_WHITESPACE = " \t\r\n"
_MAX_ITEM_CHARS = MAX_RECORD_BYTES  # one array item at most (characters, about bytes): the record cap
_TOO_DEEP = ("JSON nested too deeply to read (arrays or objects inside each other past Python's recursion "
             "limit); fix or remove it")
_CUT_MARGIN = 16
_MAX_BAD_LINES_IN_A_ROW = 1000  # binary data under a .jsonl name: one rejection per "line" would never end  # a decode error this close to the end of the text read may be an item cut there


def _broken(exc: json.JSONDecodeError, text: str) -> bool:
    """Return whether a decode error shows an item is malformed, not merely cut by the chunk read so far.

    The prefix of a valid item fails only at its end (within an escape's or a word's length of it),
    or as a string not yet closed; an error further back is in the text itself, and reading on
    (to the end of a possibly huge file) cannot mend it.
    """
    return not exc.msg.startswith("Unterminated string") and exc.pos < len(text) - _CUT_MARGIN


def read_jsonl(path: Path) -> Iterator[Item]:
    """Yield each line of a JSON-lines file (optionally gzip-compressed) as a record or a rejection.

    Lines are read with a bounded reader: one over the record cap is rejected with its size, never
    held whole; blank lines (however many) cost next to nothing; a compressed file cut short keeps
    every line before the cut and rejects the rest with the byte it ends at.
    """
    number = 0
    try:
        encoding = file_bom_encoding(path)
        with open_binary(path) as handle:
            # UTF-16/32 text is split into lines after decoding (its newline is more than one byte),
            # then handed on as UTF-8 like every other line.
            stream = _Utf8Stream(io.TextIOWrapper(handle, encoding, errors="replace")) if encoding else handle
            last = number + 1
            bad_in_a_row = 0
            for number, raw, size, ended in bounded_lines(stream):
                last = number + 1
                if not ended and cut_short(handle) is not None:
                    last = number  # the line the cut went through: part of what is missing
                    break
                item = Rejection(f"{path}:{number}", over_cap("line", size)) if raw is None \
                    else _json_line(f"{path}:{number}", raw)
                yield item
                bad_in_a_row = bad_in_a_row + 1 if isinstance(item, Rejection) else 0
                if bad_in_a_row >= _MAX_BAD_LINES_IN_A_ROW:
                    yield Rejection(f"{path}:{number + 1}", f"stopped reading after {bad_in_a_row:,} unreadable lines in "
                                    "a row: the rest of the file was not read. Is it really JSON lines?")
                    return
            cut = cut_short(handle)
        if cut is not None:
            yield Rejection(f"{path}:{last}", cut_short_reason(cut))
    except (OSError, EOFError, zlib.error) as exc:
        yield Rejection(f"{path}:{number + 1}", f"file cannot be read past this line ({_describe(exc)}); "
                        "records before it were read. Re-download or re-compress the file")


class _Utf8Stream:
    """A binary view, in UTF-8, of a text stream in another encoding (for the bounded line reader)."""

    def __init__(self, text: io.TextIOBase):
        self._text = text

    def read(self, size: int) -> bytes:
        return self._text.read(size // 4 or 1).encode("utf-8", "surrogatepass")


def _json_line(origin: str, raw: bytes) -> Item:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return Rejection(origin, f"line is not UTF-8 text ({exc.reason} at byte {exc.start}); re-save the file as UTF-8", preview(raw))
    except json.JSONDecodeError as exc:
        return Rejection(origin, f"malformed JSON: {exc.msg} at column {exc.colno}; fix or remove this line", preview(raw))
    except RecursionError:
        return Rejection(origin, _TOO_DEEP, preview(raw))
    if not isinstance(data, dict):
        return Rejection(origin, f"expected a JSON object per line, got {_json_kind(data)}", preview(raw))
    if b"\\u" in raw and _SURROGATE_ESCAPE.search(raw):
        data = _without_surrogates(data)
    return RawRecord(origin, data)


# JSON may escape half of a UTF-16 pair alone ("\ud800"); Python decodes it to a lone surrogate, which
# no UTF-8 text (the index, the rejects file) can hold. Such characters become U+FFFD.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE_ESCAPE_TEXT = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(value):
    """Return a decoded JSON value with every lone surrogate in its strings replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    return value


def read_json(path: Path) -> Iterator[Item]:
    """Yield the records of a .json file holding one object or an array of objects (or, mislabelled, JSON lines)."""
    encoding = file_bom_encoding(path) or "utf-8-sig"
    with open_binary(path) as handle:
        start = handle.read(4096).decode(encoding, errors="ignore").lstrip(" \t\r\n")[:1]
    if start == "[":
        yield from read_json_array(path)  # arrays can be whole archives: stream them
        return
    yield from _read_json_document(path)


def read_json_array(path: Path) -> Iterator[Item]:
    """Yield each item of a top-level JSON array, reading the file in chunks so memory stays bounded."""
    decoder = json.JSONDecoder()
    encoding = file_bom_encoding(path) or "utf-8-sig"
    with open_binary(path) as binary:
        text = _text_chunks(binary, encoding)
        buffer, pos, eof, number = "", 0, False, 0

        def fill() -> bool:
            nonlocal buffer, pos, eof
            chunk = next(text, None)
            if chunk is None:
                eof = True
                return False
            buffer, pos = buffer[pos:] + chunk, 0  # drop what was consumed: only the current item is held
            return True

        def skip_space() -> None:
            nonlocal pos
            while True:
                while pos < len(buffer) and buffer[pos] in _WHITESPACE:
                    pos += 1
                if pos < len(buffer) or not fill():
                    return

        try:
            skip_space()
            # Scrapers that page through results write one array per page: read each in turn.
            while pos < len(buffer):
                if buffer[pos] != "[":
                    yield Rejection(f"{path}#{number + 1}", f"malformed JSON: text after the closing ']' of the "
                                    f"array (after item {number}) was not read; fix the file to read the rest",
                                    preview(buffer[pos: pos + 200]))
                    return
                pos += 1  # the opening "["
                skip_space()
                while pos < len(buffer) and buffer[pos] != "]":
                    number += 1
                    origin = f"{path}#{number}"
                    while True:
                        try:
                            item, end = decoder.raw_decode(buffer, pos)
                        except RecursionError:
                            yield Rejection(origin, f"array item {number}: {_TOO_DEEP}; the items before it were read")
                            return
                        except json.JSONDecodeError as exc:
                            too_long = len(buffer) - pos > _MAX_ITEM_CHARS
                            if not eof and not too_long and not _broken(exc, buffer) and fill():
                                continue  # the item runs past the chunk read so far
                            cut = cut_short(binary) if eof else None
                            problem = (f"array item {number} is longer than {_MAX_ITEM_CHARS:,} characters (the "
                                       f"{MAX_RECORD_LABEL} limit for one record) or never ends" if too_long
                                       else f"array item {number}: {cut_short_reason(cut)}" if cut
                                       else f"malformed JSON in array item {number}: {exc.msg}")
                            yield Rejection(origin, f"{problem}; the items before it were read, fix the file to read "
                                            "the rest", preview(buffer[pos: pos + 200]))
                            return
                        if end == len(buffer) and not eof and fill():
                            continue  # a number or word cut by the chunk boundary: decode it whole
                        break
                    if _SURROGATE_ESCAPE_TEXT.search(buffer, pos, end):
                        item = _without_surrogates(item)
                    pos = end
                    if isinstance(item, dict):
                        yield RawRecord(origin, item)
                    else:
                        yield Rejection(origin, f"array item is {_json_kind(item)}, not an object with article fields",
                                        preview(json.dumps(item, ensure_ascii=False)))
                    skip_space()
                    if pos < len(buffer) and buffer[pos] == ",":
                        pos += 1
                        skip_space()
                    elif pos >= len(buffer) or buffer[pos] != "]":
                        yield Rejection(f"{path}#{number + 1}", "malformed JSON: expected ',' or ']' after array item "
                                        f"{number}; the items before it were read", preview(buffer[pos: pos + 200]))
                        return
                pos += 1  # the closing "]"
                skip_space()
        except UnicodeDecodeError as exc:
            yield Rejection(f"{path}#{number}", f"file is not UTF-8 text ({exc.reason}); re-save it as UTF-8 "
                            "(the items before this point were read)")
        except (OSError, EOFError, zlib.error) as exc:
            yield Rejection(f"{path}#{number}", f"file cannot be read past this point ({_describe(exc)})")


def _text_chunks(binary, encoding: str = "utf-8-sig") -> Iterator[str]:
    """Yield the text of a binary stream in chunks, a multi-byte character never split."""
    import codecs

    decoder = codecs.getincrementaldecoder(encoding)()
    while True:
        data = binary.read(_CHUNK_CHARS)
        chunk = decoder.decode(data, final=not data)
        if chunk:
            yield chunk
        if not data:
            return


def _read_json_document(path: Path) -> Iterator[Item]:
    """Yield the records of a .json file read whole: one object, or a wrapper around an array of them."""
    try:
        with open_binary(path) as handle:
            raw, size = read_capped(handle)
            cut = cut_short(handle)
    except (OSError, EOFError, zlib.error) as exc:
        yield Rejection(str(path), f"file cannot be read ({_describe(exc)})")
        return
    if size is not None:
        if _starts_with_object_line(path):  # JSON lines under a .json name, too large to read whole
            yield from read_jsonl(path)
            return
        yield Rejection(str(path), over_cap("JSON document", size))
        return
    if cut is not None:
        yield Rejection(str(path), cut_short_reason(cut) + " (a JSON object cut short cannot be read)", preview(raw))
        return
    try:
        data = json.loads(raw.decode(bom_encoding(raw) or "utf-8-sig"))
    except RecursionError:
        yield Rejection(str(path), _TOO_DEEP, preview(raw))
        return
    except UnicodeDecodeError as exc:
        yield Rejection(str(path), f"file is not UTF-8 text ({exc.reason} at byte {exc.start}); re-save it as UTF-8", preview(raw))
        return
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several objects one after another: JSON lines under a .json name
            yield from read_jsonl(path)
            return
        yield Rejection(f"{path}:{exc.lineno}", f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}; "
                        "fix the file (no record of it was read)", preview(raw[max(0, exc.pos - 80): exc.pos + 80]))
        return
    if b"\\u" in raw and _SURROGATE_ESCAPE.search(raw):
        data = _without_surrogates(data)
    if isinstance(data, dict):
        # {"articles": [...]}-style wrappers are common exports; a plain object is one article.
        lists = [v for v in data.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        if len(lists) == 1 and len(data) <= 3:
            data = lists[0]
        else:
            yield RawRecord(str(path), data)
            return
    if not isinstance(data, list):
        yield Rejection(str(path), f"expected a JSON object or an array of objects, got {_json_kind(data)}", preview(raw))
        return
    for number, item in enumerate(data, start=1):
        origin = f"{path}#{number}"
        if isinstance(item, dict):
            yield RawRecord(origin, item)
        else:
            yield Rejection(origin, f"array item is {_json_kind(item)}, not an object with article fields",
                            preview(json.dumps(item, ensure_ascii=False)))


def _starts_with_object_line(path: Path) -> bool:
    """Return whether a file's first line is a JSON object of its own (so the file is JSON lines)."""
    with open_binary(path) as handle:
        first = next(bounded_lines(handle), None)
    try:
        return first is not None and first[1] is not None and first[3] and isinstance(json.loads(first[1]), dict)
    except (ValueError, RecursionError):
        return False


def _json_kind(value: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), "a number")
