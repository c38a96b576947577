"""Turning the bytes of an input file into text: UTF-8 when it is, a named fallback when it is not."""
from __future__ import annotations

import codecs
import gzip
import zlib
from pathlib import Path
from typing import BinaryIO

_CHUNK = 1 << 20


# Byte order marks of the Unicode encodings other than UTF-8 (UTF-32 first: its mark starts like UTF-16's).
# Windows tools ("Unicode text" exports of Excel, Notepad) write UTF-16 with a mark.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def bom_encoding(head: bytes) -> str | None:
    """Return "utf-16" or "utf-32" when `head` (a file's first bytes) starts with that encoding's mark, else None."""
    for mark, encoding in _BOMS:
        if head.startswith(mark):
            return encoding
    return None


def file_bom_encoding(path: Path) -> str | None:
    """Return the UTF-16/32 encoding a file's byte order mark names, or None (then it is UTF-8 or a fallback)."""
    with open_binary(path) as handle:
        return bom_encoding(handle.read(4))


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
    """Return the file opened for reading bytes, decompressed when its name ends in .gz."""
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


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
