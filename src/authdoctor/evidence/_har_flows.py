"""Reconstructs OAuth 2.0 / OIDC flows from HAR steps and checks each one.

A flow is: the application's redirect to the provider → the authorize request → login
pages → the provider's redirect (or form_post) back with a code or an error → the
client's callback → the token request (visible when the browser makes it: SPAs, PKCE) →
userinfo/API calls. Responses are tied to their request by ``state``, then by
``redirect_uri``, then by order, so parallel or repeated sign-ins stay apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from authdoctor.evidence._har_read import Step
from authdoctor.evidence._oauth import (
    CALLBACK_KEYS,
    duration,
    error_text,
    pkce_challenge_problems,
    pkce_verifier_problems,
    s256,
    same_redirect,
    show_params,
    split_url,
)

Cause = tuple[str, float, str]
Text = tuple[int | None, str, str | None]

SLOW_MS = 10_000
MAX_LOGIN_STEPS = 15
SHOWN = {
    "start": (),
    "authorize": ("client_id", "response_type", "response_mode", "scope", "redirect_uri", "state", "nonce",
                  "code_challenge_method", "prompt"),
    "redirect back": ("code", "error", "error_description", "state", "id_token", "access_token", "iss"),
    "callback": ("code", "error", "error_description", "state", "id_token", "session_state"),
    "token": ("grant_type", "client_id", "redirect_uri", "code", "code_verifier", "scope"),
}


@dataclass
class Flow:
    n: int
    authorize: Step | None = None
    params: dict[str, str] = field(default_factory=dict)
    start: Step | None = None
    logins: list[Step] = field(default_factory=list)
    back: Step | None = None
    back_params: dict[str, str] = field(default_factory=dict)
    back_via: str = ""
    callback: Step | None = None
    tokens: list[Step] = field(default_factory=list)
    userinfo: list[Step] = field(default_factory=list)
    after: list[Step] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    causes: list[Cause] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)

    @property
    def state(self) -> str | None:
        return self.params.get("state")

    @property
    def redirect_uri(self) -> str | None:
        return self.params.get("redirect_uri")

    @property
    def provider_host(self) -> str | None:
        return self.authorize.url.host if self.authorize else None

    @property
    def returned(self) -> dict[str, str]:
        """What came back to the client: the callback's parameters, else the redirect's."""
        if self.callback is not None:
            return self.callback.params
        return self.back_params

    def add(self, cause: str, strength: float, why: str) -> None:
        self.problems.append(why)
        self.causes.append((cause, strength, f"The HAR capture shows (flow {self.n}): {why}"))


def classify(s: Step) -> str:
    p = s.params
    if "grant_type" in s.form and s.method == "POST":
        return "token"
    if "client_id" in p and ("response_type" in p or "request_uri" in p):
        return "authorize"
    if {"code", "error", "id_token", "access_token"} & set(p) and CALLBACK_KEYS & set(p):
        return "callback"
    path = s.url.path.lower()
    if "userinfo" in path or (s.url.host.startswith("graph.microsoft.") and path.rstrip("/").endswith("/me")):
        return "userinfo"
    return "other"


def _redirect_back(s: Step) -> tuple[dict[str, str], str, str] | None:
    """Parameters the provider sends back in a Location header or a form_post page."""
    if s.location:
        u = split_url(s.location)
        if u is not None:
            p = u.params
            if {"code", "error", "id_token", "access_token"} & set(p) and "client_id" not in p:
                return p, ("fragment" if set(u.fragment) & CALLBACK_KEYS else "query"), u.base
    if s.form_post is not None:
        action, fields = s.form_post
        if {"code", "error", "id_token", "access_token"} & set(fields):
            u = split_url(action or "")
            return fields, "form_post", u.base if u else ""
    return None


def _match(flows: list[Flow], params: dict[str, str], base: str | None, want: str) -> Flow | None:
    """The flow a response belongs to: by state, then redirect_uri, then the latest open one."""
    open_flows = [f for f in flows if getattr(f, want) in (None, [])] or flows
    st = params.get("state")
    if st:
        for f in reversed(flows):
            if f.state == st:
                return f
    if base:
        for f in reversed(open_flows):
            if f.redirect_uri and same_redirect(f.redirect_uri, base):
                return f
    return open_flows[-1] if open_flows else None


def reconstruct(steps: list[Step]) -> list[Flow]:
    """Flows in the order they started; steps are sorted by start time first."""
    ordered = sorted(steps, key=lambda s: (s.started if s.started is not None else 0.0, s.index))
    flows: list[Flow] = []
    by_target: dict[str, Step] = {}
    prev: Step | None = None
    for s in ordered:
        if s.static:
            continue
        role = classify(s)
        if role == "authorize":
            start = by_target.get(s.url.raw)
            if start is None and prev is not None and prev.location and 300 <= prev.status < 400:
                target = split_url(prev.location)  # Location encoded differently from the request URL
                if target is not None and target.host == s.url.host and target.path == s.url.path:
                    start = prev
            f = Flow(n=len(flows) + 1, authorize=s, params=s.params, start=start)
            flows.append(f)
        elif role == "callback":
            f2 = _match(flows, s.params, s.url.base, "callback")
            if f2 is None:
                f2 = Flow(n=len(flows) + 1)
                flows.append(f2)
            if f2.callback is None:
                f2.callback = s
            else:
                f2.after.append(s)
        elif role == "token":
            f3 = _match(flows, {}, s.form.get("redirect_uri"), "tokens")
            code = s.form.get("code")
            if code:
                f3 = next((f for f in reversed(flows) if f.returned.get("code") == code), f3)
            if f3 is not None:
                f3.tokens.append(s)
        elif role == "userinfo" and flows:
            flows[-1].userinfo.append(s)
        elif flows:
            f4 = flows[-1]
            if f4.callback is None and f4.back is None and s.url.host == f4.provider_host:
                if len(f4.logins) < MAX_LOGIN_STEPS:
                    f4.logins.append(s)
            elif f4.callback is not None and s.url.host == f4.callback.url.host and len(f4.after) < 4:
                f4.after.append(s)
        back = _redirect_back(s)
        if back is not None and role != "authorize":
            params, via, base = back
            f5 = _match(flows, params, base, "back")
            if f5 is not None and f5.back is None:
                f5.back, f5.back_params, f5.back_via = s, params, via
                if s in f5.logins:
                    f5.logins.remove(s)
        if s.location:
            by_target[s.location] = s
        prev = s
    return flows


# --- checks -------------------------------------------------------------------------------------


def check(f: Flow, flows: list[Flow]) -> None:
    """Every per-flow detection; results land in ``f.problems``, ``f.causes`` and ``f.texts``."""
    _errors(f)
    _state(f, flows)
    _pkce(f)
    _redirect_uri(f)
    _tokens(f)
    _slow(f)


def _ts(s: Step) -> str | None:
    return s.started_iso


def _errors(f: Flow) -> None:
    for s, params in ((f.back, f.back_params), (f.callback, f.callback.params if f.callback else {})):
        if s is None:
            continue
        text = error_text(params)
        if text:
            f.texts.append((s.index, text, _ts(s)))
            desc = params.get("error_description", "")
            f.problems.append(f"the provider returned error {params.get('error', '?')}"
                              f"{': ' + desc.splitlines()[0][:240] if desc else ''} (request #{s.index})")
            break


def _state(f: Flow, flows: list[Flow]) -> None:
    ret = f.returned
    if not ret or f.authorize is None:
        return
    sent, got = f.state, ret.get("state")
    if sent and got and got != sent:
        other = next((o for o in flows if o is not f and o.state == got), None)
        if other is not None:
            f.add("state_mismatch", 0.6, f"the response carries the state of sign-in attempt {other.n}, not of this "
                  "one: the user started signing in twice, and a client that keeps only the latest state rejects it")
        else:
            f.add("state_mismatch", 0.85, f"state returned ({got[:40]}) differs from the state sent ({sent[:40]}): "
                  "the response was altered, or belongs to another session")
    elif sent and not got and ("code" in ret or "id_token" in ret):
        f.add("state_mismatch", 0.6, "the provider's response lacks the state the client sent")
    elif not sent and "code" in ret:
        f.add("state_mismatch", 0.4, "no state was sent with the authorize request: the client cannot protect the "
              "callback against CSRF, and frameworks that require state refuse the response")


def _nonce(f: Flow, id_token: str | None, where: str) -> None:
    from authdoctor.evidence.jwt import TokenError, decode

    sent = f.params.get("nonce")
    if not sent or not id_token:
        return
    try:
        d = decode(id_token)
    except TokenError:
        return
    if d.kind != "jws":
        return
    got = d.claims.get("nonce")
    if got is None:
        f.add("nonce_mismatch", 0.6, f"the ID token from {where} has no nonce although the authorize request sent one")
    elif got != sent:
        f.add("nonce_mismatch", 0.85, f"the ID token from {where} carries nonce {str(got)[:40]}, but the authorize "
              f"request sent {sent[:40]}: the token belongs to another sign-in, or the client lost its nonce")


def _pkce(f: Flow) -> None:
    challenge = f.params.get("code_challenge")
    method = f.params.get("code_challenge_method")
    if challenge:
        for p, strong in pkce_challenge_problems(challenge, method):
            f.add("pkce_invalid", 0.7 if strong else 0.3, p)
    for t in f.tokens:
        if t.form.get("grant_type") != "authorization_code":
            continue
        verifier = t.form.get("code_verifier")
        if verifier:
            for p in pkce_verifier_problems(verifier):
                f.add("pkce_invalid", 0.75, p + f" (token request #{t.index})")
            hashed = s256(verifier) if not verifier.startswith("<") else None
            if challenge and (method or "plain") == "S256" and hashed is not None and hashed != challenge:
                f.add("pkce_invalid", 0.85, f"the code_verifier of token request #{t.index} does not hash (S256) to "
                      "the code_challenge of the authorize request: the client used the verifier of another attempt "
                      "(lost or overwritten in its session)")
            if not challenge and f.authorize is not None:
                f.add("pkce_invalid", 0.7, f"token request #{t.index} sends a code_verifier but the authorize request "
                      "had no code_challenge")
        elif challenge:
            f.add("pkce_invalid", 0.7, f"the authorize request used PKCE but token request #{t.index} sends no "
                  "code_verifier")
        elif not t.client_auth and f.authorize is not None:
            f.add("pkce_invalid", 0.45, f"token request #{t.index} is made by the browser without client "
                  "authentication (a public client) and without PKCE: providers require PKCE for single-page and "
                  "native apps (Entra AADSTS9002325, Okta 'PKCE code challenge is required')")


def _redirect_uri(f: Flow) -> None:
    sent = f.redirect_uri
    if not sent:
        return
    for t in f.tokens:
        tr = t.form.get("redirect_uri")
        if t.form.get("grant_type") == "authorization_code" and tr and tr != sent:
            f.add("auth_code_invalid", 0.7, f"the token request #{t.index} names redirect_uri {tr}, but the authorize "
                  f"request named {sent}: they must be identical, or the code is refused (invalid_grant)")
    if f.callback is not None and not same_redirect(sent, f.callback.url.base):
        f.add("redirect_uri_mismatch", 0.5, f"the browser came back to {f.callback.url.base}, but redirect_uri was "
              f"{sent}: a proxy rewrote the URL, or the application's configured base URL is not the one it runs at")
    start = f.start
    su = split_url(sent)
    if start is not None and su is not None and start.url.host != f.provider_host and start.url.origin != su.origin:
        f.add("redirect_uri_mismatch", 0.4, f"the sign-in started at {start.url.origin} but redirect_uri points to "
              f"{su.origin}: the base URL configured in the application differs from the one users reach it by, "
              "so cookies set on one are not sent to the other")


def _tokens(f: Flow) -> None:
    from authdoctor.evidence.token_response import analyze_body, parse_response

    if f.back_params.get("id_token"):
        _nonce(f, f.back_params["id_token"], "the redirect")
    elif f.callback is not None and f.callback.params.get("id_token"):
        _nonce(f, f.callback.params["id_token"], "the callback")
    codes: dict[str, int] = {}
    for t in f.tokens:
        code = t.form.get("code")
        if code:
            if code in codes:
                f.add("auth_code_invalid", 0.8, "the same authorization code is redeemed twice (requests "
                      f"#{codes[code]} and #{t.index}): the second redemption fails with invalid_grant — a double "
                      "submit or retry")
            codes[code] = t.index
        back = f.callback or f.back
        if back is not None and back.started is not None and t.started is not None and code:
            delay = t.started - back.started
            if delay > 600:
                f.add("auth_code_invalid", 0.45, f"the code was redeemed {duration(delay)} after it was issued; "
                      "authorization codes live about 10 minutes (Okta: 1 minute)")
            elif delay > 60:
                f.problems.append(f"the code was redeemed {duration(delay)} after it was issued; some providers "
                                  "(Okta) expire codes after 1 minute")
        if t.status == 0:
            why = (f"token request #{t.index} from the browser got no response (blocked: CORS)")
            f.add("redirect_uri_wrong_platform", 0.5, why + ": the redirect URI is probably registered as 'Web' "
                  "instead of 'Single-page application', so the token endpoint sends no CORS headers")
            continue
        _, body = parse_response(t.body or "")
        if body is None:
            if t.status >= 500:
                f.add("provider_unavailable", 0.35, f"the token endpoint answered HTTP {t.status} (request #{t.index})")
            elif t.status == 404:
                f.add("endpoint_misconfigured", 0.6, f"the token endpoint {t.url.base} answered 404: wrong URL")
            elif t.status >= 400:
                f.problems.append(f"the token endpoint answered HTTP {t.status} without a readable body (request "
                                  f"#{t.index})")
            continue
        res = analyze_body(body, status=t.status, requested_scope=t.form.get("scope") or f.params.get("scope"),
                           grant_type=t.form.get("grant_type"), source=f"request #{t.index}")
        f.texts.extend((t.index, text, _ts(t)) for text in res.texts)
        f.problems.extend(f"token endpoint (#{t.index}): {p}" for p in res.problems)
        f.causes.extend(res.causes)
        if isinstance(body.get("id_token"), str):
            _nonce(f, body["id_token"], f"token response #{t.index}")
        if t.status >= 500 and "error" not in body:
            f.add("provider_unavailable", 0.35, f"the token endpoint answered HTTP {t.status} (request #{t.index})")


def _slow(f: Flow) -> None:
    steps = [s for s in (f.start, f.authorize, *f.logins, f.back, f.callback, *f.tokens, *f.userinfo) if s is not None]
    for s in steps:
        if s.ms is not None and s.ms >= SLOW_MS:
            wait = f" (waiting for the server {s.wait_ms / 1000:.1f} s)" if s.wait_ms else ""
            why = f"request #{s.index} ({s.method} {s.url.host}{s.url.path[:60]}) took {s.ms / 1000:.1f} s{wait}"
            if s is f.callback:
                f.add("network_blocked", 0.35, why + ": during the callback the application redeems the code at the "
                      "provider's token endpoint; a slow callback usually means that server-side call waits on a "
                      "proxy or firewall")
            else:
                f.problems.append(why)


# --- display ------------------------------------------------------------------------------------


def step_view(role: str, s: Step, t0: float | None, node: str | None,
              params: dict[str, str] | None = None) -> dict[str, Any]:
    shown = SHOWN.get(role)
    p = params if params is not None else s.params
    view: dict[str, Any] = {
        "n": s.index, "role": role, "at": s.started_iso,
        "offset_s": round(s.started - t0, 3) if s.started is not None and t0 is not None else None,
        "ms": round(s.ms) if s.ms is not None else None, "method": s.method, "status": s.status,
        "host": s.url.host, "path": s.url.path[:120],
        "params": show_params(p, shown) if shown is not None else {},
    }
    if node:
        view["node"] = node
    if s.ms is not None and s.ms >= SLOW_MS:
        view["slow"] = True
    return view


def flow_view(f: Flow, source: str, nodes: dict[int, str]) -> dict[str, Any]:
    """The flow as a display-safe dict for ``report.flows``."""
    seq: list[tuple[str, Step, dict[str, str] | None]] = []
    if f.start is not None:
        seq.append(("start", f.start, None))
    if f.authorize is not None:
        seq.append(("authorize", f.authorize, None))
    seq += [("login", s, None) for s in f.logins]
    if f.back is not None and f.back is not f.callback:
        seq.append(("redirect back", f.back, f.back_params))
    if f.callback is not None:
        seq.append(("callback", f.callback, None))
    seq += [("token", s, None) for s in f.tokens]
    seq += [("userinfo", s, None) for s in f.userinfo]
    seq += [("after", s, None) for s in f.after]
    seq.sort(key=lambda x: (x[1].started if x[1].started is not None else 0.0, x[1].index))
    t0 = next((s.started for _, s, _ in seq if s.started is not None), None)
    ret = f.returned
    if "error" in ret:
        outcome = f"error {ret['error']}"
    elif any(t.status == 200 for t in f.tokens):
        outcome = "tokens issued"
    elif "code" in ret or "id_token" in ret or "access_token" in ret:
        outcome = "code returned" if "code" in ret else "tokens returned"
    else:
        outcome = "incomplete (no response from the provider in the capture)"
    return {
        "kind": "har", "source": source, "n": f.n,
        "client_id": f.params.get("client_id"), "provider": f.provider_host,
        "redirect_uri": f.redirect_uri, "outcome": outcome,
        "steps": [step_view(role, s, t0, nodes.get(s.index), p) for role, s, p in seq],
        "problems": list(dict.fromkeys(f.problems)),
    }


def redirect_loops(steps: list[Step], flows: list[Flow]) -> list[str]:
    """Sign-ins that start over and over: the client keeps losing what it stored."""
    out: list[str] = []
    by_client: dict[str, list[Flow]] = {}
    for f in flows:
        if f.authorize is not None:
            by_client.setdefault(f.params.get("client_id", "?"), []).append(f)
    for client, fs in by_client.items():
        times = [f.authorize.started for f in fs if f.authorize is not None and f.authorize.started is not None]
        if len(fs) >= 3 and (not times or max(times) - min(times) <= 120):
            done = sum(1 for f in fs if "code" in f.returned or "id_token" in f.returned)
            out.append(f"redirect loop: client {client[:40]} started sign-in {len(fs)} times"
                       f"{' within ' + duration(max(times) - min(times)) if times else ''}"
                       f"{f', and {done} of them got a code back' if done else ''}: the application does not keep the "
                       "session it creates at the callback, and sends the user to the provider again")
    hops: dict[tuple[str, str], int] = {}
    for s in steps:
        if 300 <= s.status < 400 and not s.static:
            key = (s.url.host, s.url.path)
            hops[key] = hops.get(key, 0) + 1
    for (host, path), n in sorted(hops.items(), key=lambda x: -x[1])[:3]:
        if n >= 5 and not any(host in o for o in out):
            out.append(f"redirect loop: {host}{path[:80]} redirected {n} times")
    return out


def stray_errors(steps: list[Step], seen: set[str]) -> list[Text]:
    """Error parameters and bodies anywhere in the capture, outside reconstructed flows."""
    out: list[Text] = []
    for s in steps:
        if s.static:
            continue
        candidates: list[str] = []
        loc = split_url(s.location) if s.location else None
        for params in (s.url.params, loc.params if loc is not None else {}):
            text = error_text(params)
            if text:
                candidates.append(text)
        if s.body and s.status >= 400:
            candidates.append(s.body[:4000])
        candidates.extend(s.snippets)
        for text in candidates:
            if text not in seen:
                seen.add(text)
                out.append((s.index, text, s.started_iso))
        if len(out) >= 200:
            break
    return out
