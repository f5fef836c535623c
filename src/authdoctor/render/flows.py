"""The "Evidence decoded" section: reconstructed HAR flows as compact timelines, decoded
tokens, callback URLs and token responses.

One function builds styled lines for every kind of ``report.flows`` item; the text
renderer prints them with rich styles, ``authdoctor har flows`` prints them plain, and the
Markdown renderer has its own tables. Values in flows are already display-safe (the
analyzers store markers, never credentials); the renderers redact once more anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from authdoctor.model import Report

Line = tuple[str, str]  # (style, text); style is "" for plain

def _params(p: Any, limit: int = 6) -> str:
    if not isinstance(p, dict) or not p:
        return ""
    items = list(p.items())
    text = " ".join(f"{k}={v}" for k, v in items[:limit])
    return text + (f" (+{len(items) - limit})" if len(items) > limit else "")


def _offset(v: Any) -> str:
    return f"+{v:.2f}s" if isinstance(v, (int, float)) else "     "


def _step_lines(s: dict[str, Any]) -> list[Line]:
    ms = s.get("ms")
    dur = ""
    if isinstance(ms, (int, float)):
        dur = f"{ms / 1000:.1f}s" if ms >= 1000 else f"{ms}ms"
    node = f" [{s['node']}]" if s.get("node") else ""
    slow = " SLOW" if s.get("slow") else ""
    path = str(s.get("path", ""))
    path = path if len(path) <= 40 else path[:12] + "…" + path[-27:]
    params = _params(s.get("params"))
    main = (f"  #{s.get('n', '?'):<4} {_offset(s.get('offset_s')):>7} {s.get('status', ''):>3} "
            f"{s.get('method', ''):<4} {s.get('role', ''):<13} {s.get('host', '')}{path}{node} {dur}{slow}")
    return [("", main)] + ([("dim", f"{'':8}{params}")] if params else [])


def _row(row: dict[str, Any]) -> str:
    meaning = f"  — {row['meaning']}" if row.get("meaning") else ""
    return f"{row['name']} = {row['value']}{meaning}"


def flow_lines(flow: dict[str, Any]) -> list[Line]:
    """Styled lines for one ``report.flows`` item of any kind."""
    kind = flow.get("kind")
    out: list[Line] = []
    src = flow.get("source", "")
    if kind == "har_capture":
        bits = [str(flow.get("creator") or "unknown browser"), f"{flow.get('entries', 0)} entries",
                f"{flow.get('flows', 0)} OAuth flow{'s' if flow.get('flows') != 1 else ''}"]
        if flow.get("nodes"):
            bits.append("nodes: " + ", ".join(flow["nodes"]))
        if flow.get("truncated"):
            bits.append("TRUNCATED")
        out.append(("bold", f"HAR {src} ({', '.join(bits)})"))
    elif kind == "har":
        client = flow.get("client_id") or "?"
        out.append(("bold", f"Flow {flow.get('n')}: client {client} at {flow.get('provider') or '?'} → "
                            f"{flow.get('outcome')}"))
        if flow.get("redirect_uri"):
            out.append(("dim", f"  redirect_uri {flow['redirect_uri']}"))
        for s in flow.get("steps", []):
            out.extend(_step_lines(s))
    elif kind == "jwt":
        out.append(("bold", f"Token ({src}): {flow.get('summary', '')}"))
        for row in flow.get("header", []):
            out.append(("dim", f"  header {_row(row)}"))
        for row in flow.get("claims", []):
            out.append(("", f"  {_row(row)}"))
    elif kind == "url":
        out.append(("bold", f"URL ({src}): {flow.get('role')} via {flow.get('via')}"
                            f"{' → ' + flow['url'] if flow.get('url') else ''}"))
        out.extend(("", f"  {k} = {v}") for k, v in (flow.get("params") or {}).items())
    elif kind == "token_response":
        status = f"HTTP {flow['status']} " if flow.get("status") else ""
        out.append(("bold", f"Token response ({src}): {status}{flow.get('outcome', '')}"))
        for row in flow.get("fields", []):
            out.append(("", f"  {_row(row)}"))
    else:
        out.append(("bold", f"{kind} ({src})"))
    out.extend(("yellow", f"  ! {p}") for p in flow.get("problems", []))
    return out


def flows_text(report: Report, out: Callable[..., Any]) -> None:
    """Print the section with rich: ``out`` is the text renderer's ``console.print``."""
    if not report.flows:
        return
    from rich.padding import Padding
    from rich.text import Text

    out()
    out(Text("Evidence decoded", style="bold underline"))
    for flow in report.flows:
        for style, line in flow_lines(flow):
            body = line.lstrip(" ")
            indent = len(line) - len(body) + (2 if body.startswith("! ") else 0)
            out(Padding(Text(body, style=style or ""), (0, 0, 0, min(indent, 12)))
                if indent else Text(body, style=style or ""))


def _cell(v: Any) -> str:
    return str(v if v is not None else "").replace("|", "\\|").replace("\n", " ")


def flows_markdown(report: Report) -> list[str]:
    """The section as Markdown lines (tables for timelines, claims and parameters)."""
    if not report.flows:
        return []
    lines = ["## Evidence decoded", ""]
    for flow in report.flows:
        kind = flow.get("kind")
        head = flow_lines(flow)[0][1]
        lines += [f"### {_cell(head)}", ""]
        if kind == "har":
            lines += ["| # | time | status | method | step | host and path | node | parameters |",
                      "|---|---|---|---|---|---|---|---|"]
            for s in flow.get("steps", []):
                lines.append(f"| {s.get('n')} | {_offset(s.get('offset_s')).strip()} | {s.get('status')} | "
                             f"{s.get('method')} | {s.get('role')} | `{_cell(s.get('host'))}{_cell(s.get('path'))}` | "
                             f"{_cell(s.get('node'))} | {_cell(_params(s.get('params'), 10))} |")
            lines.append("")
        rows: list[dict[str, Any]] = []
        if kind == "jwt":
            rows = [*({**r, "name": f"header {r['name']}"} for r in flow.get("header", [])), *flow.get("claims", [])]
        elif kind == "token_response":
            rows = list(flow.get("fields", []))
        elif kind == "url":
            rows = [{"name": k, "value": v, "meaning": ""} for k, v in (flow.get("params") or {}).items()]
        if rows:
            lines += ["| name | value | meaning |", "|---|---|---|"]
            lines += [f"| `{_cell(r['name'])}` | {_cell(r['value'])} | {_cell(r.get('meaning'))} |" for r in rows]
            lines.append("")
        if flow.get("problems"):
            lines += [f"- {p}" for p in flow["problems"]] + [""]
    return lines
