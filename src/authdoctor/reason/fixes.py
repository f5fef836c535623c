"""Fix and confirm steps for a ranked cause, with the case's own values filled in.

Steps come from the most specific place that has them: the cause link in the entry that
contributed most, then the entry's own steps when the cause is its main one, then the
generic guide for the cause.
"""

from __future__ import annotations

import re

from authdoctor.extract.facts import Facts
from authdoctor.kb.load import KnowledgeBase
from authdoctor.reason.rank import RankedCause

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def fill(step: str, values: dict[str, str], facts: Facts) -> str:
    def repl(m: re.Match[str]) -> str:
        name = m.group(1)
        if values.get(name):
            return values[name]
        fact = facts.get(name)
        if fact is not None and not isinstance(fact, bool):
            return str(fact)
        return f"<{name}>"

    return _PLACEHOLDER.sub(repl, step)


def steps(rc: RankedCause, kb: KnowledgeBase, values: dict[str, str], facts: Facts) -> tuple[list[str], list[str]]:
    fix: list[str] = []
    confirm: list[str] = []
    for contrib in sorted(rc.contributions, key=lambda c: -c.share):
        entry = contrib.entry
        link = next(c for c in entry.causes if c.id == rc.id)
        if link.fix and not fix:
            fix = list(link.fix)
        if link.confirm and not confirm:
            confirm = list(link.confirm)
        if entry.primary_cause == rc.id:
            fix = fix or list(entry.fix)
            confirm = confirm or list(entry.confirm)
        if fix and confirm:
            break
    guide = kb.guides.get(rc.id)
    if guide is not None:
        fix = fix or list(guide.fix)
        confirm = confirm or list(guide.confirm)
    if not fix:
        fix = [f"Review the configuration behind: {kb.causes[rc.id].summary}"] if rc.id in kb.causes else []
    return [fill(s, values, facts) for s in fix], [fill(s, values, facts) for s in confirm]
