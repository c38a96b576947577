"""Reading CSV and TSV exports: header mapped to article fields, delimiter sniffed, encodings guessed."""
from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path
from typing import Iterator

from search.documents import FIELD_ALIASES
from search.ingest.encoding import cut_short, cut_short_reason, open_binary, sniff_file_encoding
from search.ingest.limits import MAX_RECORD_BYTES, MAX_RECORD_LABEL, over_cap
from search.ingest.records import RawRecord, Rejection, preview

_DELIMITERS = ",;\t|"
_SAMPLE_CHARS = 64 * 1024
_MAX_CONSECUTIVE_ERRORS = 100  # past this, the file is not the CSV we think it is

# Article bodies can be far longer than the csv module's 128 KiB default field limit; rows are
# bounded by the record cap before the csv module sees them.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_csv(path: Path) -> Iterator[RawRecord | Rejection]:
    """Yield one record per data row of a CSV/TSV file, rejecting rows that do not fit the header.

    Rows are put together from lines here (see _rows_of_lines) rather than by the csv module alone,
    so that a row is never larger than the record cap and a quote left open costs one rejected line,
    not every row after it.
    """
    encoding, note = sniff_file_encoding(path)
    notes = (note,) if note else ()
    with open_binary(path) as binary:
        text = io.TextIOWrapper(binary, encoding=encoding, newline="", errors="replace")
        sample = text.read(_SAMPLE_CHARS)
        dialect = _sniff_dialect(sample, path)
        width = [0]  # the header's width, once read: rows of their own inside a quoted field have it
        state = {"lines": 0, "ended": True}  # lines read, and whether the last ended with a line break
        rows = _rows_of_lines(_lines(sample, text, state), dialect, width)
        first = next(rows, None)
        if first is None:
            yield Rejection(str(path), "file is empty: no header row")
            return
        start_line, header, problem = first
        if problem is None and header is not None and len(header) > _MAX_COLUMNS:
            problem = f"header has {len(header):,} columns, more than the {_MAX_COLUMNS:,} an article export can have"
        if problem is not None or header is None:
            yield Rejection(f"{path}:{start_line}", f"header row cannot be read as CSV ({problem})")
            return
        columns = [_column_name(name) for name in header]
        width[0] = len(columns)
        problem = _header_problem(columns)
        if problem:
            yield Rejection(f"{path}:1", problem, preview(", ".join(header)))
            return
        last: RawRecord | Rejection | None = None
        for item in _records(path, rows, columns, notes):
            if last is not None:
                yield last
            last = item  # held back: when the file was cut short, the last row is cut too
        cut = cut_short(binary)
    if cut is None:
        if last is not None:
            yield last
    elif last is not None and not (isinstance(last, RawRecord) and state["ended"]):
        yield Rejection(last.origin, cut_short_reason(cut) + " (this row was cut)")
    else:
        if last is not None:
            yield last
        yield Rejection(f"{path}:{state['lines'] + 1}", cut_short_reason(cut))


_MAX_COLUMNS = 1000


def _records(path: Path, rows, columns: list[str], notes: tuple[str, ...]) -> Iterator[RawRecord | Rejection]:
    errors_in_a_row = 0
    for start_line, row, problem in rows:
        origin = f"{path}:{start_line}"
        if problem is not None:
            errors_in_a_row += 1
            yield Rejection(origin, problem, None if row is None else preview(_join(row)))
            if errors_in_a_row >= _MAX_CONSECUTIVE_ERRORS:
                yield Rejection(str(path), f"stopped reading after {errors_in_a_row} unreadable rows in a row; "
                                "is this really a CSV file with the delimiter we guessed?")
                return
            continue
        errors_in_a_row = 0
        if not any(cell.strip() for cell in row):
            continue  # blank line
        if len(row) != len(columns):
            yield Rejection(origin, f"row has {len(row)} columns but the header has {len(columns)}; "
                            "check for an unquoted delimiter or a missing quote", preview(_join(row)))
            continue
        fields: dict[str, str] = {}
        for name, value in zip(columns, row):
            if name and (name not in fields or not fields[name].strip()):
                fields[name] = value
        yield RawRecord(origin, fields, notes)


