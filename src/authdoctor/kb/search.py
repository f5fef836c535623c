"""Lexical search over the knowledge base (SQLite FTS5 with BM25 ranking).

Used by ``kb search`` and as the fallback when text matches no signature: the closest
entries are proposed under a clear "no exact match" label. FTS5 ships with Python's
sqlite3, so ranking is a well-tested library's job, not ours.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import cache

from authdoctor.kb.load import KnowledgeBase, default_kb

_TOKEN = re.compile(r"[A-Za-z0-9_]{2,}")
_STOP = frozenset("the a an and or of to in is for on with at by be this that it as are was from not".split())


@dataclass(frozen=True)
class SearchHit:
    entry: str
    title: str
    score: float


class KBIndex:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute(
            "CREATE VIRTUAL TABLE e USING fts5("
            "id UNINDEXED, title, codes, messages, body, tokenize='unicode61')"
        )
        rows = []
        for entry in kb.entries:
            sigs = [s.value for s in entry.match.any]
            numbers = (c.removeprefix("AADSTS") for c in entry.codes)
            codes = " ".join([*entry.codes, *entry.names, *entry.errors, *numbers])
            body = " ".join([entry.explain, *entry.fix, *(c.id.replace("_", " ") for c in entry.causes)])
            rows.append((entry.id, entry.title, codes, " ".join(sigs), body))
        self.db.executemany("INSERT INTO e VALUES (?,?,?,?,?)", rows)

    def search(self, text: str, limit: int = 5) -> list[SearchHit]:
        tokens = [t for t in _TOKEN.findall(text) if t.lower() not in _STOP][:64]
        if not tokens:
            return []
        query = " OR ".join(f'"{t}"' for t in dict.fromkeys(tokens))
        rows = self.db.execute(
            "SELECT id, title, bm25(e, 0.0, 4.0, 8.0, 3.0, 1.0) AS r FROM e WHERE e MATCH ? ORDER BY r LIMIT ?",
            (query, limit),
        ).fetchall()
        return [SearchHit(r[0], r[1], round(-float(r[2]), 3)) for r in rows]


@cache
def default_index() -> KBIndex:
    return KBIndex(default_kb())
