"""Callback and authorize URLs, ``#fragment`` responses and ``form_post`` bodies.

The URL the browser ended on is often the whole diagnosis: the provider put the error
code in it. Beyond the error (which goes through the knowledge base), the URL shows what
the flow did — a code without ``state``, tokens in the fragment of a server-side client,
scopes of two resources, a PKCE challenge of the wrong length — and several URLs pasted
together (authorize, then callback) can be compared with each other.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from authdoctor.evidence._oauth import (
    CALLBACK_KEYS,
    Url,
    cloud_for,
    duplicate_params,
    error_text,
    is_localhost,
    looks_server_side,
    mixed_resources,
    parse_params,
    pkce_challenge_problems,
    provider_for,
    same_redirect,
    scope_list,
    show_params,
    split_url,
)
from authdoctor.evidence.jwt import TokenError, decode
from authdoctor.extract.facts import Facts
from authdoctor.extract.kinds import Analysis, register
from authdoctor.sources.open import Document

MAX_READ = 64 * 1024  # browsers and servers refuse URLs far shorter than this
LONG_URL = 16 * 1024
MAX_URLS = 20

Cause = tuple[str, float, str]


@dataclass
class UrlFindings:
    """What one URL (or form body) shows."""

    role: str
    params: dict[str, str]
    flow: dict[str, Any]
    texts: list[str] = field(default_factory=list)
    causes: list[Cause] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    facts: Facts = field(default_factory=Facts)


def role_of(params: dict[str, str]) -> str:
    if "client_id" in params and ("response_type" in params or "request_uri" in params or "request" in params):
        return "authorize"
    if "grant_type" in params:
        return "token request"
    if "SAMLResponse" in params or "SAMLRequest" in params:
        return "saml"
    if CALLBACK_KEYS & set(params):
        return "callback"
    if "post_logout_redirect_uri" in params or "id_token_hint" in params:
        return "logout"
    return "url"


def analyze_url(u: Url | None, params: dict[str, str], raw: str, source: str, via: str) -> UrlFindings:
    """``via``: 'query', 'fragment' or 'form_post' — where the parameters travelled."""
    role = role_of(params)
    f = UrlFindings(role=role, params=params, flow={})
    err = error_text(params)
    if err:
        f.texts.append(err)
        f.problems.append(f"the provider returned error {params.get('error', '?')}"
                          f"{': ' + params['error_description'][:300] if params.get('error_description') else ''}")
        if params.get("error_subcode") == "cancel":
            why = "the user cancelled the sign-in or consent (error_subcode=cancel)"
            f.causes.append(("consent_declined", 0.6, f"The callback URL shows: {why}"))
    dup = duplicate_params(raw.split("?", 1)[-1].split("#", 1)[0]) if "?" in raw else []
    if dup:
        why = f"parameters sent twice: {', '.join(dup[:5])}; providers reject duplicated OAuth parameters"
        f.problems.append(why)
        f.causes.append(("request_invalid", 0.5, f"The URL shows: {why}"))
    if role == "callback":
        _callback(u, params, via, f)
    elif role == "authorize":
        _authorize(u, params, f)
    elif role == "saml":
        f.problems.append("a SAML message, not OAuth: decode the SAMLResponse (base64) and read its StatusCode")
    host = u.host if u else ""
    provider = provider_for(host) if host else None
    if provider:
        f.facts.set("provider", provider, "URL host")
    cloud = cloud_for(raw[:4096])
    if cloud:
        f.facts.set("cloud", cloud, "URL host")
    f.flow = {"kind": "url", "source": source, "role": role, "via": via,
              "url": (u.base if u else ""), "params": show_params(params, width=160), "problems": f.problems}
    return f


def _callback(u: Url | None, params: dict[str, str], via: str, f: UrlFindings) -> None:
    if "code" in params and "state" not in params:
        why = ("an authorization code came back without state: the client cannot tie the response to its request "
               "(no CSRF protection), and clients that sent a state reject it")
        f.problems.append(why)
        f.causes.append(("state_mismatch", 0.5, f"The callback URL shows: {why}"))
    if "code" in params and "error" in params:
        f.problems.append("both code and error are present: a proxy or the application rewrote the URL")
    tokens = [k for k in ("access_token", "id_token") if k in params]
    if tokens and via == "fragment":
        path = u.path if u else ""
        if looks_server_side(path):
            why = (f"{' and '.join(tokens)} arrived in the URL fragment (implicit flow, response_mode=fragment), but "
                   f"{path} looks like a server-side callback: browsers never send the fragment to a server, so "
                   "the application sees no token. Use the authorization code flow (response_type=code, "
                   "response_mode=query or form_post)")
            f.causes.append(("unsupported_flow", 0.4, f"The callback URL shows: {why}"))
        else:
            why = (f"{' and '.join(tokens)} arrived in the URL fragment (implicit flow): only JavaScript in the page "
                   "can read it; single-page apps should move to the code flow with PKCE")
        f.problems.append(why)
    elif tokens and via == "query":
        f.problems.append(f"{' and '.join(tokens)} travelled in the query string, where server logs, proxies and "
                          "Referer headers record it")
    if "id_token" in params:
        try:
            d = decode(params["id_token"])
            if d.kind == "jws" and "nonce" not in d.claims:
                f.problems.append("the ID token in the response carries no nonce claim; OIDC requires it for "
                                  "implicit and hybrid flows")
        except TokenError as exc:
            f.problems.append(f"id_token: {exc}")
    if u is not None and u.scheme == "http" and not is_localhost(u.host):
        why = (f"the callback uses plain http ({u.origin}): providers accept http redirect URIs only for localhost, "
               "and the app usually sits behind a TLS proxy whose public https URL must be registered instead")
        f.problems.append(why)
        f.causes.append(("redirect_uri_mismatch", 0.3, f"The callback URL shows: {why}"))
    if "iss" in params:
        f.problems.append(f"the response names its issuer ({params['iss'][:120]}): the client must check it equals "
                          "the provider it sent the user to (RFC 9207)")


def _authorize(u: Url | None, params: dict[str, str], f: UrlFindings) -> None:
    rtype = params.get("response_type", "")
    scopes = scope_list(params.get("scope", ""))
    host = u.host if u else ""
    microsoft = provider_for(host) == "microsoft" if host else False
    for name in ("client_id", "redirect_uri", "response_type"):
        if not params.get(name) and not (name == "response_type" and "request_uri" in params):
            f.problems.append(f"{name} is missing or empty")
            if name != "redirect_uri":
                f.causes.append(("request_invalid", 0.5, f"The authorize URL shows: {name} is missing"))
    if ("id_token" in rtype or "token" in rtype.split()) and "nonce" not in params and "id_token" in rtype:
        why = f"response_type {rtype!r} returns an ID token from the authorize endpoint but no nonce was sent"
        f.problems.append(why + " (OIDC requires it)")
        f.causes.append(("request_invalid", 0.5, f"The authorize URL shows: {why}"))
    if "id_token" in rtype and "openid" not in [s.lower() for s in scopes]:
        why = "an ID token is requested but the scope lacks openid"
        f.problems.append(why)
        f.causes.append(("request_invalid", 0.5, f"The authorize URL shows: {why}"))
    if "code_challenge" in params:
        for p, strong in pkce_challenge_problems(params["code_challenge"], params.get("code_challenge_method")):
            f.problems.append(p)
            f.causes.append(("pkce_invalid", 0.6 if strong else 0.25, f"The authorize URL shows: {p}"))
    elif "code_challenge_method" in params:
        why = "code_challenge_method is sent without a code_challenge"
        f.problems.append(why)
        f.causes.append(("pkce_invalid", 0.6, f"The authorize URL shows: {why}"))
    mixed = mixed_resources(scopes, microsoft)
    if mixed:
        why = (f"the scope names {len(mixed)} resources ({', '.join(sorted(mixed))}): a Microsoft token is for one "
               "resource, so one request may only ask scopes of one of them")
        f.problems.append(why)
        f.causes.append(("scope_mixed_resources", 0.6, f"The authorize URL shows: {why}"))
    host_cloud = cloud_for(host) or ("worldwide" if microsoft else None)
    scope_clouds = {cloud_for(s) or "worldwide" for s in scopes if "://" in s and provider_for(s) != "microsoft"
                    and re.search(r"office365?\.|outlook\.|graph\.microsoft", s)}
    if host_cloud and scope_clouds and scope_clouds != {host_cloud}:
        why = (f"sign-in at {host} ({host_cloud}) asks for scopes of the {', '.join(sorted(scope_clouds))} cloud: "
               "hosts and scopes must belong to the same national cloud")
        f.problems.append(why)
        f.causes.append(("national_cloud_mismatch", 0.6, f"The authorize URL shows: {why}"))
    if microsoft and scopes and not any(s.lower() == "offline_access" for s in scopes):
        f.problems.append("offline_access is not requested: no refresh token will be issued")
    redirect = params.get("redirect_uri", "")
    ru = split_url(redirect) if redirect else None
    if redirect and ru is None:
        why = f"redirect_uri {redirect[:120]!r} is not an absolute URL"
        f.problems.append(why)
        f.causes.append(("redirect_uri_mismatch", 0.5, f"The authorize URL shows: {why}"))
    elif ru is not None:
        if "#" in redirect:
            why = "redirect_uri contains a fragment (#…), which RFC 6749 forbids"
            f.problems.append(why)
            f.causes.append(("request_invalid", 0.5, f"The authorize URL shows: {why}"))
        if ru.scheme == "http" and not is_localhost(ru.host):
            why = (f"redirect_uri uses plain http ({ru.origin}): providers accept http only for localhost — the "
                   "application's base URL is probably its internal one behind a TLS proxy")
            f.problems.append(why)
            f.causes.append(("redirect_uri_mismatch", 0.45, f"The authorize URL shows: {why}"))
    if params.get("prompt") == "none":
        f.problems.append("prompt=none (silent sign-in): it fails with login_required or interaction_required "
                          "whenever the provider's session cookie is not sent (third-party cookies blocked)")
    if microsoft and u is not None and re.match(r"^/(common|organizations|consumers)/", u.path):
        f.problems.append(f"the multi-tenant endpoint {u.path.split('/')[1]} is used: a single-tenant app needs its "
                          "tenant id in the URL instead (AADSTS50194)")


def compare(findings: list[UrlFindings]) -> list[tuple[str, Cause]]:
    """Cross-checks between an authorize URL and a callback pasted together."""
    out: list[tuple[str, Cause]] = []
    auths = [f for f in findings if f.role == "authorize"]
    backs = [f for f in findings if f.role == "callback"]
    for a in auths[:5]:
        for b in backs[:5]:
            sent, got = a.params.get("state"), b.params.get("state")
            if sent and got and sent != got:
                why = "the callback's state differs from the state in the authorize URL"
                out.append((why, ("state_mismatch", 0.8, f"The URLs show: {why}")))
            redirect, landed = a.params.get("redirect_uri"), b.flow.get("url")
            if redirect and landed and not same_redirect(redirect, str(landed)):
                why = f"the browser returned to {landed} but the authorize request named redirect_uri {redirect}"
                out.append((why, ("redirect_uri_mismatch", 0.5, f"The URLs show: {why}")))
    return out


# --- reading documents ------------------------------------------------------------------------

_URL_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9+.-]{0,30}://\S+$")
_PARAMS_LINE = re.compile(rb"^[?#]?[A-Za-z_][A-Za-z0-9_.-]{0,60}=[^\s]*$")
_FORM_KEYS = re.compile(rb"(?:^|[?#&])(code|id_token|access_token|state|error|SAMLResponse|session_state)=")
_HTML_FORM = re.compile(rb"<form[^>]{0,400}method=[\"']?post", re.I)
_HTML_KEYS = re.compile(rb"name=[\"']?(code|id_token|state|error|SAMLResponse)[\"']?", re.I)


def sniff(head: bytes) -> bool:
    """URLs one per line, a bare parameter string (form_post body, fragment), or an HTML form_post page."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        return False
    if all(_URL_LINE.match(ln) for ln in lines[:MAX_URLS]) and len(lines) <= MAX_URLS:
        return True
    if len(lines) == 1 and _PARAMS_LINE.match(lines[0]) and _FORM_KEYS.search(lines[0]):
        return True
    return bool(_HTML_FORM.search(text) and _HTML_KEYS.search(text))


