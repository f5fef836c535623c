"""Assembles log lines into records: one event with its stack trace and wrapped lines.

A Java log event spans many lines (the message, a JSON body broken over lines, ``at ...``
frames, ``Caused by:`` chains); matching line by line would miss messages that wrap and
count one failure many times. The rules here are local to a line and its predecessor so
the fast scanner (``match.scanner``) can find the same boundaries around a hit without
reading the whole file:

- *timestamped* documents (most lines open with a timestamp): a record starts at a
  timestamped line or after a blank line;
- *plain* documents: a record starts at any line that is not a continuation (indented,
  ``at ...``, ``Caused by:``, ``... N more``, ``nested exception is``);
- *paste*: a small document with no timestamps (an error copied from a screen) is one record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Literal

from authdoctor.extract.timestamps import parse_timestamp, starts_with_timestamp

Mode = Literal["timestamped", "plain", "paste"]

HEAD_BYTES = 64 * 1024  # how much of a document decides its mode
PASTE_MAX_BYTES = 64 * 1024
MAX_LINE_BYTES = 1 << 20  # a longer line is read and matched in pieces of this size
MAX_RECORD_BYTES = 256 * 1024  # text beyond this in one record is not matched
MAX_EVIDENCE_CHARS = 4000

_CONTINUATION = re.compile(rb"^(?:[ \t]|at |Caused by:|Suppressed:|\.\.\. \d+ (?:more|common)|nested exception is)")


def detect_mode(head: bytes, complete: bool) -> Mode:
    lines = [ln for ln in head.split(b"\n")[:400] if ln.strip()]
    stamped = sum(1 for ln in lines if starts_with_timestamp(ln))
    if lines and stamped * 5 >= len(lines):
        return "timestamped"
    if complete and len(head) <= PASTE_MAX_BYTES:
        return "paste"
    return "plain"


def starts_record(line: bytes, prev_blank: bool, mode: Mode) -> bool:
    """Does ``line`` (without its newline) open a new record?"""
    if mode == "paste":
        return False
    if prev_blank:
        return True
    if mode == "timestamped":
        return starts_with_timestamp(line)
    return _CONTINUATION.match(line) is None


@dataclass(frozen=True)
class Record:
    """One log event: its first line number (1-based), raw text and timestamp if any.

    The scanner of regular files leaves ``line`` at 0 and sets ``offset`` (the byte offset
    of the record in its document): most records never need a line number, and counting
    every newline of a large file costs as much as the scan. ``pasted``: the whole of a
    small document without timestamps (text copied from a screen), matched without
    anchors, so a message a terminal wrapped is still recognised.
    """

    line: int
    text: str
    timestamp: str | None
    offset: int = -1
    pasted: bool = False


def record_from_bytes(raw: bytes, line: int, offset: int = -1, pasted: bool = False) -> Record:
    clipped = raw[:MAX_RECORD_BYTES]
    text = clipped.decode("utf-8", "replace").rstrip("\r\n")
    return Record(line=line, text=text, timestamp=parse_timestamp(clipped[:64]), offset=offset, pasted=pasted)


def read_head(stream: IO[bytes]) -> tuple[bytes, bool]:
    """Read up to HEAD_BYTES; ``complete`` says the document ended within them."""
    head = stream.read(HEAD_BYTES)
    if len(head) < HEAD_BYTES:
        return head, True
    extra = stream.read(1)
    return head + extra, not extra


def iter_lines(stream: IO[bytes], head: bytes) -> Iterator[bytes]:
    """Lines without their newline, in bounded memory (long lines come in pieces)."""
    pending = head
    while True:
        pos = 0  # walk the buffer by offset: re-slicing it per line would copy it per line
        nl = pending.find(b"\n")
        while nl >= 0:
            yield pending[pos:nl]
            pos = nl + 1
            nl = pending.find(b"\n", pos)
        while len(pending) - pos >= MAX_LINE_BYTES:
            yield pending[pos : pos + MAX_LINE_BYTES]
            pos += MAX_LINE_BYTES
        pending = pending[pos:]
        chunk = stream.read(1 << 20)
        if not chunk:
            if pending:
                yield pending
            return
        pending += chunk


def iter_records(stream: IO[bytes]) -> Iterator[Record]:
    """The reference record assembler: every record of the document, in order."""
    head, complete = read_head(stream)
    mode = detect_mode(head, complete)
    buf = bytearray()
    start_line = 0
    prev_blank = True
    lineno = 0
    for line in iter_lines(stream, head):
        lineno += 1
        blank = not line.strip()
        if blank:
            if buf and mode != "paste":
                yield record_from_bytes(bytes(buf), start_line)
                buf.clear()
            elif buf:
                buf += b"\n"
            prev_blank = True
            continue
        if not buf or starts_record(line, prev_blank, mode):
            if buf:
                yield record_from_bytes(bytes(buf), start_line, pasted=mode == "paste")
                buf.clear()
            start_line = lineno
        if len(buf) < MAX_RECORD_BYTES:
            buf += line[: MAX_RECORD_BYTES - len(buf)] + b"\n"
        prev_blank = False
    if buf:
        yield record_from_bytes(bytes(buf), start_line, pasted=mode == "paste")
