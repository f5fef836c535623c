"""HAR captures as evidence: the browser's view of a sign-in.

``analyze_capture`` turns a streamed capture (``_har_read``) into reconstructed flows
(``_har_flows``), node and cookie findings (``_har_nodes``), error texts for the
knowledge base and causes for the ranking. ``diagnose`` and ``authdoctor har flows``
share it. Everything placed in a flow is display-safe: credentials appear only as
redaction markers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from authdoctor.errors import InputError
from authdoctor.evidence._har_flows import Flow, check, flow_view, reconstruct, redirect_loops, stray_errors
from authdoctor.evidence._har_nodes import AFFINITY_COOKIES, missing_cookies, nodes, route_of
from authdoctor.evidence._har_read import HAR_HEAD, Capture, read_capture
from authdoctor.evidence._oauth import cloud_for, provider_for, split_url
from authdoctor.extract.facts import Facts
from authdoctor.extract.kinds import Analysis, register
from authdoctor.sources.open import Document

Cause = tuple[str, float, str]
Text = tuple[int | None, str, str | None]


class NotHarError(InputError):
    """The input is not a HAR capture (or not JSON at all)."""


@dataclass
class HarResult:
    capture: Capture
    flows: list[dict[str, Any]] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    causes: list[Cause] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    facts: Facts = field(default_factory=Facts)
    notes: list[str] = field(default_factory=list)


def sniff(head: bytes) -> bool:
    """A JSON object whose first key is ``log`` holding an object: HAR 1.2 from any browser."""
    return bool(HAR_HEAD.match(head.lstrip(b"\xef\xbb\xbf")))


def require_har(head: bytes, name: str) -> None:
    """Raise ``NotHarError`` with the reason ``head`` cannot be a HAR capture."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if sniff(head):
        return
    if not text:
        raise NotHarError(f"{name}: empty file, not a HAR capture")
    if not text.startswith((b"{", b"[")):
        raise NotHarError(f"{name}: not JSON, so not a HAR capture (export it from the browser's Network tab: "
                     "'Save all as HAR' / 'Export HAR')")
    raise NotHarError(f"{name}: JSON, but not a HAR capture: a HAR file is an object with a top-level \"log\" holding "
                 "\"entries\"")


def analyze_capture(cap: Capture) -> HarResult:
    res = HarResult(capture=cap)
    steps = cap.steps
    flows = reconstruct(steps)
    for f in flows:
        check(f, flows)
    idp_hosts = {f.provider_host for f in flows if f.provider_host}
    idp_hosts |= {t.url.host for f in flows for t in f.tokens}
    app_hosts = _app_hosts(flows, steps, idp_hosts)
    flow_steps = {s.index for f in flows for s in (f.start, f.callback, f.back, *f.after) if s is not None}
    view = nodes(steps, app_hosts, flow_steps)
    callbacks = {f.callback.index for f in flows if f.callback is not None}
    res.problems.extend(view.problems)
    res.causes.extend(view.causes)
    _cookies(res, steps, callbacks)
    loops = redirect_loops(steps, flows)
    for why in loops:
        res.problems.append(why)
        lost = any(c[0] in ("browser_cookies_blocked", "session_affinity_broken") for c in res.causes)
        if not lost:
            res.causes.append(("browser_cookies_blocked", 0.35, f"The HAR capture shows: {why}"))
    _graph_tokens(res, steps)
    seen: set[str] = set()
    for f in flows:
        for t in f.texts:
            seen.add(t[1])
        res.texts.extend(f.texts)
        res.causes.extend(f.causes)
    res.texts.extend(stray_errors(steps, seen))
    _facts(res, flows, view.nodes)
    res.flows.append(_summary(cap, flows, res.problems, view.served))
    res.flows.extend(flow_view(f, cap.name, view.served) for f in flows)
    _notes(res, cap, flows)
    return res


def _app_hosts(flows: list[Flow], steps: list[Any], idp_hosts: set[str]) -> set[str]:
    hosts: set[str] = set()
    for f in flows:
        for s in (f.start, f.callback, *f.after):
            if s is not None:
                hosts.add(s.url.host)
        if f.redirect_uri:
            u = split_url(f.redirect_uri)
            if u is not None:
                hosts.add(u.host)
    if not hosts:  # no flow: every host that is not an identity provider
        hosts = {s.url.host for s in steps if provider_for(s.url.host) is None}
    return hosts - idp_hosts


