"""``authdoctor check``: find misconfigurations in an integration profile before they fail.

Wiring only: loading, the rules and the report live in :mod:`authdoctor.profile`. Exit codes
follow the contract, with one deliberate difference from ``diagnose``: 1 means an
error-severity finding exists (warnings alone exit 0, so CI can gate on errors).
"""

from __future__ import annotations

import os
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from authdoctor.cli.common import EXIT_FOUND, EXIT_OK, fail, is_tty


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"


def _fixes_markdown(checks: list[dict[str, object]]) -> str:
    """The computed fixes, which the shared Markdown table has no column for."""
    lines = ["## Computed fixes", ""]
    for c in checks:
        fix = c.get("fix")
        if isinstance(fix, dict) and fix:
            lines.append(f"- `{c.get('rule')}`: " + "; ".join(f"`{k}` = `{v}`" for k, v in fix.items()))
    return "\n".join(lines) + "\n" if len(lines) > 2 else ""


def _list_rules(fmt: CheckFormat) -> None:
    import json

    from authdoctor.profile.rules import registry

    rows = [{"id": r.rule.id, "severity": r.rule.severity, "title": r.rule.title, "causes": list(r.rule.causes)}
            for r in registry()]
    if fmt is CheckFormat.json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    for row in rows:
        sys.stdout.write(f"{row['id']:<40} {row['severity']:<8} {row['title']}\n")


def _init(path: str | None, product: str | None, provider: str | None, integration: str | None) -> None:
    from authdoctor.profile.template import template

    try:
        text = template(product or "jira", provider or "microsoft", integration)
    except ValueError as exc:
        fail(str(exc))
    if path is None or path == "-":
        sys.stdout.write(text)
        return
    target = Path(path)
    if target.exists():
        fail(f"{path} already exists; choose another name or remove it first")
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"{path}: cannot write ({exc.strerror})")
    sys.stderr.write(f"authdoctor: wrote {path}; fill it in, then run `authdoctor check {path}`\n")


def check(
    profile: Annotated[
        str | None,
        typer.Argument(
            help="Integration profile (YAML or JSON), or '-' for stdin. With --init: the file to write.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)] = (
        CheckFormat.text
    ),
    expiry_days: Annotated[
        int, typer.Option("--expiry-days", min=0, max=3650, help="Warn when the client secret expires within N days.")
    ] = 30,
    init: Annotated[
        bool, typer.Option("--init", help="Write a commented profile template instead of checking.")
    ] = False,
    product: Annotated[str | None, typer.Option(help="With --init: jira, jsm, confluence, posit-connect, ...")] = None,
    provider: Annotated[str | None, typer.Option(help="With --init: microsoft, google, okta, keycloak, ...")] = None,
    integration: Annotated[
        str | None, typer.Option(help="With --init: oauth2-integration, mail-handler, sso, application-link.")
    ] = None,
    list_rules: Annotated[bool, typer.Option("--list-rules", help="List the rules and exit.")] = False,
    schema: Annotated[bool, typer.Option("--schema", help="Print the profile's JSON Schema and exit.")] = False,
    today: Annotated[str | None, typer.Option(hidden=True, help="Pretend today is this date (YYYY-MM-DD).")] = None,
    width: Annotated[int | None, typer.Option(help="Text width (default: the terminal's, else 100).")] = None,
) -> None:
    """Check an integration profile for misconfigurations and compute the corrected values.

    Describe the integration once (product and version, provider, endpoints, scopes, redirect
    URIs, mail server, JVM and cluster) and get every known misconfiguration with the fix
    filled in. Start with `authdoctor check --init --product jira --provider microsoft`.

    Exit codes: 0 no error-severity finding, 1 at least one, 2 bad usage or unreadable profile.
    """
    if schema:
        from authdoctor.profile.schema import schema_text

        sys.stdout.write(schema_text())
        raise typer.Exit(EXIT_OK)
    if list_rules:
        _list_rules(fmt)
        raise typer.Exit(EXIT_OK)
    if init:
        _init(profile, product, provider, integration)
        raise typer.Exit(EXIT_OK)
    if product or provider or integration:
        fail("--product, --provider and --integration go with --init; put them in the profile to check")
    if profile is None:
        if is_tty(sys.stdin):
            fail("give a profile file, '-' for stdin, or --init to write a template")
        profile = "-"
    try:
        day = date.fromisoformat(today) if today else None
    except ValueError:
        fail(f"--today {today!r} is not a date (YYYY-MM-DD)")
    _run(profile, fmt, expiry_days, day, width)


def _run(path: str, fmt: CheckFormat, expiry_days: int, day: date | None, width: int | None) -> None:
    from authdoctor.errors import InputError
    from authdoctor.profile.load import load_profile
    from authdoctor.profile.rule import Context
    from authdoctor.profile.run import check_report
    from authdoctor.redact import redact
    from authdoctor.render import render

    try:
        loaded = load_profile(path)
    except InputError as exc:
        fail(str(exc))
    report, run = check_report(loaded, Context(today=day, expiry_days=expiry_days))
    if fmt is CheckFormat.sarif:
        from authdoctor.profile.sarif import to_sarif

        out = to_sarif(run.findings, loaded)
    else:
        color = fmt is CheckFormat.text and is_tty(sys.stdout) and not os.environ.get("NO_COLOR")
        w = width or (min(os.get_terminal_size().columns, 120) if is_tty(sys.stdout) else 100)
        out = render(report, fmt.value, width=w, color=color)
        if fmt is CheckFormat.markdown:
            out = out.rstrip("\n") + "\n\n" + redact(_fixes_markdown(report.checks))
    sys.stdout.write(out)
    raise typer.Exit(EXIT_FOUND if run.has_error else EXIT_OK)