Line = tuple[int, "str | None", int]  # (line number, text with its line break or None when over the cap, size)
_READ_CHARS = 1 << 20


def _rows_of_lines(lines: Iterator[Line], dialect, width: list[int]) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """Yield (first line, row, problem) per CSV row: the row's fields, or None and why it is rejected.

    A quoted field may span lines. Where its quote is never closed (a broken export), the csv module
    reads every following row into that one field; here the row's lines are put together while its
    quote is open, and the row starts over from its next line (its first line rejected) when the
    quote is still open at the end of the file or past the record cap, or when the lines it took in
    look like rows of their own.
    """
    pushed: list[Line] = []  # lines to read again after a row was given up

    def next_line() -> Line | None:
        if pushed:
            return pushed.pop()
        return next(lines, None)

    quote = dialect.quotechar if dialect.quoting != csv.QUOTE_NONE else None
    while True:
        first = next_line()
        if first is None:
            return
        taken = [first]
        size = first[2]
        too_large = size > MAX_RECORD_BYTES
        open_quote = not too_large and _ends_in_quotes(first[1], dialect, quote, False)
        while open_quote and not too_large:
            line = next_line()
            if line is None:
                break
            taken.append(line)
            size += line[2]
            too_large = size > MAX_RECORD_BYTES
            open_quote = not too_large and _ends_in_quotes(line[1], dialect, quote, True)
        start = first[0]
        if too_large and len(taken) == 1:
            yield start, None, over_cap(f"row (line {start})", size)
            continue
        if not (open_quote or too_large):
            try:
                row = next(csv.reader([line for _, line, _ in taken], dialect))
            except (csv.Error, StopIteration) as exc:
                row, error = None, exc
            else:
                error = None
            if row is not None and (len(taken) == 1 or not _swallowed_rows(taken, dialect, width[0])):
                yield start, row, None
                continue
            if row is None and not (len(taken) > 1 and _swallowed_rows(taken, dialect, width[0])):
                yield start, None, f"row cannot be read as CSV ({error}); check its quotes"
                continue
        why = ("its quote is never closed" if open_quote else
               f"it runs past the {MAX_RECORD_LABEL} limit for one record" if too_large else
               "a quoted field in it took in lines that are rows of their own")
        yield start, None, (f"row cannot be read as CSV: {why}; this line is skipped and reading goes on "
                            "from the next one. Check its quotes")
        pushed.extend(reversed(taken[1:]))


def _ends_in_quotes(line: str, dialect, quote: str | None, in_quotes: bool) -> bool:
    """Return whether a CSV line ends inside a quoted field, given whether it started inside one.

    Follows the csv module's reading: a quote opens a field only at its start (after initial spaces
    with skipinitialspace), a doubled quote inside is one quote, and after the closing quote the
    field runs on to the delimiter. Steps from quote to quote and delimiter to delimiter with
    str.find, so a line costs one pass.
    """
    if quote is None or quote not in line:
        return in_quotes if quote is not None else False
    delimiter, skip_space = dialect.delimiter, dialect.skipinitialspace
    pos, end = 0, len(line)
    while pos <= end:
        if in_quotes:
            close = line.find(quote, pos)
            if close < 0:
                return True
            if line.startswith(quote, close + 1) and dialect.doublequote:
                pos = close + 2
                continue
            in_quotes = False
            pos = close + 1
        else:
            if skip_space:
                while pos < end and line[pos] == " ":
                    pos += 1
            if pos < end and line[pos] == quote:
                in_quotes = True
                pos += 1
                continue
        # An unquoted field (or what follows a closing quote): it runs to the next delimiter.
        delim = line.find(delimiter, pos)
        if delim < 0:
            return False
        pos = delim + 1
    return in_quotes


