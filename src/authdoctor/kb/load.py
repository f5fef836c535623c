"""Loads the packaged knowledge base once per process.

The KB is read from YAML shipped inside the package so the tool works offline and needs
nothing from ../shared at run time. Loading is cached: every command shares one KB.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from authdoctor.kb.schema import CauseGuide, CauseInfo, Entry

KB_ROOT = Path(str(resources.files("authdoctor") / "kb"))
ENTRIES_DIR = KB_ROOT / "entries"


class KBError(Exception):
    """The packaged knowledge base is broken (a bad file, a duplicate id)."""


@dataclass(frozen=True)
class EntryKeys:
    """What `explain` looks an entry up by, kept apart so a lookup need not load every entry."""

    id: str
    aliases: tuple[str, ...]
    codes: tuple[str, ...]
    names: tuple[str, ...]
    errors: tuple[str, ...]
    generic: bool

    @classmethod
    def of(cls, e: Entry) -> EntryKeys:
        return cls(e.id, tuple(e.aliases), tuple(e.codes), tuple(e.names), tuple(e.errors), e.generic)


class KnowledgeBase:
    """Entries, causes and cause guides.

    Built from YAML it holds parsed entries; loaded from the cache it holds each entry
    pickled on its own and unpickles it on first use, so `explain AADSTS50011` reads one
    entry instead of the whole KB.
    """

    def __init__(
        self,
        entries: tuple[Entry, ...] = (),
        causes: dict[str, CauseInfo] | None = None,
        guides: dict[str, CauseGuide] | None = None,
        *,
        packed: dict[str, bytes] | None = None,
        keys: tuple[EntryKeys, ...] | None = None,
    ) -> None:
        self.causes = causes or {}
        self.guides = guides or {}
        self._loaded: dict[str, Entry] = {e.id: e for e in entries}
        self._packed = packed or {}
        self.keys = keys if keys is not None else tuple(EntryKeys.of(e) for e in entries)
        self._alias = {a: k.id for k in self.keys for a in k.aliases}

    def entry(self, entry_id: str) -> Entry:
        """An entry by id or former id (alias); KeyError when unknown."""
        eid = entry_id if entry_id in self._loaded or entry_id in self._packed else self._alias[entry_id]
        found = self._loaded.get(eid)
        if found is None:
            found = self._loaded[eid] = pickle.loads(self._packed[eid])
        return found

    @cached_property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(self.entry(k.id) for k in self.keys)

    def pack(self) -> bytes:
        """The cache form: each entry pickled separately behind the lookup keys."""
        packed = {e.id: pickle.dumps(e, protocol=pickle.HIGHEST_PROTOCOL) for e in self.entries}
        state = (self.causes, self.guides, self.keys, packed)
        return pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def unpack(cls, blob: bytes) -> KnowledgeBase:
        causes, guides, keys, packed = pickle.loads(blob)
        return cls(causes=causes, guides=guides, packed=packed, keys=keys)


def _read_yaml(path: Path) -> object:
    import yaml  # only when the cache is cold: a warm start reads pickles

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
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
    return KnowledgeBase(entries=tuple(entries), causes=load_causes(), guides=load_guides())


@cache
def content_digest(root: Path = ENTRIES_DIR) -> str:
    """A cheap fingerprint of every file the KB is built from: names, sizes and modification
    times (a stat each, no reading), so a warm start does not read a thousand files."""
    h = hashlib.sha256()
    stack = [str(root)]
    while stack:  # os.scandir: one stat per file, none of pathlib's per-path objects
        with os.scandir(stack.pop()) as it:
            for d in sorted(it, key=lambda d: d.name):
                if d.is_dir():
                    stack.append(d.path)
                elif d.name.endswith(".yaml"):
                    st = d.stat()
                    h.update(f"{d.path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    for path in (KB_ROOT / "cause_guides.yaml", KB_ROOT / "causes.yaml", KB_ROOT / "schema.py"):
        if path.exists():
            st = path.stat()
            h.update(f"{path.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


@cache
def default_kb() -> KnowledgeBase:
    from authdoctor.cache import cache_key, load_or_build

    layout = "2"  # bump when pack()'s tuple changes, so an old cache is never unpacked
    return load_or_build("kb", cache_key("kb", layout, content_digest()), load_kb,
                         dump=KnowledgeBase.pack, load=KnowledgeBase.unpack)
