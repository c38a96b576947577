"""Dates as Indonesian sites write them, turned into timezone-aware datetimes."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

WIB = timezone(timedelta(hours=7))  # Western Indonesia: the default when a date names no zone
WITA = timezone(timedelta(hours=8))
WIT = timezone(timedelta(hours=9))

# Month names and abbreviations, Indonesian and English (with the old spellings "Pebruari", "Nopember").
MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("januari", "january", "jan"),
        ("februari", "pebruari", "february", "feb", "peb"),
        ("maret", "march", "mar"),
        ("april", "apr"),
        ("mei", "may"),
        ("juni", "june", "jun"),
        ("juli", "july", "jul"),
        ("agustus", "august", "agu", "agt", "ags", "aug"),
        ("september", "sept", "sep"),
        ("oktober", "october", "okt", "oct"),
        ("november", "nopember", "nov", "nop"),
        ("desember", "december", "des", "dec"),
    ),
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _number

ZONES: dict[str, timezone] = {"wib": WIB, "wita": WITA, "wit": WIT, "utc": timezone.utc, "gmt": timezone.utc, "z": timezone.utc}

_MONTH_WORD = "|".join(sorted(MONTHS, key=len, reverse=True))
# Every run of spaces is possessive (\s*+, \s++) and never next to another that could take the same
# spaces: crafted text (thousands of spaces between a date's parts) cannot make the patterns backtrack.
_TIME = (r"(?:\s*+(?:,|pukul|jam|at|T)?\s*+(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2})(?:\.\d+)?)?"
         r"(?:\s*+(?P<ampm>[ap])\.?m\b\.?)?)?")
_ZONE = r"(?:\s*+(?P<zone>wita|wib|wit|utc|gmt|z)?\s*+(?P<offset>[+-]\d{1,2}(?::?\d{2})?)?)?"
_PART_GAP = r"(?:\s*+[-/]\s*+|\s++)"  # between day and month: "21 Okt", "21-Okt", "21 / Okt"

# "21 Oktober 2025", "Selasa, 21 Okt 2025 20:43 WIB", "17 February 2017, 13:16 WIB"
_DAY_MONTH_YEAR = re.compile(
    r"(?<!\d)(?P<day>\d{1,2})" + _PART_GAP + r"(?P<month>" + _MONTH_WORD + r")\.?(?:\s*+[-/,]\s*+|\s++)(?P<year>\d{4})(?!\d)"
    + _TIME + _ZONE,
    re.IGNORECASE,
)
# "October 21, 2025 8:43" (English order)
_MONTH_DAY_YEAR = re.compile(
    r"(?P<month>" + _MONTH_WORD + r")\.?\s++(?P<day>\d{1,2}),?\s++(?P<year>\d{4})(?!\d)" + _TIME + _ZONE,
    re.IGNORECASE,
)
# "2025-10-21 14:05:00", "2025/10/21", "2015-11-05 T10:08:58Z"
_YEAR_FIRST = re.compile(
    r"(?<!\d)(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)" + _TIME + _ZONE,
    re.IGNORECASE,
)
# "21/10/2025", "21-10-2025 14:05", "6/26/2025 16:53" (month first only when the day cannot be)
_NUMERIC = re.compile(
    r"(?<!\d)(?P<first>\d{1,2})[-/.](?P<other>\d{1,2})[-/.](?P<year>\d{4})(?!\d)" + _TIME + _ZONE,
    re.IGNORECASE,
)
# A time written apart from the date: "20.43 WIB, 21 Oktober 2025".
_LOOSE_TIME = re.compile(r"\b(?P<hour>\d{1,2})[:.](?P<minute>\d{2})\s*+(?P<zone>wita|wib|wit)\b", re.IGNORECASE)
_EPOCH = re.compile(r"^\s*(\d{9,13})(?:\.\d+)?\s*$")

# The years a news archive's dates can fall in. Outside them a date is an export's placeholder
# ("0001-01-01", "9999-12-31") or garbage ("99999-01-01"): the article is left undated (the text kept
# as `date_unparsed`), which beats a wrong date that sorts it first or last in every list.
EARLIEST_YEAR, LATEST_YEAR = 1700, 2199  # the first Indonesian newspaper is of 1744
# A date is found in its first characters; a longer value is a paragraph, not a date, and cutting it
# bounds the time the patterns can take.
_MAX_DATE_CHARS = 200
# Real UTC offsets run from -12:00 to +14:00; "+99:00" is no zone, and the date is not read as WIB.
_MAX_OFFSET_HOURS = 14


def parse_date(value: Any) -> datetime | None:
    """Return a timezone-aware datetime for `value`, or None when it is missing or unreadable.

    Numeric day/month dates are read day first, as Indonesian sites write them; a date such as
    "6/26/2025" whose first number cannot be a day is read month first. Dates without a zone
    are taken to be WIB (UTC+7).
    """
    return _in_range(_parse(value))


def _parse(value: Any) -> datetime | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=WIB)
    if isinstance(value, (int, float)):
        return _from_epoch(value)
    text = str(value)[:_MAX_DATE_CHARS].strip()
    if not text:
        return None
    epoch = _EPOCH.match(text)
    if epoch:
        return _from_epoch(int(epoch.group(1)))
    try:
        return _with_zone(datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00")))
    except ValueError:
        pass
    for pattern in (_YEAR_FIRST, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _NUMERIC):
        match = pattern.search(text)
        if match:
            parsed = _from_match(match)
            if parsed is not None:
                return parsed
    return None


def _in_range(parsed: datetime | None) -> datetime | None:
    """Return the date when it is a real one for a news archive (its year, its zone), else None."""
    if parsed is None:
        return None
    offset = parsed.utcoffset()
    if offset is not None and abs(offset) > timedelta(hours=_MAX_OFFSET_HOURS):
        return None
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        return None
    return parsed


def _from_epoch(number: float) -> datetime | None:
    """Return the datetime of epoch seconds (up to 10 digits) or milliseconds (13 digits), else None.

    11 and 12 digits are neither: as seconds they are past the year 2286, as milliseconds before
    2001-09-09 (12 digits) or in 1970-73; 253402300800 is the "year 10000" placeholder in seconds,
    not 1978 in milliseconds. Such a stamp leaves the article undated instead of dated wrongly.
    """
    if abs(number) >= 1e13 or 1e10 <= abs(number) < 1e12:
        return None
    if abs(number) >= 1e12:
        number = number / 1000
    try:
        return datetime.fromtimestamp(number, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def _with_zone(parsed: datetime) -> datetime:
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=WIB)


def _from_match(match: re.Match) -> datetime | None:
    """Return the datetime a date pattern matched, or None when its numbers are no real date."""
    parts = match.groupdict()
    year = int(parts["year"])
    if "first" in parts and parts.get("first") is not None:
        day, month = int(parts["first"]), int(parts["other"])
        if month > 12 and day <= 12:  # "6/26/2025": month first, as US-style exports write it
            day, month = month, day
    else:
        day = int(parts["day"])
        month_text = parts["month"]
        month = int(month_text) if month_text.isdigit() else MONTHS[month_text.lower().rstrip(".")]
    if not parts.get("hour"):
        loose = _LOOSE_TIME.search(match.string)
        if loose:
            parts.update(loose.groupdict())
    hour = int(parts["hour"]) if parts.get("hour") else 0
    if parts.get("ampm") and hour <= 12:
        hour = hour % 12 + (12 if parts["ampm"].lower() == "p" else 0)
    minute = int(parts["minute"]) if parts.get("minute") else 0
    second = int(parts["second"]) if parts.get("second") else 0
    try:
        naive = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    zone = _zone(parts.get("zone"), parts.get("offset"))
    return naive.replace(tzinfo=zone) if zone is not None else None


def _zone(name: str | None, offset: str | None) -> timezone | None:
    """Return the zone a date names ("WIB", "GMT+7", "+07:00"); WIB when it names none; None for an
    offset no place has ("+99:00"): better no date than one read in the wrong zone."""
    if offset:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
        if hours > _MAX_OFFSET_HOURS or minutes >= 60:
            return None
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    if name:
        return ZONES[name.lower()]
    return WIB
