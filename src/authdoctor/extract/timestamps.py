"""Recognises the timestamp that opens a log record and renders it as ISO-8601.

Jira/log4j (``2021-11-16 12:35:50,956+0100``), ISO-8601 (``2024-03-01T10:00:00.123Z``) and
syslog (``Nov 21 06:20:39``) cover the products we read. The same pattern decides where a
record starts, so it is anchored at the line start (after a little indentation, which
pasted text often has) and cheap to test.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

_MONTHS = {
    m: i
    for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)
}

ISO_LIKE = re.compile(
    rb"^[ \t]{0,8}\[?(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[,.](\d{1,9}))?"
    rb"[ ]?(Z|[+-]\d{2}:?\d{2})?"
)
SYSLOG = re.compile(rb"^[ \t]{0,8}([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2})\b")


def starts_with_timestamp(line: bytes) -> bool:
    return ISO_LIKE.match(line) is not None or (
        SYSLOG.match(line) is not None and line.lstrip()[:3].decode("ascii", "replace") in _MONTHS
    )


def parse_timestamp(line: bytes, default_year: int | None = None) -> str | None:
    """ISO-8601 text of the timestamp opening ``line``, keeping its precision and offset."""
    m = ISO_LIKE.match(line)
    if m:
        y, mo, d, h, mi, s, frac, tz = (g.decode() if g else None for g in m.groups())
        text = f"{y}-{mo}-{d}T{h}:{mi}:{s}"
        if frac:
            text += "." + frac
        if tz:
            text += "Z" if tz == "Z" else f"{tz[:3]}:{tz[-2:]}"
        return text
    m = SYSLOG.match(line)
    if m and m.group(1).decode() in _MONTHS:
        year = default_year or datetime.now(UTC).year
        mon = _MONTHS[m.group(1).decode()]
        day = int(m.group(2))
        return f"{year:04d}-{mon:02d}-{day:02d}T{m.group(3).decode()}:{m.group(4).decode()}:{m.group(5).decode()}"
    return None


def sort_key(iso: str) -> datetime:
    """Comparable instant: aware times in UTC; naive ones taken as they are."""
    try:
        dt = datetime.fromisoformat(iso)
    except ValueError:
        return datetime.min
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt
