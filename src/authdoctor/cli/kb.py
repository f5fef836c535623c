"""``authdoctor kb``: list, show, search, validate, export and document the knowledge base."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from authdoctor.cli.common import EXIT_OK, Format, fail

kb_app = typer.Typer(help="List, show, search, validate and document the knowledge base.", no_args_is_help=True)


@kb_app.command("list")
def kb_list(
    provider: Annotated[str | None, typer.Option(help="Only entries of this provider.")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.text,
) -> None:
    """One line per entry: id, codes, title."""
    from authdoctor.kb.load import default_kb

    entries = [e for e in default_kb().entries if provider is None or e.provider == provider]
    if fmt is Format.json:
        rows = [{"id": e.id, "provider": e.provider, "codes": e.codes, "title": e.title} for e in entries]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
    else:
        for e in entries:
            codes = ",".join(e.codes[:3]) + ("…" if len(e.codes) > 3 else "")
            sys.stdout.write(f"{e.id:<44} {codes:<28} {e.title}\n")
        sys.stdout.write(f"{len(entries)} entries\n")


@kb_app.command("show")
def kb_show(entry_id: Annotated[str, typer.Argument(help="Entry id (see `kb list`).")],
            fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.markdown) -> None:
    """The full entry: what you see, why, fix, how to be sure, examples, references."""
    from authdoctor.kb.load import default_kb
    from authdoctor.render.entry import entry_dict, entry_markdown

    kb = default_kb()
    try:
        e = kb.entry(entry_id)
    except KeyError:
        fail(f"no entry {entry_id!r}; `authdoctor kb search` finds entries by words")
    out = json.dumps(entry_dict(e, kb), indent=2, ensure_ascii=False) if fmt is Format.json else entry_markdown(e, kb)
    sys.stdout.write(out if out.endswith("\n") else out + "\n")


@kb_app.command("search")
def kb_search(text: Annotated[str, typer.Argument(help="Words of an error message, a code, a topic.")],
              limit: Annotated[int, typer.Option(min=1, max=50)] = 10,
              fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.text) -> None:
    """Ranked search over titles, codes, messages and explanations (BM25)."""
    from authdoctor.kb.search import default_index

    hits = default_index().search(text, limit)
    if fmt is Format.json:
        sys.stdout.write(json.dumps([h.__dict__ for h in hits], indent=2) + "\n")
    elif not hits:
        sys.stdout.write("no entry matches those words\n")
    else:
        for h in hits:
            sys.stdout.write(f"{h.score:7.2f}  {h.entry:<44} {h.title}\n")
    raise typer.Exit(EXIT_OK)


@kb_app.command("validate")
def kb_validate() -> None:
    """Check every entry: schema, house style, causes, patterns, examples. Exit 1 on problems."""
    from authdoctor.kb.validate import validate_examples, validate_tree

    problems, count = validate_tree()
    if not problems:
        problems = validate_examples()
    for p in problems:
        sys.stdout.write(f"{p}\n")
    if problems:
        sys.stdout.write(f"{len(problems)} problem(s) in {count} entries\n")
        raise typer.Exit(1)
    sys.stdout.write(f"ok: {count} entries\n")


@kb_app.command("export-patterns")
def kb_export_patterns(
    kind: Annotated[str, typer.Option(help="'patterns' (the signatures, as matched on a normalised record) or "
                                           "'anchors' (what the scanner looks for in raw log bytes).")] = "patterns",
) -> None:
    """Print every signature as one regex per line (for ripgrep/grep comparisons)."""
    from authdoctor.pipeline import kb_signatures

    if kind not in ("patterns", "anchors"):
        fail(f"unknown --kind {kind!r}: use patterns or anchors")
    seen: set[str] = set()
    for s in kb_signatures():
        if s.role != "any":
            continue
        p = s.pattern if kind == "patterns" else s.raw_anchor
        p = f"(?i:{p})" if s.ignore_case else p
        if p not in seen:
            seen.add(p)
            sys.stdout.write(p + "\n")


@kb_app.command("docs")
def kb_docs(outdir: Annotated[Path, typer.Argument(help="Folder for the generated reference, e.g. docs/kb.")],
            check: Annotated[bool, typer.Option("--check", help="Exit 1 if the folder is stale.")] = False) -> None:
    """Generate one Markdown page per entry plus indexes by provider, code and cause."""
    from authdoctor.kb.docs import stale, write
    from authdoctor.kb.load import default_kb

    if check:
        bad = stale(default_kb(), outdir)
        if bad:
            sys.stdout.write(f"{outdir} is stale ({len(bad)} files differ, e.g. {bad[0]}); "
                             f"run: authdoctor kb docs {outdir}\n")
            raise typer.Exit(1)
        sys.stdout.write(f"{outdir} is up to date\n")
        return
    n = write(default_kb(), outdir)
    sys.stdout.write(f"wrote {n} pages to {outdir}\n")
