"""What every reader yields: a raw record with its origin, or a rejection saying where and why."""
from __future__ import annotations

from dataclasses import dataclass

RAW_PREVIEW_CHARS = 200  # how much of an offending input a rejection keeps, so the user can find it


@dataclass(frozen=True)
class RawRecord:
    """One input row before cleaning, with where it came from ("file.jsonl:12", "page.html", "crawl.warc.gz#3")."""

    origin: str
    fields: dict
    notes: tuple[str, ...] = ()  # things the user should know that did not stop the record (encoding guessed...)


@dataclass(frozen=True)
class Rejection:
    """An input that could not become a record, with where it was and why."""

    origin: str
    reason: str
    raw: str | None = None  # the offending text, shortened, so the user can find and fix it


def preview(raw: bytes | str | None) -> str | None:
    """Return the start of an offending input as text, for a rejection."""
    if raw is None:
        return None
    if isinstance(raw, bytes):
        raw = raw[: RAW_PREVIEW_CHARS * 4].decode("utf-8", "replace")
    raw = raw.strip()
    return raw[:RAW_PREVIEW_CHARS] + ("…" if len(raw) > RAW_PREVIEW_CHARS else "")


# Characters that line readers take as line ends though JSON leaves them unescaped (str.splitlines
# and many JSON-lines tools): escaped in every line Warta writes, so one record stays one line.
_LINE_SEPARATORS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}


def displayable(text: str) -> str:
    """Return text that can be written as UTF-8: a file name's undecodable bytes (surrogates) as \\xNN."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:  # a file name read with surrogateescape: show its bytes
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # lone surrogates from elsewhere (JSON "\ud800")
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def json_line(record: dict) -> str:
    """Return a record as one JSON line, readable as UTF-8 and one line to every line reader."""
    import json

    line = json.dumps({k: displayable(v) if isinstance(v, str) else v for k, v in record.items()},
                      ensure_ascii=False, default=str)
    if not line.isascii():
        if "\u2028" in line or "\u2029" in line or "\x85" in line:
            line = line.translate(str.maketrans(_LINE_SEPARATORS))
    return line
