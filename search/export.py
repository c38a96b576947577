"""Export formats: rows of articles as CSV (for spreadsheets) or JSON lines (for programs).

CSV decisions, for spreadsheets first:
- UTF-8 with a byte-order mark. Excel reads a CSV without one as the machine's ANSI code page, and
  Indonesian news is full of characters outside it (curly quotes, dashes, accented names): with the
  mark, Excel, LibreOffice and Google Sheets all read UTF-8. Python reads it with
  encoding="utf-8-sig", pandas strips it itself. `warta export --no-bom` leaves it out.
- RFC 4180: every field quoted when it must be, quotes doubled, CRLF between rows; line breaks
  inside an article stay inside its quoted field, so a row is never split.
- A cell that starts with = + - @ (or a tab or carriage return) gets a leading apostrophe: a
  spreadsheet would otherwise run it as a formula (CSV injection, an archive holds text from
  anywhere). JSON lines keep every text exactly as stored.
"""
from __future__ import annotations

import csv
import io
import json
import re
from typing import Iterable, Iterator

from search.errors import InvalidQuery
from search.results import ArticleRecord

FIELDS = ("id", "title", "date", "source", "url", "category", "cluster", "content")
DEFAULT_FIELDS = ("id", "title", "date", "source", "url", "category", "cluster")  # content only when asked
FORMATS = ("csv", "jsonl")
BOM = "\ufeff"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")  # line ends to str.splitlines(), left raw by json.dumps
ROWS_PER_WRITE = 64  # rows joined into one piece of text: fewer, larger writes to the stream


def fields_of(value) -> tuple[str, ...]:
    """Return the chosen columns from "id,title,..." (or a list); raise InvalidQuery for unknown ones."""
    if value is None or value == "" or value == ():
        return DEFAULT_FIELDS
    names = value.split(",") if isinstance(value, str) else list(value)
    chosen: list[str] = []
    for name in (str(n).strip().lower() for n in names):
        if not name:
            continue
        if name not in FIELDS:
            raise InvalidQuery(f"Unknown field {name[:40]!r}: choose from {','.join(FIELDS)}.")
        if name not in chosen:
            chosen.append(name)
    if not chosen:
        raise InvalidQuery(f"Choose at least one field from {','.join(FIELDS)}.")
    return tuple(chosen)


def csv_cell(value) -> str:
    """Return a value as CSV cell text: None empty, a would-be spreadsheet formula behind an apostrophe."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_chunks(records: Iterable[ArticleRecord], fields: tuple[str, ...], bom: bool = True) -> Iterator[str]:
    """Yield the CSV text of the records, header first, a few dozen rows per piece."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fields)
    head = buffer.getvalue()
    yield (BOM + head) if bom else head
    pending = 0
    buffer.seek(0)
    buffer.truncate()
    for record in records:
        writer.writerow([csv_cell(getattr(record, name)) for name in fields])
        pending += 1
        if pending == ROWS_PER_WRITE:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue()


def jsonl_chunks(records: Iterable[ArticleRecord], fields: tuple[str, ...]) -> Iterator[str]:
    """Yield JSON lines of the records (one object per article, the chosen fields), a few dozen per piece."""
    lines = []
    for record in records:
        line = json.dumps({name: getattr(record, name) for name in fields}, ensure_ascii=False)
        if _LINE_BREAKS.search(line):  # str.splitlines() would cut a line at these: write them escaped
            line = _LINE_BREAKS.sub(lambda m: f"\\u{ord(m.group()):04x}", line)
        lines.append(line)
        if len(lines) == ROWS_PER_WRITE:
            yield "\n".join(lines) + "\n"
            lines = []
    if lines:
        yield "\n".join(lines) + "\n"


def chunks(records: Iterable[ArticleRecord], format: str, fields: tuple[str, ...], bom: bool = True) -> Iterator[str]:
    """Yield the export text in `format` ("csv" or "jsonl")."""
    if format == "csv":
        return csv_chunks(records, fields, bom=bom)
    if format == "jsonl":
        return jsonl_chunks(records, fields)
    raise InvalidQuery(f"Unknown export format {str(format)[:20]!r}: use csv or jsonl.")


CONCORDANCE_FIELDS = ("id", "date", "source", "left", "match", "right")


def concordance_csv(lines, bom: bool = True) -> str:
    """Return keyword-in-context lines as CSV text (the same conventions as the article export)."""
    buffer = io.StringIO()
    if bom:
        buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CONCORDANCE_FIELDS)
    for line in lines:
        writer.writerow([csv_cell(getattr(line, name)) for name in CONCORDANCE_FIELDS])
    return buffer.getvalue()
