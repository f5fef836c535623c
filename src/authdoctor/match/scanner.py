"""The fast path: find the few records worth matching without assembling every record.

All anchors (literal substrings every matching record must contain) are compiled into
one Hyperscan database and run over raw, newline-aligned chunks. Python only runs where an
anchor hits: it walks to the surrounding record using the same boundary rules as the
reference assembler (``extract.records``), normalises it and asks the full matcher.
The reference path (``reference_records``) assembles every record; a differential test
holds the two to the same answer.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from authdoctor.extract.facts import FactRule, java_version_normal
from authdoctor.extract.normalize import normalize
from authdoctor.extract.records import (
    MAX_RECORD_BYTES,
    Mode,
    Record,
    detect_mode,
    iter_records,
    read_head,
    record_from_bytes,
    starts_record,
)
from authdoctor.match.engine import HAVE_HYPERSCAN, EntryMatcher, compile_database
from authdoctor.match.safe_regex import compile_safe

CHUNK_BYTES = 4 << 20
MAX_CARRY_BYTES = 8 << 20

if HAVE_HYPERSCAN:
    import hyperscan


@dataclass(frozen=True)
class Hit:
    """A record and the entries it shows."""

    record: Record
    entries: list[str]
    normalized: str


ProgressFn = Callable[[int], None]


class AnchorScanner:
    """One compiled database of anchors; ``hits`` lists where each anchor ends in a buffer."""

    def __init__(self, anchors: list[tuple[str, bool]], entry_count: int | None = None) -> None:
        """``anchors``: (pattern, caseless); patterns are regexes (literals already escaped).
        The first ``entry_count`` are the entries' anchors (``EntryMatcher.anchors``), the
        rest other things worth finding (fact rules)."""
        self.anchors = anchors
        self.entry_count = len(anchors) if entry_count is None else entry_count
        self._local = threading.local()
        self._hs: Any = None
        if HAVE_HYPERSCAN:
            self._hs = compile_database(
                [a.encode() for a, _ in anchors],
                [hyperscan.HS_FLAG_CASELESS if ci else 0 for _, ci in anchors],
            )
        else:  # pragma: no cover - RE2 fallback where no Hyperscan wheel exists
            alternation = "|".join(f"(?i:{a})" if ci else f"(?:{a})" for a, ci in anchors)
            self._re2 = compile_safe(alternation)

    def hits(self, buf: bytes | memoryview) -> list[tuple[int, int]]:
        """(end offset, anchor index) of every anchor occurrence, in offset order."""
        out: list[tuple[int, int]] = []
        if self._hs is not None:

            def on_match(aid: int, _from: int, to: int, _flags: int, _ctx: object) -> None:
                out.append((to, aid))

            # One scratch per thread: a scratch serves one scan at a time, and a database
            # loaded from the cache carries none of its own.
            scratch = getattr(self._local, "scratch", None)
            if scratch is None:
                scratch = self._local.scratch = hyperscan.Scratch(self._hs)
            self._hs.scan(buf, match_event_handler=on_match, scratch=scratch)
        else:  # pragma: no cover
            text = bytes(buf).decode("latin-1")
            for m in self._re2.finditer(text):
                out.append((m.end(), self._index_of(m.group(0))))
        out.sort()
        return out

    def _index_of(self, found: str) -> int:  # pragma: no cover - RE2 fallback only
        for i, (a, ci) in enumerate(self.anchors):
            if compile_safe(a, ci).fullmatch(found):
                return i
        return 0


class FactSink:
    """Collects facts revealed by lines that contain a fact rule's anchor."""

    def __init__(self, rules: tuple[FactRule, ...], first_index: int) -> None:
        self.rules = rules
        self.first = first_index
        self.found: dict[str, tuple[str, str]] = {}  # fact -> (value, where)
        self._seen: dict[int, int] = {}

    def line(self, rule_index: int, line: bytes, where: str) -> None:
        rule = self.rules[rule_index]
        if rule.name in self.found or self._seen.get(rule_index, 0) > 50:
            return
        self._seen[rule_index] = self._seen.get(rule_index, 0) + 1
        m = compile_safe(rule.pattern).search(line[:4096].decode("utf-8", "replace"))
        if m is None:
            return
        value = rule.value if rule.value is not None else m.group("v")
        if rule.java:
            value = java_version_normal(value)
        self.found[rule.name] = (value, where)


