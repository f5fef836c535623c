"""An on-disk cache for work that only depends on the knowledge base's content.

Parsing a thousand YAML entries and compiling their signatures costs seconds; the result
only changes when the KB does. Keys include the content hash, the library versions and
the platform, so a stale or foreign entry is never used. A broken or unwritable cache is
silently bypassed: the cache may speed things up, never break them.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import platform
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def cache_dir() -> Path | None:
    if os.environ.get("AUTHDOCTOR_NO_CACHE"):
        return None
    explicit = os.environ.get("AUTHDOCTOR_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "authdoctor"


def cache_key(*parts: str) -> str:
    h = hashlib.sha256()
    for p in (*parts, sys.version, platform.machine(), platform.system()):
        h.update(p.encode() + b"\0")
    return h.hexdigest()[:32]


def load_or_build(kind: str, key: str, build: Callable[[], T], dump: Callable[[T], bytes] | None = None,
                  load: Callable[[bytes], T] | None = None) -> T:
    d = cache_dir()
    path = d / f"{kind}-{key}.bin" if d else None
    if path is not None and path.exists():
        try:
            data = path.read_bytes()
            return load(data) if load else pickle.loads(data)
        except Exception:  # a corrupt or incompatible cache file: rebuild
            pass
    value = build()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            blob = dump(value) if dump else pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{kind}-")
            with os.fdopen(fd, "wb") as f:
                f.write(blob)
            os.replace(tmp, path)
        except OSError:
            pass
    return value
