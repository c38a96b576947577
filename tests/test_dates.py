"""Dates as Indonesian sites write them -> timezone-aware datetimes; unreadable ones -> None."""
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from search.ingest.dates import parse_date

WIB = timezone(timedelta(hours=7))
WITA = timezone(timedelta(hours=8))
WIT = timezone(timedelta(hours=9))
UTC = timezone.utc


@pytest.mark.parametrize("text, expected", [
    ("2025-10-21T14:05:00+07:00", datetime(2025, 10, 21, 14, 5, tzinfo=WIB)),
    ("2025-10-21T07:05:00Z", datetime(2025, 10, 21, 7, 5, tzinfo=UTC)),
    ("2025-10-21", datetime(2025, 10, 21, tzinfo=WIB)),
    ("2025-10-21 14:05:00", datetime(2025, 10, 21, 14, 5, tzinfo=WIB)),
    ("2015-11-05 T10:08:58Z", datetime(2015, 11, 5, 10, 8, 58, tzinfo=UTC)),
    ("Selasa, 21 Okt 2025 20:43 WIB", datetime(2025, 10, 21, 20, 43, tzinfo=WIB)),
    ("Selasa, 21/10/2025 20:43 WIB", datetime(2025, 10, 21, 20, 43, tzinfo=WIB)),
    ("21 Oktober 2025", datetime(2025, 10, 21, tzinfo=WIB)),
    ("21 Nopember 2016", datetime(2016, 11, 21, tzinfo=WIB)),
    ("17 Agustus 1945 10.00 WIB", datetime(1945, 8, 17, 10, 0, tzinfo=WIB)),
    ("Jumat , 17 February 2017, 13:16 WIB", datetime(2017, 2, 17, 13, 16, tzinfo=WIB)),
    ("October 21, 2025 8:43 pm", datetime(2025, 10, 21, 20, 43, tzinfo=WIB)),
    ("21 Okt 2025 12:05 AM", datetime(2025, 10, 21, 0, 5, tzinfo=WIB)),
    ("21/10/2025", datetime(2025, 10, 21, tzinfo=WIB)),
    ("21-10-2025 14:05", datetime(2025, 10, 21, 14, 5, tzinfo=WIB)),
    ("05/11/2015", datetime(2015, 11, 5, tzinfo=WIB)),  # day first, as Indonesian sites write it
    ("6/26/2025 16:53", datetime(2025, 6, 26, 16, 53, tzinfo=WIB)),  # month first only when day first is impossible
    ("21 Okt 2025 20:43 WITA", datetime(2025, 10, 21, 20, 43, tzinfo=WITA)),
    ("21 Okt 2025 20:43 WIT", datetime(2025, 10, 21, 20, 43, tzinfo=WIT)),
    ("21 Okt 2025 20:43 GMT+7", datetime(2025, 10, 21, 20, 43, tzinfo=WIB)),
    ("21 Okt 2025 20:43 +0800", datetime(2025, 10, 21, 20, 43, tzinfo=WITA)),
    ("20.43 WIB, 21 Oktober 2025", datetime(2025, 10, 21, 20, 43, tzinfo=WIB)),
    ("1761032700", datetime(2025, 10, 21, 7, 45, tzinfo=UTC)),
    ("1761032700000", datetime(2025, 10, 21, 7, 45, tzinfo=UTC)),
])
def test_date_forms(text, expected):
    parsed = parse_date(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("value, expected", [
    (1761032700, datetime(2025, 10, 21, 7, 45, tzinfo=UTC)),
    (1761032700000, datetime(2025, 10, 21, 7, 45, tzinfo=UTC)),
    (1761032700.5, datetime(2025, 10, 21, 7, 45, 0, 500000, tzinfo=UTC)),
    (datetime(2020, 1, 2, 3, 4), datetime(2020, 1, 2, 3, 4, tzinfo=WIB)),
])
def test_non_text_dates(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", [
    None, "", "   ", "kemarin", "31/02/2025", "Senin (27/3)", "2025-13-45", True, 10**30, "tanggal tidak diketahui",
])
def test_unreadable_dates_are_none(value):
    assert parse_date(value) is None


@given(st.one_of(st.text(max_size=60), st.integers(), st.floats(allow_nan=True)))
def test_parse_date_never_raises(value):
    parsed = parse_date(value)
    assert parsed is None or parsed.tzinfo is not None
