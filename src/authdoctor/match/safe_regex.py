"""Linear-time regular expressions for untrusted text.

Every pattern that touches input we did not write goes through RE2, which cannot
backtrack catastrophically. The Python ``re`` module is kept for our own fixed, simple
patterns on bounded strings only.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import re2

_OPTIONS = re2.Options()
_OPTIONS.max_mem = 64 << 20  # the default 8 MiB makes large alternations fall back to the slow NFA


@lru_cache(maxsize=4096)
def compile_safe(pattern: str, ignore_case: bool = False) -> Any:
    """Compile with RE2; raises ``re2.error`` (a ValueError subclass) on unsupported syntax."""
    opts = re2.Options()
    opts.max_mem = _OPTIONS.max_mem
    opts.case_sensitive = not ignore_case
    opts.log_errors = False
    return re2.compile(pattern, opts)
