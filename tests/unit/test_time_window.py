"""--since/--until: the log's own clock, instants with an offset, whole days, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from authdoctor.extract.timestamps import in_window, parse_bound

ERROR = "ERROR [c.a.oauth2] AADSTS50011: The redirect URI 'https://jira.example.com/cb' does not match"


def _log(tmp_path: Path) -> Path:
    lines = [f"2021-11-16 {t},000+0100 http-exec-1 {ERROR}" for t in ("08:00:00", "08:10:00", "08:20:00")]
    lines.append(f"2021-11-17 09:00:00,000+0100 http-exec-1 {ERROR}")
    path = tmp_path / "atlassian-jira.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "authdoctor", "diagnose", *args, "--format", "json", "-q"],
                          capture_output=True, text=True, check=False, timeout=120)


def _seen(result: subprocess.CompletedProcess[str]) -> tuple[int, str | None, str | None]:
    report = json.loads(result.stdout)
    found = [f for f in report["findings"] if f["entry"] == "entra-aadsts50011"]
    if not found:
        return 0, None, None
    return found[0]["count"], found[0]["first_seen"], found[0]["last_seen"]


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        # as the log's clock reads (what the person sees in the file)
        (["--since", "2021-11-16T08:05", "--until", "2021-11-16 08:15"], (1, "2021-11-16T08:10:00.000+01:00")),
        # the same minutes as instants in UTC
        (["--since", "2021-11-16T07:05Z", "--until", "2021-11-16T07:15Z"], (1, "2021-11-16T08:10:00.000+01:00")),
        # a bare date as the end: the whole day
        (["--until", "2021-11-16"], (3, "2021-11-16T08:00:00.000+01:00")),
        (["--since", "2021-11-17"], (1, "2021-11-17T09:00:00.000+01:00")),
        # bounds are inclusive
        (["--since", "2021-11-16T08:20:00", "--until", "2021-11-16T08:20:00"], (1, "2021-11-16T08:20:00.000+01:00")),
    ],
)
def test_window_selects_the_records_a_person_means(tmp_path: Path, window: list[str], expected: tuple[int, str]) -> None:
    result = _run(str(_log(tmp_path)), *window)
    count, first, _ = _seen(result)
    assert (count, first) == expected, result.stderr


@pytest.mark.parametrize(
    ("window", "message"),
    [
        (["--since", "yesterday"], "not a date or time"),
        (["--until", "16/11/2021"], "not a date or time"),
        (["--since", "2021-11-17", "--until", "2021-11-16"], "is after --until"),
    ],
)
def test_bad_window_is_refused_before_reading(tmp_path: Path, window: list[str], message: str) -> None:
    result = _run(str(_log(tmp_path)), *window)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_records_without_a_timestamp_are_kept() -> None:
    assert in_window(None, parse_bound("2021-11-16"), None)


def test_a_log_time_without_offset_is_read_in_the_bound_zone() -> None:
    assert in_window("2021-11-16T08:10:00", parse_bound("2021-11-16T08:00+01:00"), None)
    assert not in_window("2021-11-16T07:59:00", parse_bound("2021-11-16T08:00+01:00"), None)


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31)),
       st.sampled_from([None, UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5, minutes=-30))]),
       st.sampled_from(["T", " "]))
def test_parse_bound_reads_what_iso_writes(moment: datetime, zone: timezone | None, sep: str) -> None:
    moment = moment.replace(tzinfo=zone)
    text = moment.isoformat(sep=sep)
    assert parse_bound(text) == moment
    assert in_window(text, parse_bound(text), parse_bound(text, end=True))  # bounds are inclusive
    day = moment.date().isoformat()
    end_of_day = parse_bound(day, end=True)
    assert end_of_day.date() == moment.date() and (end_of_day.hour, end_of_day.microsecond) == (23, 999999)
    assert in_window(moment.replace(tzinfo=None).isoformat(), parse_bound(day), end_of_day)


@given(st.text(max_size=40).filter(lambda t: not t.strip()[:4].isdigit()))
def test_parse_bound_refuses_non_dates_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match="ISO-8601"):
        parse_bound(text)


def test_last_representable_day_as_an_end() -> None:
    assert parse_bound("9999-12-31", end=True) == datetime(9999, 12, 31, 23, 59, 59, 999999)


def test_a_byte_order_mark_does_not_hide_the_first_timestamp(tmp_path: Path) -> None:
    log = tmp_path / "notepad-saved.log"
    log.write_bytes(b"\xef\xbb\xbf" + f"2021-11-16 08:00:00,000+0100 http-exec-1 {ERROR}\n".encode())
    count, first, last = _seen(_run(str(log)))
    assert (count, first, last) == (1, "2021-11-16T08:00:00.000+01:00", "2021-11-16T08:00:00.000+01:00")
    syslog = tmp_path / "syslog"
    syslog.write_bytes(b"\xef\xbb\xbfNov 16 08:00:00 host app: " + ERROR.encode() + b"\n")
    assert _seen(_run(str(syslog)))[1] is not None
