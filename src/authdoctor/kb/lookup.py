"""Finds entries for what a person types: a code, a bare number, a symbolic name, an OAuth
error word, an entry id, or a whole message."""

from __future__ import annotations

import re
from dataclasses import dataclass

from authdoctor.kb.load import KnowledgeBase
from authdoctor.kb.schema import Entry

_NUM = re.compile(r"(\d+)$")


@dataclass(frozen=True)
class Lookup:
    entries: list[Entry]
    how: str  # "code" | "number" | "name" | "error" | "id" | "message" | "none"


def _by_number(kb: KnowledgeBase, number: int) -> list[Entry]:
    out = []
    for e in kb.entries:
        for code in e.codes:
            m = _NUM.search(code)
            if m and int(m.group(1)) == number:
                out.append(e)
                break
    return out


def lookup(kb: KnowledgeBase, query: str) -> Lookup:
    q = query.strip()
    low = q.lower()
    if not q:
        return Lookup([], "none")
    if low in {e.id for e in kb.entries} or any(low in e.aliases for e in kb.entries):
        return Lookup([kb.entry(low)], "id")
    hits = [e for e in kb.entries if any(c.lower() == low for c in e.codes)]
    if hits:
        return Lookup(hits, "code")
    if q.isdigit():
        hits = _by_number(kb, int(q))
        if hits:
            return Lookup(hits, "number")
    hits = [e for e in kb.entries if any(n.lower() == low for n in e.names)]
    if hits:
        return Lookup(hits, "name")
    hits = [e for e in kb.entries if any(w.lower() == low for w in e.errors)]
    if hits:
        hits.sort(key=lambda e: (not e.generic, e.id))
        return Lookup(hits, "error")
    return Lookup([], "none")
