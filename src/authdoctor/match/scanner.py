"""The fast path: find the few records worth matching without assembling every record.

All anchors (literal substrings every matching record must contain) are compiled into
one Hyperscan database and run over raw, newline-aligned chunks. Python only runs where an
anchor hits: it walks to the surrounding record using the same boundary rules as the
reference assembler (``extract.records``), normalises it and asks the full matcher.
The reference path (``reference_records``) assembles every record; a differential test
holds the two to the same answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

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
from authdoctor.match.engine import HAVE_HYPERSCAN, EntryMatcher
from authdoctor.match.patterns import literal

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
    """One compiled database of anchors; ``offsets`` lists where any anchor ends in a buffer."""

    def __init__(self, anchors: list[tuple[str, bool]]) -> None:
        self.anchors = anchors
        self._hs = None
        if HAVE_HYPERSCAN:
            db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            db.compile(
                expressions=[literal(a).encode() for a, _ in anchors],
                ids=list(range(len(anchors))),
                flags=[hyperscan.HS_FLAG_CASELESS if ci else 0 for _, ci in anchors],
            )
            self._hs = db
        else:  # pragma: no cover - RE2 fallback where no Hyperscan wheel exists
            from authdoctor.match.safe_regex import compile_safe

            alternation = "|".join(f"(?i:{literal(a)})" if ci else literal(a) for a, ci in anchors)
            self._re2 = compile_safe(alternation.encode().decode())

    def offsets(self, buf: bytes, scratch: object | None = None) -> list[int]:
        out: list[int] = []
        if self._hs is not None:

            def on_match(_id: int, _from: int, to: int, _flags: int, _ctx: object) -> None:
                out.append(to)

            self._hs.scan(buf, match_event_handler=on_match, scratch=scratch)
        else:  # pragma: no cover
            text = buf.decode("latin-1")
            out.extend(m.end() for m in self._re2.finditer(text))
        out.sort()
        return out

    def new_scratch(self) -> object | None:
        return hyperscan.Scratch(self._hs) if self._hs is not None else None


def anchors_for(matcher: EntryMatcher) -> list[tuple[str, bool]]:
    """Unique anchors of the signatures that can make an entry fire (role ``any``)."""
    seen: dict[tuple[str, bool], None] = {}
    for s in matcher.sigs:
        if s.role == "any":
            key = (s.anchor.lower(), True) if s.ignore_case else (s.anchor, False)
            seen.setdefault(key, None)
    return list(seen)


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
    stream: BinaryIO,
    scanner: AnchorScanner,
    progress: ProgressFn | None = None,
    scratch: object | None = None,
) -> Iterator[Record]:
    """Records that contain at least one anchor, in document order."""
    head, complete = read_head(stream)
    mode = detect_mode(head, complete)
    if progress:
        progress(len(head))
    if mode == "paste":
        if head.strip() and scanner.offsets(head, scratch):
            yield record_from_bytes(head.strip(b"\n"), _first_content_line(head))
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
        yield from _records_in(region, base_line, mode, scanner, scratch)
        base_line += region.count(b"\n")
        buf = buf[cut:]


def _first_content_line(head: bytes) -> int:
    stripped = head.lstrip(b"\n")
    return head[: len(head) - len(stripped)].count(b"\n") + 1


def _records_in(region: bytes, base_line: int, mode: Mode, scanner: AnchorScanner, scratch: object | None) -> Iterator[Record]:
    done_until = -1
    line_pos, line_no = 0, base_line
    for off in scanner.offsets(region, scratch):
        if off <= done_until:
            continue
        start, end = _record_bounds(region, off - 1, mode)
        line_no += region.count(b"\n", line_pos, start)
        line_pos = start
        done_until = end
        yield record_from_bytes(region[start:end][: MAX_RECORD_BYTES + 1], line_no)


def reference_records(stream: BinaryIO) -> Iterator[Record]:
    return iter_records(stream)


def match_records(records: Iterator[Record], matcher: EntryMatcher) -> Iterator[Hit]:
    for rec in records:
        norm = normalize(rec.text)
        entries = matcher.match(norm)
        if entries:
            yield Hit(rec, entries, norm)
