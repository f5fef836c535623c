"""Line numbers on demand for regular files scanned by byte offset.

The file scanner reports records by byte offset. Only the few records kept as evidence
need a line number, and they arrive in document order, so counting forward from the last
answer reads each part of the file at most once — and usually stops early in the file.
"""

from __future__ import annotations

import os

STEP = 16 << 20  # count in slices: a far jump never holds the whole file in memory


class LineIndex:
    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._offset = 0
        self._line = 1  # the line that starts at self._offset

    def line_at(self, offset: int) -> int:
        """1-based number of the line that contains byte ``offset``."""
        if offset < self._offset:  # out of order (never within one scan): start over
            self._offset, self._line = 0, 1
        pos = self._offset
        while pos < offset:
            data = os.pread(self._fd, min(STEP, offset - pos), pos)
            if not data:
                break
            self._line += data.count(b"\n")
            pos += len(data)
        self._offset = offset
        return self._line
