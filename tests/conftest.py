from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("AUTHDOCTOR_CACHE_DIR", str(ROOT / ".pytest_cache" / "authdoctor"))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
