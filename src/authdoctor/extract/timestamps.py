"""Recognises the timestamp that opens a log record and renders it as ISO-8601.

Jira/log4j (``2021-11-16 12:35:50,956+0100``), ISO-8601 (``2024-03-01T10:00:00.123Z``) and
syslog (``Nov 21 06:20:39``) cover the products we read; a UTF-8 byte-order mark before the
first one (Windows editors write it) is allowed. The same pattern decides where a
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
    rb"^(?:\xef\xbb\xbf)?[ \t]{0,8}\[?(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[,.](\d{1,9}))?"
    rb"[ ]?(Z|[+-]\d{2}:?\d{2})?"
)
SYSLOG = re.compile(rb"^(?:\xef\xbb\xbf)?[ \t]{0,8}([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2})\b")


def starts_with_timestamp(line: bytes) -> bool:
    if ISO_LIKE.match(line) is not None:
        return True
    m = SYSLOG.match(line)
    return m is not None and m.group(1).decode("ascii", "replace") in _MONTHS


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


BOUND_EXAMPLES = "2021-11-16, 2021-11-16T08:10, 2021-11-16 08:10:30 or 2021-11-16T08:10+01:00"


def parse_bound(text: str, end: bool = False) -> datetime:
    """A ``--since``/``--until`` value. A bare date as an end means the whole of that day.

    Raises ValueError with an example of what is accepted: silently treating a typo as
    "no limit" would report records the person asked to leave out."""
    value = text.strip()
    try:
        bound = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{text!r} is not a date or time; use ISO-8601, e.g. {BOUND_EXAMPLES}") from None
    if end and len(value) == 10:  # a date only
        bound = bound.replace(hour=23, minute=59, second=59, microsecond=999999)
    return bound


def _comparable(record: datetime, bound: datetime) -> datetime:
    """The record's time as the bound reads it. A bound without an offset is the wall time
    written in the log (what the person sees and types); a bound with one is an instant, and
    a log time without an offset is taken to be in the bound's zone."""
    if bound.tzinfo is None:
        return record.replace(tzinfo=None)
    if record.tzinfo is None:
        return record.replace(tzinfo=bound.tzinfo)
    return record


def in_window(timestamp: str | None, since: datetime | None, until: datetime | None) -> bool:
    """Is a record with this ISO timestamp inside [since, until]? Records without a
    timestamp (continuations, pastes) are kept: there is nothing to judge them by."""
    if timestamp is None or (since is None and until is None):
        return True
    try:
        record = datetime.fromisoformat(timestamp)
    except ValueError:
        return True
    if since is not None and _comparable(record, since) < since:
        return False
    return until is None or _comparable(record, until) <= until