def _line_at(buf: bytes, start: int) -> bytes:
    end = buf.find(b"\n", start)
    return buf[start : end if end >= 0 else len(buf)]


def _prev_line_blank(buf: bytes, start: int) -> bool:
    if start == 0:
        return True
    prev_start = buf.rfind(b"\n", 0, start - 1) + 1
    return not buf[prev_start : start - 1].strip()


def _is_start(buf: bytes, start: int, mode: Mode) -> bool:
    line = _line_at(buf, start)
    if not line.strip():
        return False
    return start == 0 or starts_record(line, _prev_line_blank(buf, start), mode)


def _last_record_start(buf: bytes, mode: Mode) -> int | None:
    """Offset of the last line start in ``buf`` that opens a record (never 0)."""
    pos = buf.rfind(b"\n", 0, len(buf) - 1)  # the last line may be incomplete: start from the one before
    limit = max(0, len(buf) - MAX_CARRY_BYTES)
    while pos > limit:
        start = pos + 1
        if start < len(buf) and _is_start(buf, start, mode):
            return start
        pos = buf.rfind(b"\n", 0, pos)
    return None


def _record_bounds(region: bytes, hit: int, mode: Mode) -> tuple[int, int]:
    start = region.rfind(b"\n", 0, hit) + 1
    while start > 0 and not _is_start(region, start, mode):
        start = region.rfind(b"\n", 0, start - 1) + 1
    end = region.find(b"\n", hit)
    while end >= 0 and end + 1 < len(region):
        nxt = end + 1
        line = _line_at(region, nxt)
        if not line.strip() or starts_record(line, False, mode):
            break
        end = region.find(b"\n", nxt)
    return start, (len(region) if end < 0 else end)


def fast_records(
    stream: IO[bytes],
    scanner: AnchorScanner,
    progress: ProgressFn | None = None,
    facts: FactSink | None = None,
    name: str = "",
) -> Iterator[Record]:
    """Records of a stream (stdin, an archive member) that contain at least one anchor, in
    document order, with their line numbers."""
    head, complete = read_head(stream)
    mode = detect_mode(head, complete)
    if progress:
        progress(len(head))
    if mode == "paste":
        hits = scanner.hits(head) if head.strip() else []
        if facts is not None:
            for off, aid in hits:
                if aid >= facts.first:
                    facts.line(aid - facts.first, _line_around(head, off), name)
        # A paste is tiny and matched without anchors (see Record.pasted): one record, the
        # reference's rules.
        yield from iter_records(io.BytesIO(head))
        return
    buf = head
    eof = complete
    base_line = 1
    while buf:
        if not eof:
            more = stream.read(CHUNK_BYTES)
            if progress and more:
                progress(len(more))
            if more:
                buf += more
            else:
                eof = True
        if eof:
            cut = len(buf)
        else:
            found = _last_record_start(buf, mode)
            if found is None:
                if len(buf) < MAX_CARRY_BYTES:
                    continue
                nl = buf.rfind(b"\n")
                cut = nl + 1 if nl > 0 else len(buf)
            else:
                cut = found
        region = buf[:cut]
        yield from _records_in(region, mode, scanner, facts, name, base_line=base_line)
        base_line += region.count(b"\n")
        buf = buf[cut:]