_INPUT = re.compile(r"<input\b[^>]{0,2000}>", re.I)
_ATTR = re.compile(r"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_ACTION = re.compile(r"""<form\b[^>]{0,1000}?action\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def form_post_fields(page: str) -> tuple[str | None, dict[str, str]]:
    """The action and hidden fields of an auto-submitting form_post page."""
    m = _ACTION.search(page)
    action = html.unescape(next((g for g in m.groups() if g is not None), "")) if m else None
    fields: dict[str, str] = {}
    for tag in _INPUT.findall(page)[:100]:
        attrs = {a.group(1).lower(): html.unescape(next((g for g in a.groups()[1:] if g is not None), ""))
                 for a in _ATTR.finditer(tag)}
        if attrs.get("name"):
            fields.setdefault(attrs["name"], attrs.get("value", ""))
    return action, fields


def analyze_text(text: str, source: str, size: int | None = None) -> Analysis:
    """Every URL / form body in ``text`` (already bounded by the caller)."""
    out = Analysis()
    stripped = text.strip().lstrip("\ufeff")
    found: list[UrlFindings] = []
    if _HTML_FORM.search(stripped.encode("utf-8", "replace")[:MAX_READ]):
        action, fields = form_post_fields(stripped)
        u = split_url(action) if action else None
        found.append(analyze_url(u, fields, action or "", source, "form_post"))
    else:
        for i, line in enumerate([ln.strip() for ln in stripped.splitlines() if ln.strip()][:MAX_URLS], 1):
            u = split_url(line) if "://" in line else None
            if u is not None:
                via = "fragment" if u.fragment and (CALLBACK_KEYS & set(u.fragment)) else "query"
                f = analyze_url(u, u.params, line, source, via)
            else:
                body = line.lstrip("?#")
                f = analyze_url(None, parse_params(body), body, source,
                                "fragment" if line.startswith("#") else "form_post")
            f.flow["line"] = i
            found.append(f)
    for f in found:
        out.texts.extend((f.flow.get("line", 1), t, None) for t in f.texts)
        out.causes.extend(f.causes)
        out.facts.merge(f.facts, override=False)
        out.flows.append(f.flow)
    for why, cause in compare(found):  # a cross-check needs findings, so found[-1] exists
        found[-1].problems.append(why)
        out.causes.append(cause)
    if size is not None and size > LONG_URL:
        why = (f"the URL is {size:,} bytes long; browsers, proxies and servers refuse URLs beyond about 8–32 KB "
               "(HTTP 414 or 431), so such a request never reaches the application")
        out.notes.append(f"{source}: {why}" + (f"; only the first {MAX_READ >> 10} KiB were analysed"
                                               if size > MAX_READ else ""))
        out.causes.append(("request_invalid", 0.4, f"The URL shows: {why}"))
    return out


def analyze(doc: Document) -> Analysis:
    with doc.open() as stream:
        raw = stream.read(MAX_READ + 1)
        size = len(raw)
        if size > MAX_READ:
            size = doc.size or size
            if doc.size is None:  # count the rest without keeping it
                for _ in range(1 << 14):
                    chunk = stream.read(1 << 20)
                    if not chunk:
                        break
                    size += len(chunk)
    text = raw[:MAX_READ].decode("utf-8", "replace")
    if size > MAX_READ:
        text = text.splitlines()[0] if text else ""
    return analyze_text(text, doc.name, size)


register("url", sniff, analyze)
