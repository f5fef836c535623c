"""The terminal report: findings first, then causes with their fix, readable at 100 columns."""

from __future__ import annotations

import io

from rich.console import Console, Group
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from authdoctor.model import Report
from authdoctor.render.flows import flows_text
from authdoctor.render.histogram import span_label, sparkline


def _bar(score: float, width: int = 10) -> str:
    full = round(score * width)
    return "█" * full + "░" * (width - full)


def _when(first: str | None, last: str | None) -> str:
    if not first:
        return ""
    a = first.replace("T", " ")[:19]
    if not last or last == first:
        return a
    b = last.replace("T", " ")[:19]
    return f"{a} → {b[11:] if a[:10] == b[:10] else b}"


def to_text(report: Report, width: int = 100, color: bool = False) -> str:
    console = Console(width=width, record=True, force_terminal=color, no_color=not color, file=io.StringIO(),
                      highlight=False, soft_wrap=False)
    out = console.print
    n = len(report.findings)
    if n:
        out(Text(f"authdoctor: {n} known problem{'s' if n != 1 else ''} found", style="bold"))
    elif report.checks:
        out(Text("authdoctor: configuration checked", style="bold"))
    elif report.causes:
        out(Text("authdoctor: no known error message, but the evidence points to causes below", style="bold"))
    else:
        out(Text("authdoctor: no known problem found", style="bold green"))
    if report.findings:
        out()
        out(Text("Findings", style="bold underline"))
        for f in report.findings:
            head = Text.assemble(("● ", "red"), (f.title, "bold"), f"  ×{f.count}")
            out(head)
            meta = [f.entry]
            if f.codes:
                meta.append(", ".join(f.codes[:4]) + (" …" if len(f.codes) > 4 else ""))
            when = _when(f.first_seen, f.last_seen)
            if when:
                meta.append(when)
            out(Padding(Text(" · ".join(meta), style="dim"), (0, 0, 0, 2)))
            spark = sparkline(f.hourly)
            if spark:
                out(Padding(Text(f"per hour {span_label(f.hourly)}: {spark}", style="dim"), (0, 0, 0, 2)))
            if f.nodes and len(f.nodes) > 1:
                nodes = ", ".join(f"{k}: {v}" for k, v in f.nodes.items())
                out(Padding(Text(f"by node: {nodes}", style="dim"), (0, 0, 0, 2)))
            for ev in f.evidence[:2]:
                where = f"{ev.source}:{ev.line}" if ev.line is not None else ev.source
                lines = ev.text.splitlines()
                first = lines[0] if lines else ""
                snippet = first if len(first) <= 400 else first[:400] + " …"
                more = f"  (+{len(lines) - 1} lines)" if len(lines) > 1 else ""
                out(Padding(Text.assemble((where, "cyan"), "  ", snippet, (more, "dim")), (0, 0, 0, 2)))
            if f.values:
                vals = ", ".join(f"{k}={v}" for k, v in f.values.items())
                out(Padding(Text(f"values: {vals}", style="dim"), (0, 0, 0, 2)))
    flows_text(report, out)
    if report.checks:
        out()
        out(Text("Configuration checks", style="bold underline"))
        for chk in report.checks:
            sev = str(chk.get("severity", "info"))
            style = {"error": "red", "warning": "yellow"}.get(sev, "dim")
            rule, title = str(chk.get("rule", "")), str(chk.get("title", ""))
            out(Text.assemble((f"[{sev}] ", style), (rule, "bold"), "  ", title))
            if chk.get("message"):
                out(Padding(Text(str(chk["message"])), (0, 0, 0, 2)))
            fix = chk.get("fix") or {}
            if isinstance(fix, dict):
                for k, v in fix.items():
                    out(Padding(Text(f"fix {k}: {v}", style="green"), (0, 0, 0, 2)))
    if report.causes:
        out()
        out(Text("Root causes, most likely first", style="bold underline"))
        for i, c in enumerate(report.causes, 1):
            title = c.title or c.id
            out(Text.assemble(f"{i}. ", (title, "bold"), f"  {c.score:.2f} ", (_bar(c.score), "magenta"),
                              (f"  [{c.id}]", "dim")))
            parts: list[Text | Table] = [Text("Why: " + c.why, style="dim")]
            if c.fix:
                parts.append(Text("Fix:", style="bold"))
                parts.append(_steps([f"{j}." for j in range(1, len(c.fix) + 1)], c.fix))
            if c.confirm:
                parts.append(Text("Confirm:", style="bold"))
                parts.append(_steps(["•"] * len(c.confirm), c.confirm))
            out(Padding(Group(*parts), (0, 0, 1 if i < len(report.causes) else 0, 3)))
    if report.distinguish:
        out()
        out(Text.assemble(("Next check: ", "bold yellow"), report.distinguish))
    if report.unmatched:
        out()
        out(Text("No exact match. Closest knowledge-base entries:", style="bold yellow"))
        for u in report.unmatched:
            out(Padding(Text.assemble((str(u["entry"]), "cyan"), "  ", str(u["title"])), (0, 0, 0, 2)))
        out(Padding(Text("Run `authdoctor explain <entry>` to read one.", style="dim"), (0, 0, 0, 2)))
    if report.facts:
        out()
        facts = ", ".join(f"{k}={v['value']} ({v['source']})" for k, v in report.facts.items())
        out(Text(f"Facts used: {facts}", style="dim"))
    for note in report.notes:
        out(Text(f"note: {escape(note)}", style="yellow"))
    text = console.export_text(styles=color)
    return "\n".join(line.rstrip() for line in text.splitlines()).rstrip() + "\n"


def _steps(marks: list[str], steps: list[str]) -> Table:
    """Numbered steps with a hanging indent, so wrapped lines stay under their text."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()
    for mark, step in zip(marks, steps, strict=True):
        grid.add_row(mark, step)
    return Padding(grid, (0, 0, 0, 1))  # type: ignore[return-value]
