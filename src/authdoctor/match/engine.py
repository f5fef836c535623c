"""Decides which knowledge-base entries a normalised record shows.

Two engines implement the same question: ``HyperscanEngine`` compiles every signature into
one database and answers in a single linear pass; ``Re2Engine`` asks RE2 once per signature.
The second is slow but obviously right, and is the reference the fast path is tested
against (and the fallback where no Hyperscan wheel exists).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from authdoctor.kb.schema import Entry
from authdoctor.match.patterns import CompiledSignature, compile_signatures
from authdoctor.match.safe_regex import compile_safe

try:  # pragma: no cover - exercised implicitly on platforms with the wheel
    import hyperscan

    HAVE_HYPERSCAN = True
except ImportError:  # pragma: no cover
    hyperscan = None  # type: ignore[assignment]
    HAVE_HYPERSCAN = False


class Engine(Protocol):
    def signature_hits(self, text: str) -> set[int]: ...


class Re2Engine:
    def __init__(self, sigs: list[CompiledSignature]) -> None:
        self._compiled = [(s.sid, compile_safe(s.pattern, s.ignore_case)) for s in sigs]

    def signature_hits(self, text: str) -> set[int]:
        return {sid for sid, rx in self._compiled if rx.search(text)}


def hyperscan_flags(sig: CompiledSignature) -> int:
    assert hyperscan is not None
    # No HS_FLAG_UTF8: it multiplies compile time (minutes for a few hundred patterns) and
    # byte-level matching of our ASCII-anchored patterns gives the same answers.
    flags = hyperscan.HS_FLAG_SINGLEMATCH
    if sig.ignore_case:
        flags |= hyperscan.HS_FLAG_CASELESS
    return int(flags)


def compile_database(expressions: list[bytes], flags: list[int]) -> Any:
    """One block-mode Hyperscan database, loaded from the disk cache when the same patterns
    were compiled before (compiling costs seconds, loading a millisecond)."""
    from authdoctor.cache import cache_key, load_or_build

    assert hyperscan is not None
    key = cache_key("hs", getattr(hyperscan, "__version__", "?"), repr(flags), *(e.decode() for e in expressions))

    def build() -> Any:
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        db.compile(expressions=expressions, ids=list(range(len(expressions))), flags=flags)
        return db

    return load_or_build(
        "hsdb", key, build, dump=hyperscan.dumpb, load=lambda b: hyperscan.loadb(b, hyperscan.HS_MODE_BLOCK)
    )


class HyperscanEngine:
    def __init__(self, sigs: list[CompiledSignature]) -> None:
        assert hyperscan is not None
        assert all(s.sid == i for i, s in enumerate(sigs))
        self._db: Any = compile_database([s.pattern.encode() for s in sigs], [hyperscan_flags(s) for s in sigs])
        self._local = threading.local()  # a Hyperscan scratch may serve one scan at a time

    def signature_hits(self, text: str) -> set[int]:
        hits: set[int] = set()

        def on_match(sid: int, _from: int, _to: int, _flags: int, _ctx: object) -> None:
            hits.add(sid)

        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._db)
        self._db.scan(text.encode("utf-8", "replace"), match_event_handler=on_match, scratch=scratch)
        return hits


@dataclass
class EntryMatcher:
    """Maps signature hits to entries: any-of, all-of, none-of, and generic suppression.

    It holds only compiled signatures and the generic flags, not the entries themselves,
    so a scan never has to load the knowledge base beyond the entries it finds.
    """

    sigs: list[CompiledSignature]
    generic: frozenset[str]
    engine: Engine
    needs_all: dict[str, int] = field(default_factory=dict)  # entry -> number of `all` signatures
    #: Unique (raw anchor, caseless) of the `any` signatures, and each such signature's index in it.
    anchors: list[tuple[str, bool]] = field(default_factory=list)
    anchor_of: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        index: dict[tuple[str, bool], int] = {}
        for s in self.sigs:
            if s.role == "all":
                self.needs_all[s.entry_id] = self.needs_all.get(s.entry_id, 0) + 1
            elif s.role == "any":
                self.anchor_of[s.sid] = index.setdefault((s.raw_anchor, s.ignore_case), len(index))
        self.anchors = list(index)

    @classmethod
    def build(cls, entries: Iterable[Entry], engine: str = "auto") -> EntryMatcher:
        elist = list(entries)
        return cls.from_signatures(compile_signatures(elist), frozenset(e.id for e in elist if e.generic), engine)

    @classmethod
    def from_signatures(
        cls, sigs: list[CompiledSignature], generic: frozenset[str], engine: str = "auto"
    ) -> EntryMatcher:
        use_re2 = engine == "re2" or (engine == "auto" and not HAVE_HYPERSCAN)
        eng: Engine = Re2Engine(sigs) if use_re2 else HyperscanEngine(sigs)
        return cls(sigs, generic, eng)

    def match(self, normalized: str, anchored: set[int] | None = None) -> list[str]:
        """Entries the text shows. ``anchored``: for a log record, the anchors (indexes into
        ``anchors``) its raw bytes contain — an `any` signature whose anchor is absent does
        not count, whatever the normalised text says. None (pasted text) counts them all."""
        hits = self.engine.signature_hits(normalized)
        by_entry: dict[str, dict[str, set[int]]] = {}
        for sid in hits:
            s = self.sigs[sid]
            if anchored is not None and s.role == "any" and self.anchor_of[sid] not in anchored:
                continue
            by_entry.setdefault(s.entry_id, {}).setdefault(s.role, set()).add(sid)
        found: list[str] = []
        for eid, roles in by_entry.items():
            if not roles.get("any") or roles.get("none"):
                continue
            if len(roles.get("all", ())) < self.needs_all.get(eid, 0):
                continue
            found.append(eid)
        if any(e not in self.generic for e in found):
            found = [e for e in found if e not in self.generic]
        return sorted(found)


def extract_values(entry: Entry, normalized: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, pattern in entry.match.extract.items():
        m = compile_safe(pattern).search(normalized)
        if m is not None and m.group("v"):
            values[name] = m.group("v")
    return values
