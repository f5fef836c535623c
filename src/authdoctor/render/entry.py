"""One knowledge-base entry as a page: ``explain``, ``kb show`` and the generated docs share it.

The page has fixed headings (What you see / Why it happens / Fix / How to be sure /
Examples / References) so a reader always knows where to look.
"""

from __future__ import annotations

from typing import Any

from authdoctor.kb.load import KnowledgeBase
from authdoctor.kb.schema import Entry


def entry_dict(entry: Entry, kb: KnowledgeBase) -> dict[str, Any]:
    total = sum(c.weight for c in entry.causes) or 1.0
    return {
        "id": entry.id,
        "title": entry.title,
        "status": entry.status,
        "provider": entry.provider,
        "product": entry.product,
        "codes": entry.codes,
        "names": entry.names,
        "errors": entry.errors,
        "explain": entry.explain,
        "causes": [
            {
                "id": c.id,
                "prior": round(c.weight / total, 3),
                "title": kb.guides[c.id].title if c.id in kb.guides else None,
                "summary": kb.causes[c.id].summary if c.id in kb.causes else None,
                "raised_by": [a.why or _cond(a.when.model_dump(exclude_none=True, by_alias=True)) for a in c.adjust],
            }
            for c in sorted(entry.causes, key=lambda c: -c.weight)
        ],
        "fix": entry.fix,
        "confirm": entry.confirm,
        "references": [r.model_dump(exclude_none=True) for r in entry.references],
        "examples": {"match": [m.text for m in entry.examples.match], "no_match": entry.examples.no_match},
    }


def _cond(c: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in c.items())


def _ref(r: dict[str, Any]) -> str:
    if "url" in r:
        return f"<{r['url']}>"
    return f"seed document `{r['seed']}`"


def entry_markdown(entry: Entry, kb: KnowledgeBase, heading: str = "#") -> str:
    d = entry_dict(entry, kb)
    h2 = heading + "#"
    ident = [f"`{entry.id}`", f"provider: {entry.provider}"]
    if entry.product:
        ident.append(f"product: {entry.product}")
    if entry.codes:
        ident.append("codes: " + ", ".join(f"`{c}`" for c in entry.codes))
    if entry.names:
        ident.append("names: " + ", ".join(entry.names))
    lines = [f"{heading} {entry.title}", "", " · ".join(ident), "", f"{h2} What you see", ""]
    for sig in entry.match.any:
        lines.append(f"- {sig.kind}: `{sig.value}`")
    lines += ["", f"{h2} Why it happens", "", entry.explain, ""]
    for c in d["causes"]:
        extra = f" — more likely when {'; '.join(c['raised_by'])}" if c["raised_by"] else ""
        lines.append(f"- **{c['title'] or c['id']}** (`{c['id']}`, prior {c['prior']:.2f}){extra}")
    lines += ["", f"{h2} Fix", ""] + [f"{i}. {s}" for i, s in enumerate(entry.fix, 1)]
    lines += ["", f"{h2} How to be sure", ""] + [f"- {s}" for s in entry.confirm]
    lines += ["", f"{h2} Examples", "", "Recognised:", ""]
    for m in entry.examples.match:
        lines += [fence(m.text)]
    lines += ["", "Not confused with:", ""]
    for t in entry.examples.no_match:
        lines += [fence(t)]
    lines += ["", f"{h2} References", ""] + [f"- {_ref(r)}" for r in d["references"]]
    return "\n".join(lines) + "\n"


def fence(text: str) -> str:
    """A Markdown code block that the text cannot close early (longer fence than any run inside)."""
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}text\n{text}\n{ticks}"
