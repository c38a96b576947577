"""Dates as Indonesian sites write them, turned into timezone-aware datetimes."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

WIB = timezone(timedelta(hours=7))


def parse_date(value: Any) -> datetime | None:
    """Return a timezone-aware datetime for `value`, or None when it is missing or unreadable."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    text = str(value).strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=WIB)
