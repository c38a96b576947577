"""Reading CSV and TSV exports: header mapped to article fields, delimiter sniffed, encodings guessed."""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Iterator

from search.documents import FIELD_ALIASES
from search.ingest.encoding import open_binary, sniff_file_encoding
from search.ingest.records import RawRecord, Rejection, preview

_DELIMITERS = ",;\t|"
_SAMPLE_CHARS = 64 * 1024
_MAX_CONSECUTIVE_ERRORS = 100  # past this, the file is not the CSV we think it is

# Article bodies can be far longer than the csv module's 128 KiB default field limit.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_csv(path: Path) -> Iterator[RawRecord | Rejection]:
    """Yield one record per data row of a CSV/TSV file, rejecting rows that do not fit the header."""
    encoding, note = sniff_file_encoding(path)
    notes = (note,) if note else ()
    with open_binary(path) as binary:
        text = io.TextIOWrapper(binary, encoding=encoding, newline="")
        sample = text.read(_SAMPLE_CHARS)
        dialect = _sniff_dialect(sample, path)
        lines = _without_nul(_chain(sample, text))
        reader = csv.reader(lines, dialect)
        try:
            header = next(reader)
        except StopIteration:
            yield Rejection(str(path), "file is empty: no header row")
            return
        except csv.Error as exc:
            yield Rejection(f"{path}:1", f"header row cannot be read as CSV ({exc})")
            return
        columns = [_column_name(name) for name in header]
        problem = _header_problem(columns)
        if problem:
            yield Rejection(f"{path}:1", problem, preview(", ".join(header)))
            return
        yield from _rows(path, reader, columns, notes)


def _rows(path: Path, reader, columns: list[str], notes: tuple[str, ...]) -> Iterator[RawRecord | Rejection]:
    errors_in_a_row = 0
    while True:
        start_line = reader.line_num + 1  # a quoted field may span lines: report where the row began
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors_in_a_row += 1
            yield Rejection(f"{path}:{start_line}", f"row cannot be read as CSV ({exc}); check its quotes")
            if errors_in_a_row >= _MAX_CONSECUTIVE_ERRORS:
                yield Rejection(str(path), f"stopped reading after {errors_in_a_row} unreadable rows in a row; "
                                "is this really a CSV file with the delimiter we guessed?")
                return
            continue
        errors_in_a_row = 0
        if not any(cell.strip() for cell in row):
            continue  # blank line
        origin = f"{path}:{start_line}"
        if len(row) != len(columns):
            yield Rejection(origin, f"row has {len(row)} columns but the header has {len(columns)}; "
                            "check for an unquoted delimiter or a missing quote", preview(_join(row)))
            continue
        fields: dict[str, str] = {}
        for name, value in zip(columns, row):
            if name and (name not in fields or not fields[name].strip()):
                fields[name] = value
        yield RawRecord(origin, fields, notes)


def _sniff_dialect(sample: str, path: Path) -> type[csv.Dialect] | csv.Dialect:
    """Return the dialect of a CSV sample; tab-separated for .tsv names, commas when sniffing fails."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".tsv", ".tab")):
        return csv.excel_tab
    # The header names the columns we know, so it tells the delimiter more reliably than sniffing
    # a sample that long quoted article bodies may cut in the middle.
    first_line = sample.split("\n", 1)[0]
    known = {alias for aliases in FIELD_ALIASES.values() for alias in aliases}
    scores = {d: sum(_column_name(c) in known for c in next(csv.reader([first_line], delimiter=d), [])) for d in _DELIMITERS}
    best = max(scores, key=lambda d: scores[d])
    if scores[best] >= 2 or (scores[best] == 1 and best in first_line):
        dialect = csv.excel()
        dialect.delimiter = best
        return dialect
    head = sample[: sample.rfind("\n")] if "\n" in sample else sample  # never sniff a cut-off last line
    try:
        return csv.Sniffer().sniff(head, delimiters=_DELIMITERS)
    except csv.Error:
        return csv.excel


def _chain(sample: str, rest: io.TextIOBase) -> Iterator[str]:
    """Yield the lines of the already-read sample followed by the rest of the file."""
    buffered = io.StringIO(sample)
    pending = ""
    for line in buffered:
        if line.endswith(("\n", "\r")):
            yield pending + line
            pending = ""
        else:
            pending += line  # the sample cut this line: complete it from the file
    for line in rest:
        yield pending + line
        pending = ""
    if pending:
        yield pending


def _without_nul(lines: Iterator[str]) -> Iterator[str]:
    # The csv module refuses NUL characters; scraped exports sometimes carry them.
    for line in lines:
        yield line.replace("\x00", "") if "\x00" in line else line


def _column_name(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().lower()


def _header_problem(columns: list[str]) -> str | None:
    """Return why a header cannot give articles (no text column), or None when it can."""
    if any(alias in columns for alias in FIELD_ALIASES["content"]):
        return None
    shown = ", ".join(c for c in columns if c)[:300] or "(none)"
    return (f"no article text column: found columns {shown}; name the text column one of "
            + ", ".join(FIELD_ALIASES["content"]) + " (the first row must be the header)")


def _join(row: list[str]) -> str:
    return " | ".join(cell.strip()[:60] for cell in row)
