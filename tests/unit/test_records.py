"""The record assembler and the fast scanner must agree on every document."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authdoctor.extract import records as rec
from authdoctor.match import scanner as sc

STAMP = "2021-11-16 12:35:50,956+0100 "
LINES = [
    STAMP + "INFO all good",
    STAMP + "ERROR failed AADSTS50011: The redirect URI 'x' specified",
    "\tat com.example.Foo.bar(Foo.java:10)",
    "Caused by: java.io.IOException: boom",
    "continuation without stamp",
    "",
    "   ",
    STAMP + "WARN {\"error_description\":\"AADSTS50194: Application\\r\\nTrace ID: 1\"}",
    "plain line ANCHORWORD here",
    "x" * 300,
]


class LiteralScanner(sc.AnchorScanner):
    """An anchor scanner over two literals, independent of the knowledge base."""

    def __init__(self) -> None:
        super().__init__([("AADSTS50011", False), ("ANCHORWORD", False), ("Trace", False)])


SCANNER = LiteralScanner()


def _reference(data: bytes) -> list[tuple[int, str]]:
    anchors = ("AADSTS50011", "ANCHORWORD", "Trace")
    # A paste is one record matched without anchors: the fast path hands it over whole.
    return [(r.line, r.text) for r in rec.iter_records(io.BytesIO(data))
            if r.pasted or any(a in r.text for a in anchors)]


def _fast(data: bytes) -> list[tuple[int, str]]:
    return [(r.line, r.text) for r in sc.fast_records(io.BytesIO(data), SCANNER)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(LINES), min_size=1, max_size=60), st.integers(min_value=64, max_value=4096))
def test_fast_path_finds_the_same_records_as_the_reference(lines: list[str], chunk: int) -> None:
    data = ("\n".join(lines) + "\n").encode()
    old = sc.CHUNK_BYTES
    sc.CHUNK_BYTES = chunk  # small chunks force records to straddle chunk boundaries
    try:
        # big documents go through chunking; pad so the head (64 KiB) is exceeded sometimes
        assert _fast(data) == _reference(data)
        padded = (STAMP + "INFO pad\n").encode() * 2000 + data
        assert _fast(padded) == _reference(padded)
    finally:
        sc.CHUNK_BYTES = old


def _by_offset(data: bytes, tmp: Path, split_at: int | None = None) -> list[tuple[int, str]]:
    """The regular-file scanner, optionally over two ranges split at a record start, with
    line numbers resolved afterwards by LineIndex (as the pipeline does)."""
    import os

    from authdoctor.extract.line_index import LineIndex

    path = tmp / "doc.log"
    path.write_bytes(data)
    fd = os.open(path, os.O_RDONLY)
    try:
        head = os.pread(fd, rec.HEAD_BYTES + 1, 0)
        mode = rec.detect_mode(head, len(head) <= rec.HEAD_BYTES)
        if mode == "paste":
            return _fast(data)
        bounds = [0, len(data)]
        if split_at is not None:
            found = sc.next_record_start(data[split_at : split_at + 4096], mode)
            if found is not None:
                bounds.insert(1, split_at + found)
        lines = LineIndex(fd)
        out = []
        for lo, hi in itertools.pairwise(bounds):
            for r in sc.file_records(fd, mode, SCANNER, lo, hi):
                assert r.line == 0 and r.offset >= lo
                out.append((lines.line_at(r.offset), r.text))
        return out
    finally:
        os.close(fd)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(LINES), min_size=1, max_size=60), st.integers(min_value=64, max_value=4096),
       st.integers(min_value=0, max_value=200_000))
def test_file_scan_finds_the_same_records_and_lines_as_the_reference(
    tmp_path: Path, lines: list[str], chunk: int, split_at: int
) -> None:
    data = (STAMP + "INFO pad\n").encode() * 2000 + ("\n".join(lines) + "\n").encode()
    old = sc.CHUNK_BYTES
    sc.CHUNK_BYTES = chunk  # small chunks make records straddle chunks (and re-reads grow the chunk)
    try:
        assert _by_offset(data, tmp_path, split_at % len(data)) == _reference(data)
    finally:
        sc.CHUNK_BYTES = old


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=2000))
@settings(max_examples=200, deadline=None)
def test_records_partition_the_non_blank_lines(text: str) -> None:
    data = text.encode("utf-8", "replace")
    records = list(rec.iter_records(io.BytesIO(data)))
    starts = [r.line for r in records]
    assert starts == sorted(set(starts))
    lines = data.split(b"\n")
    assert bool(records) == any(ln.strip() for ln in lines)
    joined = "\n".join(r.text for r in records)
    for ln in lines:
        if ln.strip():  # every non-blank line lands in some record, whole
            assert ln.decode("utf-8", "replace").strip() in joined


def test_stack_trace_is_one_record_with_its_caused_by_chain() -> None:
    data = (
        STAMP + "ERROR boom\njava.lang.RuntimeException: x\n\tat a.b(C.java:1)\nCaused by: java.io.IOException: y\n"
        + STAMP + "INFO next\n"
    ) * 30
    records = list(rec.iter_records(io.BytesIO(data.encode())))
    assert len(records) == 60
    assert records[0].text.count("\n") == 3 and "Caused by" in records[0].text
    assert records[0].timestamp == "2021-11-16T12:35:50.956+01:00"
    assert records[2].line == 6


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        (b"2021-11-16 12:35:50,956+0100 x", "2021-11-16T12:35:50.956+01:00"),
        (b"2014-09-12 07:40:48,051 ERROR", "2014-09-12T07:40:48.051"),
        (b"2024-03-01T10:00:00.123Z msg", "2024-03-01T10:00:00.123Z"),
        (b"[2024-03-01 10:00:00] msg", "2024-03-01T10:00:00"),
        (b"Nov  2 06:20:39 host sshd", None),
    ],
)
def test_timestamps_are_recognised(line: bytes, iso: str | None) -> None:
    from authdoctor.extract.timestamps import parse_timestamp

    got = parse_timestamp(line, default_year=2026)
    if iso is None:
        assert got == "2026-11-02T06:20:39"
    else:
        assert got == iso


def test_a_small_paste_without_timestamps_is_one_record() -> None:
    data = b"AADSTS28000: Provided value for the input parameter scope is not valid.\nTrace ID: e32c\n\nCorrelation ID: f4\n"
    records = list(rec.iter_records(io.BytesIO(data)))
    assert len(records) == 1 and "Correlation ID" in records[0].text
