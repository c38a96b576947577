"""Dispatch input paths (files of any supported format, folders) to the reader for their format."""
from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path
from typing import Callable, Iterable, Iterator

from search.ingest.records import RawRecord, Rejection, preview

Item = RawRecord | Rejection
Reader = Callable[[Path], Iterator[Item]]

SUPPORTED = ".jsonl, .ndjson, .json, .csv, .tsv, .html, .htm, .txt, .warc (each optionally .gz)"


def read_jsonl(path: Path) -> Iterator[Item]:
    """Yield each line of a JSON-lines file (optionally gzip-compressed) as a record or a rejection."""
    from search.ingest.encoding import open_binary

    number = 0
    try:
        with open_binary(path) as handle:
            for number, raw in enumerate(handle, start=1):
                if raw.strip():
                    yield _json_line(f"{path}:{number}", raw)
    except (OSError, EOFError, zlib.error) as exc:
        yield Rejection(f"{path}:{number + 1}", f"file cannot be read past this line ({_describe(exc)}); "
                        "records before it were read. Re-download or re-compress the file")


def _json_line(origin: str, raw: bytes) -> Item:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return Rejection(origin, f"line is not UTF-8 text ({exc.reason} at byte {exc.start}); re-save the file as UTF-8", preview(raw))
    except json.JSONDecodeError as exc:
        return Rejection(origin, f"malformed JSON: {exc.msg} at column {exc.colno}; fix or remove this line", preview(raw))
    if not isinstance(data, dict):
        return Rejection(origin, f"expected a JSON object per line, got {_json_kind(data)}", preview(raw))
    return RawRecord(origin, data)


def read_json(path: Path) -> Iterator[Item]:
    """Yield the records of a .json file holding one object or an array of objects (or, mislabelled, JSON lines)."""
    from search.ingest.encoding import open_binary

    try:
        with open_binary(path) as handle:
            raw = handle.read()
    except (OSError, EOFError, zlib.error) as exc:
        yield Rejection(str(path), f"file cannot be read ({_describe(exc)})")
        return
    try:
        data = json.loads(raw.decode("utf-8-sig"))
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


def _json_kind(value: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), "a number")


def _describe(exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return "the compressed file ends too early"
    if isinstance(exc, (gzip.BadGzipFile, zlib.error)):
        return "not a valid gzip file"
    return str(exc) or type(exc).__name__


def reader_for(path: Path) -> Reader | None:
    """Return the reader for a file, chosen by its name and, when that says nothing, by its first bytes."""
    from search.ingest.csv_reader import read_csv
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


def files_in(folder: Path) -> Iterator[Path]:
    """Yield every file under a folder, recursively, in sorted order; hidden files and folders are skipped."""
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue  # .git, .DS_Store and friends are never archives
        if entry.is_dir():
            yield from files_in(entry)
        elif entry.is_file():
            yield entry


def read_inputs(paths: Iterable[str | Path]) -> Iterator[Item]:
    """Yield raw records and rejections from every path, in order, whatever its format; folders recursively."""
    for path in map(Path, paths):
        if path.is_dir():
            try:
                files = list(files_in(path))
            except OSError as exc:
                yield Rejection(str(path), f"folder cannot be listed ({exc.strerror or exc})")
                continue
            for file in files:
                yield from _read_safely(file)
        elif path.exists():
            yield from _read_safely(path)
        else:
            yield Rejection(str(path), "no such file or folder; check the path")


def _read_safely(path: Path) -> Iterator[Item]:
    """Yield a file's records; a failure the reader did not foresee becomes a rejection, never a stopped run."""
    try:
        yield from read_path(path)
    except PermissionError:
        yield Rejection(str(path), "permission denied: make the file readable and index it again")
    except (OSError, EOFError, zlib.error) as exc:
        yield Rejection(str(path), f"file cannot be read ({_describe(exc)})")
    except RecursionError:
        yield Rejection(str(path), "file is nested too deeply to read")
