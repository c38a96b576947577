"""Turning the bytes of an input file into text: UTF-8 when it is, a named fallback when it is not."""
from __future__ import annotations

import codecs
import gzip
import io
import zlib
from pathlib import Path
from typing import BinaryIO

_CHUNK = 1 << 20


# Byte order marks of the Unicode encodings other than UTF-8 (UTF-32 first: its mark starts like UTF-16's).
# Windows tools ("Unicode text" exports of Excel, Notepad) write UTF-16 with a mark.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def bom_encoding(head: bytes) -> str | None:
    """Return "utf-16"/"utf-32" when `head` (a file's first bytes) starts with that encoding's mark, else None;
    "utf-16-le"/"utf-16-be" when it has no mark but its zero bytes show UTF-16 text."""
    for mark, encoding in _BOMS:
        if head.startswith(mark):
            return encoding
    return _unmarked_utf16(head)


def _unmarked_utf16(head: bytes) -> str | None:
    """Return "utf-16-le" or "utf-16-be" when `head` looks like UTF-16 written without a byte order mark.

    Some exporters write UTF-16 without the mark. Text in Latin script is then every other byte
    zero, on one side; UTF-8 and the 8-bit encodings never hold zero bytes in text (NUL-laced
    scrapes have a few, not one in two), so a clear majority on one side only is safe to trust.
    """
    sample = head[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    zero_even, zero_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zero_odd >= 0.4 and zero_even <= 0.05:
        return "utf-16-le"
    if zero_even >= 0.4 and zero_odd <= 0.05:
        return "utf-16-be"
    return None


def file_bom_encoding(path: Path) -> str | None:
    """Return the UTF-16/32 encoding a file's byte order mark (or zero-byte pattern) names, or None
    (then it is UTF-8 or a fallback)."""
    with open_binary(path) as handle:
        return bom_encoding(handle.read(4096))


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Return (text, note): the text of `data`, and a note naming the fallback encoding when it was not UTF-8."""
    marked = bom_encoding(data)
    if marked is not None:
        try:
            return data.decode(marked), None
        except UnicodeDecodeError:
            pass  # a mark by chance: treat it as any other bytes
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        where = f"byte {exc.start}"
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, _fallback_note(encoding, where)
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def sniff_file_encoding(path: Path) -> tuple[str, str | None]:
    """Return (encoding, note) for a whole file, reading it once: "utf-8-sig" when it is valid UTF-8."""
    marked = file_bom_encoding(path)
    if marked is not None:
        return marked, None
    decoder = codecs.getincrementaldecoder("utf-8")()
    position = 0
    with open_binary(path) as handle:
        while True:
            chunk = handle.read(_CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                where = f"byte {position + exc.start}"
                break
            if not chunk:
                return "utf-8-sig", None
            position += len(chunk)
    with open_binary(path) as handle:
        try:
            while chunk := handle.read(_CHUNK):
                chunk.decode("cp1252")
        except UnicodeDecodeError:
            return "latin-1", _fallback_note("latin-1", where)
    return "cp1252", _fallback_note("cp1252", where)


def open_binary(path: Path) -> BinaryIO:
    """Return the file opened for reading bytes, decompressed when its name ends in .gz.

    A compressed file cut short reads as far as it goes and then ends, instead of raising (and
    losing what the last read had decompressed): `cut_short(handle)` says afterwards where it ended.
    """
    if path.name.lower().endswith(".gz"):
        return io.BufferedReader(_GzipStream(open(path, "rb")), buffer_size=_CHUNK)
    return open(path, "rb")


def cut_short(handle) -> tuple[int, int] | None:
    """Return (compressed bytes, text bytes) where a compressed file opened by open_binary ended too early, or None.

    `handle` is what open_binary returned, or a text wrapper around it.
    """
    stream = getattr(handle, "buffer", handle)
    stream = getattr(stream, "raw", stream)
    return getattr(stream, "cut_at", None)


def cut_short_reason(cut: tuple[int, int]) -> str:
    """Return the rejection reason for the rest of a compressed file that ends too early."""
    compressed, text = cut
    return (f"archive cut short at byte {compressed:,} (after {text:,} bytes of its text): the records before "
            "the cut were read, the rest of the file is missing; re-download or re-compress it")


class _GzipStream(io.RawIOBase):
    """The decompressed bytes of a gzip file (members one after another, as `cat a.gz b.gz` makes),
    inflated one read's worth at a time: a gzip bomb never expands further than the caller asks."""

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._inflate = zlib.decompressobj(wbits=31)
        self._input = b""
        self._in_member = False
        self._compressed = 0
        self._text = 0
        self._done = False
        self.cut_at: tuple[int, int] | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while True:
            if not self._input:
                if self._done:
                    return 0
                self._input = self._raw.read(_CHUNK // 4)
                self._compressed += len(self._input)
                if not self._input:
                    self._done = True
                    if self._in_member:  # the file ended inside a member: it was cut short
                        self.cut_at = (self._compressed, self._text)
                    return 0
            if not self._in_member:
                if not self._input.strip(b"\0"):
                    self._input = b""  # zero padding after the last member (tape tools pad): no data
                    continue
                self._in_member = True
            data = self._inflate.decompress(self._input, len(buffer))
            self._input = self._inflate.unconsumed_tail
            if self._inflate.eof:
                self._input = self._inflate.unused_data  # all input past the member's end (tail included)
                self._inflate = zlib.decompressobj(wbits=31)
                self._in_member = False
            if data:
                buffer[: len(data)] = data
                self._text += len(data)
                return len(data)

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


def describe_read_error(exc: BaseException) -> str:
    """Return what went wrong reading a (possibly compressed) file, in the user's terms."""
    if isinstance(exc, EOFError):
        return "the compressed file ends too early"
    if isinstance(exc, (gzip.BadGzipFile, zlib.error)):
        return "not a valid gzip file"
    return str(exc) or type(exc).__name__


def _fallback_note(encoding: str, where: str) -> str:
    return (f"not valid UTF-8 (first bad {where}); read as {encoding}. "
            "If letters look wrong, re-save the file as UTF-8 and index it again")
