"""Bounds on what decompression may produce, so a crafted archive cannot exhaust the machine."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from authdoctor.errors import InputError


@dataclass(frozen=True)
class Limits:
    max_total_bytes: int = 64 << 30  # everything decompressed in one run
    max_ratio: int = 200  # declared uncompressed / compressed size of one member
    ratio_floor_bytes: int = 64 << 20  # small members may compress well without suspicion
    max_members: int = 100_000
    max_depth: int = 4  # archives inside archives


class Budget:
    """Counts decompressed bytes across one run."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.used = 0

    def take(self, n: int, label: str) -> None:
        self.used += n
        if self.used > self.limits.max_total_bytes:
            raise InputError(
                f"{label}: decompressed input exceeds {self.limits.max_total_bytes >> 30} GiB; "
                "refusing (possible archive bomb)"
            )


class BoundedReader(io.RawIOBase):
    """A read-only stream that stops at ``max_bytes`` (declared size) and turns decoder
    errors into an early end plus a note, so a truncated or lying archive is reported
    instead of crashing the scan."""

    def __init__(
        self,
        inner: IO[bytes],
        label: str,
        budget: Budget,
        notes: list[str],
        max_bytes: int | None = None,
        ratio_base: int | None = None,
        source: IO[bytes] | None = None,
    ) -> None:
        """``source`` is the stream ``inner`` decodes, when closing ``inner`` leaves it open
        (gzip, bz2 and xz readers given a file object do); it is closed with this reader."""
        self._inner = inner
        self._source = source
        self._label = label
        self._budget = budget
        self._notes = notes
        self._max = max_bytes
        self._ratio_base = ratio_base
        self._read = 0
        self._done = False

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed:
            try:
                self._inner.close()
            finally:
                if self._source is not None:
                    self._source.close()
        super().close()

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._done:
            return 0
        want = len(b)
        try:
            data = self._inner.read(want)
        except (EOFError, OSError, ValueError) as exc:
            self._notes.append(f"{self._label}: stopped after {self._read} bytes: {_short(exc)}")
            self._done = True
            return 0
        except Exception as exc:  # zlib.error, lzma.LZMAError, zstd errors: all "corrupt data"
            self._notes.append(f"{self._label}: stopped after {self._read} bytes: corrupt data ({_short(exc)})")
            self._done = True
            return 0
        n = len(data)
        self._read += n
        if self._max is not None and self._read > self._max:
            self._done = True
            raise InputError(
                f"{self._label}: yields more than its declared {self._max} bytes; refusing (archive bomb?)"
            )
        if self._ratio_base is not None:
            lim = self._budget.limits
            if self._read > lim.ratio_floor_bytes and self._read > self._ratio_base * lim.max_ratio:
                self._done = True
                raise InputError(
                    f"{self._label}: expands more than {lim.max_ratio}x its compressed size; "
                    "refusing (compression bomb?)"
                )
        self._budget.take(n, self._label)
        b[:n] = data
        return n


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:160]
