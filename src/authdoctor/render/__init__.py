"""Report in, text out. Every renderer's output passes through redaction once more."""

from __future__ import annotations

from authdoctor.model import Report
from authdoctor.redact import redact


def render(report: Report, fmt: str, width: int = 100, color: bool = False) -> str:
    if fmt == "json":
        from authdoctor.render.json_out import to_json

        out = to_json(report)
    elif fmt == "markdown":
        from authdoctor.render.markdown import to_markdown

        out = to_markdown(report)
    else:
        from authdoctor.render.text import to_text

        out = to_text(report, width=width, color=color)
    return redact(out)