def file_records(
    fd: int,
    mode: Mode,
    scanner: AnchorScanner,
    start: int,
    end: int,
    progress: ProgressFn | None = None,
    facts: FactSink | None = None,
    name: str = "",
) -> Iterator[Record]:
    """Records with anchors in bytes [start, end) of a regular file (``start`` is a record start).

    Chunks are read with ``os.pread`` (no carry buffer to concatenate, and the read runs
    without the GIL) and cut at their last record start — the rule ``fast_records`` uses.
    Records carry their byte offset instead of a line number: most never need one
    (``LineIndex`` numbers the few kept as evidence), and counting every newline of a
    multi-gigabyte file would cost as much as the scan, under the GIL.
    """
    pos = start
    want = CHUNK_BYTES
    while pos < end:
        chunk = os.pread(fd, min(want, end - pos), pos)
        if not chunk:
            return  # the file shrank while being read
        if pos + len(chunk) >= end:
            cut = len(chunk)
        else:
            found = _last_record_start(chunk, mode)
            if found is None and len(chunk) < MAX_CARRY_BYTES:
                want = min(len(chunk) * 2, MAX_CARRY_BYTES)  # one record longer than a chunk: read more
                continue
            if found is None:
                nl = chunk.rfind(b"\n")
                cut = nl + 1 if nl > 0 else len(chunk)
                chunk = chunk[:cut]  # a forced cut: no record may reach past it
            else:
                cut = found
        want = CHUNK_BYTES
        if progress:
            progress(cut)
        yield from _records_in(chunk, mode, scanner, facts, name, offset=pos, limit=cut)
        pos += cut


def next_record_start(window: bytes, mode: Mode) -> int | None:
    """The first record start in ``window`` from its third line on (the first line may be
    cut, and the second needs a whole predecessor to judge a blank line)."""
    pos = window.find(b"\n")
    if pos < 0:
        return None
    pos = window.find(b"\n", pos + 1)
    while 0 <= pos < len(window) - 1:
        start = pos + 1
        if _is_start(window, start, mode):
            return start
        pos = window.find(b"\n", start)
    return None


def _line_around(buf: bytes, off: int) -> bytes:
    start = buf.rfind(b"\n", 0, off) + 1
    end = buf.find(b"\n", off)
    return buf[start : end if end >= 0 else len(buf)]


def _records_in(
    region: bytes,
    mode: Mode,
    scanner: AnchorScanner,
    facts: FactSink | None,
    name: str,
    base_line: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> Iterator[Record]:
    """Records around the anchor hits in ``region[:limit]`` (``limit`` is a record start, so
    no record crosses it): numbered from ``base_line`` when given, else marked with their
    byte offset (``offset`` + position in the region)."""
    done_until = -1
    line_pos, line_no = 0, base_line or 0
    scanned = region if limit is None or limit >= len(region) else memoryview(region)[:limit]
    for off, aid in scanner.hits(scanned):
        if facts is not None and aid >= facts.first:
            facts.line(aid - facts.first, _line_around(region, off - 1), name)
            continue
        if off <= done_until:
            continue
        start, end = _record_bounds(region, off - 1, mode)
        if base_line is not None:
            line_no += region.count(b"\n", line_pos, start)
            line_pos = start
        done_until = end
        raw = region[start:end][: MAX_RECORD_BYTES + 1]
        yield record_from_bytes(raw, line_no, -1 if base_line is not None else offset + start)


def reference_records(stream: IO[bytes]) -> Iterator[Record]:
    return iter_records(stream)


def record_anchors(scanner: AnchorScanner, rec: Record) -> set[int] | None:
    """The entry anchors a log record's text contains; None for a paste (no anchor rule).

    Both paths ask this of the record itself, not of the chunk hits that led to it, so a
    record's entries never depend on how it was found."""
    if rec.pasted:
        return None
    return {aid for _, aid in scanner.hits(rec.text.encode("utf-8", "replace")) if aid < scanner.entry_count}


def match_records(records: Iterator[Record], matcher: EntryMatcher, scanner: AnchorScanner) -> Iterator[Hit]:
    for rec in records:
        norm = normalize(rec.text)
        entries = matcher.match(norm, record_anchors(scanner, rec))
        if entries:
            yield Hit(rec, entries, norm)
