"""Turning the bytes of an input file into text: UTF-8 when it is, a named fallback when it is not."""
from __future__ import annotations

import codecs
import gzip
import zlib
from pathlib import Path
from typing import BinaryIO

_CHUNK = 1 << 20


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    """Return (text, note): the text of `data`, and a note naming the fallback encoding when it was not UTF-8."""
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