def _cookies(res: HarResult, steps: list[Any], callbacks: set[int]) -> None:
    for m in missing_cookies(steps, callbacks):
        route = m.cookie.name in AFFINITY_COOKIES or route_of(m.cookie.name, m.cookie.value) is not None
        why = (f"cookie {m.cookie.name} set by request #{m.set_at} was not sent with request #{m.step.index} "
               f"({m.step.method} {m.step.url.host}{m.step.url.path[:60]}): {m.reason}")
        res.problems.append(why)
        strength = 0.75 if ("SameSite" in m.reason or m.step.index in callbacks) else 0.5
        res.causes.append(("browser_cookies_blocked", strength, f"The HAR capture shows: {why}"))
        if route:
            res.causes.append(("session_affinity_broken", 0.6, f"The HAR capture shows: without {m.cookie.name} the "
                               f"load balancer cannot keep request #{m.step.index} on the session's node"))


def _graph_tokens(res: HarResult, steps: list[Any]) -> None:
    from authdoctor.evidence.jwt import TokenError, decode, is_graph_token

    seen: set[str] = set()
    checked: dict[str, bool] = {}  # bearer token -> is a Graph token; a page sends the same token many times
    for s in steps:
        if not s.bearer or s.url.host.startswith("graph.microsoft.") or s.url.host in seen:
            continue
        graph = checked.get(s.bearer)
        if graph is None:
            try:
                d = decode(s.bearer)
                graph = d.kind == "jws" and is_graph_token(d)
            except TokenError:
                graph = False
            checked[s.bearer] = graph
        if graph:
            seen.add(s.url.host)
            why = (f"request #{s.index} sends a Microsoft Graph access token to {s.url.host}: only Graph can validate "
                   "it, so that API refuses its signature; request a token for the API's own scope")
            res.problems.append(why)
            res.causes.append(("token_wrong_audience", 0.8, f"The HAR capture shows: {why}"))


def _facts(res: HarResult, flows: list[Flow], node_labels: set[str]) -> None:
    for f in flows:
        host = f.provider_host
        if host:
            p = provider_for(host)
            if p:
                res.facts.set("provider", p, "HAR capture", override=False)
            c = cloud_for(host)
            if c:
                res.facts.set("cloud", c, "HAR capture", override=False)
    if len(node_labels) > 1:
        res.facts.set("clustered", True, "HAR capture (route cookies / node headers)")
        res.facts.set("nodes", len(node_labels), "HAR capture (route cookies / node headers)")
        res.facts.set("sticky_sessions", False, "HAR capture (requests of one session on several nodes)")


def _summary(cap: Capture, flows: list[Flow], problems: list[str], served: dict[int, str]) -> dict[str, Any]:
    return {"kind": "har_capture", "source": cap.name, "creator": cap.creator, "entries": cap.entries,
            "flows": len(flows), "nodes": sorted(set(served.values())), "truncated": bool(cap.truncated),
            "problems": list(dict.fromkeys(problems))}


def _notes(res: HarResult, cap: Capture, flows: list[Flow]) -> None:
    if cap.truncated:
        res.notes.append(f"{cap.name}: {cap.truncated}; the entries before the cut were analysed")
    if cap.error:
        res.notes.append(f"{cap.name}: {cap.error}")
    if cap.dropped:
        res.notes.append(f"{cap.name}: {cap.entries:,} entries; only the first {len(cap.steps):,} were analysed")
    if cap.entries == 0 and not cap.error and not cap.truncated:
        res.notes.append(f"{cap.name}: the HAR capture has no entries (was recording on while reproducing?)")
    elif not flows and cap.entries:
        res.notes.append(f"{cap.name}: no OAuth/OIDC flow found among {cap.entries:,} requests (no authorize request "
                         "or callback); record from before the sign-in starts, with 'Preserve log' enabled")
    if cap.steps and not any(s.cookies_recorded for s in cap.steps):
        res.notes.append(f"{cap.name}: the capture holds no cookies (a sanitized export?): cookie and route-cookie "
                         "checks were skipped")


def read(stream: IO[bytes], name: str, head: bytes) -> HarResult:
    """Read and analyse one capture; raises ``NotHarError`` when it is no HAR at all."""
    require_har(head, name)
    cap = read_capture(stream, name, head)
    if cap.error and cap.entries == 0:
        raise NotHarError(f"{name}: {cap.error}")
    return analyze_capture(cap)


def analyze(doc: Document) -> Analysis:
    out = Analysis()
    with doc.open() as stream:
        cap = read_capture(stream, doc.name, doc.head)
    res = analyze_capture(cap)
    out.texts.extend(res.texts)
    out.flows.extend(res.flows)
    out.causes.extend(res.causes)
    out.facts.merge(res.facts)
    out.notes.extend(res.notes)
    return out


register("har", sniff, analyze)
