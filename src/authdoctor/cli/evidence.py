"""``authdoctor har flows|sanitize`` and ``authdoctor jwt``: evidence tools beyond ``diagnose``.

Same conventions as every command: exit 0 when nothing is wrong, 1 when a problem was
found, 2 on bad usage or unreadable input (one line on stderr, nothing on stdout); every
output goes through redaction. Heavy modules are imported inside the commands so the CLI
starts fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from authdoctor.cli.common import EXIT_FOUND, EXIT_OK, Format, fail, names_a_file
from authdoctor.cli.groups import har_hint, hinting_group

har_app = typer.Typer(help="Browser HAR captures: reconstruct the OAuth flows, or sanitize a capture for a ticket.",
                      no_args_is_help=True, cls=hinting_group(har_hint))

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)]


def _open_capture(file: str) -> tuple[str, IO[bytes], bytes]:
    """The first document of ``file`` (plain, compressed or in an archive, or '-' for stdin)."""
    from authdoctor.errors import InputError
    from authdoctor.sources.open import OpenContext, iter_documents

    if file != "-" and not names_a_file(file):
        fail(f"{file}: no such file")
    if file != "-" and Path(file).is_dir():
        fail(f"{file}: a folder; give one HAR file")
    ctx = OpenContext()
    try:
        doc = next(iter(iter_documents([file], ctx)), None)
    except InputError as exc:
        fail(str(exc))
    if doc is None:
        fail(ctx.notes[0] if ctx.notes else f"{file}: nothing readable")
    return doc.name, doc.open(), doc.head


@har_app.command("flows")
def har_flows(
    file: Annotated[str, typer.Argument(help="A HAR capture (.har, also gzip/zip), or '-' for stdin.")],
    fmt: FormatOpt = Format.text,
) -> None:
    """Every OAuth/OIDC flow in a capture as a compact timeline (status, host, OAuth
    parameters, durations, cluster node), with the problems each one shows.

    For ranked root causes with fixes run `authdoctor diagnose FILE`.
    """
    from authdoctor.errors import InputError
    from authdoctor.evidence.har import read
    from authdoctor.redact import redact, redact_obj

    name, stream, head = _open_capture(file)
    try:
        with stream:
            res = read(stream, name, head)
    except InputError as exc:
        fail(str(exc))
    causes = sorted(res.causes, key=lambda c: -c[1])
    if fmt is Format.json:
        data = {"schema": "authdoctor.har-flows/1", "flows": res.flows, "errors": [t[1] for t in res.texts],
                "causes": [{"id": c, "strength": s, "reason": r} for c, s, r in causes], "notes": res.notes}
        sys.stdout.write(json.dumps(redact_obj(data), indent=2, ensure_ascii=False) + "\n")
    elif fmt is Format.markdown:
        from authdoctor.model import Report
        from authdoctor.render.flows import flows_markdown

        lines = flows_markdown(Report(flows=res.flows))
        lines += [f"- note: {n}" for n in res.notes]
        sys.stdout.write(redact("\n".join(lines)) + "\n")
    else:
        from authdoctor.render.flows import flow_lines

        out = [line for flow in res.flows for _, line in flow_lines(flow)]
        out += [f"error seen: #{t[0]} {t[1].splitlines()[0][:200]}" for t in res.texts[:20]]
        out += [f"note: {n}" for n in res.notes]
        if causes:
            out.append("Run `authdoctor diagnose " + name + "` for ranked root causes and fixes.")
        sys.stdout.write(redact("\n".join(out)) + "\n")
    problems = any(f.get("problems") for f in res.flows) or res.texts or res.causes
    raise typer.Exit(EXIT_FOUND if problems else EXIT_OK)


@har_app.command("sanitize")
def har_sanitize(
    file: Annotated[str, typer.Argument(help="The HAR capture to clean, or '-' for stdin.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """Write the capture with every secret removed (requests and responses): tokens,
    codes, cookies, passwords, client secrets, SAML messages, Authorization headers.
    JWTs keep their header and claims but lose the signature; the structure is unchanged.
    A summary of what was removed goes to stderr.
    """
    from authdoctor.errors import InputError
    from authdoctor.evidence.har import require_har
    from authdoctor.har_sanitize import sanitize

    name, stream, head = _open_capture(file)
    try:
        require_har(head, name)
        if output is not None:
            import os
            import tempfile

            fd, tmp = tempfile.mkstemp(dir=str(output.parent or Path(".")), prefix=".har-sanitize-")
            try:
                with stream, os.fdopen(fd, "w", encoding="utf-8") as out:
                    summary = sanitize(stream, out, name)
                os.replace(tmp, output)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        else:
            with stream:
                summary = sanitize(stream, sys.stdout, name)
    except InputError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    sys.stderr.write(f"authdoctor: {summary.line()}\n")
    raise typer.Exit(EXIT_OK)


def _token_arg(token: str) -> str:
    if token == "-":
        return sys.stdin.read(1 << 20)
    if token.startswith("@"):
        path = Path(token[1:])
        if not path.is_file():
            fail(f"{token[1:]}: no such file")
        return path.read_text(encoding="utf-8", errors="replace")[: 1 << 20]
    return token


def jwt_command(
    token: Annotated[str, typer.Argument(help="The token; '-' reads it from stdin, '@FILE' from a file.")],
    jwks: Annotated[str | None, typer.Option(
        "--jwks", help="Key set: JWKS file or http(s) URL (or discovery URL).")] = None,
    key: Annotated[str | None, typer.Option(
        "--key", help="PEM public key, private key or certificate (file or text).")] = None,
    secret: Annotated[str | None, typer.Option(
        "--secret", help="Shared secret for HS256/384/512 ('@FILE' reads a file).")] = None,
    issuer: Annotated[str | None, typer.Option("--issuer", help="Expected iss.")] = None,
    audience: Annotated[str | None, typer.Option("--audience", help="Expected aud (client id or API id).")] = None,
    nonce: Annotated[str | None, typer.Option("--nonce", help="Expected nonce (ID tokens).")] = None,
    alg: Annotated[list[str] | None, typer.Option("--alg", help="Allowed algorithm; repeat for several.")] = None,
    leeway: Annotated[int, typer.Option("--leeway", min=0, max=86400, help="Clock skew tolerated, seconds.")] = 0,
    fmt: FormatOpt = Format.text,
) -> None:
    """Decode a JWT (header and claims with plain-language explanations, times absolute and
    relative), verify it when a key source is given, and explain every failed check. JWE
    and opaque tokens are recognised and explained.
    """
    from authdoctor.errors import InputError
    from authdoctor.evidence.jwt import describe
    from authdoctor.jose_verify import Expect, KeySource, verify

    text = _token_arg(token)
    if secret is not None and secret.startswith("@"):
        secret = _token_arg(secret).strip()
    src = KeySource(jwks=jwks, pem=key, secret=secret)
    expect = Expect(issuer=issuer, audience=audience, nonce=nonce, algorithms=alg or None, leeway=leeway)
    notes: list[str] = []
    try:
        keys = None
        if src.given:
            from authdoctor.jose_verify import load_keys

            keys = load_keys(src)
            notes.extend(keys.notes)
        decoded, checks = verify(text, src, expect, keys)
    except InputError as exc:
        fail(str(exc))
    report = describe(decoded, "token")
    data: dict[str, Any] = {"schema": "authdoctor.jwt/1", "token": report.flow,
                            "verified_with": keys.origin if keys is not None else None,
                            "checks": [c.as_dict() for c in checks],
                            "causes": [{"id": c, "strength": s, "reason": r} for c, s, r in report.causes],
                            "notes": notes}
    _emit_jwt(data, fmt)
    failed = any(not c.ok for c in checks) or bool(report.flow.get("problems"))
    raise typer.Exit(EXIT_FOUND if failed else EXIT_OK)


def _emit_jwt(data: dict[str, Any], fmt: Format) -> None:
    from authdoctor.redact import redact, redact_obj
    from authdoctor.render.flows import flow_lines

    if fmt is Format.json:
        sys.stdout.write(json.dumps(redact_obj(data), indent=2, ensure_ascii=False) + "\n")
        return
    checks = data["checks"]
    if fmt is Format.markdown:
        from authdoctor.model import Report
        from authdoctor.render.flows import flows_markdown

        lines = flows_markdown(Report(flows=[data["token"]]))[2:]
        if checks:
            lines += [f"## Verification ({data['verified_with'] or 'claims only'})", ""]
            lines += [f"- {'✓' if c['ok'] else '✗'} **{c['check']}**: {c['message']}"
                      + (f" (`{c['cause']}`)" if c["cause"] else "") for c in checks]
        lines += [f"- note: {n}" for n in data["notes"]]
        sys.stdout.write(redact("\n".join(lines)) + "\n")
        return
    out = [line for _, line in flow_lines(data["token"])]
    if checks:
        out.append(f"Verification ({data['verified_with'] or 'claims only, no key given'}):")
        out += [f"  {'ok  ' if c['ok'] else 'FAIL'} {c['check']}: {c['message']}"
                + (f"  [{c['cause']}]" if c["cause"] else "") for c in checks]
    out += [f"note: {n}" for n in data["notes"]]
    sys.stdout.write(redact("\n".join(out)) + "\n")
