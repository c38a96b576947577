"""Dispatch input paths (files of any supported format, folders) to the reader for their format."""
from __future__ import annotations

import errno
import os
import zlib
from pathlib import Path
from typing import Callable, Iterable, Iterator

from search.ingest.encoding import describe_read_error as _describe
from search.ingest.records import RawRecord, Rejection

Item = RawRecord | Rejection
Reader = Callable[[Path], Iterator[Item]]

SUPPORTED = ".jsonl, .ndjson, .json, .csv, .tsv, .html, .htm, .txt, .warc (each optionally .gz)"


def reader_for(path: Path) -> Reader | None:
    """Return the reader for a file, chosen by its name and, when that says nothing, by its first bytes."""
    from search.ingest.csv_reader import read_csv
    from search.ingest.json_reader import read_json, read_jsonl
    from search.ingest.html_reader import read_html_file
    from search.ingest.text_reader import read_text_file
    from search.ingest.warc_reader import read_warc

    by_suffix: dict[str, Reader] = {
        ".jsonl": read_jsonl, ".ndjson": read_jsonl, ".jsonlines": read_jsonl, ".json": read_json,
        ".csv": read_csv, ".tsv": read_csv, ".tab": read_csv,
        ".html": read_html_file, ".htm": read_html_file, ".xhtml": read_html_file, ".shtml": read_html_file,
        ".txt": read_text_file, ".text": read_text_file,
        ".warc": read_warc, ".arc": read_warc,
    }
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    if suffixes and suffixes[-1] in by_suffix:
        return by_suffix[suffixes[-1]]
    return _reader_by_content(path, {"json": read_json, "jsonl": read_jsonl, "html": read_html_file, "warc": read_warc})


def _reader_by_content(path: Path, readers: dict[str, Reader]) -> Reader | None:
    """Return a reader for a file whose name says nothing, judging by how it starts; None when unsure."""
    from search.ingest.encoding import open_binary

    try:
        with open_binary(path) as handle:
            head = handle.read(2048)
    except (OSError, EOFError, zlib.error):
        return None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"WARC/"):
        return readers["warc"]
    lowered = text[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered:
        return readers["html"]
    if text.startswith(b"["):
        return readers["json"]
    if text.startswith(b"{"):
        first_line = text.split(b"\n", 1)[0].strip()
        return readers["jsonl"] if first_line.endswith(b"}") else readers["json"]
    return None


def read_path(path: Path) -> Iterator[Item]:
    """Yield the records of one file, or a rejection saying its type is not supported."""
    reader = reader_for(path)
    if reader is None:
        kind = "".join(path.suffixes[-2:]) or "without a suffix"
        yield Rejection(str(path), f"unsupported file type {kind!r}: Warta reads {SUPPORTED}. "
                        "Convert the file or leave it out")
        return
    yield from reader(path)


def files_in(folder: Path, _seen: set[Path] | None = None) -> Iterator[Path | Rejection]:
    """Yield every file under a folder, recursively, in sorted order; hidden files and folders are skipped.

    What cannot be read (a folder without permission, a symbolic link loop or one that leads
    nowhere, a pipe or device) is one rejection of its own, and its siblings are still walked.
    """
    seen = _seen if _seen is not None else set()
    try:
        real = folder.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symbolic link loop, on older Pythons
        yield Rejection(str(folder), f"folder cannot be read ({_reason(exc)})")
        return
    if real in seen:
        return  # a symbolic link back up the tree: each folder is read once
    seen.add(real)
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        yield Rejection(str(folder), f"folder cannot be listed ({_reason(exc)}); make it readable and index it "
                        "again (the files beside it were read)")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue  # .git, .DS_Store and friends are never archives
        path = folder / entry.name
        try:
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError as exc:  # a symbolic link loop, a folder of a vanished mount
            yield Rejection(str(path), f"cannot be read ({_reason(exc)})")
            continue
        if is_dir:
            yield from files_in(path, seen)
        elif is_file:
            yield path
        else:
            yield Rejection(str(path), _not_a_file(path))


def _not_a_file(path: Path) -> str:
    if path.is_symlink():
        return "symbolic link that leads nowhere (its target is missing); fix or remove the link"
    return "not a regular file (a pipe, socket or device): it is not read"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
        return "a symbolic link loop"
    return getattr(exc, "strerror", None) or str(exc)


def read_inputs(paths: Iterable[str | Path]) -> Iterator[Item]:
    """Yield raw records and rejections from every path, in order, whatever its format; folders recursively."""
    for path in map(Path, paths):
        try:
            is_dir, exists, is_file = path.is_dir(), path.exists(), path.is_file()
        except OSError as exc:  # a name too long, a path through a file
            yield Rejection(str(path), f"cannot be read ({_reason(exc)})")
            continue
        if is_dir:
            for file in files_in(path):
                if isinstance(file, Rejection):
                    yield file
                else:
                    yield from _read_safely(file)
        elif is_file:
            yield from _read_safely(path)
        elif exists:
            yield Rejection(str(path), _not_a_file(path))
        elif path.is_symlink():
            yield Rejection(str(path), "symbolic link that leads nowhere (a loop, or its target is missing)")
        else:
            yield Rejection(str(path), "no such file or folder; check the path")


def _read_safely(path: Path) -> Iterator[Item]:
    """Yield a file's records; a failure the reader did not foresee becomes a rejection, never a stopped run."""
    count = 0
    try:
        for item in read_path(path):
            count += 1
            yield item
    except PermissionError:
        yield Rejection(str(path), "permission denied: make the file readable and index it again")
    except (OSError, EOFError, zlib.error) as exc:
        yield Rejection(str(path), f"file cannot be read ({_describe(exc)})")
    except RecursionError:
        yield Rejection(str(path), "file is nested too deeply to read")
    else:
        if count == 0:  # an empty file is worth a line in the rejects file: it may be a failed export
            yield Rejection(str(path), "no records in the file (it is empty, or holds only a header or an empty list)")