def _swallowed_rows(taken: list[Line], dialect, width: int) -> bool:
    """Return whether the lines a quoted field spanned look like rows of their own, not the field's text.

    They do when a later line, read on its own, is a whole row of the header's width whose first
    field has the same shape as the row's own (an id, a number, a URL, a date: what exports put
    first). Paragraphs of a quoted article body do not start with the next row's id.
    """
    own = _first_field(taken[0][1], dialect)
    shape = _first_field_shape(own)
    if shape is None or width < 2:
        return False
    for _, line, _ in taken[1:]:
        if line is None:
            continue
        field = _first_field(line, dialect)
        if _first_field_shape(field) != shape or (shape == "number" and not _next_id(own, field, len(taken))):
            continue
        if _ends_in_quotes(line, dialect, dialect.quotechar, False):
            continue
        try:
            alone = next(csv.reader([line], dialect), [])
        except csv.Error:
            continue
        if len(alone) == width:
            return True
    return False


_SHAPE_DIGITS = re.compile(r"\d")


def _next_id(own: str, field: str, lines: int) -> bool:
    """Return whether a number could be the id of a row after `own`: larger, and of its length or close
    to it (a paragraph that opens with a year or a count is text, not the next row)."""
    return int(own) < int(field) and (len(field) == len(own) or int(field) - int(own) <= lines)


def _first_field(line: str, dialect) -> str:
    return line.split(dialect.delimiter, 1)[0].strip().strip(dialect.quotechar or '"')


def _first_field_shape(field: str) -> str | None:
    """Return the shape of a row's first field when it is id-like (digits, a URL, a date), else None."""
    if not field or len(field) > 40 or " " in field:
        return None
    if field.startswith(("http://", "https://")):
        return "url"
    if field.isascii() and field.isdigit():
        return "number"
    if any(ch.isdigit() for ch in field) and not any(ch.isalpha() for ch in field):
        return _SHAPE_DIGITS.sub("9", field)  # dates and codes: "2025-10-21" -> "9999-99-99"
    return None


def _sniff_dialect(sample: str, path: Path) -> type[csv.Dialect] | csv.Dialect:
    """Return the dialect of a CSV sample; tab-separated for .tsv names, commas when sniffing fails."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".tsv", ".tab")):
        return csv.excel_tab
    # The header names the columns we know, so it tells the delimiter more reliably than sniffing
    # a sample that long quoted article bodies may cut in the middle.
    first_line = re.split(r"\r\n?|\n", sample, maxsplit=1)[0]  # CR-only (classic Mac) files end lines with \r
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


def _lines(sample: str, rest: io.TextIOBase, state: dict) -> Iterator[Line]:
    """Yield the numbered lines of the already-read sample and then of the rest of the file, each read
    with a bounded readline: a line over the record cap comes as None with its size, never held whole.
    Line breaks are \\n, \\r\\n or a bare \\r (classic Mac exports); NUL characters are dropped (the csv
    module refuses them, scraped exports sometimes carry them)."""
    number = 0
    pending = ""
    for line in io.StringIO(sample, newline=""):
        if line.endswith(("\n", "\r")):
            number += 1
            state["lines"] = number
            yield number, _without_nul(pending + line), len(pending) + len(line)
            pending = ""
        else:
            pending += line  # the sample cut this line: complete it from the file
    parts, size = [pending], len(pending)
    while piece := rest.readline(_READ_CHARS):
        size += len(piece)
        if size <= MAX_RECORD_BYTES:
            parts.append(piece)
        elif parts:
            parts = []  # over the cap: stop holding it
        if piece.endswith(("\n", "\r")):
            number += 1
            state["lines"] = number
            yield number, (_without_nul("".join(parts)) if size <= MAX_RECORD_BYTES else None), size
            parts, size = [], 0
    if size:
        state["lines"], state["ended"] = number + 1, False
        yield number + 1, (_without_nul("".join(parts)) if size <= MAX_RECORD_BYTES else None), size


def _without_nul(line: str) -> str:
    return line.replace("\x00", "") if "\x00" in line else line


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
