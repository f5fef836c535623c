"""``authdoctor``: find the root cause of a failing OAuth 2.0 / OIDC / SSO integration."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Annotated

import typer

from authdoctor import __version__
from authdoctor.cli.common import EXIT_OK, EXIT_USAGE, Format, emit, exit_for, fail, is_tty, names_a_file
from authdoctor.cli.groups import hinting_group, top_level_hint
from authdoctor.cli.kb import kb_app
from authdoctor.cli.progress import byte_progress
from authdoctor.errors import InputError

app = typer.Typer(
    name="authdoctor",
    help=(
        "Find the root cause of a failing OAuth 2.0 / OpenID Connect / SSO integration.\n\n"
        "Give it what you have — an error message, a log file or support bundle, a callback URL —\n"
        "and it reports the known errors it recognises, the most likely root causes, the fix with\n"
        "your own values filled in, and the check that confirms it. Everything runs offline.\n\n"
        "Examples:\n\n"
        "  authdoctor diagnose atlassian-jira.log\n\n"
        "  authdoctor diagnose - --hint 'Jira 8.20 DC, 3 nodes, Office 365 IMAP' < pasted.txt\n\n"
        "  authdoctor explain AADSTS50011\n\n"
        "Exit codes: 0 nothing known found, 1 a known problem found, 2 bad usage or unreadable input."
    ),
    no_args_is_help=True,
    cls=hinting_group(top_level_hint),
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
app.add_typer(kb_app, name="kb")

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)]
HintOpt = Annotated[
    str | None,
    typer.Option("--hint", help="Context in your own words: product and version, provider, cloud, nodes, protocol."),
]
ProviderOpt = Annotated[str | None, typer.Option("--provider", help="Identity provider: microsoft, google, okta, ...")]
ProductOpt = Annotated[str | None, typer.Option("--product", help="Product: jira, jsm, confluence, posit-connect, ...")]
VersionOpt = Annotated[str | None, typer.Option("--product-version", help="Product version, e.g. 8.20.1.")]


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"authdoctor {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Find the root cause of a failing OAuth 2.0 / OpenID Connect / SSO integration."""


_INLINE = re.compile(r"\s|://|^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){2,4}$")


def _split_inputs(items: list[str]) -> tuple[list[str], list[str]]:
    """Paths to open, and arguments that are evidence text themselves (a URL, a message)."""
    paths: list[str] = []
    inline: list[str] = []
    for item in items:
        if item == "-" or names_a_file(item):
            paths.append(item)
        elif _INLINE.search(item):
            inline.append(item)
        else:
            paths.append(item)  # reported as missing by the source layer
    return paths, inline


def _total_size(paths: list[str]) -> tuple[int | None, int | None]:
    """Bytes and files to read, for the progress bar; unknown (None) with stdin."""
    total = files = 0
    for p in paths:
        path = Path(p)
        if p == "-":
            return None, None
        if path.is_file():
            total += path.stat().st_size
            files += 1
        elif path.is_dir():
            sizes = [f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()]
            total += sum(sizes)
            files += len(sizes)
    return total, files


