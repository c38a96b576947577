"""Dispatch input paths to the reader for their format."""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator


@dataclass(frozen=True)
class RawRecord:
    """One input row before cleaning, with where it came from ("file.jsonl:12")."""

    origin: str
    fields: dict


@dataclass(frozen=True)
class Rejection:
    """An input that could not become a record, with where it was and why."""

    origin: str
    reason: str
    raw: str | None = None  # the offending text, shortened, so the user can find and fix it


def read_jsonl(path: Path) -> Iterator[RawRecord | Rejection]:
    """Yield each line of a JSON-lines file (optionally gzip-compressed)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            origin = f"{path}:{number}"
            if not raw.strip():
                continue
            try:
                data = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                yield Rejection(origin, f"not UTF-8 text ({exc.reason} at byte {exc.start})", raw[:200].decode("utf-8", "replace"))
                continue
            except json.JSONDecodeError as exc:
                yield Rejection(origin, f"malformed JSON: {exc.msg} at column {exc.colno}", raw[:200].decode("utf-8", "replace"))
                continue
            if not isinstance(data, dict):
                yield Rejection(origin, f"expected a JSON object, got {type(data).__name__}", raw[:200].decode("utf-8", "replace"))
                continue
            yield RawRecord(origin, data)


def read_inputs(paths: Iterable[str | Path]) -> Iterator[RawRecord | Rejection]:
    """Yield raw records and rejections from every path, in order, whatever its format."""
    for path in map(Path, paths):
        if not path.exists():
            yield Rejection(str(path), "no such file or folder")
            continue
        yield from read_jsonl(path)
