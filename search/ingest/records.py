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
