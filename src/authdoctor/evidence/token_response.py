"""Token-endpoint responses pasted as evidence (JSON or form-encoded, optionally with the
HTTP status line): errors go through the knowledge base like log records; successful
responses are checked for what they lack (no refresh token, fewer scopes than asked for,
short lifetimes, unusual token types), because a 200 can still be the reason an
integration stops working an hour later. The HAR analyzer reuses ``analyze_body`` for
token requests it finds in a capture.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from authdoctor.evidence._oauth import STANDARD_SCOPES, duration, error_text, parse_params, scope_list, show
from authdoctor.evidence.jwt import Decoded, TokenError, decode, describe
from authdoctor.extract.facts import Facts
from authdoctor.extract.kinds import Analysis, register
from authdoctor.redact import marker
from authdoctor.sources.open import Document

MAX_BODY = 1 << 20
Cause = tuple[str, float, str]

_MEANING = {
    "token_type": "how to present the access token (Bearer: in an Authorization header)",
    "expires_in": "access-token lifetime in seconds",
    "ext_expires_in": "Microsoft: extended lifetime used during an Entra outage",
    "refresh_expires_in": "refresh-token lifetime in seconds",
    "refresh_token_expires_in": "refresh-token lifetime in seconds",
    "scope": "scopes actually granted (may be fewer than requested)",
    "access_token": "the credential sent to APIs",
    "id_token": "who signed in (OIDC); for the client only, never sent to APIs",
    "refresh_token": "lets the client get new access tokens without the user",
    "not-before-policy": "Keycloak: tokens issued before this time are revoked",
    "session_state": "provider session id",
    "error": "OAuth error code (RFC 6749 §5.2)",
    "error_description": "the provider's explanation",
    "error_codes": "Microsoft: AADSTS codes of the error",
    "error_uri": "page describing the error",
    "trace_id": "Microsoft: request id — quote it to support",
    "correlation_id": "Microsoft: find this sign-in in the Entra sign-in logs by it",
    "timestamp": "when the provider produced the error",
    "suberror": "Microsoft: finer reason (e.g. consent_required, bad_token)",
}


@dataclass
class TokenResult:
    """What one token-endpoint response shows."""

    texts: list[str] = field(default_factory=list)
    causes: list[Cause] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    fields: list[dict[str, str]] = field(default_factory=list)
    facts: Facts = field(default_factory=Facts)
    id_token: Decoded | None = None
    tokens: list[dict[str, Any]] = field(default_factory=list)  # decoded token descriptions


def parse_response(text: str) -> tuple[int | None, dict[str, Any] | None]:
    """(HTTP status if a status line is present, body as a dict if JSON or form-encoded)."""
    status: int | None = None
    body = text.lstrip("\ufeff \t\r\n")
    m = re.match(r"HTTP/\d(?:\.\d)?\s+(\d{3})[^\n]*\n", body)
    if m:
        status = int(m.group(1))
        rest = body[m.end():]
        sep = re.search(r"\r?\n\r?\n", rest)
        body = rest[sep.end():] if sep else ""
    body = body.strip()
    if body.startswith("{"):
        try:
            value = json.loads(body)
        except json.JSONDecodeError:
            return status, None
        return status, value if isinstance(value, dict) else None
    if body and "=" in body and not re.search(r"\s", body):
        return status, dict(parse_params(body))
    return status, None


def _short_json(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 300 else text[:299] + "…"


def analyze_body(body: dict[str, Any], status: int | None = None, requested_scope: str | None = None,
                 grant_type: str | None = None, source: str = "token response") -> TokenResult:
    """Errors to KB text; success bodies checked for refresh token, scope, lifetime and type."""
    res = TokenResult()
    for k, v in list(body.items())[:60]:
        if k in ("access_token", "refresh_token", "id_token"):
            continue
        shown = show(k, v, 300) if isinstance(v, str) else _short_json(v)
        res.fields.append({"name": k, "value": shown, "meaning": _MEANING.get(k, "")})
    if "error" in body:
        _error(body, status, res)
        return res
    if status is not None and status >= 400:
        res.problems.append(f"HTTP {status} without an OAuth error body")
        return res
    _success(body, requested_scope, grant_type, source, res)
    return res


def _error(body: dict[str, Any], status: int | None, res: TokenResult) -> None:
    flat = {k: (" ".join(str(x) for x in v) if isinstance(v, list) else str(v)) for k, v in body.items()
            if not isinstance(v, dict)}
    text = error_text(flat)
    if text:
        res.texts.append(text)
    err = flat.get("error", "?")
    desc = flat.get("error_description", "")
    res.problems.append(f"{'HTTP ' + str(status) + ' ' if status else ''}error {err}"
                        f"{': ' + desc.splitlines()[0][:300] if desc else ''}")
    if "trace_id" in body or "correlation_id" in body or "error_codes" in body or "AADSTS" in desc:
        res.facts.set("provider", "microsoft", "token endpoint response")
        ids = ", ".join(f"{k} {flat[k]}" for k in ("trace_id", "correlation_id", "timestamp") if k in flat)
        if ids:
            res.problems.append(f"look the request up in the Entra sign-in logs or quote it to support: {ids}")


def _success(body: dict[str, Any], requested_scope: str | None, grant_type: str | None, source: str,
             res: TokenResult) -> None:
    access = body.get("access_token")
    if not isinstance(access, str) or not access:
        if "id_token" not in body:
            res.problems.append("neither access_token nor error: not a token response, or a truncated one")
        access = None
    app_only = False
    for name in ("access_token", "id_token"):
        value = body.get(name)
        if not isinstance(value, str) or not value:
            continue
        try:
            d = decode(value)
        except TokenError as exc:
            res.fields.append({"name": name, "value": marker(name, value), "meaning": str(exc)})
            continue
        rep = describe(d, f"{source} {name}")
        res.tokens.append(rep.flow)
        res.fields.append({"name": name, "value": d.fingerprint, "meaning": str(rep.flow.get("summary", ""))})
        if name == "id_token":
            res.id_token = d
        elif d.kind == "jws" and "roles" in d.claims and "scp" not in d.claims:
            app_only = True
        for cid, strength, reason in rep.causes:
            if cid == "token_wrong_audience":
                res.causes.append((cid, 0.4, reason.replace("The token shows", f"The {name} in the response is")))
                res.problems.append(f"the {name} is a Microsoft Graph token: only Graph can validate it")
            elif cid != "token_expired":
                res.causes.append((cid, strength, reason))
    refresh = body.get("refresh_token")
    if isinstance(refresh, str) and refresh:
        res.fields.append({"name": "refresh_token", "value": marker("refresh_token", refresh),
                           "meaning": _MEANING["refresh_token"]})
    elif access is not None:
        _no_refresh(access, body, requested_scope, grant_type, app_only, res)
    _scope(body, requested_scope, res)
    _lifetime_and_type(body, res)


def _no_refresh(access: str, body: dict[str, Any], requested_scope: str | None, grant_type: str | None,
                app_only: bool, res: TokenResult) -> None:
    if grant_type in ("client_credentials", "refresh_token", "urn:ietf:params:oauth:grant-type:token-exchange") \
            or app_only:
        res.problems.append("no refresh_token — expected for this grant (app-only or refresh)")
        return
    if access.startswith("gho_"):
        why = ("the response has no refresh_token and the access token is a GitHub OAuth App token: OAuth Apps never "
               "issue refresh tokens; register a GitHub App instead")
        res.problems.append(why)
        res.causes.append(("provider_issues_no_refresh_token", 0.7, f"The token response shows: {why}"))
        return
    requested = scope_list(requested_scope) if requested_scope else None
    granted = scope_list(str(body.get("scope", ""))) if body.get("scope") else None
    asked_offline = requested is not None and any(s.lower() in ("offline_access", "refresh_token") for s in requested)
    if asked_offline:
        why = ("the response has no refresh_token although offline access was requested: the provider or the "
               "application's kind does not issue one for this client")
        res.problems.append(why)
        res.causes.append(("provider_issues_no_refresh_token", 0.5, f"The token response shows: {why}"))
        return
    why = ("the response has no refresh_token, so the application cannot renew access when the access token expires "
           "— request the offline_access scope (Microsoft, Okta), refresh_token (Snowflake) or access_type=offline "
           "(Google)")
    if requested is not None or granted is not None:
        why += f"; scopes {'requested' if requested is not None else 'granted'}: " + \
               " ".join((requested if requested is not None else granted) or [])[:200]
    res.problems.append(why)
    strength = 0.7 if requested is not None else 0.55
    res.causes.append(("scope_offline_access_missing", strength, f"The token response shows: {why}"))


def _scope(body: dict[str, Any], requested_scope: str | None, res: TokenResult) -> None:
    if not requested_scope or not isinstance(body.get("scope"), str):
        return

    def norm(s: str) -> str:
        s = s.lower()
        return s.rsplit("/", 1)[-1] if s.startswith(("https://graph.microsoft.com/", "00000003-")) else s

    granted = {norm(s) for s in scope_list(body["scope"])}
    missing = [s for s in scope_list(requested_scope)
               if s.lower() not in STANDARD_SCOPES and norm(s) not in granted and not s.endswith("/.default")]
    if missing:
        why = (f"granted scopes are narrower than requested: {' '.join(missing)[:200]} not granted — consent for "
               "them is missing (admin consent, or the user unticked them) or they are not configured for the app")
        res.problems.append(why)
        res.causes.append(("consent_required", 0.45, f"The token response shows: {why}"))


def _lifetime_and_type(body: dict[str, Any], res: TokenResult) -> None:
    exp = body.get("expires_in")
    if isinstance(exp, str):
        res.problems.append("expires_in is a string, not a number (Entra v1.0 endpoint does this); strict clients "
                            "fail to parse it")
        exp = int(exp) if exp.isdigit() else None
    if isinstance(exp, (int, float)) and not isinstance(exp, bool):
        if exp <= 0:
            res.problems.append(f"expires_in is {exp}: the token is already expired when issued")
        elif exp < 300:
            res.problems.append(f"the access token lives only {duration(exp)}: clients that refresh late or cache "
                                "it will use expired tokens")
    ttype = body.get("token_type")
    if ttype is None and "access_token" in body:
        res.problems.append("token_type is missing (required by RFC 6749 §5.1)")
    elif isinstance(ttype, str) and ttype.lower() not in ("bearer", "dpop", "n_a"):
        res.problems.append(f"token_type {ttype!r} is unusual: most clients only know the Bearer type")
    elif isinstance(ttype, str) and ttype.lower() == "dpop":
        res.problems.append("token_type DPoP: the token must be sent with a DPoP proof, a plain Bearer header is "
                            "refused")


# --- kind registration ------------------------------------------------------------------------

_KEYS = re.compile(rb'"(access_token|error|token_type|id_token|refresh_token|expires_in|error_description|'
                   rb'error_codes)"\s*:')
_FORM = re.compile(rb"^[A-Za-z0-9_.~%+=&*-]+$")


def sniff(head: bytes) -> bool:
    """A single JSON object (or form-encoded line) shaped like a token-endpoint response."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"HTTP/"):
        sep = re.search(rb"\r?\n\r?\n", text)
        if sep is None:
            return False
        text = text[sep.end():].lstrip()
    if text.startswith(b"{"):
        if re.match(rb'\{\s*"log"\s*:', text):
            return False
        keys = set(_KEYS.findall(text[:4096]))
        if not ({b"access_token", b"id_token"} & keys or b"error" in keys):
            return False
        # JSON Lines logs have one object per line; a response is one object.
        return not re.search(rb"\n\{", text.rstrip())
    line = text.strip()
    if b"\n" in line or not _FORM.match(line):
        return False
    return line.startswith(b"access_token=") or (b"&access_token=" in line and b"token_type=" in line)


def analyze(doc: Document) -> Analysis:
    with doc.open() as stream:
        raw = stream.read(MAX_BODY + 1)
    out = Analysis()
    if len(raw) > MAX_BODY:
        out.notes.append(f"{doc.name}: larger than {MAX_BODY >> 10} KiB: not a token response; not analysed")
        return out
    status, body = parse_response(raw.decode("utf-8", "replace"))
    if body is None:
        out.notes.append(f"{doc.name}: looks like a token-endpoint response but is not valid JSON or form data")
        return out
    res = analyze_body(body, status=status, source=doc.name)
    out.texts.extend((1, t, None) for t in res.texts)
    if set(body) - set(_MEANING) - {"claims", "expires_on", "ext_expires_on", "resource", "id_token_expires_in"}:
        out.texts.append((1, raw[:4000].decode("utf-8", "replace"), None))  # a JSON log line: match all of it
    out.causes.extend(res.causes)
    out.facts.merge(res.facts)
    out.flows.append({"kind": "token_response", "source": doc.name, "status": status,
                      "outcome": "error" if "error" in body else "tokens", "fields": res.fields,
                      "tokens": res.tokens, "problems": res.problems})
    return out


register("token_response", sniff, analyze)
