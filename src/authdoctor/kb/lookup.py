"""Finds entries for what a person types: a code, a bare number, a symbolic name, an OAuth
error word, an entry id, or a whole message."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from authdoctor.kb.load import EntryKeys, KnowledgeBase
from authdoctor.kb.schema import Entry

_NUM = re.compile(r"(\d+)$")


@dataclass(frozen=True)
class Lookup:
    entries: list[Entry]
    how: str  # "code" | "number" | "name" | "error" | "id" | "message" | "none"


def _ids(kb: KnowledgeBase, keep: Callable[[EntryKeys], bool]) -> list[Entry]:
    return [kb.entry(k.id) for k in kb.keys if keep(k)]


def _number_of(code: str) -> int | None:
    m = _NUM.search(code)
    return int(m.group(1)) if m else None


def lookup(kb: KnowledgeBase, query: str) -> Lookup:
    """Works on the lookup keys only, so a hit unpickles just the entries it returns."""
    q = query.strip()
    low = q.lower()
    if not q:
        return Lookup([], "none")
    if any(low == k.id or low in k.aliases for k in kb.keys):
        return Lookup([kb.entry(low)], "id")
    hits = _ids(kb, lambda k: any(c.lower() == low for c in k.codes))
    if hits:
        return Lookup(hits, "code")
    if q.isdigit():
        number = int(q)
        hits = _ids(kb, lambda k: any(_number_of(c) == number for c in k.codes))
        if hits:
            return Lookup(hits, "number")
    hits = _ids(kb, lambda k: any(n.lower() == low for n in k.names))
    if hits:
        return Lookup(hits, "name")
    hits = _ids(kb, lambda k: any(w.lower() == low for w in k.errors))
    if hits:
        hits.sort(key=lambda e: (not e.generic, e.id))
        return Lookup(hits, "error")
    return Lookup([], "none")
