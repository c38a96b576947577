"""Property tests: cleaning, dates, the query parser and the CSV quote tracker under arbitrary text.

Every case has a time bound (hypothesis `deadline`): a pattern that backtracks catastrophically on
some text makes that case slow, and hypothesis reports the text instead of the suite hanging. The
strategies mix arbitrary Unicode with the characters and words the patterns look for, with long
runs of them: uniform random text almost never holds the runs that make regexes backtrack.
"""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from hypothesis import HealthCheck, given, settings, strategies as st

from search.errors import InvalidQuery
from search.ingest import clean, csv_reader
from search.ingest.dates import EARLIEST_YEAR, LATEST_YEAR, parse_date
from search.query import parse

PIECES = ["Baca juga: ", "Lihat juga:", "Pewarta: Ade ", "Editor: X ", "©", "COPYRIGHT ", " - ", "- -", "(ANTARA) - ",
          "SCROLL TO CONTINUE WITH CONTENT", "ADVERTISEMENT", "CafÃ© ", "â€œ", "\u2028", "\x85", "\r", "\n", "\n\n",
          "  ", "\t", ". ", "! ", "? ", '"', "“", "”", "(", ")", "[", "]", ":", "undang - undang", "Jakarta",
          "21 Oktober 2025", "20:43 WIB", "2025-10-21", "+07:00", "+99:00", "Pukul", "\u200b", "\ufeff", "A A A",
          "<meta ", "content=", "a", "1", "/", "e\u0301"]
HOSTILE_TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8),
                                  st.builds(lambda p, n: p * n, st.sampled_from(PIECES), st.integers(1, 400))),
                        max_size=40).map("".join)
SETTINGS = settings(max_examples=300, deadline=timedelta(milliseconds=1000),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(HOSTILE_TEXT)
def test_clean_text_ends_in_time_and_is_stable(text):
    cleaned = clean.clean_text(text)
    assert isinstance(cleaned, str)
    assert "\r" not in cleaned and "\u2028" not in cleaned


@SETTINGS
@given(HOSTILE_TEXT)
def test_clean_title_is_one_line(text):
    title = clean.clean_title(text)
    assert "\n" not in title and title == title.strip()


@SETTINGS
@given(st.one_of(HOSTILE_TEXT, st.integers(), st.floats(allow_nan=True, allow_infinity=True)))
def test_parse_date_ends_in_time_and_gives_a_real_date_or_none(value):
    parsed = parse_date(value)
    if parsed is not None:
        assert parsed.tzinfo is not None
        assert EARLIEST_YEAR <= parsed.year <= LATEST_YEAR
        assert abs(parsed.utcoffset()) <= timedelta(hours=14)
        parsed.astimezone(__import__("datetime").timezone.utc)  # never an OverflowError downstream


QUERY_PIECES = ['"', "(", ")", "AND ", "OR ", "NOT ", "-", "+", "*", "title:", "source:", "date:", "date:2017..",
                "..", "banjir ", "jakarta ", "  ", "\u2028", ":", "?"]
HOSTILE_QUERY = st.lists(st.one_of(st.sampled_from(QUERY_PIECES), st.text(max_size=6),
                                   st.builds(lambda p, n: p * n, st.sampled_from(QUERY_PIECES), st.integers(1, 60))),
                         max_size=30).map("".join)


@SETTINGS
@given(HOSTILE_QUERY)
def test_query_parser_ends_in_time_and_never_raises_anything_but_invalid_query(text):
    try:
        parse(text)
    except InvalidQuery:
        pass


CSV_PIECES = ['"', '""', ",", ";", "\n", "\r\n", "\r", "a", "kata ", "1", " "]


@SETTINGS
@given(st.lists(st.sampled_from(CSV_PIECES), max_size=60).map("".join))
def test_quote_tracking_agrees_with_the_csv_module(line):
    """_ends_in_quotes says a line leaves a quoted field open exactly when the csv module would
    need the next line to finish the row."""
    line = line.replace("\r", "").replace("\n", "") + "\n"
    dialect = csv.excel()
    tracked = csv_reader._ends_in_quotes(line, dialect, '"', False)
    reader = csv.reader(io.StringIO(line + "X,\n"), dialect)
    row = next(reader)
    continued = any("\n" in cell for cell in row)  # the csv module read the next line into the row
    assert tracked == continued
