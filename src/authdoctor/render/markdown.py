"""The Markdown report, for pasting into a ticket."""

from __future__ import annotations

from authdoctor.model import Report
from authdoctor.render.entry import fence
from authdoctor.render.flows import flows_markdown
from authdoctor.render.histogram import span_label, sparkline


def to_markdown(report: Report) -> str:
    lines: list[str] = ["# authdoctor report", ""]
    if report.findings:
        lines += ["## Findings", ""]
        for f in report.findings:
            when = f" — {f.first_seen} → {f.last_seen}" if f.first_seen else ""
            lines.append(f"### {f.title} (×{f.count})")
            lines.append("")
            lines.append(f"`{f.entry}`{(' · ' + ', '.join(f.codes[:6])) if f.codes else ''}{when}")
            spark = sparkline(f.hourly)
            if spark:
                lines += ["", f"Per hour ({span_label(f.hourly)}): `{spark}`"]
            if len(f.nodes) > 1:
                lines += ["", "By node: " + ", ".join(f"{k}: {v}" for k, v in f.nodes.items())]
            for ev in f.evidence:
                where = f"{ev.source}:{ev.line}" if ev.line is not None else ev.source
                lines += ["", f"`{where}`", "", fence(ev.text)]
            lines.append("")
    lines += flows_markdown(report)
    if report.checks:
        lines += ["## Configuration checks", "", "| severity | rule | finding |", "|---|---|---|"]
        for chk in report.checks:
            title, message = chk.get("title"), chk.get("message", "")
            lines.append(f"| {chk.get('severity')} | `{chk.get('rule')}` | {title}: {message} |")
        lines.append("")
    if report.causes:
        lines += ["## Root causes, most likely first", ""]
        for i, c in enumerate(report.causes, 1):
            lines += [f"### {i}. {c.title or c.id} — {c.score:.2f}", "", f"`{c.id}` — {c.why}", ""]
            if c.fix:
                lines += ["**Fix**", ""] + [f"{j}. {s}" for j, s in enumerate(c.fix, 1)] + [""]
            if c.confirm:
                lines += ["**Confirm**", ""] + [f"- {s}" for s in c.confirm] + [""]
    if report.distinguish:
        lines += ["## Next check", "", report.distinguish, ""]
    if report.unmatched:
        lines += ["## No exact match — closest entries", ""]
        lines += [f"- `{u['entry']}` {u['title']}" for u in report.unmatched] + [""]
    if not (report.findings or report.causes or report.checks):
        lines += ["No known problem found.", ""]
    if report.notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in report.notes] + [""]
    return "\n".join(lines)
