"""A small hourly bar chart of when a finding occurred, for terminals and Markdown."""

from __future__ import annotations

BLOCKS = " ▁▂▃▄▅▆▇█"


def sparkline(hourly: dict[str, int], max_width: int = 48) -> str:
    """One character per hour from the first to the last hour seen (gaps as spaces)."""
    if len(hourly) < 2:
        return ""
    from datetime import datetime, timedelta

    hours = sorted(hourly)
    try:
        start = datetime.fromisoformat(hours[0] + ":00")
        end = datetime.fromisoformat(hours[-1] + ":00")
    except ValueError:
        return ""
    span = int((end - start).total_seconds() // 3600) + 1
    if span > max_width * 24:
        return ""
    counts = []
    for i in range(span):
        key = (start + timedelta(hours=i)).strftime("%Y-%m-%dT%H")
        counts.append(hourly.get(key, 0))
    if span > max_width:  # fold into max_width buckets
        size = -(-span // max_width)
        counts = [sum(counts[i : i + size]) for i in range(0, span, size)]
    top = max(counts) or 1
    return "".join(BLOCKS[0] if c == 0 else BLOCKS[max(1, round(c / top * 8))] for c in counts)


def span_label(hourly: dict[str, int]) -> str:
    hours = sorted(hourly)
    return f"{hours[0].replace('T', ' ')}h → {hours[-1].replace('T', ' ')}h" if hours else ""
