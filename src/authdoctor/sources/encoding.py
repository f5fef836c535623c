"""UTF-16 text as UTF-8 bytes.

Windows writes UTF-16 more often than people expect: Windows PowerShell 5.1's `>` and
`Out-File`, Event Viewer's text export, some AD FS and IIS tooling. Every later stage works
on UTF-8 bytes (anchors, record boundaries, timestamps), so such a document is transcoded
as it is read instead of being skipped as binary (it is full of NUL bytes).
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Callable
from typing import IO, cast

READ_BYTES = 1 << 20
_MIN_SNIFF = 64  # fewer bytes than this are not enough to tell UTF-16 from binary


def utf16_encoding(head: bytes) -> str | None:
    """The codec of a UTF-16 document, from its BOM or (without one) from NUL bytes in
    every other position, as ASCII-range text in UTF-16 has; None for anything else."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # the codec reads the BOM and drops it
    sample = head[: len(head) // 2 * 2]
    if len(sample) < _MIN_SNIFF:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= len(odd) * 0.9 and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= len(even) * 0.9 and odd.count(0) == 0:
        return "utf-16-be"
    return None


class Utf8Reader(io.RawIOBase):
    """Reads a UTF-16 stream and yields its text as UTF-8; undecodable units become U+FFFD."""

    def __init__(self, raw: IO[bytes], encoding: str) -> None:
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._pending = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending and not self._done:
            chunk = self._raw.read(READ_BYTES)
            text = self._decoder.decode(chunk, final=not chunk)
            self._done = not chunk
            self._pending = text.encode("utf-8", "replace")
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def utf8_opener(opener: Callable[[], IO[bytes]], encoding: str) -> Callable[[], IO[bytes]]:
    """An opener whose streams give the UTF-16 document behind ``opener`` as UTF-8."""

    def open_utf8() -> IO[bytes]:
        return cast(IO[bytes], io.BufferedReader(Utf8Reader(opener(), encoding), buffer_size=READ_BYTES))

    return open_utf8