@app.command()
def diagnose(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(
            help="Log files, folders, archives (.gz .bz2 .xz .zst .zip .tar*), '-' for stdin, "
            "or the error text / callback URL itself.",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = Format.text,
    hint: HintOpt = None,
    provider: ProviderOpt = None,
    product: ProductOpt = None,
    product_version: VersionOpt = None,
    since: Annotated[
        str | None,
        typer.Option(help="Ignore records before this time: ISO-8601, e.g. 2021-11-16T08:10 (as the log's clock "
                          "reads) or 2021-11-16T07:10Z (an instant)."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(help="Ignore records after this time (same forms); a bare date means to the end of that day."),
    ] = None,
    samples: Annotated[int, typer.Option(min=1, max=50, help="Evidence samples kept per finding.")] = 3,
    engine: Annotated[
        str, typer.Option(help="Matching engine: auto, hyperscan, re2, or reference (assemble every record; slow).")
    ] = "auto",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    width: Annotated[int | None, typer.Option(help="Text width (default: the terminal's, else 100).")] = None,
    profile: Annotated[
        str | None,
        typer.Option("--profile", help="Integration profile (YAML/JSON): its facts and checks re-rank the causes."),
    ] = None,
) -> None:
    """Read evidence and report known errors, ranked root causes, fixes and confirming checks.

    Reads text on stdin, files, folders (recursively) and compressed files or archives,
    streaming, in bounded memory. Java log records are kept whole with their stack traces.
    """
    from authdoctor.pipeline import Options, diagnose_documents, time_window
    from authdoctor.sources.open import OpenContext, inline_document, iter_documents

    items = list(inputs or [])
    if not items:
        if is_tty(sys.stdin):
            fail("nothing to read: give a file, a folder, '-' for stdin, or the error text itself")
        items = ["-"]
    if engine not in ("auto", "hyperscan", "re2", "reference"):
        fail(f"unknown engine {engine!r}: use auto, hyperscan, re2 or reference")
    paths, inline = _split_inputs(items)
    ctx = OpenContext()
    for p in paths:
        if p != "-" and not names_a_file(p):
            fail(f"{p[:200]}: no such file or folder")
    options = Options(
        hint=hint,
        provider=provider,
        product=product,
        product_version=product_version,
        max_samples=samples,
        reference=engine == "reference",
        engine="auto" if engine == "reference" else engine,
        since=since,
        until=until,
    )
    try:
        time_window(options)
    except InputError as exc:
        fail(str(exc))
    if profile == "-" and "-" in paths:
        fail("stdin can carry the evidence or the profile, not both: give one of them as a file")
    if profile is not None:
        from authdoctor.profile.run import profile_inputs

        try:
            options.extra_facts, options.external_causes = profile_inputs(profile)
        except InputError as exc:
            fail(str(exc))
    try:
        with byte_progress(lambda: _total_size(paths), quiet) as progress:
            if progress is not None:
                options.progress, options.on_document = progress.advance, progress.document
            docs = [*(inline_document(f"<arg {i + 1}>", t) for i, t in enumerate(inline))]
            report = diagnose_documents([*docs, *iter_documents(paths, ctx)], options, ctx)
    except InputError as exc:
        fail(str(exc))
    finally:
        ctx.close()
    if not report.findings and inline and not paths:
        from authdoctor.pipeline import add_nearest

        add_nearest(report, "\n".join(inline))
    emit(report, fmt, width)
    exit_for(report)


@app.command()
def explain(
    query: Annotated[
        str,
        typer.Argument(
            help="A code (AADSTS50011, 50011, E0000004), name (InvalidReplyTo), "
            "OAuth error (invalid_grant), entry id, or a whole message."
        ),
    ],
    fmt: FormatOpt = Format.text,
) -> None:
    """Explain one error: what it means, its root causes, the fix and how to confirm it."""
    from authdoctor.cli.explain import explain_query

    code = explain_query(query, fmt)
    raise typer.Exit(code)


@app.command()
def batch(
    file: Annotated[
        Path, typer.Argument(help='JSON Lines: one {"id", "input", "hint"} object per line; \'-\' for stdin.')
    ],
    fmt: Annotated[str, typer.Option("--format", "-f", help="Output format: jsonl (one report per line).")] = "jsonl",
) -> None:
    """Triage many independent cases in one process: one JSON report per input line, in order."""
    from authdoctor.cli.batch import run_batch

    if fmt != "jsonl":
        fail("batch writes jsonl only (--format jsonl)")
    raise typer.Exit(run_batch(str(file)))


# --- extension commands: issue 4 (check) and issue 5 (har, jwt) register here ---
from authdoctor.cli.check import check as _check  # noqa: E402 - registered here by design

app.command("check")(_check)
from authdoctor.cli.evidence import har_app, jwt_command  # noqa: E402 - registered here by design

app.add_typer(har_app, name="har")
app.command("jwt")(jwt_command)


def run() -> None:
    """Console-script entry: no tracebacks for users (AUTHDOCTOR_DEBUG=1 shows them)."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("authdoctor: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(EXIT_OK)
    except Exception as exc:  # the last line of defence: one line, exit 2
        if os.environ.get("AUTHDOCTOR_DEBUG"):
            raise
        sys.stderr.write(f"authdoctor: internal error: {type(exc).__name__}: {str(exc)[:200]}\n")
        sys.exit(EXIT_USAGE)


__all__ = ["app", "run"]
