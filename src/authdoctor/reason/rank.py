"""Ranks root causes.

Each finding spreads belief over its entry's causes: the priors from the entry, moved by
the facts that hold (``adjust``), normalised to sum to one. Findings combine by noisy-OR:
a cause several independent findings point at scores higher than any one of them gives,
and scores stay in [0, 1]. The arithmetic is deliberately simple so the ``why`` text can
state every step that moved a cause.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from authdoctor.extract.facts import Facts
from authdoctor.kb.load import KnowledgeBase
from authdoctor.kb.schema import Entry
from authdoctor.reason.conditions import describe, holds

SPECIFIC_STRENGTH = 0.9
GENERIC_STRENGTH = 0.5


@dataclass
class Contribution:
    entry: Entry
    count: int
    share: float
    reasons: list[str]


@dataclass
class RankedCause:
    id: str
    score: float
    contributions: list[Contribution] = field(default_factory=list)
    extra_reasons: list[str] = field(default_factory=list)


def entry_distribution(entry: Entry, facts: Facts, found: set[str]) -> dict[str, tuple[float, list[str]]]:
    raw: dict[str, tuple[float, list[str]]] = {}
    for link in entry.causes:
        w = link.weight
        reasons: list[str] = []
        for adj in link.adjust:
            if holds(adj.when, facts, found):
                w *= adj.times
                verb = "raised" if adj.times > 1 else "lowered"
                because = adj.why or describe(adj.when, facts)
                reasons.append(f"{verb} ×{adj.times:g} because {because}")
        raw[link.id] = (w, reasons)
    total = sum(w for w, _ in raw.values()) or 1.0
    return {cid: (w / total, r) for cid, (w, r) in raw.items()}


def rank(
    kb: KnowledgeBase,
    findings: list[tuple[str, int]],
    facts: Facts,
    external: list[tuple[str, float, str]] | None = None,
) -> list[RankedCause]:
    """``findings``: (entry id, count). ``external``: (cause id, strength, reason) from checks."""
    found = {eid for eid, _ in findings}
    causes: dict[str, RankedCause] = {}
    miss: dict[str, float] = {}
    for eid, count in findings:
        entry = kb.entry(eid)
        strength = GENERIC_STRENGTH if entry.generic else SPECIFIC_STRENGTH
        for cid, (share, reasons) in entry_distribution(entry, facts, found).items():
            rc = causes.setdefault(cid, RankedCause(cid, 0.0))
            rc.contributions.append(Contribution(entry, count, share, reasons))
            miss[cid] = miss.get(cid, 1.0) * (1.0 - strength * share)
    for cid, strength, reason in external or []:
        rc = causes.setdefault(cid, RankedCause(cid, 0.0))
        rc.extra_reasons.append(reason)
        miss[cid] = miss.get(cid, 1.0) * (1.0 - strength)
    for cid, rc in causes.items():
        rc.score = round(1.0 - miss[cid], 4)
    return sorted(causes.values(), key=lambda c: (-c.score, c.id))


def why_text(rc: RankedCause, kb: KnowledgeBase) -> str:
    parts: list[str] = []
    for c in sorted(rc.contributions, key=lambda c: -c.share):
        seen = f"{c.entry.id} (seen {c.count}×)" if c.count > 1 else c.entry.id
        text = f"{seen} points here with share {c.share:.2f}"
        if c.reasons:
            text += "; " + "; ".join(c.reasons)
        parts.append(text)
    parts.extend(rc.extra_reasons)
    summary = kb.causes[rc.id].summary if rc.id in kb.causes else ""
    lead = f"{summary} " if summary else ""
    if len(rc.contributions) + len(rc.extra_reasons) > 1:
        lead += "Several pieces of evidence agree: "
    return lead + ". ".join(parts) + "."
