"""``authdoctor explain``: one error, looked up by code, number, name, word or message."""

from __future__ import annotations

import json
import sys

from authdoctor.cli.common import EXIT_FOUND, EXIT_OK, Format, is_tty
from authdoctor.kb.load import default_kb
from authdoctor.kb.lookup import lookup
from authdoctor.redact import redact
from authdoctor.render.entry import entry_dict, entry_markdown


def explain_query(query: str, fmt: Format) -> int:
    kb = default_kb()
    found = lookup(kb, query)
    entries = found.entries
    how = found.how
    if not entries:
        from authdoctor.extract.normalize import normalize
        from authdoctor.pipeline import engine_for

        eng = engine_for()
        ids = eng.matcher.match(normalize(query))
        entries = [kb.entry(i) for i in ids]
        how = "message" if entries else "none"
    if not entries:
        from authdoctor.kb.search import default_index

        nearest = default_index().search(query, 5)
        if fmt is Format.json:
            out = {"query": query, "found": False, "message": "not in the knowledge base",
                   "nearest": [{"entry": h.entry, "title": h.title, "relevance": h.score} for h in nearest]}
            sys.stdout.write(redact(json.dumps(out, indent=2, ensure_ascii=False)) + "\n")
        else:
            lines = [f"{query!r} is not in the knowledge base."]
            if nearest:
                lines.append("Closest entries (no exact match):")
                lines += [f"  {h.entry}  {h.title}" for h in nearest]
                lines.append("Run `authdoctor explain <entry>` to read one, or `authdoctor kb search TEXT`.")
            else:
                lines.append("Nothing similar either; try `authdoctor kb search` with a few words of the message.")
            sys.stdout.write(redact("\n".join(lines)) + "\n")
        return EXIT_OK
    if fmt is Format.json:
        data = {"query": query, "found": True, "matched_by": how, "entries": [entry_dict(e, kb) for e in entries]}
        sys.stdout.write(redact(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")
        return EXIT_FOUND
    md = "\n---\n\n".join(entry_markdown(e, kb) for e in entries)
    if len(entries) > 1:
        md = f"_{len(entries)} entries match {query!r}:_ " + ", ".join(f"`{e.id}`" for e in entries) + "\n\n" + md
    if fmt is Format.markdown or not is_tty(sys.stdout):
        sys.stdout.write(redact(md))
    else:
        from rich.console import Console  # only a terminal pays for the Markdown renderer
        from rich.markdown import Markdown

        Console().print(Markdown(redact(md)))
    return EXIT_FOUND
