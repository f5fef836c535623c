"""Turns a raw log record into the text signatures are matched against.

Log lines often carry JSON bodies whose strings are escaped (``https:\\/\\/host``,
``\\r\\nTrace ID``, ``\\"error\\"``). Signatures are written against what a person reads,
so records are unescaped and whitespace is folded before matching. Only the matcher sees
this form; evidence shown to users is the original record (redacted).
"""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|([\"/\\bfnrt]))")
_SIMPLE = {'"': '"', "/": "/", "\\": "\\", "b": " ", "f": " ", "n": "\n", "r": "\n", "t": "\t"}
_WS = re.compile(r"\s+")


def _unescape_once(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        if m.group(1):
            cp = int(m.group(1), 16)
            return chr(cp) if 0x20 <= cp < 0xD800 else " "
        return _SIMPLE[m.group(2)]

    return _ESCAPE.sub(repl, text)


def normalize(text: str) -> str:
    """Unescape JSON string escapes (twice at most, for JSON inside JSON) and fold whitespace."""
    for _ in range(2):
        if "\\" not in text:
            break
        text = _unescape_once(text)
    return _WS.sub(" ", text).strip()
