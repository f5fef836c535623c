"""Loads the packaged knowledge base once per process.

The KB is read from YAML shipped inside the package so the tool works offline and needs
nothing from ../shared at run time. Loading is cached: every command shares one KB.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from authdoctor.kb.schema import CauseGuide, CauseInfo, Entry

KB_ROOT = Path(str(resources.files("authdoctor") / "kb"))
ENTRIES_DIR = KB_ROOT / "entries"


class KBError(Exception):
    """The packaged knowledge base is broken (a bad file, a duplicate id)."""


@dataclass(frozen=True)
class KnowledgeBase:
    entries: tuple[Entry, ...]
    causes: dict[str, CauseInfo]
    guides: dict[str, CauseGuide]
    paths: dict[str, Path] = field(default_factory=dict)

    def entry(self, entry_id: str) -> Entry:
        return self.by_id[entry_id]

    @cached_property
    def by_id(self) -> dict[str, Entry]:
        """Entries by id and by former id (aliases)."""
        idx: dict[str, Entry] = {}
        for e in self.entries:
            idx[e.id] = e
            for a in e.aliases:
                idx.setdefault(a, e)
        return idx


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> object:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as exc:
        raise KBError(f"{path}: not valid YAML: {exc}") from exc


def load_causes(path: Path | None = None) -> dict[str, CauseInfo]:
    data = _read_yaml(path or KB_ROOT / "causes.yaml")
    if not isinstance(data, list):
        raise KBError("causes.yaml must be a list")
    return {c.id: c for c in (CauseInfo.model_validate(x) for x in data)}


def load_guides(path: Path | None = None) -> dict[str, CauseGuide]:
    p = path or KB_ROOT / "cause_guides.yaml"
    if not p.exists():
        return {}
    data = _read_yaml(p)
    if not isinstance(data, dict):
        raise KBError("cause_guides.yaml must map cause ids to guides")
    return {k: CauseGuide.model_validate(v) for k, v in data.items()}


def entry_files(root: Path = ENTRIES_DIR) -> list[Path]:
    return sorted(root.rglob("*.yaml"))


def load_entry(path: Path) -> Entry:
    data = _read_yaml(path)
    try:
        return Entry.model_validate(data)
    except ValidationError as exc:
        raise KBError(f"{path.name}: {exc}") from exc


def load_kb(root: Path = ENTRIES_DIR) -> KnowledgeBase:
    entries: list[Entry] = []
    paths: dict[str, Path] = {}
    for path in entry_files(root):
        entry = load_entry(path)
        if entry.id in paths:
            raise KBError(f"duplicate entry id {entry.id}: {paths[entry.id]} and {path}")
        paths[entry.id] = path
        entries.append(entry)
    return KnowledgeBase(entries=tuple(entries), causes=load_causes(), guides=load_guides(), paths=paths)


def content_digest(root: Path = ENTRIES_DIR) -> str:
    """A cheap fingerprint of every file the KB is built from: names, sizes and modification
    times (a stat each, no reading), so a warm start does not read a thousand files."""
    h = hashlib.sha256()
    for path in [*entry_files(root), KB_ROOT / "cause_guides.yaml", KB_ROOT / "causes.yaml", KB_ROOT / "schema.py"]:
        if path.exists():
            st = path.stat()
            h.update(f"{path.relative_to(KB_ROOT)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


@cache
def default_kb() -> KnowledgeBase:
    from authdoctor.cache import cache_key, load_or_build

    return load_or_build("kb", cache_key("kb", content_digest()), load_kb)
